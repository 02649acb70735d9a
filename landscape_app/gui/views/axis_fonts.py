"""Bigger (or normal) tick and label fonts on pyqtgraph axes, restorable exactly; plot items
set up alike.

pyqtgraph draws tick labels with the axis's ``tickFont`` (None: the widget's font) and the
axis title as HTML whose ``<span>`` style comes from the axis's ``labelStyle``. Scaling sets
an explicit pixel font on both; factor 1 puts back exactly what the axis had before.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from PySide6.QtGui import QFont, QFontInfo
from PySide6.QtWidgets import QApplication


def base_pixel_size() -> int:
    """The application font's size in pixels (what axes use by default)."""
    return QFontInfo(QApplication.font()).pixelSize()


def leave_room_for_top_tick(plot_item, factor: float = 1.0) -> None:
    """A top margin on ``plot_item`` of half a tick label: the label of a tick at the top of
    the y range is drawn centred on it, and would be cut in half by the widget's edge."""
    left, _top, right, bottom = plot_item.layout.getContentsMargins()
    half_label = math.ceil(base_pixel_size() * factor / 2) + 2
    plot_item.layout.setContentsMargins(left, half_label, right, bottom)


def quiet_plot_item(widget):
    """``widget``'s (a ``pg.PlotWidget``) plot item without pyqtgraph's context menu and
    auto-range button, with room above for its top tick label, and plain tick labels (no SI
    prefix: :mod:`~landscape_app.gui.views.plain_axis`)."""
    from landscape_app.gui.views.plain_axis import plain_plot_ticks

    plot_item = widget.getPlotItem()
    plain_plot_ticks(plot_item)
    plot_item.setMenuEnabled(False)
    plot_item.hideButtons()
    leave_room_for_top_tick(plot_item)
    return plot_item


class AxisFonts:
    """Scales the fonts of some pyqtgraph ``AxisItem`` objects.

    The axes' label styles are remembered the first time they are scaled, so that
    ``set_factor(1.0)`` restores them whatever happened in between.
    """

    #: Axis titles are this much larger than tick labels.
    LABEL_RATIO = 1.1

    def __init__(self, axes: Iterable):
        self.axes = list(axes)
        self._styles: list[dict] | None = None
        self.factor = 1.0

    def set_factor(self, factor: float) -> None:
        """Tick and title fonts ``factor`` times the application font (1: as before)."""
        if self._styles is None:
            self._styles = [dict(axis.labelStyle) for axis in self.axes]
        self.factor = float(factor)
        pixels = round(base_pixel_size() * self.factor)
        for axis, style in zip(self.axes, self._styles, strict=True):
            if self.factor == 1.0:
                axis.setTickFont(None)
                axis.labelStyle = dict(style)
            else:
                font = QFont(QApplication.font())
                font.setPixelSize(pixels)
                axis.setTickFont(font)
                axis.labelStyle = {**style, "font-size": f"{round(self.LABEL_RATIO * pixels)}px"}
            axis.setLabel(axis.labelText, axis.labelUnits or None,
                          axis.labelUnitPrefix or None)
