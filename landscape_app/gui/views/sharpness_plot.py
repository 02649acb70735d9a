"""The sharpness panel: each lane's λ_max along its race against its stability threshold.

One solid curve per lane in the lane's colour — the sharpness λ_max of the loss Hessian at
each measured step, or for an adaptive method (Adam, AdamW, RAdam, RMSprop, Adagrad) its
preconditioned sharpness λ_max(P⁻¹H) — and the lane's threshold dashed in the same colour
(2/η for gradient descent, (2 + 2μ)/η with momentum, (2 + 2β₁)/((1 − β₁)η) for Adam; see
:mod:`landscape_app.core.stability`). A lane is stable while its curve stays under its dashed
line. The y axis is logarithmic with plain tick labels (:class:`~landscape_app.gui.views.
plain_axis.PlainAxis`: its coordinates are log₁₀ of the values); values ≤ 0 (a concave
point's λ_max) leave a gap. The x axis is the loss curves' (steps or evaluations).

Under the plot, for the lane picked in the box, the reading at the shown step: λ_max, the
threshold, the top eigenvalues and how many of them are negative (a saddle's index). The
panel only draws the rows it is given (columns of :mod:`landscape_app.engine.traces`); the
window decides what is measured (:mod:`landscape_app.gui.sharpness_panel`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from landscape_app.core.sharpness_reading import TOP_K
from landscape_app.engine.traces import AXIS_COLUMNS, COLUMN
from landscape_app.gui.room_layout import CURVES_HEIGHT
from landscape_app.gui.views.axis_fonts import quiet_plot_item
from landscape_app.gui.views.curves import AXIS_LABELS, add_step_cursor
from landscape_app.gui.views.grid_axis import GridAxisItem
from landscape_app.gui.views.hover import pick_point
from landscape_app.gui.views.plain_axis import PlainAxis
from landscape_app.gui.views.table import format_number

#: Width of a lane's sharpness curve and of its dashed threshold (pixels).
LINE_WIDTH, THRESHOLD_WIDTH = 2.0, 1.5
#: The plot's least height (pixels) as a widget; the room keeps it as tall as the loss
#: curves' least (:data:`~landscape_app.gui.room_layout.CURVES_HEIGHT`), or makes the panel
#: a tab.
MIN_PLOT_HEIGHT = 60
#: The longest readout (its height at a width is what the room keeps for it).
READOUT_SAMPLE = ("step 00000   λ_max = 0.0000e+00   λ_max(P⁻¹H) = 0.0000e+00   threshold = "
                  "0.0000e+00\ntop 5 Hessian eigenvalues: 0.0000e+00, 0.0000e+00, 0.0000e+00, "
                  "0.0000e+00, 0.0000e+00  ·  5 negative (a saddle: index 5)")
#: Where the eigenvalues of a reading start among the trace columns.
EIGENVALUES = COLUMN["eigenvalue_1"]


def compared(rows: np.ndarray) -> tuple[np.ndarray, bool]:
    """The sharpness a lane is compared with its threshold, per row, and whether it is the
    preconditioned one (an adaptive method: some row has λ_max(P⁻¹H))."""
    preconditioned = rows[:, COLUMN["preconditioned_sharpness"]]
    if np.isfinite(preconditioned).any():
        return preconditioned, True
    return rows[:, COLUMN["sharpness"]], False


def log10_or_nan(values: np.ndarray) -> np.ndarray:
    """log₁₀ of the positive finite ``values``; NaN elsewhere (a gap on the log axis)."""
    values = np.asarray(values, dtype=float)
    good = np.isfinite(values) & (values > 0)
    return np.log10(np.where(good, values, 1.0)) + np.where(good, 0.0, np.nan)


def reading_at(rows: np.ndarray) -> np.ndarray | None:
    """The last measured row of ``rows`` (a lane cut at the shown step), or None."""
    measured = np.flatnonzero(np.isfinite(rows[:, COLUMN["sharpness"]]))
    return rows[measured[-1]] if len(measured) else None


def hover_text(label: str, row: np.ndarray) -> str:
    """A point's readout: lane, step, λ_max (and λ_max(P⁻¹H)), threshold."""
    parts = [label, f"step {int(row[COLUMN['step']])}",
             f"λ_max = {format_number(row[COLUMN['sharpness']])}"]
    if np.isfinite(row[COLUMN["preconditioned_sharpness"]]):
        parts.append(f"λ_max(P⁻¹H) = {format_number(row[COLUMN['preconditioned_sharpness']])}")
    threshold = row[COLUMN["sharpness_threshold"]]
    parts.append(f"threshold = {format_number(threshold)}" if np.isfinite(threshold)
                 else "no threshold (no step size)")
    return "   ".join(parts)


