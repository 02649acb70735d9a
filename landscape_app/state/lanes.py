"""Lanes as the user sees them: readable titles, unique labels, colours in palette order, and
the race shown at first launch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.catalogue.optimizer_records import optimizer_record
from landscape_app.core.catalogue.optimizer_specs import param_spec
from landscape_app.core.labels import unique_labels
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.state.model import PALETTE, LandscapeSpec, Lane, SessionState

#: How many changed settings a lane's title names before "…".
LABEL_SETTINGS = 2

#: The race shown at first launch: four classic methods on Rosenbrock's valley.
DEFAULT_LANES = (
    OptimizerSpec("sgd", {"lr": 0.001}),
    OptimizerSpec("momentum", {"lr": 0.0003}),
    OptimizerSpec("adam", {"lr": 0.05}),
    OptimizerSpec("rmsprop", {"lr": 0.01}),
)


def format_value(value: Any) -> str:
    """A value as the text its editor shows (``0.001``, ``1e-08``, ``200``)."""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def lane_title(spec: OptimizerSpec) -> str:
    """``Adam (lr=0.05)``: the optimizer's title and the first settings that differ."""
    title = optimizer_record(spec.id).title
    defaults = {p.name: p.default for p in param_spec(spec.id, spec.params)}
    changed = [f"{k}={format_value(v)}" for k, v in spec.params.items() if defaults.get(k) != v]
    if not changed:
        return title
    more = "…" if len(changed) > LABEL_SETTINGS else ""
    return f"{title} ({', '.join(changed[:LABEL_SETTINGS])}{more})"


def make_lanes(specs: Sequence[OptimizerSpec]) -> tuple[Lane, ...]:
    """Lanes for ``specs`` with readable unique labels and the palette's colours in order."""
    labels = unique_labels([lane_title(spec) for spec in specs])
    return tuple(Lane(label, spec, PALETTE[i % len(PALETTE)])
                 for i, (label, spec) in enumerate(zip(labels, specs, strict=True)))


def default_session() -> SessionState:
    """Four classic methods racing on Rosenbrock."""
    return SessionState(landscape=LandscapeSpec(LandscapeKind.FUNCTION, "rosenbrock"),
                        lanes=make_lanes(DEFAULT_LANES))
