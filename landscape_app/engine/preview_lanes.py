"""Exact previews fast: each lane the map engine can step is run as a batch of one row.

A drag preview is the race the session would run from the dragged start. Stepping it in the
race runner costs about 0.1 s a lane for 300 steps (a record, its internals and the runner's
book-keeping at every step); the map engine steps the same run — the same torch.optim code on
a ``(1, 2)`` row, its single-tensor implementation (``fused=False``, called without
``Optimizer.step``'s wrapper: :mod:`~landscape_app.core.maps.direct_step`), the same
closed-form (in Python numbers: :mod:`~landscape_app.core.maps.one_row`) or autograd gradient
and the same stopping rules — with none of that, and
:func:`batched_lane` turns its path into the race's rows at once. The exactness tests hold the
engine's rows to the single run; ``tests/engine/test_preview_lanes.py`` holds these rows to
the race's own, column by column.

What the preview does not get from the engine it does not need, or computes once:

* the ``time`` column (the optimizer's cumulative wall time, different on every run) is the
  batched run's time shared evenly among its steps;
* the last row's internals (what the overlays draw at the head): the gradient at the last
  point, evaluated there again (the same numbers), and the last displacement.

:class:`PreviewStepper` runs the lanes of :data:`BATCHED` so, and the others (the ones the
engine cannot batch, and Lookahead and Ranger, whose slow weights — drawn as the ``anchor`` —
and damped Newton, whose gradient count, the engine does not keep per step) in the race
runner, as before; with the sharpness measured every lane goes through the race runner.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import torch

from landscape_app.core.catalogue.map_checks import MAPPABLE
from landscape_app.core.maps.engine import run_rows
from landscape_app.core.maps.stochastic_rows import evaluate_rows, rows_evaluate
from landscape_app.core.objective import Objective
from landscape_app.core.optim.optimizer_base import Internals
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.core.runner import Racer, lane_ending
from landscape_app.core.sharpness_reading import reading_rows
from landscape_app.core.status import CellStatus
from landscape_app.engine.steppers import SHARPNESS, RaceStepper, minimum_distances
from landscape_app.engine.traces import COLUMNS, LaneChunk

#: Optimizers whose preview is the map engine's single row: the mappable ones but
#: Lookahead, Ranger (slow weights not kept) and damped Newton (gradient count not kept).
BATCHED = tuple(i for i in MAPPABLE if i not in ("lookahead", "ranger", "newton"))


def batched_lane(objective: Objective, spec: OptimizerSpec, start: np.ndarray, seed: int,
                 max_steps: int, index: int = 0) -> LaneChunk:
    """Lane ``index``'s whole race from ``start``, stepped by the map engine: every row from
    step 0 to where it stopped, its status and message, distance and last internals, as
    :class:`~landscape_app.engine.steppers.RaceStepper` gives them."""
    start = np.asarray(start, dtype=float).reshape(1, -1)
    began = time.perf_counter()
    out = run_rows(objective, spec, start, {}, max_steps, -np.inf,
                   device=objective.device, dtype=str(objective.dtype).removeprefix("torch."),
                   seed=seed, path_steps=range(max_steps + 1), fused=False)
    seconds = time.perf_counter() - began
    end = int(out["stopped_at"][0])
    xy, losses = out["paths"][0, :end + 1], out["path_loss"][0, :end + 1]
    steps = np.arange(end + 1)
    evaluations = out["step_evaluations"][:end + 1]
    rows = np.empty((end + 1, len(COLUMNS)))
    rows[:, :SHARPNESS] = np.column_stack([
        steps, evaluations, evaluations, seconds * steps / max(end, 1), losses,
        np.minimum.accumulate(np.where(np.isnan(losses), np.inf, losses)), losses,
        xy[:, 0], xy[:, 1], np.full(end + 1, np.nan), minimum_distances(objective, xy)])
    rows[:, SHARPNESS:] = reading_rows([None] * (end + 1))
    last = xy[-1]
    converged = int(out["status"][0]) == CellStatus.CONVERGED
    status, message = lane_ending(last, float(losses[-1]), converged, end, max_steps,
                                  objective.divergence_radius)
    distance = (objective.distance_to_minimum(last) if np.all(np.isfinite(last))
                else float("nan"))
    return LaneChunk(index, rows, status, message, distance, _internals(objective, xy))


def _internals(objective: Objective, xy: np.ndarray) -> Internals:
    """The last row's internals as the single run reports them: the (true) gradient at the
    last point and the last displacement (none at step 0)."""
    param = torch.as_tensor(xy[-1:], dtype=objective.dtype, device=objective.device)
    param.requires_grad_(True)
    evaluate_rows(rows_evaluate(objective), param)
    gradient = param.grad[0].detach().cpu().numpy().astype(float, copy=True)
    velocity = xy[-1] - xy[-2] if len(xy) > 1 else None
    return Internals(gradient=gradient, velocity=velocity)


class PreviewStepper:
    """A race whose :data:`BATCHED` lanes are computed whole by :meth:`start` (the map
    engine) and whose other lanes step in a :class:`RaceStepper` of their own; the same
    protocol and rows as :class:`RaceStepper` with the same arguments."""

    offload = True

    def __init__(self, objective: Objective, racers: Sequence[Racer], start, seed: int,
                 max_steps: int, sharpness_every: int | None = None):
        self.objective, self.start_point = objective, np.asarray(start, dtype=float)
        self.seed, self.max_steps = seed, max_steps
        self.labels = [racer.label for racer in racers]
        batched = sharpness_every is None and getattr(objective, "dim", None) == 2
        self.batched = [(i, r.spec) for i, r in enumerate(racers)
                        if batched and r.spec.id in BATCHED]
        taken = {i for i, _ in self.batched}
        self.raced = [i for i in range(len(racers)) if i not in taken]  # race lane → lane
        self.race = (RaceStepper(objective, [racers[i] for i in self.raced], start, seed,
                                 max_steps, sharpness_every) if self.raced else None)

    @property
    def done(self) -> bool:
        return self.race is None or self.race.done

    def start(self) -> list[LaneChunk]:
        chunks = [batched_lane(self.objective, spec, self.start_point, self.seed,
                               self.max_steps, index) for index, spec in self.batched]
        if self.race is not None:
            chunks += self._renumbered(self.race.start())
        return chunks

    def advance(self, steps: int) -> list[LaneChunk]:
        return [] if self.race is None else self._renumbered(self.race.advance(steps))

    def _renumbered(self, chunks: list[LaneChunk]) -> list[LaneChunk]:
        return [LaneChunk(self.raced[c.index], c.rows, c.status, c.message, c.distance,
                          c.internals) for c in chunks]


__all__ = ["BATCHED", "PreviewStepper", "batched_lane"]
