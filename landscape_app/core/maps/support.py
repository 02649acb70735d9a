"""Which optimizers and hyperparameters a map can run, checked before any work starts."""

from __future__ import annotations

from typing import Any

from landscape_app.core.errors import HyperparameterError, LandscapeError
from landscape_app.core.maps.axes import LAYER_LR_NAMES, Sweep, SweepAxis
from landscape_app.core.optim.registry import OptimizerSpec, optimizer_class
from landscape_app.core.optim.schedules import SCHEDULE_PARAMS

#: Element-wise methods stepped by torch.optim itself on the stacked starts (and by
#: :mod:`landscape_app.core.maps.rules` in sweeps), with Lookahead/Ranger and schedules.
MAPPABLE = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "radam",
            "heun", "lookahead", "ranger")

REFUSED = {
    "newton": "damped Newton's per-start line search is not batched yet",
    "lbfgs": "L-BFGS keeps a history and a line search per run",
    "slsqp": "SLSQP runs scipy's routine one start at a time",
    "dual-annealing": "dual annealing runs scipy's routine one start at a time",
    "pso": "a swarm is random: its map would depend on the seed as much as on the start",
    "cmaes": "CMA-ES is random: its map would depend on the seed as much as on the start",
    "sa": "simulated annealing is random: its map would depend on the seed as much as on "
          "the start",
}

#: Schedule settings are shared by every cell (the lr itself may be swept).
NOT_SWEEPABLE = frozenset(p.name for p in SCHEDULE_PARAMS) | {"lookahead_k", "inner"}


def check_mappable(spec: OptimizerSpec) -> None:
    """Raise :class:`LandscapeError` naming why ``spec``'s optimizer cannot be mapped."""
    if spec.id in MAPPABLE:
        return
    reason = REFUSED.get(spec.id, "it is not an element-wise gradient method")
    raise LandscapeError(f"{spec.id} cannot be mapped: {reason}; mappable optimizers: "
                         f"{', '.join(MAPPABLE)}")


def validate_sweep(spec: OptimizerSpec, sweep: Sweep, network: bool) -> None:
    """Check both axes against ``spec``'s hyperparameters (name, type, range, combination)."""
    check_mappable(spec)
    for axis in (sweep.axis0, sweep.axis1):
        validate_axis(spec, axis, network)
    if {sweep.axis0.name, sweep.axis1.name} & set(LAYER_LR_NAMES):
        return
    for a in (sweep.axis0.low, sweep.axis0.high):  # the corners validate the combination
        for b in (sweep.axis1.low, sweep.axis1.high):
            params = {**spec.params, sweep.axis0.name: a, sweep.axis1.name: b}
            OptimizerSpec(spec.id, params).create()


def validate_axis(spec: OptimizerSpec, axis: SweepAxis, network: bool) -> None:
    cls = optimizer_class(spec.id)
    by_name = {p.name: p for p in cls.param_spec(dict(spec.params))}
    name = axis.name
    if name in LAYER_LR_NAMES:
        if not network:
            raise LandscapeError(f"--sweep {name}: per-layer learning rates apply to networks "
                                 "(--model) only")
        param = by_name["lr"]
    elif name not in by_name:
        known = [n for n, p in by_name.items() if _sweepable(p.name, p.default)]
        if network:
            known += list(LAYER_LR_NAMES)
        raise HyperparameterError(f"--sweep {name}: {spec.id} has no hyperparameter {name!r}; "
                                  f"it can sweep: {', '.join(known)}")
    else:
        param = by_name[name]
        if not _sweepable(name, param.default):
            raise HyperparameterError(f"--sweep {name}: {name} cannot be swept (only "
                                      "numeric hyperparameters outside the schedule can)")
    for value in (axis.low, axis.high):
        param.validate(value)


def _sweepable(name: str, default: Any) -> bool:
    return isinstance(default, float) and name not in NOT_SWEEPABLE
