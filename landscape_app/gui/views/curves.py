"""Loss curves: one line per lane, loss on a log axis against steps, evaluations or time.

The seed's warning ("one iteration means different work for each method") is why the x-axis
can be switched: steps, function evaluations, gradient evaluations or wall time.

On the log axis, values that cannot be drawn (≤ 0, NaN, ±∞) become gaps: pyqtgraph's log
mapping never sees them, so the range stays sane whatever a lane does. With an offset ``f*``
(the known minimum value) the curve shows ``f − f*``, which is positive for landscapes whose
minimum is negative; a landscape without one whose losses go below zero shows ``f − f_min``
(:mod:`~landscape_app.gui.views.loss_floor`), so that no lane leaves the axis.

The view follows the data in coarse steps (x grows by half at a time; on the log axis y
spans quarter decades, and a falling minimum extends it by a few decades at once) rather than
autoscaling at every update: a range change redraws the axes, the costliest part of a
frame. Zooming or panning by hand stops the following; a double click resumes it. The x range
is at least :data:`MIN_X_SPAN` (a race at step 0 shows 0 … 10, not 0 … 5·10⁻¹⁰) and, against
steps, at most the race's step limit (:attr:`LossCurves.step_limit`), the y range
at least a decade, its top within a quarter decade of the largest loss; the log axis's labels
are chosen for its height (:mod:`~landscape_app.gui.views.log_ticks`) so they never overlap.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QGraphicsItem

from landscape_app.gui.room_layout import CURVES_HEIGHT
from landscape_app.gui.views.axis_fonts import (
    AxisFonts,
    leave_room_for_top_tick,
    quiet_plot_item,
)
from landscape_app.gui.views.grid_axis import GridAxisItem
from landscape_app.gui.views.log_ticks import spaced_log_ticks
from landscape_app.gui.views.loss_floor import floor_label, floor_offset, lowest

#: x-axis kinds and their labels.
AXIS_LABELS = {
    "steps": "step",
    "evals": "function evaluations",
    "grad_evals": "gradient evaluations",
    "time": "wall time (s)",
}
#: Width of the curves in pixels (before :meth:`LossCurves.set_size_factor`).
LINE_WIDTH = 2.0
#: Samples drawn per pixel column at most: longer curves are reduced to each column's
#: minimum and maximum (pyqtgraph's "peak" downsampling; its default draws up to 5 per
#: pixel), so a frame costs the same after a minute of racing as after a second.
DOWNSAMPLE_FACTOR = 1.0
#: When the data outgrows the x range, the range becomes this many times the data's extent
#: (each change redraws the axes and their grid: the costliest frame of the curves).
X_GROWTH = 1.5
#: Decades added below the lowest loss when it falls out of the log range (for the same
#: reason: the y range changes once every few decades, not at each one).
LOG_Y_SLACK = 2
#: Smallest x range per axis kind (before any data has spread).
MIN_X_SPAN = {"steps": 10.0, "evals": 10.0, "grad_evals": 10.0, "time": 1.0}
#: The log y range's ends are rounded to this fraction of a decade; it spans at least
#: :data:`MIN_LOG_SPAN` decades.
LOG_Y_QUANTUM, MIN_LOG_SPAN = 0.25, 1.0


#: The widest x tick label the right margin leaves room for (half of it hangs past the plot).
WIDEST_X_LABEL = "00000"



def add_step_cursor(plot_item: pg.PlotItem) -> pg.InfiniteLine:
    """The timeline's shown step on a plot against steps: a dashed grey vertical line,
    hidden until a step is scrubbed to (added to ``plot_item``, outside its auto-range)."""
    cursor = pg.InfiniteLine(angle=90, movable=False,
                             pen=pg.mkPen("#9aa0a6", width=1.5, style=Qt.PenStyle.DashLine))
    cursor.setZValue(5)
    cursor.setVisible(False)
    plot_item.addItem(cursor, ignoreBounds=True)
    return cursor

class StepAxis(GridAxisItem):
    """The x axis, whose last tick label may hang past the plot's right edge into the margin
    the plot keeps there (pyqtgraph draws only labels inside the axis's bounding rectangle)."""

    room = 0.0  # pixels past each end a label may take

    def boundingRect(self):  # noqa: N802 - Qt API
        return super().boundingRect().adjusted(-self.room, 0, self.room, 0)


def leave_room_for_last_tick(plot_item, factor: float = 1.0) -> None:
    """A right margin on ``plot_item`` of half the widest x tick label (and the x axis may
    draw there), so the last tick label and the curves' ends are inside the widget."""
    axis = plot_item.getAxis("bottom")
    font = axis.style["tickFont"] or axis.font()
    half = math.ceil(QFontMetricsF(font).horizontalAdvance(WIDEST_X_LABEL) / 2) + 2
    left, top, _right, bottom = plot_item.layout.getContentsMargins()
    plot_item.layout.setContentsMargins(left, top, half, bottom)
    axis.room = half
    axis.prepareGeometryChange()


def finite_bounds(values: np.ndarray) -> tuple[float, ...]:
    """``(min, max)`` of the finite ``values``, or ``()`` when there are none."""
    finite = values[np.isfinite(values)]
    return (float(finite.min()), float(finite.max())) if finite.size else ()


def drawable(values: np.ndarray, log_y: bool) -> np.ndarray:
    """``values`` as floats with what the axis cannot show replaced by NaN."""
    values = np.asarray(values, dtype=float)
    bad = ~np.isfinite(values)
    if log_y:
        bad |= values <= 0
    return np.where(bad, np.nan, values) if bad.any() else values


class LossCurves(pg.PlotWidget):
    """One curve per lane; log-y by default; the x-axis kind is chosen with :meth:`set_axis`.

    :attr:`painted` is emitted after each repaint.
    """

    painted = Signal()

    def __init__(self, parent=None):
        super().__init__(parent, axisItems={"left": GridAxisItem("left"),
                                            "bottom": StepAxis("bottom")})
        self.plot_item = quiet_plot_item(self)
        leave_room_for_last_tick(self.plot_item)
        self.plot_item.showGrid(x=True, y=True, alpha=0.15)
        self.plot_item.setClipToView(True)
        self.plot_item.setDownsampling(auto=True, mode="peak")
        for side in ("left", "bottom"):
            axis = self.plot_item.getAxis(side)
            axis.enableAutoSIPrefix(False)
            # The axes (and the grid they draw) change only with the range: keep a pixmap.
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.curves: list[pg.PlotDataItem] = []
        self.batch_curves: list[pg.PlotDataItem] = []  # minibatch losses, dotted (toggled)
        self.colors: list[str] = []
        self._shown: dict[int, tuple] = {}  # lane: (key, x, y) last given to its curve
        self.line_width = LINE_WIDTH
        self.axis_fonts = AxisFonts([self.plot_item.getAxis("left"),
                                     self.plot_item.getAxis("bottom")])
        self.offset = 0.0
        self.known_offset: float | None = None  # f*, when the landscape knows it
        self.floor: float | None = None  # the landscape's grid minimum
        self.floor_offset: float | None = None  # f_min in use (see loss_floor)
        self.log_y = True
        self.axis = "steps"
        self.plot_item.setLogMode(x=False, y=True)
        self.plot_item.disableAutoRange()
        self.follow = True
        #: The race's step limit: on the steps axis the view ends there, not past it.
        self.step_limit: int | None = None
        self._range: tuple | None = None
        self._ticks = None
        self._closed = False
        self.plot_item.vb.sigRangeChangedManually.connect(self._stop_following)
        self.plot_item.vb.sigYRangeChanged.connect(self.update_ticks)
        # The timeline's shown step (hidden while the latest step is shown).
        self.cursor = add_step_cursor(self.plot_item)
        self.setToolTip("drag to pan, wheel to zoom; double-click to follow the data again")
        self.set_axis("steps")
        self._update_y_label()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        # a fixed hint, not the view's present size: the room's shares of the column do not
        # follow its history (landscape_app.gui.room_layout)
        return QSize(300, CURVES_HEIGHT)

    def set_lanes(self, colors: list[str]) -> None:
        """One curve per lane, in these colours (curves are kept and reused)."""
        self.colors = list(colors)
        while len(self.curves) < len(self.colors):
            curve = pg.PlotDataItem(connect="finite", antialias=False)
            curve.opts["autoDownsampleFactor"] = DOWNSAMPLE_FACTOR
            self.plot_item.addItem(curve)
            self.curves.append(curve)
        for curve, color in zip(self.curves, self.colors, strict=False):
            curve.setPen(pg.mkPen(color, width=self.line_width))
            curve.setVisible(True)
        for curve in self.curves[len(self.colors):]:
            curve.setData([], [])
            curve.setVisible(False)
        while len(self.batch_curves) < len(self.colors):
            curve = pg.PlotDataItem(connect="finite", antialias=False)
            curve.opts["autoDownsampleFactor"] = DOWNSAMPLE_FACTOR
            curve.setZValue(-1)  # under the true losses
            curve.setVisible(False)
            self.plot_item.addItem(curve)
            self.batch_curves.append(curve)
        for curve, color in zip(self.batch_curves, self.colors, strict=False):
            curve.setPen(pg.mkPen(color, width=max(1.0, self.line_width / 2),
                                  style=Qt.PenStyle.DotLine))
        self._shown.clear()

    def set_size_factor(self, factor: float) -> None:
        """Curves and axis fonts ``factor`` times their normal size (presentation; 1 normal)."""
        self.line_width = LINE_WIDTH * factor
        self.set_lanes(self.colors)
        self.axis_fonts.set_factor(factor)
        leave_room_for_top_tick(self.plot_item, factor)
        leave_room_for_last_tick(self.plot_item, factor)
        self.update_ticks()

    def update_ticks(self, *_) -> None:
        """Label the log loss axis so that its labels fit its height without overlapping
        (linear axis: pyqtgraph's own ticks)."""
        if self._closed:
            return
        axis = self.plot_item.getAxis("left")
        if not self.log_y:
            ticks = None
        else:
            low, high = self.plot_item.vb.viewRange()[1]
            font = axis.style["tickFont"] or axis.font()
            ticks = spaced_log_ticks(low, high, self.plot_item.vb.height(),
                                     QFontMetricsF(font).height())
        if ticks != axis._tickLevels:  # pyqtgraph's record of what setTicks was given
            self._ticks = ticks
            axis.setTicks(ticks)

    def close(self) -> bool:
        self._closed = True  # pyqtgraph tears the scene down: no more tick updates
        return super().close()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if "_ticks" in vars(self):  # not while pyqtgraph's constructor lays the widget out
            self.update_ticks()

    def set_data(self, xs: list[np.ndarray], losses: list[np.ndarray], visible: list[bool],
                 batch_losses: list[np.ndarray] | None = None) -> None:
        """Each lane's x values (per the axis kind) and losses; hidden lanes are not drawn.

        A lane whose data is what it was at the previous call (a lane that stopped: same
        length, same ends) keeps its curve as it is. ``batch_losses`` (the minibatch loss
        each step was taken on; NaN where none) are drawn dotted under the true losses, or
        not at all when None.
        """
        self.fit_offset([losses[lane] for lane in range(min(len(losses), len(visible)))
                         if visible[lane]])
        self._set_batch_data(xs, batch_losses, visible)
        shown_data = []
        for lane, curve in enumerate(self.curves[: len(self.colors)]):
            shown = lane < len(xs) and bool(visible[lane]) and len(xs[lane]) > 0
            curve.setVisible(shown)
            if not shown:
                continue
            key = (len(xs[lane]), float(xs[lane][0]), float(xs[lane][-1]),
                   float(losses[lane][0]), float(losses[lane][-1]), self.offset, self.log_y)
            if self._shown.get(lane, (None,))[0] != key:
                y = drawable(np.asarray(losses[lane], dtype=float) - self.offset, self.log_y)
                x = drawable(xs[lane], log_y=False)
                curve.setData(x, y, connect="finite")
                self._shown[lane] = (key, x, y)
            shown_data.append(self._shown[lane][1:])
        if self.follow:
            self._follow(shown_data)

    def _set_batch_data(self, xs: list[np.ndarray], batch_losses: list[np.ndarray] | None,
                        visible: list[bool]) -> None:
        for lane, curve in enumerate(self.batch_curves[: len(self.colors)]):
            values = None if batch_losses is None or lane >= len(batch_losses) else \
                np.asarray(batch_losses[lane], dtype=float)
            shown = (values is not None and bool(visible[lane]) and len(values) > 0
                     and bool(np.isfinite(values).any()))
            curve.setVisible(shown)
            if shown:
                curve.setData(drawable(xs[lane], log_y=False),
                              drawable(values - self.offset, self.log_y), connect="finite")
            else:
                curve.setData([], [])

    def set_cursor(self, x: float | None) -> None:
        """The timeline's cursor: a vertical line at ``x`` (on the x-axis's units), or none."""
        if x is None or not np.isfinite(x):
            self.cursor.setVisible(False)
            return
        if self.cursor.value() != x:
            self.cursor.setValue(x)
        self.cursor.setVisible(True)

    @property
    def cursor_x(self) -> float | None:
        """Where the cursor is (None when hidden)."""
        return float(self.cursor.value()) if self.cursor.isVisible() else None

    def follow_data(self) -> None:
        """Let the view follow the data again (after a manual zoom, or for a new race)."""
        self.follow = True
        self._range = None

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        self.painted.emit()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.follow_data()
        event.accept()

    def _stop_following(self, *_) -> None:
        self.follow = False

    def _follow(self, data: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Set the view range from the data, in coarse steps (see the module docstring)."""
        x_bounds = [bound for x, _ in data for bound in finite_bounds(x)]
        y_bounds = [bound for _, y in data for bound in finite_bounds(y)]
        if not x_bounds or not y_bounds:
            return
        x_low, x_high = min(min(x_bounds), 0.0), max(x_bounds)
        y_min, y_max = min(y_bounds), max(y_bounds)
        span = max(X_GROWTH * (x_high - x_low), MIN_X_SPAN.get(self.axis, 10.0))
        if self._range is not None:
            old_high = self._range[0][1]
            if x_low == self._range[0][0] and x_high <= old_high and x_high > old_high / 4:
                x_high = old_high
            else:
                x_high = x_low + span
        else:
            x_high = x_low + span
        limit = self.step_limit
        if self.axis == "steps" and limit is not None and max(x_bounds) <= limit:
            x_high = min(x_high, max(limit, x_low + MIN_X_SPAN["steps"]))
        if self.log_y:
            quantum = LOG_Y_QUANTUM
            high = math.ceil(math.log10(y_max) / quantum - 1e-9) * quantum
            low = math.floor(math.log10(y_min) / quantum + 1e-9) * quantum
            low = min(low, high - MIN_LOG_SPAN)
            if self._range is not None:
                old_low = self._range[1][0]
                if old_low <= low <= old_low + 2 * LOG_Y_SLACK:
                    low = old_low
                elif low < old_low:
                    low -= LOG_Y_SLACK
            y_range = (low, high)
        else:
            low, high = y_min, y_max
            pad = 0.05 * max(high - low, abs(high), 1e-12)
            y_range = (low - pad, high + pad)
            if self._range is not None:
                old_low, old_high = self._range[1]
                if old_low <= low and high <= old_high:
                    y_range = (old_low, old_high)
        new_range = ((x_low, x_high), y_range)
        if new_range != self._range:
            self._range = new_range
            self.plot_item.vb.setRange(xRange=new_range[0], yRange=new_range[1], padding=0.0)

    def set_axis(self, kind: str) -> None:
        """The x-axis: ``steps``, ``evals``, ``grad_evals`` or ``time``."""
        if kind not in AXIS_LABELS:
            raise ValueError(f"unknown x-axis {kind!r}; choose one of {', '.join(AXIS_LABELS)}")
        self.axis = kind
        self.plot_item.setLabel("bottom", AXIS_LABELS[kind])
        self.follow_data()

    def set_offset(self, value: float | None, floor: float | None = None) -> None:
        """Subtract ``value`` (the known minimum f*) from every loss; None for no offset.

        ``floor`` (the landscape's grid minimum) below f* (or below 0 without one) means
        losses can go where a log axis cannot show them: f − f_min is drawn instead
        (:meth:`fit_offset`).
        """
        self.known_offset = None if value is None or not np.isfinite(value) else float(value)
        self.floor = None if floor is None or not np.isfinite(floor) else float(floor)
        self.floor_offset = None
        self.fit_offset([])

    def fit_offset(self, losses: list[np.ndarray]) -> None:
        """On the log axis, subtract f_min when some loss (or the grid's floor) is at or
        below f* (or 0); the label says which. Lanes redraw when the offset changes."""
        self.floor_offset = (floor_offset(self.known_offset, self.floor, lowest(losses),
                                          self.floor_offset) if self.log_y else None)
        chosen = self.floor_offset if self.floor_offset is not None else self.known_offset
        offset = 0.0 if chosen is None else chosen
        if offset != self.offset or "_offset_label" not in vars(self):
            self.offset = offset
            self._update_y_label()

    def set_log_y(self, log_y: bool) -> None:
        """Log or linear loss axis."""
        self.log_y = bool(log_y)
        self.plot_item.setLogMode(x=False, y=self.log_y)
        self.fit_offset([])
        self.update_ticks()
        self.follow_data()

    def _update_y_label(self) -> None:
        if self.floor_offset is not None:
            self._offset_label = floor_label(self.floor_offset)
        else:
            self._offset_label = "f − f*" if self.offset else "loss"
        self.plot_item.setLabel("left", self._offset_label)
