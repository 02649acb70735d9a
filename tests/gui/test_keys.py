"""The window's keys act whatever has the focus (issue 21.3): every key here is a real key
event delivered to ``QApplication.focusWidget()`` (or the open drop-down list), as a keyboard
would deliver it, after real clicks on toolbar controls, panels, tabs and docks."""

import random

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QSpinBox

from landscape_app.state.scenes import SCENE_ORDER

pytestmark = pytest.mark.gui

Key = Qt.Key
LEFT = Qt.MouseButton.LeftButton
#: The walk stays among these scenes (2D functions: a scene is drawn in well under a second;
#: the network scenes train first).
WALK_SCENES = SCENE_ORDER[:SCENE_ORDER.index("himmelblau-basins") + 1]


def target(window):
    """Where a key goes: the focused widget (an open drop-down's list included)."""
    return QApplication.focusWidget() or QApplication.activePopupWidget() or window


def activate(qtbot, window):
    """Make ``window`` the active one (a question answered a moment ago may still be)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window
                    or QApplication.activePopupWidget() is not None)


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier, before=None):
    """Press ``key`` where the focus is; ``before()`` (if given) is read just before the
    press, once the events waiting have been handled, and returned."""
    activate(qtbot, window)
    state = before() if before is not None else None
    qtbot.keyClick(target(window), key, modifier)
    return state


def click(qtbot, widget, pos=None):
    activate(qtbot, widget.window())
    qtbot.mouseClick(widget, LEFT, pos=pos if pos is not None else widget.rect().center())


def discard_if_asked(qtbot):
    """Answer Discard on the unsaved-changes question, if one comes (it is modal)."""
    def answer(tries=100):
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), LEFT)
        elif tries:
            QTimer.singleShot(20, lambda: answer(tries - 1))
    QTimer.singleShot(0, answer)


def ready(window):
    return (not window.controls.transport_blocked and window.controller.grid is not None
            and len(window.buffer.snapshot().lanes) > 0)


def counter(action):
    fired = []
    action.triggered.connect(lambda *_: fired.append(1))
    return fired


@pytest.fixture
def race(window, qtbot):
    """adam-vs-sgd at full speed, as in the issue."""
    assert window.scenes.load("adam-vs-sgd")
    qtbot.waitUntil(lambda: ready(window), timeout=30_000)
    window.controls.speed.setCurrentIndex(window.controls.speed.findData(None))
    return window


def test_a_closed_drop_down_gives_the_keys_back_and_space_never_opens_it(race, qtbot):
    window, speed = race, race.controls.speed
    click(qtbot, speed)  # opens its list
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    press(qtbot, window, Key.Key_Escape)  # closes it
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.views.contour)
    playing = press(qtbot, window, Key.Key_Space, before=window.controls.play_action.isChecked)
    assert window.controls.play_action.isChecked() != playing
    assert QApplication.activePopupWidget() is None and not speed.view().isVisible()
    # An open list closes on a window key, which then acts.
    click(qtbot, speed)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    generation = window.race_thread.worker.generation
    press(qtbot, window, Key.Key_R)
    assert window.race_thread.worker.generation == generation + 1
    assert QApplication.activePopupWidget() is None


def test_number_boxes_keep_digits_and_give_back_space_arrows_and_r(race, qtbot):
    window, steps = race, race.controls.max_steps
    worker = window.race_thread.worker
    click(qtbot, steps)
    assert QApplication.focusWidget() is steps
    playing = press(qtbot, window, Key.Key_Space,  # after a click in the box: play/pause
                    before=window.controls.play_action.isChecked)
    assert window.controls.play_action.isChecked() != playing
    generation = worker.generation
    press(qtbot, window, Key.Key_R)
    assert worker.generation == generation + 1
    fired = counter(window.controls.step_action)
    press(qtbot, window, Key.Key_Right)
    assert fired == [1]
    # type a step count and Return: committed, and the keys are the window's again
    steps.lineEdit().selectAll()
    for digit in (Key.Key_1, Key.Key_2, Key.Key_0):
        press(qtbot, window, digit)
    press(qtbot, window, Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.views.contour)
    assert steps.value() == 120 and window.controller.state.max_steps == 120
    playing = press(qtbot, window, Key.Key_Space, before=window.controls.play_action.isChecked)
    assert window.controls.play_action.isChecked() != playing
    assert steps.text() == "120"
    # the contour-lines box: typed, then Escape puts the value back and gives the keys back
    contours = window.display_panel.contours
    before = contours.value()
    click(qtbot, contours)
    assert QApplication.focusWidget() is contours
    contours.lineEdit().selectAll()
    press(qtbot, window, Key.Key_3)
    assert contours.value() == 3
    press(qtbot, window, Key.Key_Escape)
    assert contours.value() == before and QApplication.focusWidget() is window.views.contour
    generation = worker.generation
    press(qtbot, window, Key.Key_R)
    assert worker.generation == generation + 1


def test_a_text_field_keeps_its_keys_until_return_or_escape(race, qtbot):
    window = race
    panel = window.landscape_panel
    click(qtbot, panel.tabs.tabBar(), panel.tabs.tabBar().tabRect(1).center())
    edit = panel.expression
    click(qtbot, edit)
    assert QApplication.focusWidget() is edit
    before = edit.text()
    edit.selectAll()
    playing = window.controls.play_action.isChecked()
    for key in (Key.Key_X, Key.Key_Space, Key.Key_Plus, Key.Key_Space, Key.Key_Y,
                Key.Key_Left, Key.Key_R):
        press(qtbot, window, key)
    assert edit.text() == "x + ry" and window.controls.play_action.isChecked() == playing
    press(qtbot, window, Key.Key_Escape)
    assert edit.text() == before and QApplication.focusWidget() is window.views.contour


def walk_step(window, qtbot, rng, scene):
    """One random step of the walk: a click somewhere or a key, checked; the scene shown."""
    controls, worker = window.controls, window.race_thread.worker
    clicks = {
        "speed": lambda: click(qtbot, controls.speed),
        "axis": lambda: click(qtbot, controls.axis),
        "internals": lambda: click(qtbot, controls.internals),
        "steps": lambda: click(qtbot, controls.max_steps),
        "contours": lambda: click(qtbot, window.display_panel.contours),
        "colormap": lambda: click(qtbot, window.display_panel.colormap),
        "panel tab": lambda: click(qtbot, window.landscape_panel.tabs.tabBar(),
                                   window.landscape_panel.tabs.tabBar().tabRect(
                                       rng.randrange(2)).center()),
        "view tab": lambda: click(qtbot, window.views.view_tabs.tabBar(),
                                  window.views.view_tabs.tabBar().tabRect(0).center()),
        "dock": lambda: click(qtbot, rng.choice([window.docks.landscape, window.docks.optimizer]),
                              QPoint(40, 6)),
        "table": lambda: click(qtbot, window.views.table.viewport(), QPoint(20, 20)),
        "card": lambda: click(qtbot, window.optimizer_panel.cards[0].visible_box),
    }
    if rng.random() < 0.4:
        clicks[rng.choice(sorted(clicks))]()
        return scene
    return walk_key(window, qtbot, rng, scene, controls, worker)


def walk_key(window, qtbot, rng, scene, controls, worker):
    key = rng.choice(["space", "space", "right", "left", "r", "n", "p", "digit", "escape"])
    activate(qtbot, window)
    if key == "space":
        playing = press(qtbot, window, Key.Key_Space, before=controls.play_action.isChecked)
        assert controls.play_action.isChecked() != playing, "Space did not toggle play"
    elif key in ("right", "left"):
        action = (controls.step_action if key == "right"
                  else window.timeline.actions["back"])
        fired = counter(action)
        press(qtbot, window, Key.Key_Right if key == "right" else Key.Key_Left)
        assert fired == [1], f"{key} did not act"
    elif key == "r":
        generation = worker.generation
        press(qtbot, window, Key.Key_R)
        assert worker.generation == generation + 1, "R did not reset"
    elif key in ("n", "p"):
        index = WALK_SCENES.index(scene)
        forward = (key == "n" or index == 0) and index < len(WALK_SCENES) - 1
        if window.sessions.modified:
            discard_if_asked(qtbot)
        press(qtbot, window, Key.Key_N if forward else Key.Key_P)
        scene = WALK_SCENES[index + (1 if forward else -1)]
        assert window.scenes.current == scene, f"{key.upper()} did not change the scene"
        qtbot.waitUntil(lambda: ready(window), timeout=30_000)
    elif key == "digit" and isinstance(QApplication.focusWidget(), QSpinBox):
        box, digit = QApplication.focusWidget(), rng.randrange(1, 10)
        press(qtbot, window, Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        press(qtbot, window, Key(Key.Key_0.value + digit))  # a number box's text
        assert box.text() == str(digit)
        press(qtbot, window, Key.Key_Return)
        assert box.value() == digit
        qtbot.waitUntil(lambda: QApplication.focusWidget() is window.views.contour, timeout=2_000)
    elif key == "digit":
        cards = window.optimizer_panel.cards
        lane = rng.randrange(len(cards))
        shown = cards[lane].visible_box.isChecked()
        press(qtbot, window, Key(Key.Key_1.value + lane))
        assert window.optimizer_panel.cards[lane].visible_box.isChecked() != shown
    else:
        press(qtbot, window, Key.Key_Escape)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is window.views.contour, timeout=2_000)
        assert not window.presentation.active
    return scene


@pytest.mark.parametrize("seed", [21])
def test_a_random_walk_of_clicks_and_keys_keeps_every_key_working(race, qtbot, seed):
    window, rng, scene = race, random.Random(seed), "adam-vs-sgd"
    window.controls.play_action.trigger()
    for _ in range(200):
        scene = walk_step(window, qtbot, rng, scene)
        # a drop-down has the focus only while its list is open
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None
                        or not isinstance(QApplication.focusWidget(), QComboBox), timeout=2_000)
    # Ctrl+Q quits, even from an open drop-down list
    click(qtbot, window.controls.speed)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    if window.sessions.modified:
        discard_if_asked(qtbot)
    press(qtbot, window, Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)
