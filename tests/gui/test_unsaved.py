"""Unsaved changes: the title shows them; New, Open, a scene change and Quit ask first, and
each answer (Save, Discard, Cancel) is clicked on the real message box."""

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from landscape_app.state.session_io import load_session

pytestmark = pytest.mark.gui

Button = QMessageBox.StandardButton


def answer_with(qtbot, button, asked):
    """Click ``button`` on the unsaved-changes question as soon as it is on screen (it is
    modal: the test goes on when it has been answered)."""
    def click(tries=250):
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if tries:
                QTimer.singleShot(20, lambda: click(tries - 1))
            return
        asked.append((box.text(), box.informativeText()))
        qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)
    QTimer.singleShot(0, click)


def edit(window):
    window.controls.max_steps.setValue(window.controller.state.max_steps + 7)
    window.controls.max_steps.editingFinished.emit()
    assert window.sessions.modified


def test_the_title_marks_unsaved_changes(window, tmp_path):
    assert not window.isWindowModified() and "[*]" in window.windowTitle()
    edit(window)
    assert window.isWindowModified()
    assert window.sessions.save_to(tmp_path / "lesson.json")
    assert not window.isWindowModified() and window.windowTitle().startswith("lesson.json")


def test_new_asks_and_cancel_keeps_everything(window, qtbot):
    edit(window)
    state = window.controller.state
    asked = []
    answer_with(qtbot, Button.Cancel, asked)
    window.sessions.new_action.trigger()
    assert asked and "unsaved changes" in asked[0][0] and "new session" in asked[0][1]
    assert window.controller.state == state and window.sessions.modified


def test_new_asks_and_discard_goes_on(window, qtbot):
    edit(window)
    asked = []
    answer_with(qtbot, Button.Discard, asked)
    window.sessions.new_action.trigger()
    assert asked and not window.sessions.modified
    from landscape_app.state.lanes import default_session

    assert window.controller.state.max_steps == default_session().max_steps


def test_a_scene_change_asks_and_save_writes_then_goes_on(window, qtbot, tmp_path):
    path = tmp_path / "mine.json"
    assert window.sessions.save_to(path)
    edit(window)
    edited = window.controller.state
    asked = []
    answer_with(qtbot, Button.Save, asked)
    window.scenes.scene_actions["saddle-trap"].trigger()
    assert asked and "scene" in asked[0][1]
    assert window.scenes.current == "saddle-trap" and not window.sessions.modified
    assert load_session(path) == edited  # saved (atomically) before the scene replaced it
    assert not list(tmp_path.glob("*.tmp*"))


def test_the_scene_keys_ask_too(window, qtbot):
    edit(window)
    state = window.controller.state
    asked = []
    answer_with(qtbot, Button.Cancel, asked)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_N)
    assert asked and window.controller.state == state
    assert not any(action.isChecked() for action in window.scenes.scene_actions.values())


def test_quit_asks_cancel_keeps_the_window_and_discard_closes_it(window, qtbot):
    edit(window)
    asked = []
    answer_with(qtbot, Button.Cancel, asked)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert asked and "quitting" in asked[0][1]
    assert window.isVisible() and window.sessions.modified
    answer_with(qtbot, Button.Discard, asked)
    quit_action = next(a for a in window.file_menu.actions() if a.text() == "&Quit")
    quit_action.trigger()
    assert len(asked) == 2 and not window.isVisible()


def test_nothing_is_asked_when_nothing_changed(window, qtbot):
    window.sessions.new_action.trigger()  # would block on a question if one were shown
    window.scenes.scene_actions["adam-vs-sgd"].trigger()
    assert window.scenes.current == "adam-vs-sgd"
