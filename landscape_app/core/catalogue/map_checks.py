"""What an outcome map may span and which optimizers and hyperparameters it can run, without
torch.

:mod:`landscape_app.core.maps` computes the maps and checks its requests with these rules; the
``map`` command checks its arguments with them before torch is imported.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.catalogue.optimizer_params import SCHEDULE_PARAMS
from landscape_app.core.catalogue.optimizer_records import ids_where, optimizer_record
from landscape_app.core.catalogue.optimizer_specs import check_combination, param_spec
from landscape_app.core.catalogue.stochastic_checks import STOCHASTIC_NAMES, check_lane_landscape
from landscape_app.core.errors import HyperparameterError, LandscapeError
from landscape_app.core.params import validate_params

#: Largest side of a map (16.7 M cells).
MAX_SIDE = 4096
#: Largest ``cells × parameters`` (the final positions alone are this many numbers).
MAX_CELL_PARAMETERS = 50_000_000
#: Per-layer learning rates of a network sweep: the first and the last layer's weights/bias.
LAYER_LR_NAMES = ("lr_first", "lr_last")

#: The optimizers a map can run (their records say so): the element-wise methods stepped by
#: torch.optim itself on the stacked starts (and by :mod:`landscape_app.core.maps.rules` in
#: sweeps), with Lookahead/Ranger and schedules; damped Newton by its batched line search
#: (:mod:`landscape_app.core.maps.newton_rows`).
MAPPABLE = ids_where(lambda record: record.mappable)

#: Whole-number hyperparameters a map can sweep: each cell's value is rounded to the nearest
#: whole number (a batch size's cells run in groups, one per batch size).
INTEGER_AXES = frozenset({"batch_size"})

#: Schedule settings are shared by every cell (the lr itself may be swept).
NOT_SWEEPABLE = frozenset(p.name for p in SCHEDULE_PARAMS) | {"lookahead_k", "inner"}


class AxisLike(Protocol):
    """One swept hyperparameter: a name and the two ends of its range."""

    name: str
    low: float
    high: float


def check_side(res: int, dim: int = 2, what: str = "--res") -> int:
    """Validate a map side for ``dim`` parameters per cell, naming the limit."""
    if isinstance(res, bool) or not isinstance(res, int) or res < 2:
        raise LandscapeError(f"{what} {res!r}: must be a whole number ≥ 2")
    limit = min(MAX_SIDE, math.isqrt(MAX_CELL_PARAMETERS // max(dim, 1)))
    if res > limit:
        raise LandscapeError(f"{what} {res} is too large: at most {limit} for {dim} parameters "
                             f"per cell ({limit}² cells)")
    return res


def parse_sweep_text(text: str) -> tuple[str, float, float, bool]:
    """``"lr=1e-4:1:log"`` → ``("lr", 1e-4, 1.0, True)`` (``:lin`` is the default).

    Only the syntax is checked here; :func:`check_sweep` checks the name and range against
    the optimizer.
    """
    name, sep, body = text.partition("=")
    name = name.strip()
    parts = [part.strip() for part in body.split(":")]
    if not sep or not name or len(parts) not in (2, 3):
        raise LandscapeError(f"--sweep {text!r}: expected NAME=LOW:HIGH[:log|lin], "
                             "e.g. lr=1e-4:1:log")
    scale = parts[2].lower() if len(parts) == 3 else "lin"
    if scale not in ("log", "lin"):
        raise LandscapeError(f"--sweep {text!r}: the scale must be log or lin, not {parts[2]!r}")
    try:
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise LandscapeError(f"--sweep {text!r}: LOW and HIGH must be numbers") from None
    if not (math.isfinite(low) and math.isfinite(high)) or low == high:
        raise LandscapeError(f"--sweep {text!r}: LOW and HIGH must be finite and different")
    if scale == "log" and (low <= 0 or high <= 0):
        raise LandscapeError(f"--sweep {text!r}: a log axis cannot reach or cross zero; "
                             "use positive ends or :lin")
    return name, low, high, scale == "log"


def sweepable_names(optimizer_id: str, params: Mapping[str, Any],
                    network: bool = False) -> list[str]:
    """The hyperparameters of ``optimizer_id`` (with ``params`` chosen) a map can sweep on a
    network (``batch_size``, not ``grad_noise``) or a function (the other way round)."""
    unfit = "grad_noise" if network else "batch_size"
    names = [p.name for p in param_spec(optimizer_id, dict(params))
             if sweepable(p.name, p.default) and p.name != unfit]
    return names + (list(LAYER_LR_NAMES) if network else [])


def check_sweep_names(first: str, second: str) -> None:
    """Refuse two sweeps over the same hyperparameter."""
    if first == second:
        raise LandscapeError(f"both sweeps are over {first}; choose two different "
                             "hyperparameters")


def check_mappable(optimizer_id: str) -> None:
    """Raise :class:`LandscapeError` naming why ``optimizer_id`` cannot be mapped."""
    refusal = optimizer_record(optimizer_id).map_refusal
    if refusal:
        raise LandscapeError(f"{optimizer_id} cannot be mapped: {refusal}; mappable "
                             f"optimizers: {', '.join(MAPPABLE)}")


def check_map_optimizer(optimizer_id: str, params: Mapping[str, Any],
                        axes: Sequence[AxisLike], network: bool,
                        samples: int | None = None) -> None:
    """Everything about the optimizer a map runs, in one pass: it can be mapped; its
    ``batch_size``/``grad_noise``, fixed or swept, fit the landscape (a batch size on a
    network of ``samples`` points, no larger; gradient noise on a function); and a sweep's two
    ``axes`` (none for a start map) are its hyperparameters, in range, going together."""
    check_mappable(optimizer_id)
    kind = LandscapeKind.NETWORK if network else LandscapeKind.FUNCTION
    check_lane_landscape(optimizer_id, params, kind, samples)
    for axis in axes:
        if axis.name in STOCHASTIC_NAMES:
            for value in (axis.low, axis.high):
                check_lane_landscape(optimizer_id, {axis.name: value}, kind, samples)
    if axes:
        check_sweep(optimizer_id, params, axes, network)


def check_sweep(optimizer_id: str, params: Mapping[str, Any], axes: Sequence[AxisLike],
                network: bool) -> None:
    """Check two axes against the optimizer's hyperparameters (name, type, range, combination).

    ``params`` are the optimizer's values as written (the spec's), ``network`` whether the map
    is of a network (which may also sweep :data:`LAYER_LR_NAMES`).
    """
    check_sweep_names(axes[0].name, axes[1].name)
    for axis in axes:
        check_axis(optimizer_id, params, axis, network)
    if {axis.name for axis in axes} & set(LAYER_LR_NAMES):
        return
    for a in (axes[0].low, axes[0].high):  # the corners validate the combination
        for b in (axes[1].low, axes[1].high):
            given = {**params, axes[0].name: a, axes[1].name: b}
            values = validate_params(param_spec(optimizer_id, given), given, optimizer_id)
            check_combination(optimizer_id, values)


def check_axis(optimizer_id: str, params: Mapping[str, Any], axis: AxisLike,
               network: bool) -> None:
    """Check one axis: a sweepable hyperparameter of the optimizer, both ends in its range."""
    by_name = {p.name: p for p in param_spec(optimizer_id, dict(params))}
    name = axis.name
    if name in LAYER_LR_NAMES:
        if not network:
            raise LandscapeError(f"--sweep {name}: per-layer learning rates apply to networks "
                                 "(--model) only")
        param = by_name["lr"]
    elif name not in by_name:
        known = [n for n, p in by_name.items() if sweepable(p.name, p.default)]
        if network:
            known += list(LAYER_LR_NAMES)
        raise HyperparameterError(f"--sweep {name}: {optimizer_id} has no hyperparameter "
                                  f"{name!r}; it can sweep: {', '.join(known)}")
    else:
        param = by_name[name]
        if not sweepable(name, param.default):
            raise HyperparameterError(f"--sweep {name}: {name} cannot be swept (only "
                                      "numeric hyperparameters outside the schedule, and "
                                      "batch_size, can)")
    for value in (axis.low, axis.high):
        param.validate(value)


def sweepable(name: str, default: Any) -> bool:
    """Whether a hyperparameter with this name and default can be put on a map's axis (the
    float ones outside the schedule, and the batch size, rounded to whole numbers)."""
    return name in INTEGER_AXES or (isinstance(default, float) and name not in NOT_SWEEPABLE)
