"""Clicks on a plot: where a plain left click landed, in the plot's data coordinates."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt


def left_click_point(plot_item: pg.PlotItem, event) -> QPointF | None:
    """The view coordinates of a single left click inside ``plot_item``'s view box (a
    ``sigMouseClicked`` event), or None for any other button, a double click, or a click on
    the axes or outside."""
    if event.button() != Qt.MouseButton.LeftButton or event.double():
        return None
    box = plot_item.vb
    if not box.sceneBoundingRect().contains(event.scenePos()):
        return None
    return box.mapSceneToView(event.scenePos())
