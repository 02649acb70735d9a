"""The 2D view: heatmap, contour lines, known minima, the start point and every lane's path.

Items are built once and updated with ``setData``/``setImage`` (no item is created per frame).
Contour lines come from :mod:`contourpy` (pyqtgraph's ``IsocurveItem`` is ~20× slower), all
levels in one curve with NaN breaks. The colour field is ``f`` or, on the log scale,
``log10(f − f_min + ε)`` with ``ε = 10⁻⁶ (f_max − f_min)``; contour levels are evenly spaced in
that field, so on the log scale they are geometrically spaced in ``f``.

Drawing never trusts the data: points a landscape lacks (NaN, ±inf: a surface file's holes)
are left uncoloured, showing a neutral hatch (:class:`HoleHatch`) under the heatmap, and no
contour line runs along their edges (the levels are traced on a masked field); path points
are clipped to a box around the landscape (Qt misdraws huge coordinates), and the
view range is set from the landscape only, so a diverging lane cannot break it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import contourpy
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem

from landscape_app.core.errors import LandscapeError
from landscape_app.core.grid import cells_cover, color_field, finite_range
from landscape_app.gui import style
from landscape_app.gui.views.axis_fonts import (
    AxisFonts,
    leave_room_for_top_tick,
    quiet_plot_item,
)
from landscape_app.gui.views.clicks import left_click_point
from landscape_app.gui.views.trail_layer import PreparedPaths
from landscape_app.gui.views.trails import TrailsItem
from landscape_app.state.lane_contrast import halo_color

if TYPE_CHECKING:
    from landscape_app.core.grid import Grid2D

#: Path points are clipped to the landscape box grown by this many box sizes on each side.
PATH_CLIP_MARGIN = 2.0
#: Contour line width, star and start marker sizes, in pixels (before :meth:`set_size_factor`).
CONTOUR_WIDTH, STAR_SIZE, MARKER_SIZE, MARKER_WIDTH = 1.0, 16.0, 16.0, 2.0
#: Width kept for the colour bar's tick labels (pyqtgraph's ColorBarItem default).
COLORBAR_TICKS_WIDTH = 45
#: Room right of the colour bar's title (pixels, × size factor).
TITLE_ROOM = 6
CONTOUR_COLOR = (255, 255, 255, 70)
#: How far past each side of its box a landscape's heatmap may be widened, in box sizes.
WIDEN_LIMIT = 0.5
#: Milliseconds after the view's range last changed before the heatmap is widened to it.
FILL_DELAY_MS = 40
#: ``widen(x_range, y_range) -> Grid2D``: the landscape's grid carried on over those ranges.
Widen = Callable[[tuple[float, float], tuple[float, float]], "Grid2D"]
#: The hatch seen through a landscape's holes: neutral grey lines on a darker grey, in no
#: colour map's range.
HOLE_FILL, HOLE_LINES = "#303030", "#8c8c8c"


def field_levels(field: np.ndarray) -> tuple[float, float]:
    """The colour range of ``field``: its finite minimum and maximum (a unit range when it is
    flat, ``(0, 1)`` when nothing is finite)."""
    finite = field[np.isfinite(field)]
    if not finite.size:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return low, high if high > low else low + 1.0


def contour_segments(xs: np.ndarray, ys: np.ndarray, field: np.ndarray,
                     levels: int, field_range: tuple[float, float] | None = None) -> np.ndarray:
    """``levels`` iso-lines of ``field`` (``field[j, i]`` at ``(xs[i], ys[j])``) as one
    ``(n, 2)`` array of points with NaN rows between lines, evenly spaced over the field's
    range (or ``field_range``: a widened mesh keeps the levels of the box).

    Holes (NaN) are masked: a line ends where it meets one and none runs along its edge.
    """
    masked = np.ma.masked_invalid(np.asarray(field, dtype=float))
    if masked.count() == 0:
        return np.empty((0, 2))
    low, high = (float(masked.min()), float(masked.max())) if field_range is None \
        else field_range
    if levels <= 0 or not high > low:
        return np.empty((0, 2))
    generator = contourpy.contour_generator(xs, ys, masked, line_type="ChunkCombinedNan")
    pieces = []
    for level in np.linspace(low, high, levels + 2)[1:-1]:
        for chunk in generator.lines(level)[0]:
            if chunk is not None and len(chunk):
                pieces.append(chunk)
                pieces.append(np.full((1, 2), np.nan))
    return np.concatenate(pieces) if pieces else np.empty((0, 2))


class HoleHatch(QGraphicsRectItem):
    """A neutral hatch under the heatmap, over the grid's box: it shows through the holes
    (uncoloured cells) and nowhere else. Its lines are drawn in device pixels, so they keep
    their spacing at any zoom."""

    def __init__(self):
        super().__init__()
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setBrush(QBrush(QColor(HOLE_FILL)))
        self.lines = QBrush(QColor(HOLE_LINES), Qt.BrushStyle.BDiagPattern)

    def paint(self, painter, option, widget=None) -> None:
        super().paint(painter, option, widget)
        painter.fillRect(self.rect(), self.lines)


class ContourView(pg.PlotWidget):
    """Heatmap + contours of a 2D landscape with the racing lanes drawn on it.

    Click anywhere (or drag the crosshair) to move the start point: :attr:`startMoved` is
    emitted with the new ``(x, y)``; while the crosshair is dragged, :attr:`startDragged`
    follows the mouse (previews) and :attr:`startMoved` comes when it is dropped. Drag the
    background to pan, wheel to zoom.
    """

    startMoved = Signal(float, float)
    startDragged = Signal(float, float)
    painted = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot_item = quiet_plot_item(self)
        self.plot_item.setLabel("bottom", "x")
        self.plot_item.setLabel("left", "y")
        self.plot_item.vb.setDefaultPadding(0.0)
        self.plot_item.disableAutoRange()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-20)
        self.holes = HoleHatch()
        self.holes.setZValue(-30)
        self.holes.setVisible(False)
        self.contours = pg.PlotCurveItem(pen=pg.mkPen(CONTOUR_COLOR, width=CONTOUR_WIDTH),
                                         connect="finite", antialias=True)
        self.contours.setZValue(-10)
        self.colorbar = pg.ColorBarItem(interactive=False, width=14, colorMap="viridis")
        self.colorbar.axis.enableAutoSIPrefix(False)  # 0.002, not 2 "(x0.001)"
        self.colorbar.setImageItem(self.image, insert_in=self.plot_item)
        self.minima = pg.ScatterPlotItem(symbol="star", size=STAR_SIZE,
                                         pen=pg.mkPen("#000000", width=1),
                                         brush=pg.mkBrush("#ffffff"))
        self.minima.setZValue(5)
        self.start_marker = pg.TargetItem(pos=(0.0, 0.0), size=MARKER_SIZE, movable=True,
                                          pen=pg.mkPen("#ffffff", width=MARKER_WIDTH),
                                          hoverPen=pg.mkPen(style.ACCENT, width=2))
        self.start_marker.setZValue(20)
        self.trails = TrailsItem()
        self.prepared = PreparedPaths()
        self.trails.setZValue(10)
        self.notice = pg.TextItem(color="#ffffff", fill=pg.mkBrush(0, 0, 0, 170),
                                  anchor=(0.5, 0.5))
        self.notice.setZValue(30)
        self.notice.setVisible(False)
        for item in (self.holes, self.image, self.contours, self.minima, self.trails,
                     self.start_marker, self.notice):
            self.plot_item.addItem(item)
        # What does not move is drawn from a pixmap, re-rendered only when the view changes.
        for item in (self.image, self.contours, self.plot_item.getAxis("left"),
                     self.plot_item.getAxis("bottom"), self.colorbar):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.colors: list[str] = []
        self.heads: list[tuple[int, float, float]] = []
        self.crosses: list[tuple[int, float, float]] = []
        self.bounds = QRectF(-1.0, -1.0, 2.0, 2.0)
        self.grid: Grid2D | None = None  # the landscape's grid (its box: bounds)
        self.drawn_grid: Grid2D | None = None  # the heatmap's: the grid, maybe widened
        self._widen: Widen | None = None
        self._log_scale, self._value_range, self._levels = False, (0.0, 1.0), (0.0, 1.0)
        self._minima: list[tuple[float, float]] = []
        self._contour_levels = 0
        self._fill = QTimer(self, singleShot=True, interval=FILL_DELAY_MS)
        self._fill.timeout.connect(self.fill_view)
        self.plot_item.vb.sigRangeChanged.connect(self._range_changed)
        self.axis_fonts = AxisFonts([self.plot_item.getAxis("left"),
                                     self.plot_item.getAxis("bottom"), self.colorbar.axis])
        self.start_marker.sigPositionChangeFinished.connect(self._marker_dropped)
        self.start_marker.sigPositionChanged.connect(self._marker_dragged)
        self.scene().sigMouseClicked.connect(self._scene_clicked)

    # -- the public API -----------------------------------------------------------------
    def set_landscape(self, grid: Grid2D, log_scale: bool, colormap: str, minima,
                      contour_levels: int, equal_aspect: bool = True,
                      widen: Widen | None = None) -> None:
        """Show ``grid`` as a heatmap with ``contour_levels`` iso-lines and its ``minima``.

        ``minima`` is a sequence of objects with a ``position`` ``(x, y)`` (core ``Minimum``)
        or of plain ``(x, y)`` pairs. The view range is reset to the grid's box. With
        ``equal_aspect`` one unit is as long on both axes, so gradients are drawn at right
        angles to the contours (turn it off for planes whose axes have unrelated scales).

        ``widen(x_range, y_range)`` (a landscape defined beyond its box: the functions) gives
        the grid's mesh carried on over those ranges: the heatmap then fills the plot when
        its shape is not the box's (no empty bands above and below a square box on a wide
        plot) and when the view is zoomed out or panned, up to :data:`WIDEN_LIMIT` boxes past
        each side, in the box's colours and contour levels.
        """
        xs, ys = np.asarray(grid.xs, dtype=float), np.asarray(grid.ys, dtype=float)
        self.bounds = QRectF(xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0])
        self.grid, self._widen, self._log_scale = grid, widen, log_scale
        self.drawn_grid = None  # the last landscape's
        self._minima = [tuple(getattr(m, "position", m))[:2] for m in minima]
        self._contour_levels = contour_levels
        self._value_range = finite_range(np.asarray(grid.values, dtype=float))
        self._levels = field_levels(color_field(grid.values, log_scale))
        cmap = pg.colormap.get(colormap)
        self.colorbar.setColorMap(cmap)
        self.trails.set_halo(halo_color(colormap))
        self.colorbar.setLevels(self._levels)
        # Short enough for a 360-pixel frame; the ε is in the tooltip.
        self.colorbar.axis.setLabel("log₁₀(f − f_min)" if log_scale else "f")
        self.colorbar.setToolTip("colours: log₁₀(f − f_min + ε), ε = 10⁻⁶ (f_max − f_min)"
                                 if log_scale else "colours: f")
        self.plot_item.setAspectLocked(equal_aspect, ratio=1.0)
        self.plot_item.setRange(xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]), padding=0.0)
        widened = self._widened()  # painted once: the box, or already the box widened
        self._paint_field(grid if widened is None else widened)

    def fill_view(self) -> None:
        """Widen the heatmap to the plot's visible range (see :meth:`set_landscape`), when
        the landscape allows it and its drawn cells do not cover that range yet."""
        widened = self._widened()
        if widened is not None:
            self._paint_field(widened)

    def _widened(self) -> Grid2D | None:
        """The grid to draw for the visible range (None: what is drawn will do, or the
        landscape cannot be widened)."""
        if self._widen is None or self.grid is None:
            return None
        view, box = self.plot_item.vb.viewRect(), self.bounds
        mx, my = WIDEN_LIMIT * box.width(), WIDEN_LIMIT * box.height()
        x_range = (max(view.left(), box.left() - mx), min(view.right(), box.right() + mx))
        y_range = (max(view.top(), box.top() - my), min(view.bottom(), box.bottom() + my))
        if self.drawn_grid is not None and cells_cover(self.drawn_grid, x_range, y_range):
            return None
        try:
            return self._widen(x_range, y_range)
        except LandscapeError:  # (a typed expression failing out there): the box alone
            return None

    def _paint_field(self, grid: Grid2D) -> None:
        """The heatmap, its holes, the contour lines and the minima over ``grid``'s cells, in
        the colours and levels of :attr:`grid` (the landscape's own box)."""
        xs, ys = np.asarray(grid.xs, dtype=float), np.asarray(grid.ys, dtype=float)
        field = color_field(grid.values, self._log_scale, self._value_range)
        dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1)
        dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
        self.image.setImage(field, autoLevels=False, levels=self._levels)
        cells = QRectF(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx, ys[-1] - ys[0] + dy)
        self.image.setRect(cells)
        self.holes.setRect(cells)
        self.holes.setVisible(bool(np.isnan(field).any()))
        lines = contour_segments(xs, ys, field, self._contour_levels, self._levels)
        self.contours.setData(lines[:, 0], lines[:, 1], connect="finite")
        inside = [p for p in self._minima if cells.adjusted(-dx, -dy, dx, dy).contains(*p)]
        self.minima.setData(pos=np.array(inside, dtype=float).reshape(-1, 2))
        self.drawn_grid = grid

    def clear_landscape(self) -> None:
        """Show no landscape: no heatmap, contours or minima (one is being computed)."""
        self.grid = self.drawn_grid = None
        self.image.clear()
        self.holes.setVisible(False)
        self.contours.setData([], [])
        self.minima.setData(pos=np.empty((0, 2)))

    def show_notice(self, text: str) -> None:
        """A line of text in the middle of the plot ("" hides it): what the view waits for."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        if text:
            self.notice.setPos(self.plot_item.vb.viewRect().center())

    def set_lanes(self, colors: list[str]) -> None:
        """One path per lane, in these colours."""
        self.colors = list(colors)
        self.trails.set_colors(self.colors)

    def set_paths(self, paths: list[np.ndarray], visible: list[bool],
                  diverged: list[bool] | None = None, race=None) -> None:
        """Draw each lane's path ``(n, 2)`` with a head at its last point.

        A lane flagged in ``diverged`` gets a cross where it was last inside the landscape
        box instead of a head. Points are clipped to a box around the landscape and thinned
        to one per screen pixel.

        ``race`` names the race the paths belong to (None: unknown). While it stays the same,
        each path must extend the one of the previous call (rows are only ever appended):
        then only the new points are clipped, thinned and drawn.
        """
        diverged = diverged or [False] * len(paths)
        paths = paths[: len(self.colors)]
        pixel, box = self.plot_item.vb.viewPixelSize(), self._clip_box()
        key = None if race is None else (race, pixel, box)
        drawn, stable = self.prepared.update(
            paths, visible, key, lambda points: self._thin(self._clip(points, box), pixel))
        self.heads, self.crosses = [], []
        for lane, path in enumerate(drawn):
            if path is None:
                continue
            last = self._last_inside(path) if diverged[lane] else self._last_finite(path)
            if last is not None:
                (self.crosses if diverged[lane] else self.heads).append((lane, *last))
        self.trails.set_data(drawn, self.heads, self.crosses, box, stable)

    def set_size_factor(self, factor: float) -> None:
        """Draw what is sized in pixels ``factor`` times larger: paths and heads, contour
        lines, stars, the start marker and the axis fonts (presentation mode; 1 is normal)."""
        self.trails.set_size_factor(factor)
        self.contours.setPen(pg.mkPen(CONTOUR_COLOR, width=CONTOUR_WIDTH * factor))
        self.minima.setSize(STAR_SIZE * factor)
        self.start_marker.setPen(pg.mkPen("#ffffff", width=MARKER_WIDTH * factor))
        self.start_marker.scale = MARKER_SIZE * factor  # pyqtgraph's symbol size attribute
        self.start_marker.viewTransformChanged()
        self.colorbar.axis.setWidth(round(COLORBAR_TICKS_WIDTH * factor))
        self.axis_fonts.set_factor(factor)
        leave_room_for_top_tick(self.plot_item, factor)
        # The colour bar's rotated title hangs a few pixels (pyqtgraph's nudge and the text's
        # descent, growing with the font) past its axis: keep them inside the widget.
        left, top, _right, bottom = self.plot_item.layout.getContentsMargins()
        self.plot_item.layout.setContentsMargins(left, top, round(TITLE_ROOM * factor), bottom)

    def set_start(self, x: float, y: float) -> None:
        """Move the start marker without emitting :attr:`startMoved`."""
        self.start_marker.blockSignals(True)
        self.start_marker.setPos(QPointF(float(x), float(y)))
        self.start_marker.blockSignals(False)

    def data_to_viewport(self, x: float, y: float):
        """The viewport pixel showing the data point ``(x, y)`` (for tests and tooltips)."""
        scene_point = self.plot_item.vb.mapViewToScene(QPointF(float(x), float(y)))
        return self.mapFromScene(scene_point)

    def _range_changed(self, *_) -> None:
        if self._widen is not None and self.isVisible():  # hidden: it fills when shown again
            self._fill.start()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._widen is not None:  # the range may have changed while hidden (another tab)
            self._fill.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._fill.stop()  # hidden (another tab, the window closing): nothing to fill
        super().hideEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        self.painted.emit()

    # -- helpers --------------------------------------------------------------------------
    def _clip_box(self) -> QRectF:
        box = self.bounds
        mx, my = PATH_CLIP_MARGIN * box.width(), PATH_CLIP_MARGIN * box.height()
        return box.adjusted(-mx, -my, mx, my)

    def _clip(self, path: np.ndarray, box: QRectF | None = None) -> np.ndarray:
        box = self._clip_box() if box is None else box
        return np.clip(path, (box.left(), box.top()), (box.right(), box.bottom()))

    def _thin(self, path: np.ndarray, pixel=None) -> np.ndarray:
        """``path`` without the points that fall in the same screen pixel (``pixel``: its
        size in data units, by default the view's) as the previous one (a converging lane
        piles hundreds of steps into a few pixels). NaN breaks, the first and the last point
        are kept."""
        if len(path) < 3:
            return path
        pixel = np.asarray(self.plot_item.vb.viewPixelSize() if pixel is None else pixel,
                           dtype=float)
        if not np.all(np.isfinite(pixel) & (pixel > 0)):
            return path
        with np.errstate(invalid="ignore"):
            cells = np.floor(path / pixel)
        keep = np.ones(len(path), dtype=bool)
        keep[1:-1] = np.any(cells[1:-1] != cells[:-2], axis=1)
        return path[keep]

    @staticmethod
    def _last_finite(path: np.ndarray):
        if len(path) and np.isfinite(path[-1]).all():
            return tuple(float(v) for v in path[-1])
        finite = np.flatnonzero(np.isfinite(path).all(axis=1))
        return tuple(float(v) for v in path[finite[-1]]) if finite.size else None

    def _last_inside(self, path: np.ndarray):
        box = self.bounds
        inside = np.flatnonzero(
            np.isfinite(path).all(axis=1)
            & (path[:, 0] >= box.left()) & (path[:, 0] <= box.right())
            & (path[:, 1] >= box.top()) & (path[:, 1] <= box.bottom())
        )
        if not inside.size:
            return self._last_finite(path)
        return tuple(float(v) for v in path[inside[-1]])

    def _marker_dragged(self) -> None:
        if self.start_marker.moving:  # a drag, not set_start (whose signals are blocked)
            pos = self.start_marker.pos()
            self.startDragged.emit(float(pos.x()), float(pos.y()))

    def _marker_dropped(self) -> None:
        pos = self.start_marker.pos()
        self.startMoved.emit(float(pos.x()), float(pos.y()))

    def _scene_clicked(self, event) -> None:
        point = left_click_point(self.plot_item, event)
        if point is None:
            return
        self.set_start(point.x(), point.y())
        self.startMoved.emit(float(point.x()), float(point.y()))
