"""The Compare tab: each compared lane's success rate against its setting, its tuning curve,
and a table of its best setting (a :class:`~landscape_app.state.compare_record.CompareRecord`).

Left plot: success rate (share of starts ending within the tolerance) at each setting, one
line per lane in its colour; the x axis is the swept hyperparameter (log ticks for a log
sweep) when every lane sweeps the same one, else each lane's own range as a fraction 0…1.
A dashed line in a lane's colour marks its setting now.
Right plot: the tuning curves, the expected best success after k settings drawn at random.
Hovering a point reads it out under the plots; clicking a point on the success plot emits
:attr:`ComparePanel.settingChosen`. Both plots export together as PNG or SVG
(:func:`~landscape_app.gui.export.actions.svg_bytes`).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from landscape_app.gui import style
from landscape_app.gui.views.axis_fonts import leave_room_for_top_tick
from landscape_app.gui.views.clicks import left_click_point
from landscape_app.gui.views.plain_axis import PlainAxis

#: A point this close to the cursor (pixels) is hovered or clicked.
PICK_PIXELS = 10.0
COLUMNS = ("optimizer", "best setting", "success", "median loss", "median evals to tol.")
#: The most table rows shown without scrolling.
TABLE_ROWS = 6
EMPTY = "Maps ▸ Compare optimizers… runs every lane over its tuning sweep from many starts"


def setting_value(value: float) -> float:
    """A swept value as a lane is given it: four significant digits (0.001931, not
    0.0019306977288832507; within 0.005 % of the value compared)."""
    return float(f"{value:.4g}")


def _number(value: float, digits: int = 3) -> str:
    if math.isnan(value):
        return "—"
    return "∞" if math.isinf(value) else f"{value:.{digits}g}"


def _plot(labels: tuple[str, str]) -> pg.PlotItem:
    """A plot item with plain ticks, no context menu or auto-range button."""
    plot = pg.PlotItem(axisItems={side: PlainAxis(side) for side in ("left", "bottom")})
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.setLabel("bottom", labels[0])
    plot.setLabel("left", labels[1])
    plot.setYRange(0.0, 1.0, padding=0.04)
    plot.vb.setMouseEnabled(x=False, y=False)
    leave_room_for_top_tick(plot)
    return plot


class ComparePanel(QWidget):
    """Shows one :class:`~landscape_app.state.compare_record.CompareRecord` (or a hint when none).

    Signals
    -------
    settingChosen(index, value)
        A point of lane ``record.lanes[index]``'s success curve was clicked: its swept
        hyperparameter's value (:func:`setting_value`).
    exportRequested()
        The panel's Export button was pressed.
    """

    settingChosen = Signal(int, float)
    exportRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        # A page of the view tabs: its least size must not become the tabs' least size (the
        # stack takes its largest page's), or a window with its panels docked could not be
        # narrowed below the comparison's plots and table; squeezed, they shrink instead.
        self.setMinimumSize(120, 90)
        self.record = None
        self.title = QLabel(EMPTY)
        self.title.setWordWrap(True)
        self.skipped = QLabel()
        self.skipped.setWordWrap(True)
        self.skipped.setStyleSheet(f"color: {style.ERROR};")
        self.skipped.setVisible(False)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setBackground(style.PLOT_BACKGROUND)
        self.success_plot = _plot(("setting", "success rate"))
        self.tuning_plot = _plot(("settings tried at random, k", "expected best success"))
        self.success_plot.setTitle("Success against setting "
                                   "(★ best; click a point to give the lane it)")
        self.tuning_plot.setTitle("Tuning curve")
        self.plots.addItem(self.success_plot, 0, 0)
        self.plots.addItem(self.tuning_plot, 0, 1)
        self.plots.ci.layout.setColumnStretchFactor(0, 3)
        self.plots.ci.layout.setColumnStretchFactor(1, 2)
        self.readout = QLabel(" ")
        self.readout.setStyleSheet(f"color: {style.MUTED};")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.export_button = QPushButton("Export image…")
        self.export_button.clicked.connect(self.exportRequested)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.skipped)
        layout.addWidget(self.plots, 3)
        layout.addWidget(self.readout)
        layout.addWidget(self.table)
        self._curves: list[tuple[pg.PlotDataItem, pg.PlotDataItem]] = []
        self._x: list[np.ndarray] = []
        self._current: list[pg.InfiniteLine] = []  # each lane's setting now
        self.plots.scene().sigMouseMoved.connect(self._hovered)
        self.plots.scene().sigMouseClicked.connect(self._clicked)
        self.show_record(None)

    # -- drawing ----------------------------------------------------------------------------
    def show_record(self, record) -> None:
        """Draw ``record`` (None: clear, with the hint of how to run one)."""
        self.record = record
        for plot in (self.success_plot, self.tuning_plot):
            plot.clear()
        self._curves, self._x, self._current = [], [], []
        self.export_button.setEnabled(record is not None)
        self.readout.setText(" ")
        if record is None:
            self.title.setText(EMPTY)
            self.skipped.setVisible(False)
            self.table.setRowCount(0)
            self._fit_table()
            return
        settings = record.settings
        starts = (f"{settings.side ** 2} initialisations" if record.network
                  else f"{settings.side}×{settings.side} starts")
        self.title.setText(
            f"<b>{record.target}</b>: {starts} × {settings.count} settings × "
            f"{settings.steps} steps; success = final loss ≤ {record.goal:.4g} "
            f"({record.seconds:.1f} s)")
        self.skipped.setText("Not compared: " + "; ".join(record.skipped))
        self.skipped.setVisible(bool(record.skipped))
        shared = self._shared(record)
        first = record.lanes[0]
        axis = self.success_plot.getAxis("bottom")
        axis.set_log10(shared and first.log)
        self.success_plot.setLabel(
            "bottom", (f"{first.sweep} (log scale)" if first.log else first.sweep) if shared
            else "each lane's setting, as a fraction of its swept range")
        for lane in record.lanes:
            values = np.array(lane.values)
            x = _to_axis(values, lane.log) if shared else _fraction(values, lane.log)
            pen = pg.mkPen(lane.color, width=2)
            brush = pg.mkBrush(lane.color)
            success = self.success_plot.plot(x, lane.success, pen=pen, symbol="o",
                                             symbolSize=8, symbolBrush=brush,
                                             symbolPen=pg.mkPen("#000000"), name=lane.label)
            best = self.success_plot.plot([x[lane.best]], [lane.success[lane.best]],
                                          pen=None, symbol="star", symbolSize=16,
                                          symbolBrush=brush, symbolPen=pg.mkPen("#ffffff"))
            best.setZValue(5)
            k = np.arange(1, len(lane.tuning_curve) + 1)
            tuning = self.tuning_plot.plot(k, lane.tuning_curve, pen=pen)
            self._curves.append((success, tuning))
            self._x.append(x)
        self.tuning_plot.setXRange(1, max(len(lane.tuning_curve) for lane in record.lanes),
                                   padding=0.02)
        self._fill_table(record)

    def show_current(self, values) -> None:
        """Mark each compared lane's current setting (``values[i]`` for ``record.lanes[i]``,
        None: not shown) with a dashed line in its colour."""
        for line in self._current:
            self.success_plot.removeItem(line)
        self._current = []
        if self.record is None:
            return
        shared = self._shared(self.record)
        for lane, value in zip(self.record.lanes, values, strict=True):
            if value is None or (lane.log and value <= 0):
                continue
            x = _to_axis(np.array([value]), lane.log)[0] if shared else \
                _fraction(np.array([lane.values[0], lane.values[-1], value]), lane.log)[2]
            line = pg.InfiniteLine(float(x), angle=90, pen=pg.mkPen(
                lane.color, width=1, style=Qt.PenStyle.DashLine))
            self.success_plot.addItem(line)
            self._current.append(line)

    @staticmethod
    def _shared(record) -> bool:
        """Whether every lane sweeps the same hyperparameter on the same scale."""
        return len({(lane.sweep, lane.log) for lane in record.lanes}) == 1

    def _fill_table(self, record) -> None:
        self.table.setRowCount(len(record.lanes))
        for row, lane in enumerate(record.lanes):
            best = lane.best
            cells = (f"■ {lane.label}", f"{lane.sweep} = {lane.values[best]:.4g}",
                     f"{lane.success[best]:.0%}", _number(lane.median_loss[best]),
                     _number(lane.median_evaluations[best], 4))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setForeground(QColor(lane.color))
                self.table.setItem(row, column, item)
        self._fit_table()

    def _fit_table(self) -> None:
        """The table as tall as its rows (up to :data:`TABLE_ROWS`; it scrolls beyond), the
        plots taking the rest."""
        shown = min(self.table.rowCount(), TABLE_ROWS)
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(row) for row in range(shown))
        self.table.setFixedHeight(height)

    # -- the mouse --------------------------------------------------------------------------
    def point_at(self, scene_pos) -> tuple[int, int] | None:
        """``(lane index in the record, setting index)`` of the success-plot point within
        :data:`PICK_PIXELS` of ``scene_pos``, nearest first; None when there is none."""
        if self.record is None:
            return None
        vb = self.success_plot.vb
        best, nearest = None, PICK_PIXELS
        for index, lane in enumerate(self.record.lanes):
            for setting, (x, y) in enumerate(zip(self._x[index], lane.success, strict=True)):
                where = vb.mapViewToScene(QPointF(float(x), float(y)))
                distance = math.hypot(where.x() - scene_pos.x(), where.y() - scene_pos.y())
                if distance <= nearest:
                    best, nearest = (index, setting), distance
        return best

    def point_to_viewport(self, index: int, setting: int):
        """The viewport pixel of a success-plot point (for tests and tooltips)."""
        x, y = self._x[index][setting], self.record.lanes[index].success[setting]
        return self.plots.mapFromScene(
            self.success_plot.vb.mapViewToScene(QPointF(float(x), float(y))))

    def _hovered(self, scene_pos) -> None:
        point = self.point_at(scene_pos)
        if point is None:
            self.readout.setText(" ")
            return
        lane = self.record.lanes[point[0]]
        setting = point[1]
        self.readout.setText(
            f"{lane.label}: {lane.sweep} = {lane.values[setting]:.4g}   success "
            f"{lane.success[setting]:.0%}   median loss {_number(lane.median_loss[setting])}"
            f"   median evals to tol. {_number(lane.median_evaluations[setting], 4)}"
            "   (click: give the lane this setting)")

    def _clicked(self, event) -> None:
        if left_click_point(self.success_plot, event) is None:
            return
        point = self.point_at(event.scenePos())
        if point is not None:
            lane = self.record.lanes[point[0]]
            self.settingChosen.emit(point[0], setting_value(lane.values[point[1]]))

    # -- export -----------------------------------------------------------------------------
    def export(self, path: str | os.PathLike) -> None:
        """Both plots as drawn to ``path``: SVG (vector lines and text) for ``.svg``, else
        PNG; written atomically."""
        from landscape_app.core.atomic import atomic_write
        from landscape_app.gui.export.actions import png_bytes, svg_bytes

        path = os.fspath(path)
        if path.lower().endswith(".svg"):
            payload = svg_bytes(self.plots, f"Compare optimizers: {self.record.target}")
        else:
            payload = png_bytes(self.plots)
        with atomic_write(path, "wb") as handle:
            handle.write(payload)


def _to_axis(values: np.ndarray, log: bool) -> np.ndarray:
    return np.log10(values) if log else values


def _fraction(values: np.ndarray, log: bool) -> np.ndarray:
    """Each value's place in the lane's own range, 0 at its low end and 1 at its high."""
    x = _to_axis(values, log)
    span = x[-1] - x[0]
    return (x - x[0]) / span if span else np.zeros_like(x)
