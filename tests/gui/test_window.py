"""The main window, end to end, on the offscreen platform."""

import sys

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from landscape_app.core.result import Status
from landscape_app.gui.live.tasks import live_task_threads
from landscape_app.gui.live.worker import live_threads
from tests.gui.conftest import pick_from_button_menu

pytestmark = pytest.mark.gui


def pick_function(window, function_id):
    box = window.landscape_panel.function_box
    box.setCurrentIndex(box.findData(function_id))
    assert window.controller.state.landscape.function == function_id


def add_lane(window, title):
    menu = window.optimizer_panel.add_button.menu()
    action = next(a for a in menu.actions() if a.text() == title)
    action.trigger()


def set_speed(window, speed):
    combo = window.controls.speed
    combo.setCurrentIndex(combo.findData(speed))


def painted_to_the_end(window):
    """The views show the race's last published steps (the table is drawn after the plane)."""
    rows, lanes = window.views.table.table_model.rows, window.buffer.snapshot().lanes
    return len(rows) == len(lanes) > 0 and all(row.step == lane.rows[-1, 0]
                                               for row, lane in zip(rows, lanes, strict=True))


def press(qtbot, window, key):
    window.activateWindow()
    qtbot.keyClick(window, key)


def test_race_of_three_runs_pauses_and_shows_its_steps(window, qtbot):
    pick_function(window, "himmelblau")
    for card in list(window.optimizer_panel.cards):
        qtbot.mouseClick(card.remove_button, Qt.MouseButton.LeftButton)
    for title in ("Adam", "SGD + momentum", "Particle swarm"):
        add_lane(window, title)
    assert [lane.spec.id for lane in window.controller.state.lanes] == ["adam", "momentum", "pso"]
    set_speed(window, 200)
    worker = window.race_thread.worker
    with qtbot.waitSignal(window.race_thread.advanced, timeout=30_000,
                          check_params_cb=lambda gen, step: gen == worker.generation
                          and step >= 25):
        press(qtbot, window, Qt.Key.Key_Space)
    assert window.controls.play_action.isChecked()
    press(qtbot, window, Qt.Key.Key_Space)
    assert not worker.playing
    qtbot.waitUntil(lambda: not worker.busy)  # a batch asked for before the pause lands
    qtbot.waitUntil(lambda: painted_to_the_end(window))
    steps = window.buffer.snapshot().furthest_step
    qtbot.wait(200)  # nothing to wait for: a paused race must not move in that time
    assert window.buffer.snapshot().furthest_step == steps >= 25

    model = window.views.table.table_model
    qtbot.waitUntil(lambda: len(model.rows) == 3 and all(r.step == steps for r in model.rows))
    assert [row.label for row in model.rows] == [lane.label for lane in
                                                  window.controller.state.lanes]
    assert all(row.status is Status.RUNNING and np.isfinite(row.loss) for row in model.rows)
    assert all(np.isfinite(row.distance) for row in model.rows)  # himmelblau's minima are known
    for curve in window.views.curves.curves[:3]:
        x, y = curve.getOriginalDataset()
        assert len(x) == steps + 1 and x[-1] == steps


def test_the_add_optimizer_menu_offers_every_optimizer_and_a_click_adds_one(window, qtbot):
    from landscape_app.core.optim import all_optimizers

    button = window.optimizer_panel.add_button
    menu = button.menu()
    offered = [action.data() for action in menu.actions() if not action.isSeparator()]
    assert offered == list(all_optimizers())
    annealing = next(action for action in menu.actions() if action.data() == "sa")
    lanes_before = len(window.controller.state.lanes)
    pick_from_button_menu(qtbot, button, annealing)
    lanes = window.controller.state.lanes
    assert len(lanes) == lanes_before + 1 and lanes[-1].spec.id == "sa"
    qtbot.waitUntil(lambda: [lane.label for lane in window.buffer.snapshot().lanes]
                    == [lane.label for lane in lanes])


def test_keyboard_steps_and_resets(window, qtbot):
    worker = window.race_thread.worker
    before = window.buffer.snapshot().furthest_step
    press(qtbot, window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.buffer.snapshot().furthest_step == before + 1)
    generation = worker.generation
    press(qtbot, window, Qt.Key.Key_R)
    assert worker.generation == generation + 1
    qtbot.waitUntil(lambda: window.buffer.snapshot().generation == worker.generation)
    assert window.buffer.snapshot().furthest_step == 0


def test_click_in_the_view_moves_the_start_and_restarts(window, qtbot):
    view, worker = window.views.contour, window.race_thread.worker
    generation = worker.generation
    target = (0.5, 0.25)
    with qtbot.waitSignal(view.startMoved, timeout=5_000) as moved:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=view.data_to_viewport(*target))
    tolerance = 0.03  # a few pixels of a 4-unit-wide view
    assert np.allclose(moved.args, target, atol=tolerance)
    assert np.allclose(window.controller.state.start, target, atol=tolerance)
    assert worker.generation == generation + 1
    qtbot.waitUntil(lambda: window.buffer.snapshot().generation == worker.generation
                    and len(window.buffer.snapshot().lanes) == 4)
    for lane in window.buffer.snapshot().lanes:
        assert np.allclose(lane.xy[0], window.controller.state.start)
    marker = view.start_marker.pos()
    assert np.allclose((marker.x(), marker.y()), window.controller.state.start)


