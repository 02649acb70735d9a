"""The scene library: ready-made sessions with a title and a teaching note.

A scene is an ordinary session file (:mod:`landscape_app.state.session_io`) shipped as
package data in ``landscape_app/scenes/<id>.json``; its id is the file name. Opening a scene
and saving it gives a session file, and a session file with a title and a note dropped into
that folder is a scene. :data:`SCENE_ORDER` is the teaching order (presentation mode's
next/previous); scenes not listed there follow, sorted by id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from landscape_app.state.model import SessionState
from landscape_app.state.scene_files import (  # noqa: F401  (SCENE_ORDER re-exported)
    SCENE_FOLDER,
    SCENE_ORDER,
    check_scene_id,
    scene_files,
    scene_ids,
)
from landscape_app.state.session_io import SessionError, session_from_json


@dataclass(frozen=True)
class SceneInfo:
    """A scene's id and title, for lists and menus."""

    id: str
    title: str


@dataclass(frozen=True)
class Scene:
    """A validated scene: its id and the session it opens (title and note included)."""

    id: str
    state: SessionState

    @property
    def title(self) -> str:
        return self.state.title

    @property
    def note(self) -> str:
        return self.state.note


def list_scenes() -> list[SceneInfo]:
    """Id and title of every scene, in teaching order (titles read without full validation)."""
    files = scene_files()
    infos = []
    for scene_id in scene_ids():
        try:
            data = json.loads(files[scene_id].read_text(encoding="utf-8"))
            title = data.get("title") if isinstance(data, dict) else None
        except (OSError, ValueError):
            title = None
        infos.append(SceneInfo(scene_id, title if isinstance(title, str) and title else scene_id))
    return infos


def load_scene(scene_id: str) -> Scene:
    """The scene ``scene_id``, fully validated.

    Raises
    ------
    UnknownIdError
        For an id that is not in the library (the message lists the known ones).
    SessionError
        If the scene file is broken, or has no title or teaching note.
    """
    files = scene_files()
    check_scene_id(scene_id)
    try:
        state = session_from_json(files[scene_id].read_bytes())
    except SessionError as error:
        raise SessionError(f"scene {scene_id!r}: {error}") from None
    if not state.title.strip() or not state.note.strip():
        raise SessionError(f"scene {scene_id!r} needs a title and a teaching note")
    return Scene(scene_id, state)
