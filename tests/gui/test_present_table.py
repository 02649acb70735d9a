"""Presenting, the table is as tall as its rows and the height it does not need goes to the
curves (before: it kept room for three rows, empty under a one-lane scene's one row)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui

SCENE, TITLE = "quadratic-stable-lr", "The largest stable learning rate: 2/λ_max"


def test_presenting_the_table_is_its_rows_and_the_curves_get_the_rest(window, qtbot):
    from landscape_app.gui.live.tasks import live_task_threads

    window.sessions.ask_unsaved = False
    window.scenes.scene_actions[SCENE].trigger()
    qtbot.waitUntil(lambda: window.controller.state.title == TITLE
                    and window.controller.grid is not None
                    and window.views.table.table_model.rowCount() == 1, timeout=30_000)
    window.activateWindow()
    window.views.contour.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: window.presentation.active and window.room.at_rest,
                    timeout=10_000)
    table = window.views.table
    rows = table.natural_height(least_rows=1)  # its header and its one row
    assert rows < table.natural_height(least_rows=3)
    assert abs(table.height() - rows) <= 1
    central, top = window.views.central_splitter, window.views.top_splitter
    # the row of the landscape, the curves and the caption takes all the rest
    assert abs(top.height() + central.handleWidth() + table.height() - central.height()) <= 1
    column = window.views.right_column
    assert window.views.curves.height() >= (column.height() - window.views.caption.height()
                                      - column.layout().spacing() - 1)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.presentation.active)
    # The scene's hyperparameter map computes in the background: wait for it, as
    # test_room_band does, so that no task thread outlives the test.
    qtbot.waitUntil(lambda: live_task_threads() == [], timeout=60_000)
