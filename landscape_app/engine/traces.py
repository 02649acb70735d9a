"""What crosses from the worker thread to the window: numpy rows in a lock-protected buffer.

The worker appends :class:`LaneChunk` rows; the window takes a :class:`RaceSnapshot` on its
own clock. Rows are appended to preallocated arrays (capacity doubles when full), so a
snapshot hands out read-only views of the first ``n`` rows without copying: the worker only
ever writes rows past ``n``, or into a new array.

One row per step, columns :data:`COLUMNS`::

    step, evals, grad_evals, time, loss, best_loss, surface_loss, x, y, batch_loss, distance,
    sharpness, sharpness_threshold, preconditioned_sharpness, eigenvalue_1 … eigenvalue_5

``loss`` is the objective's (true, full-data) value; ``surface_loss`` is the height of the
point drawn on the surface (the same for 2D functions; the on-plane loss for a projected
network path); ``x, y`` are the point drawn on the plane; ``batch_loss`` is the minibatch loss
a lane with ``batch_size`` stepped on (NaN otherwise); ``distance`` is the table's distance at
that step (NaN where none is known); the sharpness columns
(:data:`~landscape_app.core.sharpness_reading.READING_COLUMNS`) hold the race's Hessian
measurement at that step, NaN where it was not measured (sharpness off, or not a K-th step).

Any step of a race can be shown (the timeline, :mod:`landscape_app.engine.timeline`):
:meth:`RaceSnapshot.at` cuts every lane at a step, with the table's status, distance and
optimizer internals of that step (internals are kept for the steps that ended a published
batch: every step of a race played at up to 60 steps per second).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from landscape_app.core.result import Status
from landscape_app.core.sharpness_reading import READING_COLUMNS

COLUMNS = ("step", "evals", "grad_evals", "time", "loss", "best_loss", "surface_loss", "x", "y",
           "batch_loss", "distance", *READING_COLUMNS)
COLUMN = {name: index for index, name in enumerate(COLUMNS)}
#: x-axis kind of the loss plot → column.
AXIS_COLUMNS = {"steps": "step", "evals": "evals", "grad_evals": "grad_evals", "time": "time"}


@dataclass(frozen=True)
class LaneChunk:
    """New rows of one lane and where it stands after them.

    ``distance`` is the distance shown in the table for the last row (to the nearest known
    minimum, or off the plane for a projected network path); ``internals`` is the last row's
    optimizer internals (core ``Internals``) or None.
    """

    index: int
    rows: np.ndarray
    status: Status
    message: str = ""
    distance: float = float("nan")
    internals: Any = None


def merge_chunks(chunks: list[LaneChunk]) -> list[LaneChunk]:
    """One chunk per lane from several batches' chunks (rows in order, the last state)."""
    by_lane: dict[int, list[LaneChunk]] = {}
    for chunk in chunks:
        by_lane.setdefault(chunk.index, []).append(chunk)
    merged = []
    for index, parts in by_lane.items():
        last = parts[-1]
        internals = next((p.internals for p in reversed(parts) if p.internals is not None), None)
        rows = parts[0].rows if len(parts) == 1 else np.concatenate([p.rows for p in parts])
        merged.append(LaneChunk(index, rows, last.status, last.message, last.distance,
                                internals))
    return merged


@dataclass(frozen=True)
class LaneView:
    """How one lane is drawn: its rows and where it stands (the one view of a lane the
    window, the drag preview and the exporter draw, each cut at the shown step by
    :meth:`upto`).

    A live race's lanes are views of the :class:`TraceBuffer` at a snapshot; a finished
    lane's (a recording's) come from :meth:`finished`. ``history`` maps steps to the
    optimizer internals recorded at them (for :meth:`upto`).
    """

    label: str
    rows: np.ndarray
    status: Status
    message: str
    distance: float
    internals: Any
    history: Mapping[int, Any] = field(default_factory=dict)

    def upto(self, step: int) -> LaneView:
        """The lane as it was at ``step``: its rows of steps ``≤ step``; a lane that went on
        after ``step`` was still running then (its distance and internals those of its row at
        ``step``, its internals None when they were not recorded for that step)."""
        end = int(np.searchsorted(self.rows[:, COLUMN["step"]], step, side="right"))
        if end >= len(self.rows):
            return self
        rows = self.rows[:end]
        if not end:
            return LaneView(self.label, rows, Status.RUNNING, "", float("nan"), None,
                            self.history)
        last = rows[-1]
        return LaneView(self.label, rows, Status.RUNNING, "", float(last[COLUMN["distance"]]),
                        self.history.get(int(last[COLUMN["step"]])), self.history)

    @classmethod
    def finished(cls, label: str, rows: np.ndarray, status: Status,
                 message: str = "") -> LaneView:
        """A lane that has run to its end: its (read-only) ``rows``, final status and
        message; its distance that of its last row."""
        rows = rows.view()
        rows.flags.writeable = False
        distance = float(rows[-1, COLUMN["distance"]]) if len(rows) else float("nan")
        return cls(label, rows, status, message, distance, None)

    def column(self, name: str) -> np.ndarray:
        return self.rows[:, COLUMN[name]]

    @property
    def xy(self) -> np.ndarray:
        """``(n, 2)``: the points drawn on the plane."""
        return self.rows[:, COLUMN["x"]:COLUMN["y"] + 1]

    @property
    def xyz(self) -> np.ndarray:
        """``(n, 3)``: the points drawn on the 3D surface, ``(x, y, surface_loss)``."""
        return self.rows[:, [COLUMN["x"], COLUMN["y"], COLUMN["surface_loss"]]]

    @property
    def diverged(self) -> bool:
        """Whether the lane diverged by its last row (it gets a cross, not a head)."""
        return self.status is Status.DIVERGED

    @property
    def last(self) -> np.ndarray | None:
        return self.rows[-1] if len(self.rows) else None


