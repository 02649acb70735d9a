"""A pyqtgraph axis whose grid is cheap to redraw: straight lines become 1-pixel rectangles.

Qt's raster engine strokes a translucent cosmetic line pixel by pixel: a grid line across the
loss plot costs about 0.1 ms, and a log axis with minor lines draws ~90 of them. pyqtgraph
redraws the axis (and its grid) at every range change, which made those the slowest frames
of the window. The same lines filled as rectangles cost about a microsecond each.

The axis is also painted directly rather than through pyqtgraph's ``QPicture`` (which
replays the slow path): give it ``QGraphicsItem.DeviceCoordinateCache`` so that it is only
painted again when its range, size or style changes.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPen


class GridAxisItem(pg.AxisItem):
    """:class:`pyqtgraph.AxisItem` drawing horizontal and vertical lines as rectangles."""

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.save()
        if self.style["tickFont"] is not None:
            painter.setFont(self.style["tickFont"])
        specs = self.generateDrawSpecs(painter)
        if specs is not None:
            self.drawPicture(painter, *specs)
        painter.restore()

    def drawPicture(self, painter: QPainter, axis_spec, tick_specs, text_specs) -> None:  # noqa: N802
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        for pen, start, end in (axis_spec, *tick_specs):
            if not fill_line(painter, pen, start, end):
                painter.setPen(pen)
                painter.drawLine(start, end)
        if self.style["tickFont"] is not None:
            painter.setFont(self.style["tickFont"])
        painter.setPen(self.textPen())
        painter.setClipRect(self.boundingRect().toAlignedRect())
        for rect, flags, text in text_specs:
            painter.drawText(rect, int(flags), text)


def fill_line(painter: QPainter, pen: QPen, start, end) -> bool:
    """Fill the solid horizontal or vertical line ``start``–``end`` as a rectangle ``w``
    pixels thick (``w`` the pen's width, at least 1); False for any other line."""
    if pen.style() != Qt.PenStyle.SolidLine or not pen.isCosmetic():
        return False
    width = max(round(pen.widthF()), 1)
    x0, x1 = sorted((start.x(), end.x()))
    y0, y1 = sorted((start.y(), end.y()))
    if y0 == y1:
        rect = QRect(round(x0), round(y0 - (width - 1) / 2), max(round(x1 - x0), 1), width)
    elif x0 == x1:
        rect = QRect(round(x0 - (width - 1) / 2), round(y0), width, max(round(y1 - y0), 1))
    else:
        return False
    painter.fillRect(rect, pen.color())
    return True
