"""What the hover readouts say is true (issue 22.5): the 2D view's readout goes when the mouse
leaves the plot or the landscape changes, and a trail point's tooltip stays up while the
mouse rests on it (neither hidden nor replaced by the plot's own tooltip when Qt asks the
widget under the resting mouse for one). Real mouse moves and key presses."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.exceptions import TimeoutError as WaitTimeout

from landscape_app.engine.traces import COLUMN
from tests.gui.test_sharpness_gui import click_menu

pytestmark = pytest.mark.gui

#: Longer than Qt's delay before it asks for a tooltip (700 ms) and than the 300 ms a
#: hidden tooltip takes to go: a tooltip still up after this was kept, not left to fade.
REST_MS = 1500


def key(qtbot, window, code):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(QApplication.focusWidget() or window, code)


def pixel(view, vb, x, y):
    """Where data point ``(x, y)`` of ``vb`` is drawn, in ``view``'s viewport."""
    scene = vb.mapViewToScene(QPointF(x, y))
    local = view.mapFromScene(scene)
    return QPoint(local.x(), local.y())


class ToolTipAsked(QObject):
    """Counts the ToolTip events Qt sends to a widget (a resting mouse)."""

    def __init__(self, widget):
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.ToolTip:
            self.count += 1
        return False


def steps_taken(window, qtbot, steps=25):
    for _ in range(steps):
        key(qtbot, window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.buffer.snapshot().furthest_step >= steps, timeout=20_000)
    return window.buffer.snapshot().lanes[0]


def rests_with_the_tooltip(qtbot, viewport):
    """The mouse rests: Qt asks for a tooltip; the trail point's one stays up."""
    asked = ToolTipAsked(viewport)
    qtbot.waitUntil(lambda: asked.count > 0, timeout=5_000)
    with pytest.raises(WaitTimeout):
        qtbot.waitUntil(lambda: not QToolTip.isVisible() or "step" not in QToolTip.text(),
                        timeout=REST_MS)


def test_the_readout_goes_when_the_mouse_leaves_the_plot(window, qtbot):
    contour, label = window.views.contour, window.readouts.plane.label
    middle = contour.plot_item.vb.sceneBoundingRect().center()
    qtbot.mouseMove(contour.viewport(), contour.mapFromScene(middle))
    qtbot.waitUntil(label.isVisible)
    assert "loss = " in label.text()
    qtbot.mouseMove(window.views.table.viewport(), window.views.table.viewport().rect().center())
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=2_000)


