"""A race: several optimizers from one start on one objective, stepped as a plain generator.

No threads and no Qt: the GUI worker, the command line and the tests all drive the same code::

    race = Race(objective, [Racer("adam", OptimizerSpec("adam", {"lr": 0.05}))], start=(-1, 2))
    for batch in race.batches(steps_per_batch=10):
        for update in batch.updates:
            ...  # update.index, update.records, update.status

or, to the end in one call, ``result = race.run(progress=..., cancelled=...)``: a
:class:`~landscape_app.core.result.RaceResult`.

With ``sharpness_every=K`` every K-th record of each lane carries a
:class:`~landscape_app.core.sharpness_probe.SharpnessReading` (its ``sharpness`` field): λ_max
of the full-data loss Hessian there, the top-k eigenvalues, the optimizer's stability threshold
and, for adaptive methods, the preconditioned sharpness. The measurement is not part of the
lane's time or evaluation counts.

A lane whose loss or position becomes non-finite, or leaves the objective's divergence radius,
is marked ``diverged`` and stopped; an optimizer that raises is marked ``failed`` with the
error's message; the other lanes go on.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from landscape_app.core.device import warm_up
from landscape_app.core.errors import CancelledError
from landscape_app.core.objective import Objective, Problem
from landscape_app.core.optim.optimizer_base import Optimizer, StepRecord
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.core.progress import CancelPoll, StageProgress
from landscape_app.core.result import LaneResult, RaceResult, Status
from landscape_app.core.sharpness_probe import SharpnessProbe

__all__ = ["LaneUpdate", "Race", "RaceBatch", "Racer", "Status", "lane_ending"]

#: A race run to the end reports progress (and polls cancellation) about this many times.
PROGRESS_BATCHES = 50
#: The most steps per batch of :meth:`Race.run` (records do not depend on it).
MAX_BATCH_STEPS = 64


@dataclass(frozen=True)
class Racer:
    """One lane's optimizer: a label (unique within the race) and its spec."""

    label: str
    spec: OptimizerSpec


@dataclass(frozen=True)
class LaneUpdate:
    """New records of one lane since the last batch, and its status after them."""

    index: int
    records: tuple[StepRecord, ...]
    status: Status
    message: str = ""


@dataclass(frozen=True)
class RaceBatch:
    """What the race produced in one call: an update for every lane that moved or stopped."""

    updates: tuple[LaneUpdate, ...]
    done: bool


class _Lane:
    def __init__(self, index: int, racer: Racer, optimizer: Optimizer):
        self.index = index
        self.racer = racer
        self.optimizer = optimizer
        self.status = Status.RUNNING
        self.message = ""
        self.last: StepRecord | None = None


def lane_ending(x: np.ndarray, loss: float, converged: bool, step: int, max_steps: int,
                radius: float) -> tuple[Status, str] | None:
    """Whether a lane stops at ``step`` (position ``x``, ``loss``; ``converged``: the
    optimizer's own test) and why, in the race's words; None: it goes on. The rules, in
    order: a non-finite loss or position, or ``max|x_i| > radius``, is diverged; the own test
    is converged; ``step ≥ max_steps`` is finished."""
    extent = float(np.abs(x).max())  # nan or inf when x is not finite
    if not math.isfinite(loss):
        return Status.DIVERGED, f"loss became {loss} at step {step}"
    if not math.isfinite(extent):
        return Status.DIVERGED, f"position became non-finite at step {step}"
    if extent > radius:
        return Status.DIVERGED, f"left the domain (|x| > {radius:g}) at step {step}"
    if converged:
        return Status.CONVERGED, f"converged at step {step}"
    if step >= max_steps:
        return Status.FINISHED, f"finished {step} steps"
    return None


