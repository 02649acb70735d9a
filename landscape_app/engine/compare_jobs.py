"""The window's comparison of its lanes, Qt-free: what Maps ▸ Compare optimizers runs and the
:class:`~landscape_app.state.compare_record.CompareRecord` its panel shows.

Every lane is compared with its fixed settings as they are and its main setting swept as the
``compare`` command sweeps it by default (:func:`~landscape_app.core.catalogue.compare_sweeps.
default_sweep`: the learning rate over four decades around the lane's own value), with the
dialog's number of settings, from ``side × side`` starts over the 2D landscape's view box (a
network: ``side²`` initialisations from the session's seed). A lane that cannot be compared
is left out and named, with why; the others still run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from landscape_app.core.catalogue.compare_sweeps import (
    CompareSweep,
    check_compare_sweeps,
    default_sweep,
)
from landscape_app.core.catalogue.stochastic_checks import check_lane_landscape
from landscape_app.core.errors import LandscapeError
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.state.compare_record import CompareLane, CompareRecord, CompareSettings
from landscape_app.state.model import SessionState


@dataclass(frozen=True, eq=False)
class CompareJob:
    """One comparison: ``optimizers`` (fixed spec, sweep) of the lanes ``lanes`` (their
    indices, labels and colours) on ``target`` from ``starts``."""

    target: Any  # an Objective (2D) or a NetworkConfig
    optimizers: tuple[tuple[OptimizerSpec, CompareSweep], ...]
    lanes: tuple[tuple[int, str, str], ...]
    starts: np.ndarray
    settings: CompareSettings
    seed: int
    skipped: tuple[str, ...]

    def run(self, progress=None, cancelled=None):
        """The :class:`~landscape_app.core.compare.CompareResult` (float32, best device)."""
        from landscape_app.core.compare import compare

        return compare(self.target, [(spec, [sweep]) for spec, sweep in self.optimizers],
                       self.starts, self.settings.steps, self.settings.tolerance,
                       dtype="float32", device="auto", seed=self.seed, progress=progress,
                       cancelled=cancelled)


def lane_sweep(spec: OptimizerSpec, count: int) -> tuple[OptimizerSpec, CompareSweep]:
    """The lane's fixed settings (``spec`` without the swept one) and its default sweep,
    ``count`` values."""
    sweep = replace(default_sweep(spec.id, spec.params), count=count)
    fixed = {name: value for name, value in spec.params.items() if name != sweep.name}
    return OptimizerSpec(spec.id, fixed), sweep


def plan_compare(state: SessionState, landscape, settings: CompareSettings) -> CompareJob:
    """The comparison of ``state``'s lanes on its landscape (``landscape``: the built 2D one,
    None on a network).

    Raises
    ------
    LandscapeError
        Nothing can be compared (no landscape yet, no lane that can), in one line.
    """
    settings = settings.checked()
    network = state.landscape.kind == "network"
    samples = None
    if network:
        from landscape_app.core.compare import seed_starts
        from landscape_app.state.network_settings import parse_network

        target = parse_network(state.landscape.network, lane_count=len(state.lanes)).config
        starts, samples = seed_starts(state.seed, settings.side), target.sample_count
    elif landscape is None:
        raise LandscapeError("the landscape is still being computed; compare once it is shown")
    else:
        from landscape_app.core.compare import grid_starts

        target = landscape.objective
        (x0, x1), (y0, y1) = landscape.box
        starts = grid_starts((float(x0), float(x1)), (float(y0), float(y1)), settings.side)
    optimizers, lanes, skipped = [], [], []
    for index, lane in enumerate(state.lanes):
        try:
            spec, sweep = _comparable(lane.spec, settings.count, network, samples)
        except LandscapeError as error:
            skipped.append(f"{lane.label} ({error})")
            continue
        optimizers.append((spec, sweep))
        lanes.append((index, lane.label, lane.color))
    if not optimizers:
        reasons = "; ".join(skipped) or "the session has no optimizers"
        raise LandscapeError(f"no optimizer to compare: {reasons}")
    return CompareJob(target, tuple(optimizers), tuple(lanes), starts, settings, state.seed,
                      tuple(skipped))


def _comparable(spec: OptimizerSpec, count: int, network: bool, samples):
    """``lane_sweep`` of a lane the comparison can run, else a LandscapeError saying why."""
    fixed, sweep = lane_sweep(spec, count)
    check_compare_sweeps(fixed.id, fixed.params, (sweep,), network)
    kind = "network" if network else "function"
    for value in (sweep.low, sweep.high):
        check_lane_landscape(fixed.id, {**fixed.params, sweep.name: value}, kind, samples)
    return fixed, sweep


def record_of(job: CompareJob, result) -> CompareRecord:
    """What the panel shows (and the session keeps) of ``job``'s result."""
    lanes = []
    for o, (index, label, color) in enumerate(job.lanes):
        spec, sweep = job.optimizers[o]
        lanes.append(CompareLane(
            lane=index, label=label, color=color, optimizer=result.optimizers[o],
            sweep=sweep.name, log=sweep.log, values=_floats(result.settings[o, :, 0]),
            success=_floats(result.success[o]), median_loss=_floats(result.median_loss[o]),
            median_evaluations=_floats(result.median_evaluations[o]),
            tuning_curve=_floats(result.tuning_curve[o]), best=int(result.best[o])))
    return CompareRecord(job.settings, str(result.metadata["target"]),
                         bool(result.metadata["network"]), float(result.goal),
                         float(result.seconds), tuple(lanes), job.skipped)


def _floats(values) -> tuple[float, ...]:
    return tuple(float(v) for v in values)
