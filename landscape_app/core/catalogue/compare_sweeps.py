"""What a comparison sweeps, without torch: each optimizer's settings, checked up front.

A comparison runs every optimizer at ``L`` settings of one hyperparameter (or the grid of two,
flattened: ``L = K₁ · K₂``) from every start. ``--sweep NAME=LOW:HIGH[:log|lin][:K]`` gives
the values (``K`` of them, 32 by default); without one an optimizer sweeps its main setting
(:data:`DEFAULT_SWEEPS`, else the learning rate over four decades around its default,
``lr/100 … lr·100``, log). The ``compare`` command checks its arguments with these rules
before torch is imported.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from landscape_app.core.catalogue.map_checks import (
    MAPPABLE,
    check_axis,
    check_sweep_names,
    parse_sweep_text,
)
from landscape_app.core.catalogue.optimizer_specs import check_combination, param_spec
from landscape_app.core.errors import LandscapeError
from landscape_app.core.params import validate_params

#: Values per sweep when ``:K`` is not given.
DEFAULT_COUNT = 32
#: Most settings one optimizer may have (both sweeps together).
MAX_SETTINGS = 4096
#: The setting swept by default where it is not the learning rate (name, low, high, log).
DEFAULT_SWEEPS: dict[str, tuple[str, float, float, bool]] = {
    "slsqp": ("eps", 1e-8, 1e-2, True),
    "pso": ("inertia", 0.1, 1.0, False),
    "cmaes": ("sigma0", 1e-2, 10.0, True),
    "sa": ("step_size", 1e-3, 10.0, True),
    "dual-annealing": ("initial_temp", 1.0, 5e4, True),
}
#: The learning-rate sweep spans this factor either side of the default (four decades).
LR_SPAN = 100.0


@dataclass(frozen=True)
class CompareSweep:
    """``count`` values of the hyperparameter ``name`` from ``low`` to ``high``."""

    name: str
    low: float
    high: float
    log: bool
    count: int = DEFAULT_COUNT

    def values(self) -> list[float]:
        """The values, geometric when ``log`` (whole numbers for ``batch_size``)."""
        if self.count == 1:
            return [self.low]
        if self.log:
            ratio = math.log(self.high / self.low) / (self.count - 1)
            values = [self.low * math.exp(ratio * i) for i in range(self.count)]
        else:
            width = (self.high - self.low) / (self.count - 1)
            values = [self.low + width * i for i in range(self.count)]
        values[-1] = self.high
        return [float(round(v)) for v in values] if self.name == "batch_size" else values

    def to_text(self) -> str:
        scale = "log" if self.log else "lin"
        return f"{self.name}={self.low:g}:{self.high:g}:{scale}:{self.count}"


def parse_compare_sweep(text: str) -> CompareSweep:
    """``"lr=1e-4:1:log:16"`` → ``CompareSweep("lr", 1e-4, 1.0, True, 16)`` (the scale and
    the count are optional, in that order: ``lr=1e-4:1:16`` is linear)."""
    name, sep, body = text.partition("=")
    parts = body.split(":")
    count = DEFAULT_COUNT
    if sep and (len(parts) == 4 or (len(parts) == 3
                                    and parts[2].strip().lower() not in ("log", "lin"))):
        try:
            count = int(parts[-1])
        except ValueError:
            raise LandscapeError(f"--sweep {text!r}: the count K must be a whole number, "
                                 "e.g. lr=1e-4:1:log:32") from None
        text = f"{name}={':'.join(parts[:-1])}"
    if not 1 <= count <= MAX_SETTINGS:
        raise LandscapeError(f"--sweep {text!r}: the count must be 1 to {MAX_SETTINGS}")
    name, low, high, log = parse_sweep_text(text)
    return CompareSweep(name, low, high, log, count)


def default_sweep(optimizer_id: str, params: Mapping[str, Any]) -> CompareSweep:
    """The sweep of an optimizer given no ``--sweep``: its main setting (the learning rate
    over ``[lr/100, lr·100]``, log, for the methods that have one)."""
    if optimizer_id in DEFAULT_SWEEPS:
        return CompareSweep(*DEFAULT_SWEEPS[optimizer_id])
    by_name = {p.name: p for p in param_spec(optimizer_id, dict(params))}
    if "lr" not in by_name:
        raise LandscapeError(f"{optimizer_id} has no learning rate; give it a --sweep")
    lr = float(params.get("lr", by_name["lr"].default))
    return CompareSweep("lr", lr / LR_SPAN, lr * LR_SPAN, True)


def check_compare_sweeps(optimizer_id: str, params: Mapping[str, Any],
                         sweeps: Sequence[CompareSweep], network: bool) -> None:
    """One or two sweeps over different sweepable hyperparameters of the optimizer, both
    ends valid; the swept settings may not also be given in the spec."""
    if not 1 <= len(sweeps) <= 2:
        raise LandscapeError(f"{optimizer_id}: one or two --sweep per --optimizer, "
                             f"not {len(sweeps)}")
    if len(sweeps) == 2:
        check_sweep_names(sweeps[0].name, sweeps[1].name)
    for sweep in sweeps:
        if sweep.name in params:
            raise LandscapeError(f"{optimizer_id}: {sweep.name} is both set "
                                 f"({sweep.name}={params[sweep.name]}) and swept; drop one")
        if optimizer_id in MAPPABLE:
            check_axis(optimizer_id, params, sweep, network)
        else:
            by_name = {p.name: p for p in param_spec(optimizer_id, dict(params))}
            if sweep.name not in by_name or not isinstance(by_name[sweep.name].default,
                                                           float):
                known = [n for n, p in by_name.items() if isinstance(p.default, float)]
                raise LandscapeError(f"--sweep {sweep.name}: {optimizer_id} has no numeric "
                                     f"setting {sweep.name!r}; it can sweep: "
                                     f"{', '.join(known)}")
            for value in (sweep.low, sweep.high):
                by_name[sweep.name].validate(value)
    settings = math.prod(sweep.count for sweep in sweeps)
    if settings > MAX_SETTINGS:
        raise LandscapeError(f"{optimizer_id}: {settings} settings; at most {MAX_SETTINGS}")
    corners = itertools.product(*[(sweep.low, sweep.high) for sweep in sweeps])
    for corner in corners:  # the corners validate the combination
        given = {**params, **{sweep.name: value for sweep, value in zip(sweeps, corner,
                                                                         strict=True)}}
        if set(given) & {"lr_first", "lr_last"}:
            continue
        values = validate_params(param_spec(optimizer_id, given), given, optimizer_id)
        check_combination(optimizer_id, values)


def setting_grid(sweeps: Sequence[CompareSweep]) -> list[tuple[float, ...]]:
    """Every setting: the values of one sweep, or of two as a grid flattened row-major (the
    first sweep's value changes slowest)."""
    return list(itertools.product(*[sweep.values() for sweep in sweeps]))
