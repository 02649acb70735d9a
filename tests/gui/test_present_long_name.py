"""Presenting at 1024 × 768, a long lane name added through the Optimizers panel is readable
in the race table: wrapped onto its lines, every word whole, the row entirely on screen
(issue 22: "Lookahead(SGD + momentum) …" was cut). The whole window is driven: the Panels
toolbar button, the panel's tab, the Add optimizer menu, the card's editors and F11."""

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QTabBar

from landscape_app.gui.views.table import NAME_LINES, NAME_PADDING

pytestmark = pytest.mark.gui

SIZE = (1024, 768)
LONG = "Lookahead (inner=momentum, lr=0.085)"


def click(qtbot, widget, pos=None) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton,
                     pos=widget.rect().center() if pos is None else pos)


def add_long_lane(window, qtbot) -> None:
    """Open the side panels, the Optimizers tab, add Lookahead, set inner and lr by keys
    (to the editors: the offscreen platform gives no window the keyboard focus)."""
    controls = window.controls
    click(qtbot, controls.widgetForAction(window.room.panels_action))
    qtbot.waitUntil(window.docks.landscape.isVisible)
    bars = [bar for bar in window.findChildren(QTabBar) if bar.isVisible()
            and "Optimizers" in [bar.tabText(i) for i in range(bar.count())]]
    bar = bars[0]
    index = [bar.tabText(i) for i in range(bar.count())].index("Optimizers")
    click(qtbot, bar, bar.tabRect(index).center())
    panel = window.optimizer_panel
    qtbot.waitUntil(panel.add_button.isVisible)
    cards = len(panel.cards)
    menu = panel.add_button.menu()
    action = next(a for a in menu.actions() if a.text() == "Lookahead")

    def choose() -> None:  # the button's menu runs its own event loop: click in it then
        if not menu.isVisible():
            QTimer.singleShot(50, choose)
            return
        click(qtbot, menu, menu.actionGeometry(action).center())

    QTimer.singleShot(50, choose)
    click(qtbot, panel.add_button)
    qtbot.waitUntil(lambda: len(panel.cards) == cards + 1, timeout=5_000)
    card = panel.cards[-1]
    inner = card.form.editors["inner"]
    target = next(i for i in range(inner.count())
                  if "momentum" in (str(inner.itemData(i)), inner.itemText(i)))
    arrow = Qt.Key.Key_Down if target > inner.currentIndex() else Qt.Key.Key_Up
    for _ in range(abs(target - inner.currentIndex())):  # along the list with the arrows
        qtbot.keyClick(inner, arrow)
    qtbot.waitUntil(lambda: card.lane.spec.params.get("inner") == "momentum", timeout=5_000)
    lr = card.form.editors["lr"]
    qtbot.keyClick(lr, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all
    qtbot.keyClicks(lr, "0.085")
    qtbot.keyClick(lr, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: card.lane.label == LONG, timeout=5_000)


def test_presenting_at_1024_by_768_a_long_lane_name_is_wrapped_not_cut(window, qtbot):
    window.resize(*SIZE)
    qtbot.waitUntil(lambda: window.size().toTuple() == SIZE and window.room.settled)
    add_long_lane(window, qtbot)
    table = window.views.table
    qtbot.waitUntil(lambda: LONG in [row.label for row in table.table_model.rows],
                    timeout=10_000)
    window.activateWindow()
    window.views.contour.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: window.presentation.active and window.room.at_rest,
                    timeout=10_000)
    row = [r.label for r in table.table_model.rows].index(LONG)
    lines = table.name_lines(row)
    assert lines <= NAME_LINES  # wrapped, not elided
    spacing = table.fontMetrics().lineSpacing()
    assert table.rowHeight(row) >= lines * spacing  # every line of it in its row
    room = table.columnWidth(0) - table.iconSize().width() - NAME_PADDING
    assert max(table.fontMetrics().horizontalAdvance(w) for w in LONG.split()) <= room
    cell = table.visualRect(table.table_model.index(row, 0))
    assert cell.top() >= 0 and cell.bottom() <= table.viewport().height()  # on screen
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.presentation.active)
