"""Which optimizers and hyperparameters a map can run, checked before any work starts.

The rules are the torch-free catalogue's (:mod:`landscape_app.core.catalogue.maps`), which
the ``map`` command also checks its arguments with before torch is imported.
"""

from __future__ import annotations

from landscape_app.core.catalogue import maps as rules
from landscape_app.core.catalogue.stochastic import STOCHASTIC_NAMES, check_lane_landscape
from landscape_app.core.maps.axes import Sweep, SweepAxis
from landscape_app.core.optim.registry import OptimizerSpec

MAPPABLE = rules.MAPPABLE


def check_mappable(spec: OptimizerSpec) -> None:
    """Raise :class:`LandscapeError` naming why ``spec``'s optimizer cannot be mapped."""
    rules.check_mappable(spec.id)


def validate_sweep(spec: OptimizerSpec, sweep: Sweep, network: bool) -> None:
    """Check both axes against ``spec``'s hyperparameters (name, type, range, combination)."""
    rules.check_sweep(spec.id, spec.params, (sweep.axis0, sweep.axis1), network)


def check_stochastic(spec: OptimizerSpec, region, objective, network: bool) -> None:
    """Refuse ``batch_size``/``grad_noise`` (fixed or swept) that do not fit the landscape:
    a batch size on a function or beyond the data set, gradient noise on a network."""
    kind = "network" if network else "function"
    samples = objective.training_data[0].shape[0] if network else None
    check_lane_landscape(spec.id, spec.params, kind, samples)
    axes = (region.axis0, region.axis1) if isinstance(region, Sweep) else ()
    for axis in axes:
        if axis.name in STOCHASTIC_NAMES:
            for value in (axis.low, axis.high):
                check_lane_landscape(spec.id, {axis.name: value}, kind, samples)


def validate_axis(spec: OptimizerSpec, axis: SweepAxis, network: bool) -> None:
    """Check one axis against ``spec``'s hyperparameters (a sweepable name, both ends valid)."""
    rules.check_axis(spec.id, spec.params, axis, network)