@dataclass(frozen=True)
class RaceSnapshot:
    """Every lane at one moment; ``version`` grows with every change of the buffer."""

    generation: int
    version: int
    lanes: tuple[LaneView, ...] = ()
    steps_per_second: float = 0.0

    @property
    def furthest_step(self) -> int:
        steps = [int(lane.rows[-1, COLUMN["step"]]) for lane in self.lanes if len(lane.rows)]
        return max(steps, default=0)

    @property
    def done(self) -> bool:
        return bool(self.lanes) and all(lane.status.stopped for lane in self.lanes)

    def at(self, step: int | None) -> RaceSnapshot:
        """Every lane as it was at ``step`` (:meth:`LaneView.upto`); None: as it is now."""
        if step is None:
            return self
        return RaceSnapshot(self.generation, self.version,
                            tuple(lane.upto(step) for lane in self.lanes),
                            self.steps_per_second)


@dataclass
class _LaneStore:
    label: str
    data: np.ndarray = field(default_factory=lambda: np.empty((64, len(COLUMNS))))
    size: int = 0
    status: Status = Status.RUNNING
    message: str = ""
    distance: float = float("nan")
    internals: Any = None
    history: dict[int, Any] = field(default_factory=dict)

    def append(self, rows: np.ndarray) -> None:
        needed = self.size + len(rows)
        if needed > len(self.data):
            grown = np.empty((max(needed, 2 * len(self.data)), len(COLUMNS)))
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.data[self.size:needed] = rows
        self.size = needed

    def view(self) -> LaneView:
        rows = self.data[: self.size].view()
        rows.flags.writeable = False
        return LaneView(self.label, rows, self.status, self.message, self.distance,
                        self.internals, self.history)


class TraceBuffer:
    """The lock-protected hand-over point between the worker (writer) and the window (reader).

    Data published for a generation other than the current one (a race that was replaced
    while it was stepping) is dropped.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._generation = 0
        self._version = 0
        self._lanes: list[_LaneStore] = []
        self._steps_per_second = 0.0

    def reset(self, generation: int, labels: list[str]) -> None:
        """Start generation ``generation`` with empty lanes named ``labels``."""
        with self._lock:
            self._generation = generation
            self._lanes = [_LaneStore(label) for label in labels]
            self._steps_per_second = 0.0
            self._version += 1

    def publish(self, generation: int, chunks: list[LaneChunk],
                steps_per_second: float | None = None) -> bool:
        """Append ``chunks``; False (and nothing changed) when ``generation`` is stale."""
        with self._lock:
            if generation != self._generation:
                return False
            for chunk in chunks:
                lane = self._lanes[chunk.index]
                if len(chunk.rows):
                    lane.append(chunk.rows)
                lane.status, lane.message = chunk.status, chunk.message
                lane.distance = chunk.distance
                if chunk.internals is not None:
                    lane.internals = chunk.internals
                    if lane.size:
                        lane.history[int(lane.data[lane.size - 1, COLUMN["step"]])] = \
                            chunk.internals
            if steps_per_second is not None:
                self._steps_per_second = steps_per_second
            self._version += 1
            return True

    def snapshot(self) -> RaceSnapshot:
        """Views of every lane as they are now (cheap: no row is copied)."""
        with self._lock:
            return RaceSnapshot(self._generation, self._version,
                                tuple(lane.view() for lane in self._lanes),
                                self._steps_per_second)
