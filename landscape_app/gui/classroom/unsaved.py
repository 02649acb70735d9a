"""Unsaved changes: ask before New, Open, a scene change or quitting discards them.

The question is a message box with three answers:

* **Save** writes the session (atomically, to its file; an untitled session asks for a file
  name first) and goes on, unless the save was refused or its file dialog cancelled: then
  nothing is discarded;
* **Discard** goes on and drops the changes;
* **Cancel** (or Esc) keeps everything as it is.

Whether the session is modified is the Qt-free model's
(:attr:`~landscape_app.engine.session_model.SessionModel.modified`).
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from landscape_app.gui.file_dialogs import APP_NAME

Button = QMessageBox.StandardButton


def unsaved_question(parent, name: str, doing: str) -> QMessageBox:
    """The message box asking whether to save ``name``'s changes before ``doing``."""
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME,
                      f"The session “{name}” has unsaved changes.", parent=parent)
    box.setInformativeText(f"Save them before {doing}?")
    box.setStandardButtons(Button.Save | Button.Discard | Button.Cancel)
    box.setDefaultButton(Button.Save)
    box.setEscapeButton(Button.Cancel)
    box.setObjectName("unsaved-changes")
    return box


def confirm_discard(sessions, doing: str) -> bool:
    """Whether ``doing`` may go on for the :class:`~landscape_app.gui.classroom.
    session_actions.SessionActions` ``sessions`` (see the module docstring)."""
    if not sessions.ask_unsaved or not sessions.modified:
        return True
    state = sessions.controller.current_session()
    name = sessions.path.name if sessions.path is not None else (state.title or "untitled")
    box = unsaved_question(sessions.window, name, doing)
    sessions.question = box
    try:
        answer = box.exec()
    finally:
        sessions.question = None
        box.deleteLater()
    if answer == Button.Save:
        return sessions.save()
    return answer == Button.Discard
