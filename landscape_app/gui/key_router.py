"""The window's keys mean the same whatever has the focus (an application event filter).

Qt hands a key first to the focused widget: a focused combo box opens on Space, a spin box
swallows →, R and Space, an open drop-down list takes every key. In front of a class Space
must always mean play/pause, so :class:`KeyRouter` sees each key before the focused widget
(``ShortcutOverride`` and ``KeyPress``, application-wide) and, when the key is one of the
window's shortcuts (play, step, back, reset, next/previous scene, the lanes 1–9, Esc,
Ctrl+Q, … every action of the window), triggers that action itself, whatever the focus:

* except while typing in a text field (an expression, a hyperparameter value): there the
  printable keys and the cursor keys are text. In a number box (a spin box) only what can be
  part of a number is text: digits, sign and point, and ← → Home End once something has
  been typed; Space and letters stay the window's keys.
* Return (or Enter) in a field commits it as the field does, Escape puts back the text it
  had when it got the focus; both then give the focus back to the view (a value the field
  refuses keeps the focus, so it can be corrected).
* an open drop-down list keeps the keys that move in it (arrows, Return, Escape, Home, End,
  page keys); any other window key closes it and acts. A drop-down that closes gives the
  focus back to the view. Menus keep their keys (their letters are their entries').
* the toolbar's drop-downs and check box never take the focus (:func:`keep_off_focus`),
  its step count only by a click.

Dialogs (modal or not) are left alone: their keys are theirs.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

K = Qt.Key
#: Keys an open drop-down list keeps (it moves or closes with them).
POPUP_KEYS = frozenset({K.Key_Up, K.Key_Down, K.Key_Return,
                        K.Key_Enter, K.Key_Escape, K.Key_Home, K.Key_End, K.Key_PageUp,
                        K.Key_PageDown, K.Key_Tab, K.Key_Backtab})
#: Keys that move the cursor in a text field.
CURSOR_KEYS = frozenset({K.Key_Left, K.Key_Right, K.Key_Up, K.Key_Down, K.Key_Home,
                         K.Key_End, K.Key_Backspace, K.Key_Delete, K.Key_PageUp,
                         K.Key_PageDown})
#: Characters a number box takes as text.
NUMBER_CHARS = frozenset("0123456789+-.,eE")
COMMANDS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier)


def editor_of(widget: QWidget | None) -> QWidget | None:
    """The text field ``widget`` is or belongs to (a writable line edit, spin box or text
    edit); None for anything else."""
    if isinstance(widget, QLineEdit):
        parent = widget.parentWidget()
        if isinstance(parent, QAbstractSpinBox):
            return editor_of(parent)
        return None if widget.isReadOnly() else widget
    if isinstance(widget, (QAbstractSpinBox, QTextEdit, QPlainTextEdit)):
        return None if widget.isReadOnly() else widget
    return None


def is_text(editor: QWidget, event) -> bool:
    """Whether key ``event`` is text for the focused field ``editor``."""
    if event.modifiers() & COMMANDS or event.key() == K.Key_Escape:
        return False
    key, char = event.key(), event.text()
    if isinstance(editor, QAbstractSpinBox):
        if char and char in NUMBER_CHARS or key in (K.Key_Backspace, K.Key_Delete):
            return True
        if key in (K.Key_Left, K.Key_Right, K.Key_Home, K.Key_End):
            return editor.lineEdit().isModified()  # typed in: the cursor moves in it
        return key in (K.Key_Up, K.Key_Down, K.Key_PageUp, K.Key_PageDown)
    return bool(char and char.isprintable()) or key in CURSOR_KEYS


def keep_off_focus(*widgets: QWidget, click: tuple[QWidget, ...] = ()) -> None:
    """``widgets`` never take the keyboard focus (a click works them all the same);
    ``click`` take it only by a click (to be typed in), never by Tab or the wheel."""
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for widget in click:
        widget.setFocusPolicy(Qt.FocusPolicy.ClickFocus)


class KeyRouter(QObject):
    """The application event filter giving ``window``'s keys to its actions (see the module).

    ``focus_view()`` gives the keyboard focus to the view on screen.
    """

    def __init__(self, window, focus_view):
        super().__init__(window)
        self.window = window
        self.focus_view = focus_view
        self._before: tuple | None = None  # a field and its value or text at focus-in
        QApplication.instance().installEventFilter(self)

    def remove(self) -> None:
        """Stop routing (the window is closing)."""
        QApplication.instance().removeEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return isinstance(obj, QWidget) and self._key(obj, event)
        if kind == QEvent.Type.FocusIn and isinstance(obj, QWidget):
            editor = editor_of(obj)
            if editor is not None and self._owned(editor):
                self._before = (editor, self._text(editor))
        elif kind == QEvent.Type.Hide and isinstance(obj, QWidget) and obj.isWindow() \
                and isinstance(obj.parentWidget(), QComboBox) and self._owned(obj):
            QTimer.singleShot(0, self.focus_view)  # a drop-down closed
        return False

    # -- the keys ----------------------------------------------------------------------------
    def _key(self, widget: QWidget, event) -> bool:
        """Route one key event; True when it was taken from ``widget``."""
        if not self._owned(widget):
            return False
        popup = QApplication.activePopupWidget()
        if isinstance(popup, QMenu):
            return False
        if popup is not None and not (popup is widget or popup.isAncestorOf(widget)):
            self._close(popup)  # left open while the focus went elsewhere: not in the way
            popup = None
        if popup is not None:
            if event.key() in POPUP_KEYS:
                return False
        else:
            editor = editor_of(widget)
            if editor is not None:
                return self._field_key(editor, event)
            focus = QApplication.focusWidget()
            if widget is not focus and editor_of(focus) is not None:
                return False  # passed on by the field: judged there already
        action = self.action_for(event)
        if action is None:
            return False
        self._take(event, action, popup)
        return True

    def _field_key(self, editor: QWidget, event) -> bool:
        """A key while ``editor`` has the focus: text, commit, revert, or a window key."""
        key = event.key()
        if key in (K.Key_Return, K.Key_Enter) and not isinstance(editor, (QTextEdit,
                                                                          QPlainTextEdit)):
            if event.type() == QEvent.Type.KeyPress:
                QTimer.singleShot(0, lambda: self._committed(editor))
            return False
        if key == K.Key_Escape and not event.modifiers() & COMMANDS:
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
            else:
                self._revert(editor)
                self.focus_view()
            return True
        if is_text(editor, event):
            return False
        action = self.action_for(event)
        if action is None:
            return False
        self._take(event, action, None)
        return True

    def _take(self, event, action, popup) -> None:
        """Take ``event`` from the focused widget: claim a ShortcutOverride (so that the key
        press comes here), act on the key press."""
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return
        if event.isAutoRepeat() and not action.autoRepeat():
            return
        if popup is not None:
            self._close(popup)
        if action.isEnabled():
            action.trigger()
        if event.key() == K.Key_Escape:
            self.focus_view()

    def _close(self, popup: QWidget) -> None:
        """Close an open drop-down list (the view then has the focus)."""
        combo = popup.parentWidget()
        if isinstance(combo, QComboBox):
            combo.hidePopup()
        else:
            popup.close()
        self.focus_view()

    def action_for(self, event):
        """The window's action whose shortcut ``event`` is (None: none)."""
        combination = event.keyCombination()
        sequences = [QKeySequence(combination)]
        modifiers = combination.keyboardModifiers()
        if modifiers & Qt.KeyboardModifier.KeypadModifier:
            plain = modifiers & ~Qt.KeyboardModifier.KeypadModifier
            sequences.append(QKeySequence(QKeyCombination(plain, combination.key())))
        for sequence in sequences:
            for action in self.window.actions():
                if sequence in action.shortcuts():
                    return action
        return None

    # -- the fields --------------------------------------------------------------------------
    @staticmethod
    def _text(editor: QWidget):
        """What Escape puts back: a spin box's value, a field's text."""
        if isinstance(editor, QAbstractSpinBox):
            return editor.value() if hasattr(editor, "value") else editor.text()
        if isinstance(editor, (QTextEdit, QPlainTextEdit)):
            return editor.toPlainText()
        return editor.text()

    def _revert(self, editor: QWidget) -> None:
        """Put back the value or text ``editor`` had when it got the focus."""
        if self._before is None or self._before[0] is not editor:
            return
        before = self._before[1]
        if isinstance(editor, QAbstractSpinBox) and hasattr(editor, "setValue"):
            editor.setValue(before)  # shows it again even when the value itself is unchanged
        elif isinstance(editor, QLineEdit) and editor.text() != before:
            editor.setText(before)
        elif isinstance(editor, (QTextEdit, QPlainTextEdit)) and editor.toPlainText() != before:
            editor.setPlainText(before)

    def _committed(self, editor: QWidget) -> None:
        """After Return: the view takes the focus, unless the field refused its value."""
        if editor.property("invalid") or QApplication.focusWidget() is not editor:
            return
        if isinstance(editor, QLineEdit) and not editor.hasAcceptableInput():
            return
        self.focus_view()

    # -- whose widget ------------------------------------------------------------------------
    def _owned(self, widget: QWidget) -> bool:
        """Whether ``widget`` is part of the window: in it, in one of its floating docks or
        in one of its drop-down lists (not in a dialog)."""
        while widget is not None:
            if widget is self.window:
                return True
            if widget.isWindow() and not isinstance(widget, QDockWidget) \
                    and widget.windowType() != Qt.WindowType.Popup:
                return False
            widget = widget.parentWidget()
        return False
