"""File choosers and messages shared by the File menu's actions.

The choosers are Qt's own dialogs (``DontUseNativeDialog``): they look the same on every
platform, follow the window's theme, and can be driven by tests. They remember the last
folder used. Messages are window-modal boxes opened without a nested event loop, so nothing
waits on them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from landscape_app.gui.keyboard import window_action

if TYPE_CHECKING:
    from collections.abc import Callable

    from landscape_app.gui.window_parts import StatusLine

APP_NAME = "Loss Landscape Lab"

_last_folder: list[str] = [str(Path.home())]


def _remember(path: str) -> str:
    if path:
        _last_folder[0] = str(Path(path).expanduser().parent)
    return path


def suggested_path(name: str) -> str:
    """``name`` in the last folder used (where a new export is offered to go)."""
    return str(Path(_last_folder[0]) / name)


def ask_open_path(parent: QWidget, caption: str, name_filter: str) -> str:
    """The file the user picked to open, or ``""`` when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, caption, _last_folder[0], name_filter,
                                          options=QFileDialog.Option.DontUseNativeDialog)
    return _remember(path)


def ask_save_path(parent: QWidget, caption: str, name_filter: str, suggested: str = "") -> str:
    """The file name the user chose to write, or ``""`` when cancelled. ``suggested`` is a
    file name offered in the last folder used."""
    start = str(Path(_last_folder[0]) / suggested) if suggested else _last_folder[0]
    path, _ = QFileDialog.getSaveFileName(parent, caption, start, name_filter,
                                          options=QFileDialog.Option.DontUseNativeDialog)
    return _remember(path)


def show_problem(parent: QWidget, headline: str, detail: str) -> QMessageBox:
    """Open a warning box (window-modal, not blocking the caller); the box."""
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, headline,
                      QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText(detail)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def refuse(parent: QWidget, status: StatusLine, headline: str, detail: str) -> QMessageBox:
    """A refused file action told on the status line (12 s) and in a warning box over
    ``parent``; the box."""
    status.show(f"{headline} {detail}", 12000)
    return show_problem(parent, headline, detail)


class OpenFileEntry(QObject):
    """A File-menu entry that opens one kind of file: its action ``text`` (``shortcut``,
    status ``tip``) added to ``menu``, the chooser (``caption``, ``name_filter``), and the
    subclass's :meth:`open_path`; :attr:`problem` is the last message box shown (for tests),
    :attr:`opened` is emitted with what was opened. ``window`` parents the dialogs and owns
    the shortcut; refusals go to ``status`` too."""

    opened = Signal(str)
    #: Show the file at ``path``; False (and a message) if refused — each kind's own method.
    open_path: Callable[[str | os.PathLike], bool]

    def __init__(self, window: QWidget, menu: QMenu, status: StatusLine, text: str,
                 shortcut: str | None, tip: str, caption: str, name_filter: str):
        super().__init__(window)
        self.window, self.status = window, status
        self.problem: QMessageBox | None = None
        self._chooser = (caption, name_filter)
        self.open_action = window_action(window, text, shortcut, self.choose_and_open)
        self.open_action.setStatusTip(tip)
        menu.addAction(self.open_action)

    def choose_and_open(self) -> bool:
        path = ask_open_path(self.window, *self._chooser)
        return bool(path) and self.open_path(path)
