"""Window-wide keys: actions that work wherever the focus is, and the lane keys 1–9.

An action's shortcut works only while a widget it was added to is visible; the menu bar and
the toolbar are hidden in presentation mode, so every keyboard action is also added to the
window itself (:func:`window_action`). A text field or spin box with the focus keeps the
keys it types (Qt gives a focused editor first claim on them), so typing ``n`` or ``1`` in a
field never changes the scene or a lane.

Number keys 1–9 (the keypad's too) show or hide the optimizer lanes, in the table's order.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

#: Lanes reachable from the keyboard.
LANE_KEYS = 9


def window_action(window, text: str, shortcut, slot) -> QAction:
    """An action of ``window`` running ``slot()``, its shortcut working wherever the focus
    is (add it to a menu as well to show it there)."""
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _=False: slot())
    window.addAction(action)
    return action


class LaneKeys:
    """Actions toggling lane ``i`` (0-based) with key ``i + 1``, through the optimizer panel
    (so its check boxes, the controller's session and the views stay in step)."""

    def __init__(self, window, optimizer_panel):
        self.panel = optimizer_panel
        self.actions: list[QAction] = []
        for index in range(LANE_KEYS):
            key = Qt.Key(Qt.Key.Key_1.value + index)
            action = QAction(f"Show / hide optimizer {index + 1}", window)
            action.setShortcuts([QKeySequence(key),
                                 QKeySequence(Qt.KeyboardModifier.KeypadModifier | key)])
            action.triggered.connect(lambda _=False, lane=index: self.toggle(lane))
            window.addAction(action)
            self.actions.append(action)

    def toggle(self, lane: int) -> bool:
        """Flip lane ``lane``'s visibility; False when there is no such lane."""
        cards = self.panel.cards
        if not 0 <= lane < len(cards):
            return False
        cards[lane].visible_box.toggle()
        return True


def shortcut_rows(window) -> list[tuple[str, str]]:
    """``(keys, action)`` for every action of ``window`` with a shortcut (the keyboard
    overview): keys as the platform writes them, the action's text without its ``&``."""
    rows, seen = [], set()
    for action in window.actions():
        keys = " or ".join(sequence.toString(QKeySequence.SequenceFormat.NativeText)
                           for sequence in action.shortcuts() if not sequence.isEmpty())
        text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        text = text.rstrip("…").strip()
        if keys and (keys, text) not in seen:
            seen.add((keys, text))
            rows.append((keys, text))
    return rows


def show_shortcuts(window):
    """Help ▸ Keyboard shortcuts: a message box listing :func:`shortcut_rows`; the box."""
    from PySide6.QtWidgets import QMessageBox

    lines = "".join(f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{text}</td></tr>"
                    for keys, text in shortcut_rows(window))
    box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts",
                      f"<table>{lines}</table>", parent=window)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setObjectName("keyboard-shortcuts")
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.show()
    return box