def zoom_out(view, qtbot):
    """One notch of the mouse wheel, towards the user, over the middle of ``view``'s plot."""
    viewport = view.viewport()
    middle = QPointF(view.mapFromScene(view.plot_item.vb.sceneBoundingRect().center()))
    notch = QWheelEvent(middle, QPointF(viewport.mapToGlobal(middle.toPoint())), QPoint(0, 0),
                        QPoint(0, -120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, notch)


def test_the_readout_reads_the_landscape_past_its_box(window, qtbot):
    """Zoomed out with the wheel, the view shows Rosenbrock past its box: the heatmap is widened
    there (issue 22.7), and the readout gives f at the nearest drawn node."""
    contour, label = window.views.contour, window.readouts.plane.label
    vb, box = contour.plot_item.vb, contour.bounds
    for _ in range(3):
        zoom_out(contour, qtbot)
    qtbot.waitUntil(lambda: vb.viewRect().left() < box.left() - 0.2
                    and contour.drawn_grid.xs[0] < box.left() - 0.2, timeout=5_000)
    x, y = box.left() - 0.1, box.center().y()
    qtbot.mouseMove(contour.viewport(), pixel(contour, vb, x, y))
    qtbot.waitUntil(lambda: "loss = " in label.text() and label.isVisible())
    grid = contour.drawn_grid
    i, j = np.abs(grid.xs - x).argmin(), np.abs(grid.ys - y).argmin()
    objective = window.controller.landscape.objective
    value = objective.evaluate(objective.as_tensor(np.array([[grid.xs[i], grid.ys[j]]]))).item()
    assert label.text().endswith(f"loss = {value:.4g}")


def test_the_readout_goes_with_the_landscape_it_read(window, qtbot):
    contour, label = window.views.contour, window.readouts.plane.label
    middle = contour.plot_item.vb.sceneBoundingRect().center()
    qtbot.mouseMove(contour.viewport(), contour.mapFromScene(middle))
    qtbot.waitUntil(label.isVisible)
    before = label.text()
    grid = window.controller.grid
    key(qtbot, window, Qt.Key.Key_N)  # the next scene: another landscape
    qtbot.waitUntil(lambda: window.controller.grid is not None
                    and window.controller.grid is not grid and window.shown_grid is not None,
                    timeout=30_000)
    assert not label.isVisible() or label.text() != before


def test_a_trail_points_tooltip_stays_while_the_mouse_rests(window, qtbot):
    lane = steps_taken(window, qtbot)
    contour = window.views.contour
    x, y = lane.xy[20]
    qtbot.mouseMove(contour.viewport(), pixel(contour, contour.plot_item.vb, x, y))
    qtbot.waitUntil(lambda: QToolTip.isVisible() and "step" in QToolTip.text())
    rests_with_the_tooltip(qtbot, contour.viewport())


def test_a_curve_points_tooltip_is_not_replaced_by_the_plots_own(window, qtbot):
    lane = steps_taken(window, qtbot)
    curves = window.views.curves
    row = lane.rows[20]
    point = QPointF(row[COLUMN["step"]], np.log10(row[COLUMN["loss"]] - curves.offset))
    vb = curves.plot_item.vb
    qtbot.waitUntil(lambda: vb.viewRect().contains(point), timeout=5_000)  # followed
    qtbot.mouseMove(curves.viewport(), pixel(curves, vb, point.x(), point.y()))
    qtbot.waitUntil(lambda: QToolTip.isVisible() and "step" in QToolTip.text())
    rests_with_the_tooltip(qtbot, curves.viewport())
    assert "drag to pan" not in QToolTip.text()


def numbers_on_screen(window):
    """The step numbers on screen: the table's furthest row, the timeline's readout, the
    status bar's, and (when the curves show the table's frame) the curves' last step."""
    rows = window.views.table.table_model.rows
    numbers = {"table": max((row.step for row in rows), default=0),
               "timeline": int(window.views.timeline_bar.readout.text().split()[1])}
    status = window.status.fps.text()
    if status.startswith("step "):
        numbers["status bar"] = int(status.split()[1])
    if getattr(window.painter, "in_step", True):
        ends = [curve.getData()[0] for curve in window.views.curves.curves if curve.isVisible()]
        numbers["curves"] = int(max((x[-1] for x in ends if x is not None and len(x)),
                                    default=0))
    return numbers


def test_one_step_number_on_screen_while_the_start_is_dragged(window, qtbot, forget_sharpness):
    """Sampled every few milliseconds through a drag whose previews fill in chunk by chunk,
    every step number on screen is the same one. With View ▸ Sharpness on, every lane's
    preview runs on the race runner, chunk by chunk (without it, the mappable lanes' previews
    arrive whole from the map engine: engine/preview_lanes.py)."""
    from PySide6.QtCore import QTimer

    click_menu(window, qtbot, window.view_menu, window.sharpness_view.action)
    qtbot.waitUntil(lambda: window.sharpness_on, timeout=10_000)
    window.controls.max_steps.setValue(300)
    window.controls.max_steps.editingFinished.emit()
    view, preview = window.views.contour, window.controller.preview
    shown = []
    preview.shown.connect(shown.append)
    samples = []
    sampler = QTimer()
    sampler.timeout.connect(lambda: samples.append(numbers_on_screen(window)))
    sampler.start(5)
    start = window.controller.start_point()
    path = [(start[0] + 0.08 * i, start[1] - 0.06 * i) for i in range(6)]
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.data_to_viewport(*path[0]))
    for point in path[1:]:
        count = len(shown)
        qtbot.mouseMove(view.viewport(), pos=view.data_to_viewport(*point))
        qtbot.waitUntil(lambda count=count: len(shown) > count, timeout=60_000)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton,
                       pos=view.data_to_viewport(*path[-1]))
    qtbot.waitUntil(lambda: preview.on_screen and window.buffer.snapshot().done
                    and numbers_on_screen(window)["table"]
                    == window.buffer.snapshot().furthest_step, timeout=120_000)
    sampler.stop()
    samples.append(numbers_on_screen(window))
    assert len({sample["table"] for sample in samples}) > 2  # the previews did grow
    disagreeing = [sample for sample in samples if len(set(sample.values())) > 1]
    assert not disagreeing, f"{len(disagreeing)} of {len(samples)}: {disagreeing[:3]}"
