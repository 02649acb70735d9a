"""One frame: the latest race snapshot pushed into the views (called by the window's timer).

Nothing is computed here beyond slicing what the worker published, and nothing is redrawn
when neither the data nor the lanes' appearance changed. Each view has its own rate: the 2D
view (and the 3D view and internals) every frame, the loss curves at :data:`CURVES_HZ`, the
table at :data:`TABLE_HZ`: curves and table change slowly to the eye, and skipping their
repaint on most frames keeps every frame short. At most one of the two is drawn in a frame
(the one whose turn came first), so that their costs never add up. A view that was skipped
is drawn as soon as its turn comes, so the last state of a race is always shown. The curves
and the table draw the same snapshots (each waits for the other), and the step numbers of the
timeline and the status bar follow the table's (:attr:`FramePainter.on_numbers`): one step
number on screen at any moment, also while a drag preview grows by the chunk.

A step chosen on the timeline (:mod:`landscape_app.engine.timeline`) is drawn by cutting the
snapshot at that step (:meth:`~landscape_app.engine.traces.RaceSnapshot.at`): trails, heads,
the 3D paths, the table and the internals show the race as it was then; the loss curves keep
every step and show a cursor (a vertical line) at that step. The sharpness panel, while it
is shown (:attr:`FramePainter.sharpness`), is drawn with the curves, from the same frame.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from landscape_app.engine.traces import AXIS_COLUMNS, COLUMN, LaneView, RaceSnapshot
from landscape_app.gui.views.lane_feed import draw_curves, draw_paths_3d, draw_trails
from landscape_app.gui.views.sharpness_plot import compared, reading_at
from landscape_app.gui.views.table import TableRow

CURVES_HZ = 20.0
TABLE_HZ = 10.0
UNKNOWN_COLOR = "#808080"


@dataclass(frozen=True)
class Appearance:
    """How the lanes are drawn, by label: colour and visibility."""

    colors: dict[str, str]
    visible: dict[str, bool]

    @classmethod
    def of(cls, lanes: Sequence) -> Appearance:
        """The lanes' own colours (chosen to stand out when each lane was created: see
        :mod:`landscape_app.state.lane_contrast`) and visibility."""
        return cls({lane.label: lane.color for lane in lanes},
                   {lane.label: lane.visible for lane in lanes})


@dataclass
class _Frame:
    """What one snapshot looks like: lanes with their colours and visibility."""

    lanes: tuple[LaneView, ...]
    colors: list[str]
    visible: list[bool]
    axis: str
    generation: int
    whole: tuple[LaneView, ...] = ()  # every row (the curves draw them all)
    step: int | None = None  # the step shown (None: the latest)
    furthest: int = 0  # the race's furthest step in this snapshot


def cursor_position(lanes: Sequence[LaneView], visible: Sequence[bool], column: str,
                    step: int | None) -> float | None:
    """Where the curves' cursor goes for the shown ``step`` (None: live, no cursor): ``step``
    itself on the steps axis; on another axis the furthest visible lane's value at that step
    (its evaluations or time then)."""
    if step is None:
        return None
    if column == "step":
        return float(step)
    ends = [float(lane.rows[-1, COLUMN[column]]) for lane, shown in zip(lanes, visible,
                                                                          strict=True)
            if shown and len(lane.rows) and np.isfinite(lane.rows[-1, COLUMN[column]])]
    return max(ends, default=None)


class FramePainter:
    """Pushes snapshots into the 2D view, the curves, the table and the optional extras.

    ``surface3d`` (a ``Surface3DView``) and ``overlay`` (an ``InternalsOverlay``) are set by
    the window when they exist.
    """

    def __init__(self, contour, curves, table):
        self.contour, self.curves, self.table = contour, curves, table
        self.surface3d = None
        self.overlay = None
        self.show_internals = False
        self.show_3d = False
        self.show_batch_loss = False  # the minibatch loss curves (View menu)
        self.sharpness = None  # the SharpnessPanel while View ▸ Sharpness shows it
        self._key = None
        self._pending: dict[str, _Frame] = {}
        self._next: _Frame | None = None  # newer than what the curves and table still draw
        self._step: int | None = None
        self._due = {"curves": 0.0, "table": 0.0}
        #: Called with ``(step, furthest, live)`` when the table shows a frame (the same one
        #: the curves show): the step numbers elsewhere (timeline, status bar) follow it.
        self.on_numbers = None
        self.frame_marks: deque[float] = deque(maxlen=240)

    def invalidate(self) -> None:
        """Repaint every view at the next frame even if nothing changed. A frame one of the
        curves and the table has drawn and the other not yet is drawn by the other now
        (dropping it would leave them showing different steps); the next frame then goes to
        both, at once."""
        self._key = None
        if len(self._pending) == 1:
            (view, frame), = self._pending.items()
            {"curves": self._paint_curves, "table": self._paint_table}[view](frame)
        self._pending, self._next = {}, None
        self._due = dict.fromkeys(self._due, 0.0)

    def paint(self, snapshot: RaceSnapshot, appearance: Appearance, axis: str,
              step: int | None = None) -> set[str]:
        """Draw what changed since the last call, as it was at ``step`` (None: the latest);
        the names of the views drawn (``plane``, ``curves``, ``table``), empty when nothing
        was."""
        started = time.perf_counter()
        key = (snapshot.generation, snapshot.version, appearance, axis, self.show_internals,
               self.show_3d, step)
        plane_drawn = key != self._key
        if plane_drawn:
            self._key = key
            whole = snapshot.lanes
            lanes = snapshot.at(step).lanes
            frame = _Frame(lanes, [appearance.colors.get(lane.label, UNKNOWN_COLOR)
                                   for lane in lanes],
                           [appearance.visible.get(lane.label, True) for lane in lanes], axis,
                           snapshot.generation, whole, step, snapshot.furthest_step)
            self._paint_plane(frame)
            self._queue(frame)
        drawn = self._paint_due(started) | ({"plane"} if plane_drawn else set())
        if drawn:
            self.frame_marks.append(time.perf_counter())
        return drawn

    @property
    def in_step(self) -> bool:
        """Whether the curves and the table show the same frame (neither has one waiting)."""
        return not self._pending

    def _queue(self, frame: _Frame) -> None:
        """The curves and the table draw the same frames: a frame waits until both have
        drawn the one before it (only the latest waits). A step chosen on the timeline is
        drawn at once."""
        if frame.step != self._step:
            self._step = frame.step
            self._due = dict.fromkeys(self._due, 0.0)
        if self._pending:
            self._next = frame
        else:
            self._pending = {"curves": frame, "table": frame}

    def _paint_due(self, now: float) -> set[str]:
        """Draw the curves or the table: of those with something new whose turn came, the
        one whose turn came first."""
        due = [view for view in ("curves", "table")
               if view in self._pending and now >= self._due[view]]
        if not due:
            return set()
        view = min(due, key=self._due.__getitem__)
        rate, draw = {"curves": (CURVES_HZ, self._paint_curves),
                      "table": (TABLE_HZ, self._paint_table)}[view]
        draw(self._pending.pop(view))
        self._due[view] = now + 1.0 / rate
        if not self._pending and self._next is not None:
            self._pending = {"curves": self._next, "table": self._next}
            self._next = None
        return {view}

    def _paint_plane(self, frame: _Frame) -> None:
        lanes, colors, visible = frame.lanes, frame.colors, frame.visible
        if colors != self.contour.colors:
            self.contour.set_lanes(colors)
        draw_trails(self.contour, lanes, visible, race=frame.generation)
        if self.overlay is not None:
            self._paint_internals(lanes, colors, visible)
        if self.surface3d is not None and self.show_3d:
            draw_paths_3d(self.surface3d, lanes, colors, visible)

    def _paint_curves(self, frame: _Frame) -> None:
        if frame.colors != self.curves.colors:
            self.curves.set_lanes(frame.colors)
        lanes = frame.whole or frame.lanes
        draw_curves(self.curves, lanes, frame.visible, frame.axis, self.show_batch_loss)
        cursor = cursor_position(frame.lanes, frame.visible, AXIS_COLUMNS[frame.axis],
                                 frame.step)
        self.curves.set_cursor(cursor)
        if self.sharpness is not None:
            self._paint_sharpness(frame, lanes, cursor)

    def _paint_sharpness(self, frame: _Frame, lanes: Sequence[LaneView],
                         cursor: float | None) -> None:
        panel = self.sharpness
        labels = [lane.label for lane in lanes]
        if frame.colors != panel.plot.colors or panel.lane_box.count() != len(labels):
            panel.set_lanes(labels, frame.colors)
        if panel.plot.axis != frame.axis:
            panel.plot.set_axis(frame.axis)
        panel.show_frame(labels, [lane.rows for lane in lanes],
                         [lane.rows for lane in frame.lanes], frame.visible, cursor)

    def _paint_table(self, frame: _Frame) -> None:
        rows = []
        for lane, color in zip(frame.lanes, frame.colors, strict=True):
            last = lane.last
            if last is None:
                rows.append(TableRow(lane.label, color, 0, 0, np.nan, np.nan, np.nan,
                                     lane.status, lane.message))
                continue
            reading = reading_at(lane.rows) if self.sharpness is not None else None
            value, adaptive = (np.nan, False) if reading is None else compared(reading[None])
            rows.append(TableRow(lane.label, color, int(last[COLUMN["step"]]),
                                 int(last[COLUMN["evals"]]), float(last[COLUMN["loss"]]),
                                 float(last[COLUMN["best_loss"]]), lane.distance,
                                 lane.status, lane.message,
                                 float(np.asarray(value).reshape(-1)[0]),
                                 np.nan if reading is None
                                 else float(reading[COLUMN["sharpness_threshold"]]), adaptive))
        self.table.set_rows(rows)
        if self.on_numbers is not None:
            live = frame.step is None
            self.on_numbers(frame.furthest if live else frame.step, frame.furthest, live)

    def _paint_internals(self, lanes: Sequence[LaneView], colors: list[str],
                         visible: list[bool]) -> None:
        self.overlay.set_visible(self.show_internals)
        if not self.show_internals:
            return
        self.overlay.clear()
        for index, (lane, color, shown) in enumerate(zip(lanes, colors, visible, strict=True)):
            if shown and lane.internals is not None and lane.last is not None:
                self.overlay.update(index, lane.internals, lane.xy[-1], color)

    def frames_per_second(self) -> float:
        """Frames painted over the last second."""
        now = time.perf_counter()
        return float(sum(1 for mark in self.frame_marks if now - mark <= 1.0))
