"""File ▸ Export ▸ Interactive page (HTML)…: the session on screen as one self-contained page,
written in the background by the Qt-free writer (:mod:`landscape_app.export.page`)."""

from __future__ import annotations

import os

from landscape_app.core.atomic import check_writable
from landscape_app.core.errors import LandscapeError
from landscape_app.gui import file_dialogs


class PageAction:
    """The menu entry and its export, beside the other exports of ``exports`` (an
    :class:`~landscape_app.gui.export.actions.ExportActions`: its background runner, status
    messages and ``exported``/``failed`` signals)."""

    def __init__(self, exports):
        self.exports = exports
        self.action = exports.menu.addAction("Interactive &page (HTML)…")
        self.action.triggered.connect(lambda _=False: self.choose())

    def choose(self) -> None:
        """Ask where to write the page, then write it."""
        path = file_dialogs.ask_save_path(self.exports.window, "Export an interactive page",
                                          "Web page (*.html)", "lesson.html")
        if path:
            self.export(path)

    def export(self, path: str | os.PathLike) -> bool:
        """Record the session's race and write its page to ``path`` in the background; False
        (with a message) when the path cannot be written."""
        try:
            target = check_writable(path, suffixes=(".html", ".htm"))
        except LandscapeError as error:
            self.exports._refuse(str(error))
            return False
        state = self.exports.controller.current_session()

        def job(progress, cancelled):
            from landscape_app.engine.page import page_document
            from landscape_app.export.page import write_page

            return write_page(target, page_document(state, progress=progress,
                                                    cancelled=cancelled))

        self.exports._submit(job, "the interactive page", target)
        return True
