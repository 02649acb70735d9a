"""Outcome maps in the window: a layer over the 2D view, and the hyperparameter-map view.

Both colour an :class:`~landscape_app.core.maps.OutcomeMap` with the same colours as its PNG
(:func:`landscape_app.export.map_image.colorize`: basin, final loss, steps to tolerance,
status). The layer (:class:`MapLayer`) lies over the heatmap and under the lanes' trails; the
:class:`HyperMapView` draws a hyperparameter map with ``log₁₀`` coordinates on a log axis,
a crosshair on the mapped lane's values and a dot for every other lane that has both.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from landscape_app.core.nice_numbers import cell_value
from landscape_app.export.map_image import colorize
from landscape_app.gui.views.axis_fonts import (
    AxisFonts,
    base_pixel_size,
    leave_room_for_top_tick,
    quiet_plot_item,
)
from landscape_app.gui.views.clicks import left_click_point
from landscape_app.gui.views.map_key import CornerLabel, MapKey, cell_text, plot_inset
from landscape_app.gui.views.plain_axis import PlainAxis

#: Above the heatmap (−20) and the contour lines (−10), under the trails (10).
LAYER_Z = -5
#: How long the view must rest after a zoom or pan before the map is recomputed (ms).
ZOOM_SETTLE_MS = 350
#: The crosshair's width and the other lanes' dots' size (pixels, before the size factor).
CROSS_WIDTH, DOT_SIZE = 2, 11
#: What the hyperparameter map's tab says while there is no map.
HINT = "Maps ▸ Hyperparameter map: choose two hyperparameters of a lane"
#: The key's title for each colouring.
KEY_TITLES = {"basin": "Basin reached", "loss": "Final loss", "steps": "Steps to tolerance",
              "status": "Status", "sharpness": "Sharpness λ_max at the end"}


def map_rgba(result, color_by: str, opacity: float) -> np.ndarray:
    """``(R1, R0, 4)`` uint8 colours of ``result`` (row 0 = first axis-1 value)."""
    rgb, _legend, _bar = colorize(result, color_by)
    alpha = np.full(rgb.shape[:2] + (1,), round(255 * float(opacity)))
    return np.concatenate([rgb, alpha], axis=2).astype(np.uint8)


def cell_rect(xs: np.ndarray, ys: np.ndarray) -> QRectF:
    """The rectangle covering cells centred on ``xs`` × ``ys`` (evenly spaced)."""
    dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1)
    dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
    return QRectF(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx, ys[-1] - ys[0] + dy)


def nearest_cell(xs: np.ndarray, ys: np.ndarray, x: float, y: float):
    """``(i, j)`` of the cell centre nearest ``(x, y)``, or None outside the cells."""
    rect = cell_rect(xs, ys)
    if not (rect.left() <= x <= rect.right() and rect.top() <= y <= rect.bottom()):
        return None
    return int(np.abs(xs - x).argmin()), int(np.abs(ys - y).argmin())


class MapLayer:
    """An outcome map drawn into a plot (the 2D view): its cells' colours at their starts."""

    def __init__(self, plot_item: pg.PlotItem, z: float = LAYER_Z):
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(z)
        plot_item.addItem(self.image)
        self.result = None
        self.xs = self.ys = np.zeros(0)

    @property
    def shown(self) -> bool:
        return self.result is not None and self.image.isVisible()

    def show(self, result, color_by: str, opacity: float, xs=None, ys=None) -> None:
        """Draw ``result`` (its cells centred on ``xs`` × ``ys``; default its own axes)."""
        self.result = result
        self.xs = np.asarray(result.axis0 if xs is None else xs, dtype=float)
        self.ys = np.asarray(result.axis1 if ys is None else ys, dtype=float)
        self.image.setImage(map_rgba(result, color_by, opacity), autoLevels=False,
                            levels=(0, 255))
        self.image.setRect(cell_rect(self.xs, self.ys))
        self.image.setVisible(True)

    def clear(self) -> None:
        self.result = None
        self.image.clear()
        self.image.setVisible(False)

    def cell_at(self, x: float, y: float):
        """``(i, j)`` of the drawn cell under ``(x, y)`` (view coordinates), or None."""
        if not self.shown:
            return None
        return nearest_cell(self.xs, self.ys, x, y)


def _to_view(values, log: bool) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.log10(values) if log else values


def _from_view(value: float, log: bool) -> float:
    return float(10.0**value) if log else float(value)


