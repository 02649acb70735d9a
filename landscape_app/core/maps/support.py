"""Which optimizers and hyperparameters a map can run, checked before any work starts.

The rules are the torch-free catalogue's (:mod:`landscape_app.core.catalogue.maps`), which
the ``map`` command also checks its arguments with before torch is imported.
"""

from __future__ import annotations

from landscape_app.core.catalogue import maps as rules
from landscape_app.core.maps.axes import Sweep, SweepAxis
from landscape_app.core.optim.registry import OptimizerSpec

MAPPABLE = rules.MAPPABLE


def check_mappable(spec: OptimizerSpec) -> None:
    """Raise :class:`LandscapeError` naming why ``spec``'s optimizer cannot be mapped."""
    rules.check_mappable(spec.id)


def validate_sweep(spec: OptimizerSpec, sweep: Sweep, network: bool) -> None:
    """Check both axes against ``spec``'s hyperparameters (name, type, range, combination)."""
    rules.check_sweep(spec.id, spec.params, (sweep.axis0, sweep.axis1), network)


def validate_axis(spec: OptimizerSpec, axis: SweepAxis, network: bool) -> None:
    """Check one axis against ``spec``'s hyperparameters (a sweepable name, both ends valid)."""
    rules.check_axis(spec.id, spec.params, axis, network)