def spectrum_text(row: np.ndarray, eigenvalues: Sequence[float] | str | None = None) -> str:
    """The readout under the panel: the top eigenvalues at a reading and how many are
    negative (``eigenvalues`` given: those instead of the row's own; a text such as
    "computing… 40%": that text in their place)."""
    head = hover_text('', row).strip()
    if isinstance(eigenvalues, str):
        return f"{head}\ntop {TOP_K} Hessian eigenvalues: {eigenvalues}"
    values = (row[EIGENVALUES:EIGENVALUES + 5] if eigenvalues is None
              else np.asarray(eigenvalues, dtype=float))
    values = values[np.isfinite(values)]
    negatives = int(np.sum(values < 0))
    kind = ("a saddle: index " + str(negatives)) if negatives and negatives < len(values) \
        else "a maximum" if negatives else "no negative curvature"
    listed = ", ".join(format_number(v) for v in values)
    return (f"{head}\ntop {len(values)} Hessian eigenvalues: {listed}"
            f"  ·  {negatives} negative ({kind})")


class SharpnessPlot(pg.PlotWidget):
    """The curves: :meth:`set_lanes`, then :meth:`set_data` with every lane's rows."""

    def __init__(self, parent=None):
        self.left_axis = PlainAxis("left")
        self.left_axis.set_log10(True)
        super().__init__(parent, axisItems={"left": self.left_axis,
                                            "bottom": GridAxisItem("bottom")})
        self.plot_item = quiet_plot_item(self)
        self.plot_item.showGrid(x=True, y=True, alpha=0.15)
        self.curves: list[pg.PlotDataItem] = []
        self.thresholds: list[pg.PlotDataItem] = []
        self.colors: list[str] = []
        self.axis = "steps"
        self.adaptive = False
        self.cursor = add_step_cursor(self.plot_item)
        self.points: list[tuple[str, np.ndarray, np.ndarray]] = []  # (label, rows, x-y)
        self.hover = ""
        self.scene().sigMouseMoved.connect(self._moved)
        self._label_axes()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        # a fixed hint, not the view's present size: the column's share does not follow
        # its history
        return QSize(300, CURVES_HEIGHT)

    def set_lanes(self, colors: list[str]) -> None:
        """A curve and a dashed threshold per lane, in these colours."""
        self.colors = list(colors)
        while len(self.curves) < len(colors):
            curve = pg.PlotDataItem(connect="finite", symbol="o", symbolSize=4)
            threshold = pg.PlotDataItem(connect="finite")
            self.plot_item.addItem(curve)
            self.plot_item.addItem(threshold)
            self.curves.append(curve)
            self.thresholds.append(threshold)
        for lane, (curve, threshold) in enumerate(zip(self.curves, self.thresholds,
                                                      strict=True)):
            if lane >= len(colors):
                curve.setData([], [])
                threshold.setData([], [])
                continue
            color = colors[lane]
            curve.setPen(pg.mkPen(color, width=LINE_WIDTH))
            curve.setSymbolPen(pg.mkPen(color))
            curve.setSymbolBrush(pg.mkBrush(color))
            threshold.setPen(pg.mkPen(color, width=THRESHOLD_WIDTH, style=Qt.PenStyle.DashLine))

    def set_axis(self, kind: str) -> None:
        """The x axis: one of the loss curves' kinds (steps, evals, grad_evals, time)."""
        self.axis = kind
        self._label_axes()

    def set_data(self, labels: Sequence[str], lanes: Sequence[np.ndarray],
                 visible: Sequence[bool]) -> None:
        """Each lane's rows (every step; only the measured ones are drawn)."""
        column = COLUMN[AXIS_COLUMNS[self.axis]]
        self.points = []
        adaptive = False
        for lane, (curve, threshold) in enumerate(zip(self.curves, self.thresholds,
                                                      strict=False)):
            rows = lanes[lane] if lane < len(lanes) else None
            shown = rows is not None and lane < len(visible) and bool(visible[lane])
            if shown:
                rows = rows[np.isfinite(rows[:, COLUMN["sharpness"]])]
            if not shown or not len(rows):
                curve.setData([], [])
                threshold.setData([], [])
                continue
            values, preconditioned = compared(rows)
            adaptive |= preconditioned
            x = rows[:, column]
            y = log10_or_nan(values)
            curve.setData(x, y, connect="finite")
            threshold.setData(x, log10_or_nan(rows[:, COLUMN["sharpness_threshold"]]),
                              connect="finite")
            self.points.append((labels[lane], rows, np.column_stack([x, y])))
        if adaptive != self.adaptive:
            self.adaptive = adaptive
            self._label_axes()

    def fix_range(self) -> None:
        """Fix the axes to what is drawn now (an export draws the whole race first, so that
        its frames grow into still axes); a quarter decade of room above and below."""
        bounds = [item.dataBounds(axis) for item in (*self.curves, *self.thresholds)
                  for axis in (0, 1) if item.xData is not None and len(item.xData)]
        xs = [b for b in bounds[0::2] if b[0] is not None]
        ys = [b for b in bounds[1::2] if b[0] is not None]
        if not xs or not ys:
            return
        self.plot_item.disableAutoRange()
        self.plot_item.vb.setRange(xRange=(min(0.0, min(b[0] for b in xs)),
                                           max(b[1] for b in xs)),
                                   yRange=(min(b[0] for b in ys) - 0.25,
                                           max(b[1] for b in ys) + 0.25), padding=0.0)

    def set_cursor(self, x: float | None) -> None:
        """The timeline's cursor at ``x`` (the x axis's units), or none."""
        if x is None or not np.isfinite(x):
            self.cursor.setVisible(False)
            return
        self.cursor.setValue(x)
        self.cursor.setVisible(True)

    def _label_axes(self) -> None:
        self.plot_item.setLabel("bottom", AXIS_LABELS.get(self.axis, self.axis))
        self.plot_item.setLabel("left", "λ_max, adaptive: λ_max(P⁻¹H)  (- - threshold)"
                                if self.adaptive else "λ_max  (- - threshold)")

    def _moved(self, scene_pos: QPointF) -> None:
        vb = self.plot_item.vb
        text = ""
        if vb.sceneBoundingRect().contains(scene_pos):
            point = vb.mapSceneToView(scene_pos)
            picked = pick_point([(k, xy) for k, (_, _, xy) in enumerate(self.points)],
                                float(point.x()), float(point.y()), tuple(vb.viewPixelSize()))
            if picked is not None:
                label, rows, _ = self.points[picked[0]]
                text = hover_text(label, rows[picked[1]])
        if text != self.hover:
            self.hover = text
            if text:
                local = self.mapFromScene(scene_pos)
                QToolTip.showText(self.mapToGlobal(QPoint(local.x(), local.y())), text, self)
            else:
                QToolTip.hideText()


