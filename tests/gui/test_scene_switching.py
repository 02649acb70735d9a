"""Switching scenes quickly never leaves a mixed picture (issue: a network scene's lanes and
note racing on the previous scene's 2D function after fast N / P / Space / R / →).

After every user action has been processed, everything on screen must belong to the session
on screen: the landscape drawn is the session's (checked against the objective itself), the
table's rows are the session's lanes with the columns of its kind of landscape, the note is
the session's, and the transport is off exactly while there is no landscape to race on."""

import random

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from landscape_app.gui.live.tasks import live_task_threads
from landscape_app.state.scenes import SCENE_ORDER

pytestmark = pytest.mark.gui

FUNCTIONS = ("rosenbrock", "himmelblau", "booth", "rastrigin", "beale")


def key(qtbot, window, code):
    window.activateWindow()
    qtbot.keyClick(window, code)


def settle(window, qtbot):
    """Let the event loop deliver the action, and the worker load the race it asked for."""
    QApplication.processEvents()  # the queued signals the action emitted
    worker = window.race_thread.worker
    qtbot.waitUntil(lambda: window.buffer.snapshot().generation == worker.generation,
                    timeout=30_000)


def assert_consistent(window):
    model = window.controller.model
    state = model.state
    # the note is the session's
    assert window.views.note_panel.title.text() == state.title.strip()
    assert window.views.note_panel.text.text() == state.note.strip()
    # the landscape drawn is the session's
    landscape, grid = model.landscape, window.shown_grid
    if landscape is None:
        assert grid is None and model.blocked
        assert window.views.contour.image.image is None
    else:
        assert landscape.kind == state.landscape.kind
        if landscape.kind == "function":
            assert landscape.function_id == state.landscape.function
        if grid is not None:
            assert grid is model.grid
            if landscape.live:  # the values are this objective's
                j, i = len(grid.ys) // 3, len(grid.xs) // 2
                point = np.array([[grid.xs[i], grid.ys[j]]])
                value = landscape.objective.evaluate(landscape.objective.as_tensor(point))
                assert np.isclose(grid.values[j, i], float(value[0]), equal_nan=True)
            else:
                assert [path.label for path in landscape.lanes] == [
                    lane.label for lane in state.lanes]
    # the race shown is the session's lanes, with the columns of its kind of landscape
    labels = [lane.label for lane in window.buffer.snapshot().lanes]
    expected = [lane.label for lane in state.lanes] if model.blocked is None else []
    assert labels == expected
    assert window.views.table.table_model.headers[5] == (
        "off plane" if state.landscape.kind == "network" else "to minimum")
    # the transport waits for the landscape, and says why
    assert window.controls.play_action.isEnabled() == (model.blocked is None)
    assert window.views.contour.start_marker.isVisible() == model.live


def change_lr(window, qtbot, rng):
    cards = window.optimizer_panel.cards
    card = rng.choice(cards)
    edit = card.form.editors.get("lr")
    if edit is None:
        return
    if not card.form.isVisible():
        qtbot.mouseClick(card.expand_button, Qt.MouseButton.LeftButton)
    edit.selectAll()
    qtbot.keyClicks(edit, f"{rng.choice((0.001, 0.003, 0.01, 0.05)):g}")
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def change_function(window, qtbot, rng):
    panel = window.landscape_panel
    panel.tabs.setCurrentIndex(0)
    panel.function_box.setCurrentIndex(panel.function_box.findData(rng.choice(FUNCTIONS)))


def train(window, qtbot, rng):
    panel = window.landscape_panel
    panel.tabs.setCurrentIndex(2)
    if panel.network.build.isEnabled():
        qtbot.mouseClick(panel.network.build, Qt.MouseButton.LeftButton)


def open_scene(window, qtbot, rng):
    window.scenes.scene_actions[rng.choice(SCENE_ORDER)].trigger()


ACTIONS = {
    "next scene": lambda w, q, r: key(q, w, Qt.Key.Key_N),
    "previous scene": lambda w, q, r: key(q, w, Qt.Key.Key_P),
    "scene from the menu": open_scene,
    "space": lambda w, q, r: key(q, w, Qt.Key.Key_Space),
    "reset": lambda w, q, r: key(q, w, Qt.Key.Key_R),
    "step": lambda w, q, r: key(q, w, Qt.Key.Key_Right),
    "landscape": change_function,
    "optimizer": change_lr,
    "train": train,
}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_random_walk_of_user_actions_always_shows_one_session(window, qtbot, seed):
    rng = random.Random(seed)
    window.sessions.ask_unsaved = False  # every scene change discards the edits (see test_unsaved)
    window.controls.speed.setCurrentIndex(window.controls.speed.findData(None))
    window.controls.max_steps.setValue(60)
    window.controls.max_steps.editingFinished.emit()
    failures = []
    window.race_thread.raceFailed.connect(lambda _, message: failures.append(message))
    names = list(ACTIONS)
    for _ in range(200):
        name = rng.choice(names)
        ACTIONS[name](window, qtbot, rng)
        qtbot.wait(rng.choice((0, 0, 5, 20)))  # the behaviour: actions at random paces
        settle(window, qtbot)
        assert_consistent(window)
    assert failures == []
    # a training still running is cancelled from the Network tab: no landscape, nothing racing
    if window.controller.model.phase.value == "preparing":
        window.landscape_panel.tabs.setCurrentIndex(2)
        qtbot.mouseClick(window.landscape_panel.network.progress.cancel,
                         Qt.MouseButton.LeftButton)
        settle(window, qtbot)
        assert window.controller.model.blocked and "cancelled" in window.controller.model.blocked
        assert_consistent(window)
    # and once every background job has reported, still one session
    qtbot.waitUntil(lambda: live_task_threads() == [], timeout=60_000)
    settle(window, qtbot)
    assert_consistent(window)


def test_the_reported_sequence_ends_in_one_session(window, qtbot):
    """N forty times, then P, Space, R, → twenty times each (ten times faster than reported)."""
    window.sessions.ask_unsaved = False  # every scene change discards the edits (see test_unsaved)
    window.controls.speed.setCurrentIndex(window.controls.speed.findData(None))
    window.controls.play_action.setChecked(True)
    for _ in range(40):
        key(qtbot, window, Qt.Key.Key_N)
        qtbot.wait(15)  # the behaviour: keys at the reported pace, ten times faster
    for _ in range(20):
        for code in (Qt.Key.Key_P, Qt.Key.Key_Space, Qt.Key.Key_R, Qt.Key.Key_Right):
            key(qtbot, window, code)
            qtbot.wait(10)  # (likewise)
    settle(window, qtbot)
    assert_consistent(window)
    qtbot.waitUntil(lambda: window.controller.model.phase.value != "preparing",
                    timeout=60_000)
    settle(window, qtbot)
    assert_consistent(window)
