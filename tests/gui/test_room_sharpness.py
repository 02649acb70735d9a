"""View ▸ Sharpness shares the column beside the landscape fairly, or gives way as a whole
(issues 22 and 25).

Before: shown at 1280 × 720 with a scene's note, the sharpness panel took most of the column:
the loss curves were ~70 px tall and the note 3 lines with a scroll bar. Now every part of
the column keeps its least legible height — the loss curves and the sharpness panel's plot
:data:`CURVES_LEAST`, the note its title and four lines — or is a tab of the column (first
the sharpness panel, beside the curves; then the note), and the arrangement depends only on
the window's size and what it shows.
"""

import pytest
from PySide6.QtCore import Qt

from tests.gui.conftest import scene_settled
from tests.gui.test_room_legible import CURVES_LEAST, leave_without_maps, note_least
from tests.gui.test_sharpness_gui import click_menu

pytestmark = pytest.mark.gui

#: A scene with a long note (six lines at the column's width) and two lanes.
SCENE, TITLE = "quadratic-stable-lr", "The largest stable learning rate: 2/λ_max"


def column_parts(window) -> dict:
    """Each part of the column: ``"tab"`` or its height (None: hidden)."""
    tabs = window.views.column_tabs
    tabbed = [tabs.widget(i) for i in range(tabs.count())] if tabs.isVisible() else []
    parts = {"curves": window.views.curves, "sharpness": window.views.sharpness,
             "note": window.views.note_scroll}
    return {name: "tab" if part in tabbed else part.height() if part.isVisible() else None
            for name, part in parts.items()}


def check_column(window) -> dict:
    """Every part legible or a tab; the parts' heights (or "tab")."""
    parts = column_parts(window)
    assert parts["curves"] == "tab" or parts["curves"] >= CURVES_LEAST, parts
    if parts["sharpness"] != "tab":
        assert window.views.sharpness.plot.height() >= CURVES_LEAST, parts
    if parts["note"] != "tab":
        assert parts["note"] >= note_least(window.views.note_panel) - 1, parts
    tabs = window.views.column_tabs
    if tabs.isVisible():  # a tab gets the column's whole height: the part is legible there
        assert tabs.currentWidget().height() >= CURVES_LEAST
    return parts


def show_sharpness(window, qtbot, size) -> dict:
    window.sessions.ask_unsaved = False
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().toTuple() == size and window.room.settled)
    window.scenes.scene_actions[SCENE].trigger()
    scene_settled(window, qtbot, TITLE)
    click_menu(window, qtbot, window.view_menu, window.sharpness_view.action)
    # the race restarted to measure: at rest once its arrangement is laid out
    qtbot.waitUntil(lambda: window.sharpness_on and window.room.at_rest, timeout=10_000)
    return check_column(window)


def test_at_1280_by_720_the_curves_sharpness_and_note_share_the_column(window, qtbot,
                                                                       forget_sharpness):
    parts = show_sharpness(window, qtbot, (1280, 720))
    assert "tab" not in parts.values(), parts  # there is room for all three
    curves, plot = window.views.curves.height(), window.views.sharpness.plot.height()
    assert abs(curves - plot) <= 0.25 * max(curves, plot), parts  # shared fairly
    click_menu(window, qtbot, window.view_menu, window.sharpness_view.action)  # off again
    qtbot.waitUntil(lambda: not window.views.sharpness.isVisible() and window.room.settled)
    assert column_parts(window)["sharpness"] is None
    click_menu(window, qtbot, window.view_menu, window.sharpness_view.action)  # on again
    qtbot.waitUntil(lambda: window.views.sharpness.isVisible() and window.room.at_rest,
                    timeout=10_000)
    assert check_column(window) == parts  # the same arrangement: not a function of history
    leave_without_maps(window, qtbot)


def test_in_a_short_window_the_sharpness_panel_is_a_tab_beside_the_curves(window, qtbot,
                                                                         forget_sharpness):
    parts = show_sharpness(window, qtbot, (900, 650))
    assert parts["sharpness"] == "tab" and parts["curves"] == "tab", parts
    tabs = window.views.column_tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles[:2] == ["Loss curves", "Sharpness"]
    # a click on its tab shows the panel, as tall as the column allows
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    qtbot.waitUntil(lambda: tabs.currentWidget() is window.views.sharpness
                    and window.views.sharpness.isVisible()
                    and window.views.sharpness.plot.height() >= CURVES_LEAST, timeout=5_000)
    assert not window.views.curves.isVisible()
    leave_without_maps(window, qtbot)
