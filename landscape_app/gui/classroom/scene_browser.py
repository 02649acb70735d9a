"""The Scenes menu: the scene library in teaching order, next / previous with N / P.

Loading a scene puts its session on screen (through :meth:`~landscape_app.gui.classroom.
session_actions.SessionActions.present`), which shows its teaching note. The menu marks the
scene on screen; after a session file or a new session none is marked, and N starts again
from the first scene (P from the last). A scene that fails to
load (a broken file in the library) is reported and the current session is kept.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from landscape_app.core.errors import LandscapeError
from landscape_app.gui.classroom.session_actions import SessionActions
from landscape_app.gui.file_dialogs import show_problem
from landscape_app.gui.keyboard import window_action
from landscape_app.gui.window_parts import StatusLine
from landscape_app.state.scenes import list_scenes, load_scene


class SceneBrowser(QObject):
    """Fills ``menu`` with the scenes and the next / previous actions (owned by ``window``,
    which parents the problem reports); says which scene loaded on ``status``."""

    def __init__(self, window: QMainWindow, menu: QMenu, sessions: SessionActions,
                 status: StatusLine):
        super().__init__(window)
        self.window, self.status = window, status
        self.sessions = sessions
        self.scenes = list_scenes()
        self.next_action = window_action(window, "&Next scene", QKeySequence(Qt.Key.Key_N),
                                         lambda: self._asked() and self.step(1))
        self.previous_action = window_action(window, "&Previous scene",
                                             QKeySequence(Qt.Key.Key_P),
                                             lambda: self._asked() and self.step(-1))
        menu.addActions([self.next_action, self.previous_action])
        menu.addSeparator()
        self.group = QActionGroup(self)
        self.group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        self.scene_actions: dict[str, QAction] = {}
        for number, info in enumerate(self.scenes, start=1):
            action = QAction(f"{number:2d}.  {info.title}", self.group)
            action.setCheckable(True)
            action.setToolTip(info.id)
            action.triggered.connect(lambda _=False, scene_id=info.id: self.choose(scene_id))
            menu.addAction(action)
            self.scene_actions[info.id] = action
        menu.setToolTipsVisible(True)
        sessions.documentChanged.connect(self._mark_current)

    @property
    def ids(self) -> list[str]:
        return [info.id for info in self.scenes]

    @property
    def current(self) -> str | None:
        """The scene on screen (None after a session file or a new session)."""
        return self.sessions.scene_id

    def load(self, scene_id: str) -> bool:
        """Put the scene on screen; False (with a message, the session kept) if it fails."""
        try:
            scene = load_scene(scene_id)
        except LandscapeError as error:
            self.status.show(str(error), 12000)
            self.sessions.problem = show_problem(self.window, "The scene could not be loaded.",
                                                 str(error))
            self._mark_current()
            return False
        self.sessions.present(scene.state, scene_id=scene_id)
        self.status.show(f"Scene: {scene.title}", 6000)
        return True

    def choose(self, scene_id: str) -> bool:
        """The scene chosen in the menu: loaded unless the user keeps unsaved changes."""
        if not self._asked():
            self._mark_current()
            return False
        return self.load(scene_id)

    def _asked(self) -> bool:
        return self.sessions.confirm_discard("changing the scene")

    def step(self, offset: int) -> bool:
        """Load the next (``+1``) or previous (``-1``) scene in teaching order, wrapping."""
        ids = self.ids
        if not ids:
            return False
        if self.current in ids:
            index = (ids.index(self.current) + offset) % len(ids)
        else:
            index = 0 if offset > 0 else len(ids) - 1
        return self.load(ids[index])

    def _mark_current(self) -> None:
        current = self.scene_actions.get(self.current)
        for action in self.scene_actions.values():
            action.setChecked(action is current)
