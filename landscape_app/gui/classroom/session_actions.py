"""The File menu's session actions: New, Open…, Save, Save as…; the window title.

A session file (:mod:`landscape_app.state.session_io`) holds everything that defines what is
on screen: the landscape, the lanes with their settings, colours and visibility, the start,
the seed, the race length and the view settings, with a title and a note. Opening validates
the whole file first; a file that is refused changes nothing (the current session stays) and
the reason is shown in a message box and the status bar. Saving is atomic.

The window title names the file (or the session's title) and marks unsaved changes with
Qt's ``[*]`` placeholder (shown as ``*``): the session on screen is compared with the one
last opened, saved or loaded from a scene (:attr:`SessionModel.modified
<landscape_app.engine.session_model.SessionModel.modified>`). New, Open, a scene change and
quitting ask first when it is modified (:mod:`~landscape_app.gui.classroom.unsaved`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from landscape_app.core.errors import LandscapeError
from landscape_app.gui.file_dialogs import APP_NAME, ask_open_path, ask_save_path, refuse
from landscape_app.gui.keyboard import window_action
from landscape_app.state.model import SessionState
from landscape_app.state.session_io import load_session, save_session

if TYPE_CHECKING:
    from landscape_app.gui.live.controller import RaceController
    from landscape_app.gui.window_parts import StatusLine

SESSION_FILTER = "Sessions (*.json);;All files (*)"


class SessionActions(QObject):
    """New / Open / Save / Save as for a :class:`~landscape_app.gui.main_window.MainWindow`.

    ``path`` is the file the session was opened from or saved to (None: never saved);
    ``scene_id`` the scene it was loaded from. :attr:`documentChanged` is emitted after a
    whole session was put on screen (new, opened, a scene); :attr:`problem` is the last
    message box shown (for tests and for closing it).
    """

    documentChanged = Signal()

    def __init__(self, window: QMainWindow, menu: QMenu, controller: RaceController,
                 status: StatusLine, show_session: Callable[[SessionState], None]):
        super().__init__(window)
        self.window = window  # the dialogs' parent, the title's, closed by Quit
        self.controller, self.status, self.show_session = controller, status, show_session
        self.path: Path | None = None
        self.scene_id: str | None = None
        self.problem: QMessageBox | None = None
        #: Ask before discarding unsaved changes (:func:`~landscape_app.gui.classroom.unsaved.
        #: confirm_discard`); the question on screen, if any, is :attr:`question`.
        self.ask_unsaved = True
        self.question: QMessageBox | None = None
        self.new_action = window_action(
            window, "&New session", QKeySequence.StandardKey.New,
            lambda: self.confirm_discard("starting a new session") and self.new())
        self.open_action = window_action(
            window, "&Open session…", QKeySequence.StandardKey.Open,
            lambda: self.confirm_discard("opening another session") and self.choose_and_open())
        self.save_action = window_action(window, "&Save session", QKeySequence.StandardKey.Save,
                                         self.save)
        self.save_as_action = window_action(window, "Save session &as…", "Ctrl+Shift+S",
                                            self.choose_and_save)
        menu.addActions([self.new_action, self.open_action, self.save_action,
                         self.save_as_action])
        controller.stateChanged.connect(self.refresh_title)

    # -- putting a session on screen -----------------------------------------------------------
    def present(self, state: SessionState, path: str | os.PathLike | None = None,
                scene_id: str | None = None) -> None:
        """Show ``state`` whole; it becomes the unmodified session."""
        self.show_session(state)
        self.path = Path(path).expanduser() if path is not None else None
        self.scene_id = scene_id
        self.controller.model.mark_saved()
        self.refresh_title()
        self.documentChanged.emit()

    def new(self) -> None:
        """The default race on Rosenbrock, untitled."""
        from landscape_app.state.lanes import default_session

        self.present(default_session())
        self._tell("New session")

    def open_path(self, path: str | os.PathLike) -> bool:
        """Open a session file; False (and a message, the session kept) when it is refused."""
        try:
            state = load_session(path)
        except LandscapeError as error:
            self._refuse("The session was not opened; the current one is kept.", str(error))
            return False
        self.present(state, path=path)
        self._tell(f"Opened {self.path}")
        return True

    # -- saving --------------------------------------------------------------------------------
    def save(self) -> bool:
        """Save to the session's file, or ask for one."""
        if self._refuse_surface():
            return False
        if self.path is None:
            return self.choose_and_save()
        return self.save_to(self.path)

    def save_to(self, path: str | os.PathLike) -> bool:
        """Write the session on screen to ``path`` (atomically); False with a message when
        the file cannot be written."""
        if self._refuse_surface():
            return False
        state = self.controller.current_session()
        try:
            target = save_session(path, state)
        except LandscapeError as error:
            self._refuse("The session was not saved.", str(error))
            return False
        self.path = target
        model = self.controller.model
        if model.state == state:
            model.mark_saved()
        self.refresh_title()
        self._tell(f"Saved {target}")
        return True

    # -- dialogs -------------------------------------------------------------------------------
    def choose_and_open(self) -> bool:
        path = ask_open_path(self.window, "Open a session", SESSION_FILTER)
        return bool(path) and self.open_path(path)

    def _refuse_surface(self) -> bool:
        """A surface file on screen is not a race session: saving is refused, with why."""
        surface = self.controller.model.surface_file
        if surface is None:
            return False
        self._refuse("The session was not saved.", f"{surface.name} is a surface file shown "
                     "read-only, not a race session; File ▸ Export saves its picture")
        return True

    def choose_and_save(self) -> bool:
        if self._refuse_surface():
            return False
        suggested = self.path.name if self.path is not None else "session.json"
        path = ask_save_path(self.window, "Save the session", SESSION_FILTER, suggested)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".json"
        return self.save_to(path)

    # -- the title -----------------------------------------------------------------------------
    @property
    def modified(self) -> bool:
        """Whether the session on screen differs from the one last opened or saved."""
        return self.controller.model.modified

    def confirm_discard(self, doing: str) -> bool:
        """Whether ``doing`` (e.g. "quitting") may go on: True when nothing unsaved would be
        lost, or the user saved or discarded it; False when the user cancelled."""
        from landscape_app.gui.classroom.unsaved import confirm_discard

        return confirm_discard(self, doing)

    def quit(self) -> None:
        """File ▸ Quit: close the window, unless the user keeps unsaved changes."""
        if self.confirm_discard("quitting"):
            self.window.close()

    def refresh_title(self) -> None:
        model = self.controller.model
        if model.saved is None or model.surface_file is not None:
            return
        state = self.controller.current_session()
        name = self.path.name if self.path is not None else (state.title or "untitled")
        self.window.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.window.setWindowModified(self.modified)

    def _tell(self, text: str) -> None:
        self.status.show(text, 6000)

    def _refuse(self, headline: str, detail: str) -> None:
        self.problem = refuse(self.window, self.status, headline, detail)
