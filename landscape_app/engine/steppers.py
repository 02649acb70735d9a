"""Sources of race rows the worker drives: a live race, or the replay of a trained one.

Both speak the same small protocol (``labels``, ``start()``, ``advance(steps)``, ``done``)
and turn core records into the numpy rows of :mod:`landscape_app.engine.traces`, so nothing but
numpy reaches the window. ``offload`` says whether the worker should run the stepper in the
race process (:mod:`landscape_app.engine.race_process`): a live race is Python-heavy and does;
a replay only slices arrays it already has and stays in the worker thread.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from landscape_app.core.objective import Objective
from landscape_app.core.optim.optimizer_base import StepRecord
from landscape_app.core.result import Status
from landscape_app.core.runner import LaneUpdate, Race, Racer
from landscape_app.core.sharpness_reading import reading_rows
from landscape_app.core.surface_raw import RecordedPath
from landscape_app.engine.traces import COLUMN, COLUMNS, LaneChunk

#: The first of the sharpness columns.
SHARPNESS = COLUMN["sharpness"]


def record_rows(records: Sequence[StepRecord]) -> np.ndarray:
    """Rows ``(n, len(COLUMNS))`` of a 2D lane's records (the loss is also the height; the
    distance is left NaN: see :func:`minimum_distances`)."""
    rows = np.empty((len(records), len(COLUMNS)))
    for row, r in zip(rows, records, strict=True):
        x = np.asarray(r.x, dtype=float)
        row[:SHARPNESS] = (r.step, r.evals, r.grad_evals, r.time, r.loss, r.best_loss, r.loss,
                           x[0], x[1], np.nan if r.batch_loss is None else r.batch_loss, np.nan)
    rows[:, SHARPNESS:] = reading_rows([r.sharpness for r in records])
    return rows


def minimum_distances(objective: Objective, xy: np.ndarray) -> np.ndarray:
    """Each point's distance to the nearest known minimum, ``min_m ‖x − m‖₂`` (NaN with no
    known minimum or a non-finite point): :meth:`Objective.distance_to_minimum` for many."""
    xy = np.asarray(xy, dtype=float)
    if not objective.minima or not len(xy):
        return np.full(len(xy), np.nan)
    minima = np.array([m.position for m in objective.minima], dtype=float)[:, :2]
    distances = np.linalg.norm(xy[:, None, :] - minima[None, :, :], axis=2).min(axis=1)
    return np.where(np.all(np.isfinite(xy), axis=1), distances, np.nan)


def function_rows(objective: Objective, records: Sequence[StepRecord]) -> np.ndarray:
    """:func:`record_rows` with each row's distance to the nearest known minimum."""
    rows = record_rows(records)
    rows[:, COLUMN["distance"]] = minimum_distances(
        objective, rows[:, COLUMN["x"]:COLUMN["y"] + 1])
    return rows


class RaceStepper:
    """A live :class:`~landscape_app.core.runner.Race` on a 2D objective (measuring the
    sharpness every ``sharpness_every`` steps when given)."""

    offload = True

    def __init__(self, objective: Objective, racers: Sequence[Racer], start, seed: int,
                 max_steps: int, sharpness_every: int | None = None):
        self.objective = objective
        self.labels = [racer.label for racer in racers]
        self.race = Race(objective, racers, start, seed=seed, max_steps=max_steps,
                         sharpness_every=sharpness_every)

    @property
    def done(self) -> bool:
        return self.race.done

    def start(self) -> list[LaneChunk]:
        return [self._chunk(update) for update in self.race.start().updates]

    def advance(self, steps: int) -> list[LaneChunk]:
        return [self._chunk(update) for update in self.race.advance(steps).updates]

    def _chunk(self, update: LaneUpdate) -> LaneChunk:
        records = update.records
        last = records[-1] if records else self.race.lanes[update.index].last
        distance = float("nan")
        if last is not None and np.all(np.isfinite(last.x)):
            distance = self.objective.distance_to_minimum(last.x)
        return LaneChunk(update.index, function_rows(self.objective, records), update.status,
                         update.message, distance, last.internals if last else None)


def path_rows(path: RecordedPath) -> np.ndarray:
    """Rows of a lane projected on its plane (a surface file's or a trained network's): true
    loss, on-plane height, coordinates.

    What a path on a plane does not record (gradient evaluations, times; batch losses and
    sharpness when it has none) is NaN: the loss plot then has nothing to draw on those
    axes, rather than a guess.
    """
    losses = np.asarray(path.losses, dtype=float)
    best = np.fmin.accumulate(np.where(np.isfinite(losses), losses, np.inf))
    unknown = np.full(len(losses), np.nan)
    return np.column_stack([path.steps, path.evals, unknown, unknown, losses, best,
                            path.plane_losses, path.coords[:, 0], path.coords[:, 1],
                            unknown if path.batch_losses is None else path.batch_losses,
                            np.asarray(path.distances, dtype=float),
                            reading_rows([None] * len(losses)) if path.sharpness is None
                            else path.sharpness])


class ReplayStepper:
    """Replays lanes trained ahead (a network race) step by step on their plane."""

    offload = False

    def __init__(self, paths: Sequence[RecordedPath]):
        self.paths = list(paths)
        self.labels = [path.label for path in self.paths]
        self.rows = [path_rows(path) for path in self.paths]
        self.shown = [0] * len(self.paths)

    @property
    def done(self) -> bool:
        return all(shown >= len(rows) for shown, rows in zip(self.shown, self.rows, strict=True))

    def start(self) -> list[LaneChunk]:
        self.shown = [0] * len(self.paths)
        return self.advance(1)

    def advance(self, steps: int) -> list[LaneChunk]:
        chunks = []
        for index, (path, rows) in enumerate(zip(self.paths, self.rows, strict=True)):
            begin = self.shown[index]
            end = min(begin + steps, len(rows))
            if begin >= end:
                continue
            self.shown[index] = end
            finished = end >= len(rows)
            chunks.append(LaneChunk(
                index, rows[begin:end], path.status if finished else Status.RUNNING,
                path.message if finished else "", float(path.distances[end - 1]),
            ))
        return chunks
