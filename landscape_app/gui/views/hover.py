"""What is under the mouse: the 2D view's coordinate and loss readout, and trail-point tooltips
on the 2D view and the loss curves.

- :class:`PlaneHover` (2D view): a label in the plot's top-left corner reads the position and
  the loss of the grid node nearest the cursor, ``x = 1.20   y = −0.35   loss = 3.2e−01``
  (``α``, ``β`` on a network plane); a trail point within :data:`PICK_PIXELS` of the cursor
  gets a tooltip with its lane, step and loss, and on a recorded plane its true loss
  f(θ_t) against the plane's loss at its projection f(θ₀ + α d₁ + β d₂).
- :class:`CurveHover` (loss curves): the same tooltip for the nearest curve point.

Both hide what they show when the mouse leaves the plot, and keep a trail point's tooltip up
for as long as the mouse rests on it (:class:`TipKeeper`). Both ask a ``lanes()`` callable
for the drawn lanes ``(label, rows, visible)`` (rows in the columns of
:mod:`landscape_app.engine.traces`) each time the mouse moves: nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtWidgets import QLabel, QToolTip

from landscape_app.engine.traces import AXIS_COLUMNS, COLUMN
from landscape_app.gui import style

#: A trail point this close to the cursor (in pixels) is picked.
PICK_PIXELS = 8.0

Lanes = Callable[[], Sequence[tuple[str, np.ndarray, bool]]]


def nearest_node(grid, x: float, y: float) -> tuple[int, int] | None:
    """``(i, j)`` of the grid node nearest ``(x, y)`` (None outside the grid's box, half a
    cell around)."""
    xs, ys = np.asarray(grid.xs, dtype=float), np.asarray(grid.ys, dtype=float)
    dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1) / 2
    dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1) / 2
    if not (xs[0] - dx <= x <= xs[-1] + dx and ys[0] - dy <= y <= ys[-1] + dy):
        return None
    return int(np.argmin(np.abs(xs - x))), int(np.argmin(np.abs(ys - y)))


def pick_point(points: Sequence[tuple[int, np.ndarray]], x: float, y: float,
               pixel: tuple[float, float], radius: float = PICK_PIXELS):
    """The ``(lane, row)`` whose point ``points[lane][1][row] = (x', y')`` lies nearest
    ``(x, y)`` within ``radius`` pixels (a pixel is ``pixel = (px, py)`` data units); None."""
    best, best_distance = None, radius
    px, py = pixel
    if not (px > 0 and py > 0):
        return None
    for lane, xy in points:
        if not len(xy):
            continue
        with np.errstate(invalid="ignore"):
            distance = np.hypot((xy[:, 0] - x) / px, (xy[:, 1] - y) / py)
        distance = np.where(np.isfinite(distance), distance, np.inf)
        row = int(np.argmin(distance))
        if distance[row] <= best_distance:
            best, best_distance = (lane, row), float(distance[row])
    return best


def point_text(label: str, row: np.ndarray, recorded: bool) -> str:
    """A trail point's tooltip: lane, step and loss; on a recorded plane also the loss of the
    plane at the point's projection."""
    lines = [f"{label} · step {int(row[COLUMN['step']])}",
             f"loss {row[COLUMN['loss']]:.6g}"]
    if recorded:
        lines[-1] = f"true loss {row[COLUMN['loss']]:.6g}"
        lines.append(f"plane loss {row[COLUMN['surface_loss']]:.6g} (the surface under it)")
    return "\n".join(lines)


class TipKeeper(QObject):
    """Keeps a widget's trail-point tooltip on screen while the mouse rests on the point, and
    says when the mouse leaves the widget.

    Qt asks the widget under a resting mouse for its tooltip (a ``ToolTip`` event, ~0.7 s
    after it stops): the plot's scene has none and hides ours, and then the widget's own
    ("drag to pan, wheel to zoom") replaces it. While ``text()`` gives a tooltip, this
    filter answers that event with it; ``left()`` is called when the mouse leaves.
    """

    def __init__(self, widget, text: Callable[[], str], left: Callable[[], None]):
        super().__init__(widget)
        self.widget, self.text, self.left = widget, text, left
        widget.viewport().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QEvent.Type.ToolTip:
            text = self.text()
            if text:
                QToolTip.showText(event.globalPos(), text, self.widget)
                return True
        elif kind == QEvent.Type.Leave:
            self.left()
        return False


