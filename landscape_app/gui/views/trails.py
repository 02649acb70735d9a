"""Every lane's path, head and divergence mark, drawn by one graphics item.

Every path is stroked on a halo (a wider dark or light line under it, chosen against the colour
map by :mod:`~landscape_app.state.lane_contrast`) so it stands out on any part of the
map; heads get the same outline. Heads that (nearly) coincide are drawn as concentric discs of
decreasing size, the largest first, so each shows as a ring around the next.

One item for all lanes keeps a frame cheap: pyqtgraph's curve and scatter items cost a lot of
Python per item and per call (bounding rectangles, spot tables), and a frame redraws all
of them. Here a frame costs what is new: the paths stroked so far are kept in a
device-pixel :class:`~landscape_app.gui.views.trail_layer.TrailLayer`, only the new points
are stroked, and only the part of the view they (and the heads) cover is repainted
(:meth:`TrailsItem.set_data` asks Qt to update that rectangle, not the whole view).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from landscape_app.gui.views.trail_layer import TrailLayer, data_rect, stroke
from landscape_app.state.lane_contrast import DARK_HALO

#: Path width, head radius and cross half-size, in screen pixels.
PATH_WIDTH = 2.2
HEAD_RADIUS = 5.5
CROSS_SIZE = 6.0
#: Width of the halo on each side of a path, and of a head's outline, in screen pixels.
HALO_WIDTH = 1.6
#: Each further head sharing a point is this much larger in radius (a ring around the last).
RING_STEP = 0.6


def stacked_heads(centres: list[tuple[float, float]], radius: float) -> list[float]:
    """A radius per head so that heads on (nearly) the same point all show.

    Heads closer than ``radius`` to an earlier head of a stack join it; in a stack of ``k``
    heads the first gets ``radius · (1 + RING_STEP · (k − 1))``, the next one step smaller,
    down to ``radius`` for the last. Draw larger ones first (see :func:`draw_order`).
    """
    stacks: list[list[int]] = []
    for index, (x, y) in enumerate(centres):
        for stack in stacks:
            sx, sy = centres[stack[0]]
            if (x - sx) ** 2 + (y - sy) ** 2 < radius ** 2:
                stack.append(index)
                break
        else:
            stacks.append([index])
    radii = [radius] * len(centres)
    for stack in stacks:
        for rank, index in enumerate(stack):
            radii[index] = radius * (1.0 + RING_STEP * (len(stack) - 1 - rank))
    return radii


def draw_order(radii: list[float]) -> list[int]:
    """Indices of heads from the largest to the smallest (stable)."""
    return sorted(range(len(radii)), key=lambda i: -radii[i])


class TrailsItem(pg.GraphicsObject):
    """Paths ``(n, 2)`` in data coordinates with a head (or a divergence cross) per lane."""

    def __init__(self):
        super().__init__()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self._paths: list[np.ndarray | None] = []
        self._layer = TrailLayer()
        self._pixel = (0.0, 0.0)  # data units per device pixel at the last paint
        self._pens: list[QPen] = []
        self._brushes: list[QBrush] = []
        self._heads: list[tuple[int, float, float]] = []
        self._crosses: list[tuple[int, float, float]] = []
        self._bounds = QRectF()
        self._colors: list[str] = []
        self._halo = DARK_HALO
        self._size_factor = 1.0

    def set_size_factor(self, factor: float) -> None:
        """Draw paths, heads and crosses ``factor`` times their normal size (presentation,
        and exports in proportion to the frame)."""
        self._size_factor = float(factor)
        self.set_colors(self._colors)

    def set_halo(self, color: str) -> None:
        """The outline colour under paths and around heads (dark or light)."""
        if color != self._halo:
            self._halo = color
            self.set_colors(self._colors)

    def set_colors(self, colors: list[str]) -> None:
        self._colors = list(colors)
        self._pens, self._brushes = [], []
        width = PATH_WIDTH * self._size_factor
        for color in colors:
            strokes = []
            for pen_color, pen_width in ((self._halo, width + 2 * HALO_WIDTH * self._size_factor),
                                         (color, width)):
                pen = QPen(QColor(pen_color), pen_width)
                pen.setCosmetic(True)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                strokes.append(pen)
            self._pens.append(tuple(strokes))
            self._brushes.append(QBrush(QColor(color)))
        self._layer.reset()
        self.update()

    def set_data(self, paths: list[np.ndarray | None], heads: list[tuple[int, float, float]],
                 crosses: list[tuple[int, float, float]], bounds: QRectF,
                 stable: list[int] | None = None) -> None:
        """Lane ``i`` draws ``paths[i]`` (None: nothing); ``heads`` and ``crosses`` are
        ``(lane, x, y)``; ``bounds`` encloses everything (the clipping box of the paths).

        ``stable[i]`` is how many leading points of ``paths[i]`` are those of the previous
        call (None: none are). When every lane only grew, only the rectangles covering the
        new points and the heads are repainted; otherwise the whole item is.
        """
        old = self._paths
        grown = (stable is not None and bounds == self._bounds and crosses == self._crosses
                 and len(old) == len(paths) == len(self._layer.committed)
                 and all((a is None) == (b is None) for a, b in zip(old, paths, strict=True))
                 and all(count >= committed for count, committed
                         in zip(stable, self._layer.committed, strict=False)))
        gone = [head for head in self._heads if head not in heads]  # heads that moved away
        self._paths, self._heads, self._crosses = list(paths), heads, crosses
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = QRectF(bounds)
        if not grown or not all(self._pixel):
            self._layer.reset()
            self.update()
            return
        rings = 1.0 + RING_STEP * max(len(self._heads) - 1, len(gone) - 1, 0)
        pad = (max(HEAD_RADIUS * rings + HALO_WIDTH, CROSS_SIZE + 2.0 + HALO_WIDTH,
                   PATH_WIDTH + 2 * HALO_WIDTH) * self._size_factor + 2.0)
        for path, committed in zip(paths, self._layer.committed, strict=False):
            rect = None if path is None else data_rect(path[max(committed - 1, 0):])
            if rect is not None:
                self.update(rect.adjusted(-pad * self._pixel[0], -pad * self._pixel[1],
                                          pad * self._pixel[0], pad * self._pixel[1]))
        for _lane, x, y in gone:  # where a head was drawn (a new race's first step elsewhere)
            self.update(QRectF(x - pad * self._pixel[0], y - pad * self._pixel[1],
                               2 * pad * self._pixel[0], 2 * pad * self._pixel[1]))

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        paths = self._paths[: len(self._pens)]
        transform = painter.transform()
        if TrailLayer.usable(painter):
            self._pixel = (1.0 / max(abs(transform.m11()), abs(transform.m21()), 1e-300),
                           1.0 / max(abs(transform.m22()), abs(transform.m12()), 1e-300))
            self._layer.paint(painter, paths, self._pens, option.exposedRect)
        else:  # vectors (an SVG export): the whole paths
            for path, pen in zip(paths, self._pens, strict=False):
                if path is not None:
                    stroke(painter, pen, path)
        painter.resetTransform()
        size = self._size_factor
        outline = QPen(QColor(self._halo), HALO_WIDTH * size)
        cross = CROSS_SIZE * size
        heads = [(lane, transform.map(QPointF(x, y))) for lane, x, y in self._heads
                 if lane < len(self._brushes)]
        radii = stacked_heads([(p.x(), p.y()) for _, p in heads], HEAD_RADIUS * size)
        for index in draw_order(radii):
            lane, centre = heads[index]
            painter.setPen(outline)
            painter.setBrush(self._brushes[lane])
            painter.drawEllipse(centre, radii[index], radii[index])
        for lane, x, y in self._crosses:
            if lane < len(self._pens):
                centre = transform.map(QPointF(x, y))
                for pen, width in zip(self._pens[lane], (3.0 + 2 * HALO_WIDTH, 3.0),
                                      strict=True):
                    pen = QPen(pen)
                    pen.setWidthF(width * size)
                    painter.setPen(pen)
                    for dx, dy in ((1, 1), (1, -1)):
                        painter.drawLine(centre + QPointF(-dx * cross, -dy * cross),
                                         centre + QPointF(dx * cross, dy * cross))
        painter.setTransform(transform)
