"""Outcome maps: one optimizer configuration run from many starts, or with many settings, at once.

Qt-free. Public API (what the ``map`` command and the window use)::

    from landscape_app.core.maps import StartGrid, Sweep, SweepAxis, compute_map

    starts = compute_map(objective, "adam:lr=0.05", StartGrid((-5, 5), (-5, 5), 256),
                         steps=300, device="auto", dtype="float32",
                         progress=lambda stage, fraction: ..., cancelled=lambda: False)
    sweep = compute_map(objective, "momentum", Sweep(SweepAxis("lr", 1e-4, 1, log=True),
                        SweepAxis("momentum", 0, 0.999), res=256, start=(-1.5, 2)), steps=500)
    starts.basin, starts.status, starts.steps_to_tolerance, starts.final   # [j, i] arrays
    field = compute_field(objective, "adam:lr=0.05", steps=300)   # every start's whole path
    field.paths, field.path_loss, field.path_steps, field.status    # (64², 301, 2), ...

See :class:`OutcomeMap` for every field and
:mod:`landscape_app.core.catalogue.map_checks` for the optimizers and hyperparameters that map.
"""

from landscape_app.core.catalogue.map_checks import (
    LAYER_LR_NAMES,
    MAPPABLE,
    MAX_SIDE,
    check_mappable,
    check_side,
)
from landscape_app.core.maps.axes import StartGrid, Sweep, SweepAxis, parse_sweep_axis
from landscape_app.core.maps.engine import compute_map
from landscape_app.core.maps.field import TrajectoryField, compute_field
from landscape_app.core.maps.outcome import OutcomeMap

__all__ = [
    "LAYER_LR_NAMES",
    "MAPPABLE",
    "MAX_SIDE",
    "OutcomeMap",
    "StartGrid",
    "TrajectoryField",
    "Sweep",
    "SweepAxis",
    "check_mappable",
    "check_side",
    "compute_field",
    "compute_map",
    "parse_sweep_axis",
]
