"""Which optimizers and hyperparameters a map can run, checked in one pass before any work
starts.

The rules are the torch-free catalogue's
(:func:`landscape_app.core.catalogue.map_checks.check_map_optimizer`), which the ``map`` command
also checks its arguments with before torch is imported.
"""

from __future__ import annotations

from landscape_app.core.catalogue.map_checks import check_map_optimizer
from landscape_app.core.maps.axes import Sweep
from landscape_app.core.optim.registry import OptimizerSpec


def check_map_request(spec: OptimizerSpec, region, objective, network: bool) -> None:
    """Refuse what ``spec`` cannot do on ``region`` (a start grid or a :class:`Sweep`) of
    ``objective``: an optimizer a map cannot run, ``batch_size``/``grad_noise`` (fixed or
    swept) that do not fit the landscape, axes that are not its hyperparameters in range."""
    samples = objective.training_data[0].shape[0] if network else None
    axes = (region.axis0, region.axis1) if isinstance(region, Sweep) else ()
    check_map_optimizer(spec.id, spec.params, axes, network, samples)