def test_invalid_expression_is_shown_and_the_surface_kept(window, qtbot):
    panel, controller = window.landscape_panel, window.controller
    panel.tabs.setCurrentIndex(1)
    first = controller.grid
    qtbot.keyClicks(panel.expression, "x**2 + 3*y**2")
    qtbot.waitUntil(lambda: controller.state.landscape.expression == "x**2 + 3*y**2"
                    and controller.grid is not None and controller.grid is not first,
                    timeout=20_000)
    grid, image = controller.grid, window.views.contour.image.image.copy()
    qtbot.keyClicks(panel.expression, " + * y")
    assert panel.expression_error.isVisible()
    assert "column" in panel.expression_error.text()
    assert panel.expression.property("invalid")
    assert not panel._debounce.isActive()  # nothing is left to be applied
    assert controller.state.landscape.expression == "x**2 + 3*y**2"
    assert controller.grid is grid
    assert np.array_equal(window.views.contour.image.image, image)


def test_invalid_hyperparameter_is_refused_with_a_message(window, qtbot):
    worker = window.race_thread.worker
    card = next(c for c in window.optimizer_panel.cards if c.lane.spec.id == "adam")
    qtbot.mouseClick(card.expand_button, Qt.MouseButton.LeftButton)
    edit, error = card.form.editors["lr"], card.form.errors["lr"]
    generation, spec = worker.generation, card.lane.spec
    edit.selectAll()
    qtbot.keyClicks(edit, "-1")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert error.isVisible() and "out of range" in error.text()
    assert edit.property("invalid")
    assert card.lane.spec == spec and worker.generation == generation
    edit.selectAll()
    qtbot.keyClicks(edit, "0.2")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert not error.isVisible()
    assert card.lane.spec.params["lr"] == 0.2
    assert window.controller.state.lanes[2].spec.params["lr"] == 0.2
    assert worker.generation == generation + 1


def test_closing_mid_run_stops_everything(window, qtbot):
    set_speed(window, None)
    with qtbot.waitSignal(window.race_thread.advanced, timeout=30_000,
                          check_params_cb=lambda gen, step: step >= 10):
        window.controls.play_action.setChecked(True)
    window.close()
    assert live_threads() == [] and live_task_threads() == []
    assert not window.race_thread.thread.isRunning()
    assert not window.clock.timer.isActive()


def test_screenshot(window, qtbot, tmp_path):
    set_speed(window, None)
    window.controls.play_action.setChecked(True)
    qtbot.waitUntil(lambda: window.buffer.snapshot().furthest_step >= 40, timeout=30_000)
    window.controls.play_action.setChecked(False)
    qtbot.waitUntil(lambda: painted_to_the_end(window))
    path = tmp_path / "window.png"
    assert window.grab().save(str(path))
    image = np.asarray(Image.open(path).convert("RGB"))
    assert image.shape[0] >= 600 and image.shape[1] >= 1000
    assert image.std() > 20  # a real picture, not a blank frame


def test_many_void_calls_do_not_break_none_refcount(qtbot):
    """PySide6 6.12.0 drops a reference to None per void call and aborts (see env.md)."""
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        widget.setEnabled(True)
    assert abs(sys.getrefcount(None) - before) < 1_000


@pytest.mark.gl
def test_the_3d_tab_shows_the_race_on_the_surface(window, qtbot):
    """Run with ``QT_QPA_PLATFORM=xcb`` under Xvfb (see test_surface3d.py)."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        pytest.skip(f"no OpenGL on the Qt platform '{QGuiApplication.platformName()}'")
    window.views.view_tabs.setCurrentIndex(1)
    view = window.surface3d
    assert view is not None and view.available, view.unavailable_reason
    set_speed(window, None)
    window.controls.play_action.setChecked(True)
    qtbot.waitUntil(lambda: window.buffer.snapshot().furthest_step >= 30, timeout=30_000)
    window.controls.play_action.setChecked(False)
    qtbot.waitUntil(lambda: painted_to_the_end(window))
    frame = view.grab_frame().astype(int)
    assert frame.shape[0] > 200 and frame.std() > 10
    orange = np.abs(frame - np.array([0xE6, 0x9F, 0x00])).max(axis=2) < 40
    assert orange.sum() > 20  # the first lane's path and head are drawn on the surface


def test_optimizer_internals_switch_from_the_view_menu_and_the_toolbar(window, qtbot):
    controls = window.controls
    (action,) = [a for a in window.view_menu.actions()
                 if a.text().replace("&", "") == "Optimizer internals"]
    assert action is controls.internals_action and action.isCheckable()
    action.trigger()  # the View menu
    assert controls.internals.isChecked() and window.painter.show_internals
    qtbot.mouseClick(controls.internals, Qt.MouseButton.LeftButton)  # the toolbar's box
    assert not action.isChecked() and not window.painter.show_internals
