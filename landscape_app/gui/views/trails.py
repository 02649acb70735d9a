"""Every lane's path, head and divergence mark, drawn by one graphics item.

One item for all lanes keeps a frame cheap: pyqtgraph's curve and scatter items cost a lot of
Python per item and per call (bounding rectangles, spot tables), and a frame redraws all
of them. Here the paths are turned into ``QPainterPath`` objects once per update (vectorised,
:func:`pyqtgraph.arrayToQPath`) and :meth:`TrailsItem.paint` only strokes them and draws a
few markers in screen pixels.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen

#: Path width, head radius and cross half-size, in screen pixels.
PATH_WIDTH = 2.2
HEAD_RADIUS = 5.5
CROSS_SIZE = 6.0


class TrailsItem(pg.GraphicsObject):
    """Paths ``(n, 2)`` in data coordinates with a head (or a divergence cross) per lane."""

    def __init__(self):
        super().__init__()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._paths: list[QPainterPath] = []
        self._pens: list[QPen] = []
        self._brushes: list[QBrush] = []
        self._heads: list[tuple[int, float, float]] = []
        self._crosses: list[tuple[int, float, float]] = []
        self._bounds = QRectF()
        self._colors: list[str] = []
        self._size_factor = 1.0

    def set_size_factor(self, factor: float) -> None:
        """Draw paths, heads and crosses ``factor`` times their normal size (presentation)."""
        self._size_factor = float(factor)
        self.set_colors(self._colors)

    def set_colors(self, colors: list[str]) -> None:
        self._colors = list(colors)
        self._pens, self._brushes = [], []
        for color in colors:
            pen = QPen(QColor(color), PATH_WIDTH * self._size_factor)
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            self._pens.append(pen)
            self._brushes.append(QBrush(QColor(color)))
        self.update()

    def set_data(self, paths: list[np.ndarray | None], heads: list[tuple[int, float, float]],
                 crosses: list[tuple[int, float, float]], bounds: QRectF) -> None:
        """Lane ``i`` draws ``paths[i]`` (None: nothing); ``heads`` and ``crosses`` are
        ``(lane, x, y)``; ``bounds`` encloses everything (the clipping box of the paths)."""
        self._paths = [QPainterPath() if path is None or len(path) < 2 else
                       pg.arrayToQPath(path[:, 0], path[:, 1], connect="finite")
                       for path in paths]
        self._heads, self._crosses = heads, crosses
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = QRectF(bounds)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for lane, path in enumerate(self._paths):
            if lane < len(self._pens) and not path.isEmpty():
                painter.setPen(self._pens[lane])
                painter.drawPath(path)
        transform = painter.transform()
        painter.resetTransform()
        size = self._size_factor
        outline = QPen(QColor("#101010"), 1.2 * size)
        radius, cross = HEAD_RADIUS * size, CROSS_SIZE * size
        for lane, x, y in self._heads:
            if lane < len(self._brushes):
                painter.setPen(outline)
                painter.setBrush(self._brushes[lane])
                painter.drawEllipse(transform.map(QPointF(x, y)), radius, radius)
        for lane, x, y in self._crosses:
            if lane < len(self._pens):
                centre = transform.map(QPointF(x, y))
                pen = QPen(self._pens[lane])
                pen.setWidthF(3.0 * size)
                painter.setPen(pen)
                for dx, dy in ((1, 1), (1, -1)):
                    painter.drawLine(centre + QPointF(-dx * cross, -dy * cross),
                                     centre + QPointF(dx * cross, dy * cross))
        painter.setTransform(transform)
