"""File ▸ Open map…: a map NPZ of a model file (and a built-in sweep) opened by real clicks on
the menu bar, the menu and the file dialog, drawn in its tab as a hyperparameter map."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox

from landscape_app.cli import main
from landscape_app.core.files.map_npz import read_map_npz
from tests.core.usermodel.models import write
from tests.core.usermodel.test_map_cells import SQUARED

pytestmark = pytest.mark.gui

LEFT = Qt.MouseButton.LeftButton


def _user_map(tmp_path):
    model_file = write(tmp_path, "squared.py", SQUARED)
    out = tmp_path / "trainability.npz"
    assert main(["map", "--model-file", str(model_file), "--optimizer", "sgd",
                 "--sweep", "lr=1e-3:1e4:log", "--sweep", "momentum=0:0.5", "--res", "4",
                 "--steps", "30", "--device", "cpu", "--out", str(out)]) == 0
    return out


def _answer_dialog(qtbot, path, seen):
    """Choose ``path`` in the file dialog as soon as it is on screen and click its Open
    button (a dialog not answerable within a minute is rejected, so that the test fails
    instead of hanging)."""
    deadline = time.monotonic() + 60

    def answer():
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QFileDialog) and w.isVisible()]
        buttons = dialogs[0].findChild(QDialogButtonBox) if dialogs else None
        if buttons is None:
            if time.monotonic() < deadline:
                QTimer.singleShot(20, answer)
            return
        seen.append(dialogs[0].windowTitle())
        dialogs[0].selectFile(str(path))
        qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Open), LEFT)
        if dialogs[0].isVisible():
            dialogs[0].reject()
    QTimer.singleShot(0, answer)


def _open_by_clicks(window, qtbot, path) -> list[str]:
    seen: list[str] = []
    bar, menu = window.menuBar(), window.file_menu
    window.activateWindow()
    qtbot.mouseClick(bar, LEFT, pos=bar.actionGeometry(menu.menuAction()).center())
    qtbot.waitUntil(menu.isVisible)
    _answer_dialog(qtbot, path, seen)
    qtbot.mouseClick(menu, LEFT,
                     pos=menu.actionGeometry(window.map_files.open_action).center())
    qtbot.waitUntil(lambda: bool(seen))
    return seen


def test_a_model_files_map_opens_in_its_tab_by_real_clicks(window, qtbot, tmp_path):
    path = _user_map(tmp_path)
    stored = read_map_npz(path).arrays
    seen = _open_by_clicks(window, qtbot, path)
    assert seen == ["Open a map"]
    actions = window.map_files
    qtbot.waitUntil(lambda: actions.view is not None
                    and window.views.view_tabs.currentIndex() == actions.tab_index)
    assert window.views.view_tabs.tabText(actions.tab_index) == "Map: trainability.npz"
    view = actions.view
    shown = view.layer.result
    assert shown is actions.result and shown.axis_names == ("lr", "momentum")
    np.testing.assert_array_equal(shown.loss, stored["loss"])
    np.testing.assert_array_equal(shown.status, stored["status"])
    assert view.layer.image.image.shape == (4, 4, 4)
    assert view.logs == (True, False)  # lr on a log axis, as the file's metadata says
    assert not view.cross_x.isVisible() and not view.cross_y.isVisible()  # no lane's values
    diverged = shown.status == 2
    assert diverged.any() and (~diverged).any()  # lr up to 1e4: the edge is on the map
    assert "trainability.npz" in window.statusBar().currentMessage()
    assert actions.problem is None


def test_a_file_that_is_not_a_map_is_refused_with_a_message(window, qtbot, tmp_path):
    bad = tmp_path / "notes.npz"
    bad.write_text("not an npz")
    _open_by_clicks(window, qtbot, bad)
    qtbot.waitUntil(lambda: isinstance(window.map_files.problem, QMessageBox))
    assert window.map_files.view is None
    assert "not a readable NPZ" in window.map_files.problem.informativeText()
    window.map_files.problem.close()