class HyperMapView(pg.PlotWidget):
    """A hyperparameter map: two hyperparameters of one lane on the axes.

    Signals
    -------
    cellClicked(value0, value1)
        The values of the cell clicked, rounded to the fewest digits that stay in the cell
        (:func:`~landscape_app.core.nice_numbers.cell_value`): set them on the mapped lane.
    zoomed(low0, high0, low1, high1)
        The user zoomed or panned and the view rested: the axis ranges now shown.
    """

    cellClicked = Signal(float, float)
    zoomed = Signal(float, float, float, float)

    def __init__(self, parent=None):
        super().__init__(parent, axisItems={side: PlainAxis(side) for side in ("left",
                                                                              "bottom")})
        self.plot_item = quiet_plot_item(self)
        self.plot_item.vb.setDefaultPadding(0.0)
        self.layer = MapLayer(self.plot_item, z=0)
        self.cross_x = pg.InfiniteLine(angle=90, pen=pg.mkPen("#ffffff", width=CROSS_WIDTH))
        self.cross_y = pg.InfiniteLine(angle=0, pen=pg.mkPen("#ffffff", width=CROSS_WIDTH))
        self.lane_dots = pg.ScatterPlotItem(size=DOT_SIZE, pen=pg.mkPen("#000000", width=1))
        for item in (self.cross_x, self.cross_y, self.lane_dots):
            item.setZValue(10)
            self.plot_item.addItem(item)
        self.notice = pg.TextItem(color="#ffffff", fill=pg.mkBrush(0, 0, 0, 170),
                                  anchor=(0.5, 0.5))
        self.notice.setZValue(30)
        self.plot_item.addItem(self.notice)
        self.axis_fonts = AxisFonts([self.plot_item.getAxis("left"),
                                     self.plot_item.getAxis("bottom")])
        self.logs = (False, False)
        self.names = ("", "")
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(ZOOM_SETTLE_MS)
        self._settle.timeout.connect(self._emit_zoom)
        self.plot_item.vb.sigRangeChangedManually.connect(lambda *_: self._settle.start())
        self.scene().sigMouseClicked.connect(self._scene_clicked)
        self.key = MapKey(self, "top-right", lambda: plot_inset(self))
        self.readout = CornerLabel(self, "map-readout", "top-left", lambda: plot_inset(self))
        self.scene().sigMouseMoved.connect(self._hovered)
        self.show_notice(HINT)

    def set_size_factor(self, factor: float) -> None:
        """Axis fonts, the crosshair, the lanes' dots and the notice ``factor`` times their
        normal size (presentation mode; 1 is normal), as the 2D view's."""
        self.axis_fonts.set_factor(factor)
        leave_room_for_top_tick(self.plot_item, factor)
        for line in (self.cross_x, self.cross_y):
            line.setPen(pg.mkPen("#ffffff", width=CROSS_WIDTH * factor))
        self.lane_dots.setSize(DOT_SIZE * factor)
        font = QFont(QApplication.font())
        font.setPixelSize(round(base_pixel_size() * factor))
        self.notice.setFont(font)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        if text:
            self.notice.setPos(self.plot_item.vb.viewRect().center())

    def set_axes(self, axes) -> None:
        """Label and range the view for two :class:`~landscape_app.core.maps.SweepAxis`."""
        self.logs = (axes[0].log, axes[1].log)
        self.names = (axes[0].name, axes[1].name)
        for side, axis in (("bottom", axes[0]), ("left", axes[1])):
            self.plot_item.getAxis(side).set_log10(axis.log)
            self.plot_item.setLabel(side, f"{axis.name} (log scale)" if axis.log else axis.name)
        x0, x1 = _to_view([axes[0].low, axes[0].high], axes[0].log)
        y0, y1 = _to_view([axes[1].low, axes[1].high], axes[1].log)
        self.plot_item.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)

    def show_map(self, result, color_by: str) -> None:
        self.layer.show(result, color_by, 1.0, _to_view(result.axis0, self.logs[0]),
                        _to_view(result.axis1, self.logs[1]))
        self.key.show_key(result, color_by, KEY_TITLES.get(color_by, ""))
        self.show_notice("")

    def clear_map(self) -> None:
        self.layer.clear()
        self.key.clear()
        self.readout.hide()

    def _hovered(self, scene_pos) -> None:
        """The readout of the cell under the mouse (hidden off the map)."""
        vb = self.plot_item.vb
        cell = None
        if vb.sceneBoundingRect().contains(scene_pos):
            point = vb.mapSceneToView(scene_pos)
            cell = self.layer.cell_at(point.x(), point.y())
        if cell is None:
            self.readout.hide()
        else:
            self.readout.show_text(cell_text(self.layer.result, *cell))

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.readout.hide()
        super().leaveEvent(event)

    def set_lanes(self, current, others) -> None:
        """``current``: the mapped lane's two values (or None); ``others``: ``(v0, v1,
        colour)`` of every other lane with both hyperparameters."""
        for line, value, log in ((self.cross_x, None if current is None else current[0],
                                  self.logs[0]),
                                 (self.cross_y, None if current is None else current[1],
                                  self.logs[1])):
            ok = value is not None and (not log or value > 0)
            line.setVisible(ok)
            if ok:
                line.setValue(float(_to_view(value, log)))
        spots = [{"pos": (float(_to_view(a, self.logs[0])), float(_to_view(b, self.logs[1]))),
                  "brush": pg.mkBrush(color)}
                 for a, b, color in others
                 if (not self.logs[0] or a > 0) and (not self.logs[1] or b > 0)]
        self.lane_dots.setData(spots)

    def _scene_clicked(self, event) -> None:
        point = left_click_point(self.plot_item, event)
        if point is not None:
            self.click_at(point.x(), point.y())

    def click_at(self, x: float, y: float) -> bool:
        """Click the cell under view coordinates ``(x, y)``; False outside the map."""
        cell = self.layer.cell_at(x, y)
        if cell is None:
            return False
        result = self.layer.result
        self.cellClicked.emit(cell_value(result.axis0, cell[0], result.axis_log[0]),
                              cell_value(result.axis1, cell[1], result.axis_log[1]))
        return True

    def _emit_zoom(self) -> None:
        (x0, x1), (y0, y1) = self.plot_item.vb.viewRange()
        values = [_from_view(v, log) for v, log in ((x0, self.logs[0]), (x1, self.logs[0]),
                                                     (y0, self.logs[1]), (y1, self.logs[1]))]
        if all(math.isfinite(v) for v in values):
            self.zoomed.emit(*values)