class Race:
    """Several optimizers racing from the same start on the same objective.

    Parameters
    ----------
    objective : Objective
        The landscape.
    racers : sequence of Racer
        The lanes; their optimizers are created (and validated) here.
    start : array-like
        The common start point, shape ``(objective.dim,)``.
    seed : int
        Every lane gets this seed, so lanes that differ only in settings see the same random
        numbers (a fair comparison).
    max_steps : int
        Lanes stop with status ``finished`` after this many steps.
    sharpness_every : int, optional
        Measure the Hessian's sharpness at every this many steps of each lane (step 0 included);
        None (the default) measures nothing.
    """

    def __init__(self, objective: Objective, racers: Sequence[Racer], start, seed: int = 0,
                 max_steps: int = 1000, sharpness_every: int | None = None):
        self.objective = objective
        self.start_point = np.asarray(start, dtype=float).reshape(-1)
        if self.start_point.shape != (objective.dim,):
            raise ValueError(
                f"start point has {self.start_point.size} coordinates; "
                f"the landscape has {objective.dim}"
            )
        self.seed = int(seed)
        self.max_steps = int(max_steps)
        self.lanes = [_Lane(i, r, r.spec.create()) for i, r in enumerate(racers)]
        self._probes = (None if sharpness_every is None else
                        [SharpnessProbe(objective, sharpness_every) for _ in self.lanes])
        self._radius = objective.divergence_radius
        self._started = False
        self._cancelled: CancelPoll | None = None

    @property
    def done(self) -> bool:
        return self._started and all(lane.status.stopped for lane in self.lanes)

    def start(self) -> RaceBatch:
        """Reset every lane at the start point; the batch holds each lane's step-0 record."""
        self._started = True
        # The device's one-off set-up (cuBLAS on a GPU) is paid here, not by the first lane.
        warm_up(self.objective.device, self.objective.dtype)
        updates = []
        for lane in self.lanes:
            lane.status, lane.message = Status.RUNNING, ""
            try:
                record = self._measured(lane, lane.optimizer.reset(
                    Problem(self.objective, self._cancelled), self.start_point, self.seed))
            except CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - any optimizer failure stops its lane only
                updates.append(self._fail(lane, error))
                continue
            lane.last = record
            self._stops(lane, record)
            updates.append(LaneUpdate(lane.index, (record,), lane.status, lane.message))
        return RaceBatch(tuple(updates), self.done)

    def advance(self, steps: int = 1) -> RaceBatch:
        """Step every running lane up to ``steps`` times (fewer if it stops)."""
        if not self._started:
            raise RuntimeError("call start() before advance()")
        updates = []
        for lane in self.lanes:
            if lane.status.stopped:
                continue
            records: list[StepRecord] = []
            try:
                for _ in range(steps):
                    record = self._measured(lane, lane.optimizer.step())
                    records.append(record)
                    if self._stops(lane, record):
                        break
            except CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - any optimizer failure stops its lane only
                if records:
                    lane.last = records[-1]
                updates.append(self._fail(lane, error, tuple(records)))
                continue
            if records:
                lane.last = records[-1]
            updates.append(LaneUpdate(lane.index, tuple(records), lane.status, lane.message))
        return RaceBatch(tuple(updates), self.done)

    def batches(self, steps_per_batch: int = 1) -> Iterator[RaceBatch]:
        """The step-0 batch, then batches of ``steps_per_batch`` steps until every lane stops."""
        yield self.start()
        while not self.done:
            yield self.advance(steps_per_batch)

    def run(self, progress: StageProgress | None = None,
            cancelled: CancelPoll | None = None, stage: str = "race",
            steps_per_batch: int | None = None) -> RaceResult:
        """Run every lane to its end and collect the result.

        Parameters
        ----------
        progress : callable, optional
            ``progress(stage, fraction)`` after each batch: the furthest lane's step over
            ``max_steps``; 1.0 once every lane has stopped.
        cancelled : callable, optional
            Polled before each batch; when true, the run stops with
            :class:`~landscape_app.core.errors.CancelledError`.
        stage : str
            The stage name ``progress`` receives (``race``; ``train`` for a network).
        steps_per_batch : int, optional
            Steps between two reports (default: ``max_steps / 50``, at most 64).
        """
        if steps_per_batch is None:
            steps_per_batch = max(1, min(MAX_BATCH_STEPS, self.max_steps // PROGRESS_BATCHES))
        history: list[list[StepRecord]] = [[] for _ in self.lanes]
        batch: RaceBatch | None = None
        self._cancelled = cancelled  # also polled at every evaluation inside a step
        while batch is None or not batch.done:
            if cancelled is not None and cancelled():
                raise CancelledError(f"{stage} cancelled")
            batch = self.start() if batch is None else self.advance(steps_per_batch)
            for update in batch.updates:
                history[update.index].extend(update.records)
            if progress is not None:
                furthest = max((records[-1].step for records in history if records), default=0)
                progress(stage, 1.0 if batch.done else min(1.0, furthest / self.max_steps))
        return self.result(history)

    def result(self, history: Sequence[Sequence[StepRecord]]) -> RaceResult:
        """The race as it stands, with ``history`` (every lane's records, in lane order)."""
        lanes = tuple(
            LaneResult(lane.racer.label, lane.racer.spec, lane.status, lane.message,
                       tuple(records))
            for lane, records in zip(self.lanes, history, strict=True)
        )
        return RaceResult(self.objective.name, self.objective.dim,
                          tuple(float(v) for v in self.start_point), self.seed, self.max_steps,
                          lanes)

    def _measured(self, lane: _Lane, record: StepRecord) -> StepRecord:
        """``record`` with the lane's sharpness reading when sharpness is on and it is due.

        Not measured at a non-finite point; a measurement that fails (a non-differentiable
        custom expression) leaves the record unmeasured rather than stopping the lane.
        """
        if self._probes is None:
            return record
        probe = self._probes[lane.index]
        if not probe.due(record.step) or not math.isfinite(record.loss):
            return record
        if not np.all(np.isfinite(record.x)):
            return record
        try:
            reading = probe.measure(lane.optimizer, record.x)
        except (RuntimeError, ValueError, np.linalg.LinAlgError):
            return record
        return replace(record, sharpness=reading)

    # -- status rules ---------------------------------------------------------------------
    def _stops(self, lane: _Lane, record: StepRecord) -> bool:
        """Decide the lane's status after ``record``; True when it stopped."""
        ended = lane_ending(record.x, record.loss, record.converged, record.step,
                            self.max_steps, self._radius)
        if ended is not None:
            lane.status, lane.message = ended
        return lane.status.stopped

    @staticmethod
    def _fail(lane: _Lane, error: Exception, records: tuple[StepRecord, ...] = ()) -> LaneUpdate:
        lane.status = Status.FAILED
        lane.message = f"{type(error).__name__}: {error}"
        return LaneUpdate(lane.index, records, lane.status, lane.message)
