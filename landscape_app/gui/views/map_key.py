"""The key of an outcome map drawn in the window, and the readout of the cell under the mouse.

:class:`MapKey` lists what each colour of the map means, as the exported picture does
(:func:`landscape_app.export.map_image.colorize`): a swatch per basin with its minimum's
position, per status, or the colour bar's range and the colour of cells that never got
there. :func:`cell_text` is the hyperparameter map's hover readout: the cell's two values
(rounded as a click would set them, :func:`landscape_app.core.nice_numbers.cell_value`),
its final loss, steps to tolerance and status (and λ_max when the map measured it).
"""

from __future__ import annotations

from html import escape

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget

from landscape_app.core.nice_numbers import cell_value, tick_label
from landscape_app.export.map_image import _viridis, colorize
from landscape_app.gui import style

#: The key's and the readout's look: light text on a dark, translucent box.
BOX_STYLE = ("background: rgba(0, 0, 0, 180); color: {text}; padding: 3px 7px; "
             "border-radius: 3px;")
#: Distance from the plot's corner (pixels).
MARGIN = 6


def _hex(color) -> str:
    r, g, b = (int(round(float(c))) for c in color[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def key_entries(result, color_by: str) -> list[tuple[str, str]]:
    """``(label, "#rrggbb")`` of every colour of ``result`` coloured by ``color_by``."""
    _rgb, legend, bar = colorize(result, color_by)
    entries = []
    if bar is not None:
        low, high, label = bar
        entries += [(f"{label}: {tick_label(low)}", _hex(_viridis(np.array(0.0)))),
                    (f"{label}: {tick_label(high)}", _hex(_viridis(np.array(1.0))))]
    return entries + [(label, _hex(color)) for label, color in legend]


def cell_text(result, i: int, j: int) -> str:
    """The readout of cell ``(i, j)`` (axis-0 index ``i``, axis-1 index ``j``)."""
    values = [f"{name} = {cell_value(axis, k, log):g}"
              for name, axis, k, log in zip(result.axis_names, (result.axis0, result.axis1),
                                            (i, j), result.axis_log, strict=True)]
    loss = float(result.loss[j, i])
    steps = int(result.steps_to_tolerance[j, i])
    status = result.status_names[int(result.status[j, i])]
    reached = f"{steps} steps to tolerance" if steps >= 0 else "tolerance not reached"
    sharp = ("" if result.sharpness is None else
             f"   λ_max = {float(result.sharpness[j, i]):.4g}")
    return f"{values[0]}   {values[1]}\nloss = {loss:.4g}   {reached}   {status}{sharp}"


class CornerLabel(QLabel):
    """A label kept in a corner of ``parent`` (``top-left``, ``top-right``, ``bottom-left``),
    inset by ``inset()`` (the plot area's offset in the widget), passing mouse events through."""

    def __init__(self, parent: QWidget, name: str, corner: str, inset=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(f"#{name} {{ {BOX_STYLE.format(text=style.TEXT)} }}")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.corner = corner
        self.inset = inset or (lambda: (0, 0, 0, 0))
        self.hide()
        parent.installEventFilter(self)

    def show_text(self, text: str, rich: bool = False) -> None:
        self.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        self.setText(text)
        self.adjustSize()
        self.place()
        self.show()
        self.raise_()

    def place(self) -> None:
        left, top, right, bottom = self.inset()
        parent = self.parentWidget()
        x = left + MARGIN if self.corner.endswith("left") else \
            parent.width() - right - MARGIN - self.width()
        y = top + MARGIN if self.corner.startswith("top") else \
            parent.height() - bottom - MARGIN - self.height()
        self.move(max(0, x), max(0, y))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self.place()
        return False


class MapKey(CornerLabel):
    """The key of the outcome map shown in a plot widget (hidden while there is none)."""

    def __init__(self, parent: QWidget, corner: str, inset=None):
        super().__init__(parent, "map-key", corner, inset)
        self.entries: list[tuple[str, str]] = []

    def show_key(self, result, color_by: str, title: str = "") -> None:
        self.entries = key_entries(result, color_by)
        rows = [f"<b>{escape(title)}</b>"] if title else []
        rows += [f'<span style="color:{color}">■</span>&nbsp;{escape(label)}'
                 for label, color in self.entries]
        self.show_text("<br>".join(rows), rich=True)

    def clear(self) -> None:
        self.entries = []
        self.hide()


def plot_inset(widget) -> tuple[int, int, int, int]:
    """The view box's margins inside ``widget`` (a ``pg.PlotWidget``): left, top, right,
    bottom, in widget pixels."""
    rect = widget.plot_item.vb.sceneBoundingRect()
    top_left = widget.mapFromScene(rect.topLeft())
    bottom_right = widget.mapFromScene(rect.bottomRight())
    return (top_left.x(), top_left.y(), widget.width() - bottom_right.x(),
            widget.height() - bottom_right.y())