class TrailTip:
    """The trail-point tooltip of a hover over ``widget``: shown at the cursor once per new
    text, kept while the mouse rests (:class:`TipKeeper`); :attr:`tooltip_text` is the tip
    shown ("" none)."""

    def __init__(self, widget):
        self.tip_widget = widget
        self.tooltip_text = ""
        self.keeper = TipKeeper(widget, lambda: self.tooltip_text, self.clear)

    def clear(self) -> None:
        """No tooltip (the mouse left)."""
        if self.tooltip_text:
            self.tooltip_text = ""
            QToolTip.hideText()

    def _tooltip(self, text: str, scene_pos: QPointF) -> None:
        if text == self.tooltip_text:
            return
        self.tooltip_text = text
        if text:
            local = self.tip_widget.mapFromScene(scene_pos)
            QToolTip.showText(self.tip_widget.mapToGlobal(QPoint(local.x(), local.y())), text,
                              self.tip_widget)
        else:
            QToolTip.hideText()


class PlaneHover(TrailTip):
    """The readout and trail tooltips of a :class:`~landscape_app.gui.views.contour.
    ContourView`.

    ``grid()`` gives the drawn grid (None: none), ``names()`` the two coordinate names and
    whether the landscape is a recorded plane, ``lanes()`` the drawn lanes.
    """

    def __init__(self, view, grid: Callable, names: Callable[[], tuple[str, str, bool]],
                 lanes: Lanes):
        self.view, self.grid, self.names, self.lanes = view, grid, names, lanes
        self.label = QLabel(view)
        self.label.setObjectName("hover-readout")
        self.label.setStyleSheet(f"#hover-readout {{ background: rgba(0, 0, 0, 170); "
                                 f"color: {style.TEXT}; padding: 2px 6px; "
                                 "border-radius: 3px; font-family: 'DejaVu Sans Mono'; }")
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.label.hide()
        super().__init__(view)
        view.scene().sigMouseMoved.connect(self.moved)

    def clear(self) -> None:
        """No readout and no tooltip (the mouse left, or the landscape changed)."""
        self.label.hide()
        super().clear()

    def moved(self, scene_pos: QPointF) -> None:
        """Update the readout and the tooltip for the cursor at ``scene_pos``."""
        vb = self.view.plot_item.vb
        grid = self.grid()
        if grid is None or not vb.sceneBoundingRect().contains(scene_pos):
            self.label.hide()
            self._tooltip("", scene_pos)
            return
        point = vb.mapSceneToView(scene_pos)
        x, y = float(point.x()), float(point.y())
        first, second, recorded = self.names()
        text = f"{first} = {x:.4g}   {second} = {y:.4g}"
        node = nearest_node(grid, x, y)
        if node is not None:
            loss = float(grid.values[node[1], node[0]])
            text += f"   loss = {loss:.4g}" if np.isfinite(loss) else "   loss missing (a hole)"
        self.label.setText(text)
        self.label.adjustSize()
        corner = self.view.mapFromScene(vb.sceneBoundingRect().topLeft())
        self.label.move(corner.x() + 6, corner.y() + 6)
        self.label.show()
        self.label.raise_()
        lanes = [(label, rows) for label, rows, visible in self.lanes() if visible]
        xy = slice(COLUMN["x"], COLUMN["y"] + 1)
        picked = pick_point([(k, rows[:, xy]) for k, (_, rows) in enumerate(lanes)], x, y,
                            tuple(vb.viewPixelSize()))
        tip = "" if picked is None else point_text(lanes[picked[0]][0],
                                                   lanes[picked[0]][1][picked[1]], recorded)
        self._tooltip(tip, scene_pos)


class CurveHover(TrailTip):
    """Trail-point tooltips on the :class:`~landscape_app.gui.views.curves.LossCurves`:
    ``recorded()`` says whether the landscape is a recorded plane."""

    def __init__(self, curves, lanes: Lanes, recorded: Callable[[], bool]):
        self.curves, self.lanes, self.recorded = curves, lanes, recorded
        super().__init__(curves)
        curves.scene().sigMouseMoved.connect(self.moved)

    def moved(self, scene_pos: QPointF) -> None:
        vb = self.curves.plot_item.vb
        text = ""
        if vb.sceneBoundingRect().contains(scene_pos):
            point = vb.mapSceneToView(scene_pos)
            column = COLUMN[AXIS_COLUMNS[self.curves.axis]]
            lanes = [(label, rows) for label, rows, visible in self.lanes() if visible]
            points = []
            for k, (_, rows) in enumerate(lanes):
                loss = rows[:, COLUMN["loss"]] - self.curves.offset
                if self.curves.log_y:
                    with np.errstate(invalid="ignore", divide="ignore"):
                        loss = np.log10(np.where(loss > 0, loss, np.nan))
                points.append((k, np.column_stack([rows[:, column], loss])))
            picked = pick_point(points, float(point.x()), float(point.y()),
                                tuple(vb.viewPixelSize()))
            if picked is not None:
                text = point_text(lanes[picked[0]][0], lanes[picked[0]][1][picked[1]],
                                  self.recorded())
        self._tooltip(text, scene_pos)
