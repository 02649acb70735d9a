"""File ▸ Open surface…: show a surface file (NPZ the app wrote, or a loss-landscape ``.h5``)
read-only in the 2D and 3D views, its paths replayed.

Reading is :func:`landscape_app.core.surface_file.load_surface_file` (data only: no model file
is ever imported); the window's model takes it with
:meth:`~landscape_app.engine.session_model.SessionModel.open_surface`. A surface file is not a
race session: while one is shown, Save is refused with that reason, and the lanes, start and
steps cannot be edited; opening a session, a scene or choosing a landscape leaves it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow, QMenu

from landscape_app.core.errors import LandscapeError
from landscape_app.gui.file_dialogs import APP_NAME, OpenFileEntry, refuse

if TYPE_CHECKING:
    from landscape_app.gui.live.controller import RaceController
    from landscape_app.gui.window_parts import StatusLine

SURFACE_FILTER = "Surfaces (*.npz *.h5 *.hdf5);;All files (*)"


class SurfaceActions(OpenFileEntry):
    """The Open surface… entry of a window's File menu; ``window`` also takes the file's
    title, ``controller`` shows the surface."""

    def __init__(self, window: QMainWindow, menu: QMenu, controller: RaceController,
                 status: StatusLine):
        super().__init__(window, menu, status, "Open s&urface…", "Ctrl+Shift+O",
                         "Show a surface NPZ or a loss-landscape .h5 file, read-only; its "
                         "paths replay", "Open a surface", SURFACE_FILTER)
        self.controller = controller
        self.line_dialog = None

    def open_path(self, path: str | os.PathLike) -> bool:
        """Show the surface at ``path``; False (and a message, the screen kept) if refused."""
        from landscape_app.core.surface_file import load_surface_file
        from landscape_app.core.surface_from_npz import read_interpolation

        try:
            line = read_interpolation(path)
            if line is not None:
                return self._show_line(line, path)
            landscape = load_surface_file(path)
        except LandscapeError as error:
            self.problem = refuse(self.window, self.status, "The surface was not opened.",
                                  str(error))
            return False
        self.show(landscape)
        return True

    def _show_line(self, line: dict, path) -> bool:
        """An NPZ of ``surface --interpolate``: its curve in a dialog of its own (the views
        and the race stay as they were)."""
        from landscape_app.gui.classroom.line_dialog import LineDialog

        self.line_dialog = LineDialog(self.window, line, os.fspath(path))
        self.line_dialog.show()
        self.status.show(
            f"{os.fspath(path)}: the loss along (1 − t) A + t B, {len(line['t'])} points", 12000)
        return True

    def show(self, landscape) -> None:
        """Show a surface file already read (the command line's ``gui FILE``): its grid, its
        paths to replay, and in the status bar what it is and how many points it lacks."""
        self.controller.open_surface(landscape)
        self.window.setWindowTitle(f"{landscape.path.name} (read-only) — {APP_NAME}")
        self.window.setWindowModified(False)
        self.status.show(landscape.summary(), 12000)
        self.opened.emit(str(landscape.path))