class SharpnessPanel(QWidget):
    """The plot, a line saying how it is measured, and the shown step's readout.

    ``spectrum`` (set by the window) answers ``(label, step) -> eigenvalues, a text or
    None``: the top k at a lane's recorded point where the race measured λ_max alone
    (networks), a text while they are computed (:meth:`read_out` again when they arrive),
    None for the reading's own.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.how = QLabel("")
        self.how.setProperty("role", "muted")
        self.how.setWordWrap(True)
        self.plot = SharpnessPlot()
        self.plot.setMinimumHeight(MIN_PLOT_HEIGHT)  # shares the column with the loss curves
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        row = QHBoxLayout()
        self.lane_box = QComboBox()
        self.lane_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.lane_box.setToolTip("the lane whose reading at the shown step is read out")
        self.lane_box.currentIndexChanged.connect(lambda _index: self.read_out())
        self.readout = QLabel("")
        self.readout.setWordWrap(True)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.lane_box)
        row.addStretch(1)
        layout.addWidget(self.how)
        layout.addWidget(self.plot, 1)
        layout.addLayout(row)
        layout.addWidget(self.readout)  # the whole width: wrapped, not a narrow strip
        self.spectrum: Callable[[str, int], Sequence[float] | str | None] | None = None
        self._cut: list[tuple[str, np.ndarray]] = []

    def text_height(self, width: int) -> int:
        """The height of all but the plot at ``width``: the line saying how it is measured,
        the lane box and the longest readout (:data:`READOUT_SAMPLE`)."""
        spacing = self.layout().spacing()
        how = self.how.heightForWidth(width) + spacing if self.how.text() else 0
        flags = int(Qt.TextFlag.TextWordWrap)
        readout = self.readout.fontMetrics().boundingRect(
            QRect(0, 0, width, 10_000), flags, READOUT_SAMPLE).height()
        return how + self.lane_box.sizeHint().height() + spacing + readout + spacing

    def set_how(self, text: str) -> None:
        self.how.setText(text)

    def set_lanes(self, labels: Sequence[str], colors: list[str]) -> None:
        self.plot.set_lanes(colors)
        if [self.lane_box.itemText(i) for i in range(self.lane_box.count())] != list(labels):
            current = self.lane_box.currentText()
            self.lane_box.blockSignals(True)
            self.lane_box.clear()
            self.lane_box.addItems(list(labels))
            if current in labels:
                self.lane_box.setCurrentText(current)
            self.lane_box.blockSignals(False)

    def show_frame(self, labels: Sequence[str], whole: Sequence[np.ndarray],
                   cut: Sequence[np.ndarray], visible: Sequence[bool],
                   cursor: float | None) -> None:
        """Draw every lane's rows (``whole``) and read out the shown step (``cut``: the
        rows up to it)."""
        self.plot.set_data(labels, whole, visible)
        self.plot.set_cursor(cursor)
        self._cut = list(zip(labels, cut, strict=True))
        self.read_out()

    def read_out(self) -> None:
        """The shown step's reading of the lane in the lane box, under the plot."""
        label = self.lane_box.currentText()
        rows = next((rows for name, rows in self._cut if name == label), None)
        row = None if rows is None else reading_at(rows)
        if row is None:
            self.readout.setText(f"{label}: not measured yet" if label else "")
            return
        eigenvalues = None
        if self.spectrum is not None and np.isfinite(row[EIGENVALUES:EIGENVALUES + 5]).sum() < 2:
            eigenvalues = self.spectrum(label, int(row[COLUMN["step"]]))
        self.readout.setText(spectrum_text(row, eigenvalues))
