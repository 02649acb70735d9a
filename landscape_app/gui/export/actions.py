"""File ▸ Export: the animation dialog, the trajectories, the surface grid and still images.

======================  ===================================================================
animation…              :class:`~landscape_app.gui.export.dialog.ExportDialog` (GIF, MP4,
                        PNG frames) with progress and cancel
trajectories…           the session's whole race (``max_steps`` steps, recomputed exactly
                        in the background: the runs are deterministic) to CSV or JSON
surface grid…           the grid on screen to NPZ (``xs``, ``ys``, ``values``, metadata)
2D view / 3D view /     the view as it is on screen, to PNG; the 2D view and the curves
loss curves as image…   also to SVG (lines and text as vectors)
======================  ===================================================================

Every file is written atomically; a path that cannot be written gives a message naming it,
and nothing else happens.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QWidget

from landscape_app.core.atomic import atomic_write, check_writable
from landscape_app.core.errors import LandscapeError
from landscape_app.gui.file_dialogs import APP_NAME, ask_save_path, show_problem
from landscape_app.gui.keyboard import window_action
from landscape_app.gui.live.tasks import TaskRunner

if TYPE_CHECKING:
    from landscape_app.gui.live.controller import RaceController
    from landscape_app.gui.live.timeline_bar import TimelineControl
    from landscape_app.gui.views.surface3d import Surface3DView
    from landscape_app.gui.window_parts import StatusLine, WindowViews

VIEWS = {"2d": "2D view", "3d": "3D view", "curves": "loss curves"}
IMAGE_SUFFIXES = {"2d": (".png", ".svg"), "3d": (".png",), "curves": (".png", ".svg")}


def png_bytes(widget: QWidget) -> bytes:
    """``widget`` as it is on screen, as PNG."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not widget.grab().save(buffer, "PNG"):
        raise LandscapeError("the view could not be encoded as PNG")
    return bytes(buffer.data())


def svg_bytes(widget: QWidget, title: str) -> bytes:
    """``widget`` painted into an SVG document (vector lines and text)."""
    from PySide6.QtSvg import QSvgGenerator

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(widget.width(), widget.height()))
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    generator.setTitle(title)
    generator.setDescription(APP_NAME)
    painter = QPainter(generator)
    try:
        widget.render(painter)
    finally:
        painter.end()
    buffer.close()
    return bytes(data)


class ExportActions(QObject):
    """The Export submenu of a :class:`~landscape_app.gui.main_window.MainWindow`: the
    session on screen (``controller``), the views' stills (``views``; the 3D view, once its
    tab was opened, from ``surface3d()``) and the timeline's export range; messages on
    ``status``, problems in boxes over ``window``.

    Signals: ``exported(path)`` after a file was written, ``failed(message)`` when not.
    """

    exported = Signal(str)
    failed = Signal(str)

    def __init__(self, window: QMainWindow, menu: QMenu, controller: RaceController,
                 views: WindowViews, surface3d: Callable[[], Surface3DView | None],
                 timeline: TimelineControl, status: StatusLine):
        super().__init__(window)
        self.window = window  # the dialogs' parent, the shortcut's owner
        self.controller, self.views, self.surface3d = controller, views, surface3d
        self.timeline, self.status = timeline, status
        self.dialog = None
        self.problem: QMessageBox | None = None
        self._closed = False
        self.tasks = TaskRunner("export-background", self)
        self._what = ""
        queued = Qt.ConnectionType.QueuedConnection
        self.tasks.progress.connect(self._task_progress, queued)
        self.tasks.succeeded.connect(self._task_done, queued)
        self.tasks.failed.connect(self._task_failed, queued)
        self.menu = menu.addMenu("&Export")
        self.animation_action = window_action(window, "&Animation (GIF, MP4, frames)…",
                                              "Ctrl+E", self.open_dialog)
        self.menu.addAction(self.animation_action)
        self.menu.addSeparator()
        for text, slot in (("&Trajectories (CSV, JSON)…", self.choose_trajectories),
                           ("&Surface grid (NPZ)…", self.choose_surface)):
            self.menu.addAction(text).triggered.connect(lambda _=False, s=slot: s())
        from landscape_app.gui.export.page_action import PageAction

        self.page = PageAction(self)
        self.menu.addSeparator()
        for view, name in VIEWS.items():
            kinds = ", ".join(s[1:].upper() for s in IMAGE_SUFFIXES[view])
            action = self.menu.addAction(f"{name[0].upper()}{name[1:]} as image ({kinds})…")
            action.triggered.connect(lambda _=False, v=view: self.choose_image(v))

    # -- the animation -------------------------------------------------------------------------
    def open_dialog(self):
        """Show the animation dialog for the session on screen; the dialog."""
        from landscape_app.gui.export.dialog import ExportDialog

        if self.dialog is None:
            self.dialog = ExportDialog(self.window)
        self.dialog.prepare(self.controller.current_session(), self.timeline.selection)
        self.dialog.show()
        self.dialog.activateWindow()
        return self.dialog

    # -- trajectories --------------------------------------------------------------------------
    def choose_trajectories(self) -> None:
        path = ask_save_path(self.window, "Export the trajectories",
                             "CSV (*.csv);;JSON (*.json)", "trajectories.csv")
        if path:
            self.export_trajectories(path)

    def export_trajectories(self, path: str | os.PathLike) -> bool:
        """Record the session's race in the background and write it to ``path``; False (with
        a message) when the path cannot be written."""
        try:
            target = check_writable(path, suffixes=(".csv", ".json"))
        except LandscapeError as error:
            self._refuse(str(error))
            return False
        state = self.controller.current_session()

        def job(progress, cancelled):
            from landscape_app.engine.recording import record_session
            from landscape_app.export.tables import write_trajectories

            recording = record_session(state, device="auto", cancelled=cancelled,
                                       progress=progress)
            return write_trajectories(target, recording.result)

        self._submit(job, "the trajectories", target)
        return True

    # -- the outcome map over the steps ----------------------------------------------------------
    def export_map_animation(self, path: str | os.PathLike, kind: str | None = None) -> bool:
        """Compute the session's ``kind`` map (start or hyperparameter map) with every frame's
        losses in the background and write its animation to ``path``; False (with a message)
        when there is no map or the path cannot be written."""
        from landscape_app.export.animation import check_animation_target

        state = self.controller.current_session()
        if state.map is None:
            self._refuse("there is no outcome map: turn one on in the Maps menu first")
            return False
        try:
            check_animation_target(path, 30.0)
        except LandscapeError as error:
            self._refuse(str(error))
            return False
        target = Path(path).expanduser()

        def job(progress, cancelled):
            from landscape_app.engine.map_export import MapExport, write_map_export

            written, _animation = write_map_export(
                state, MapExport(animation=target, kind=kind), progress, cancelled)
            return written[0]

        self._submit(job, "the map animation", target)
        return True

    # -- background exports ----------------------------------------------------------------------
    def _submit(self, job, what: str, target: Path) -> None:
        """Run ``job(progress, cancelled)`` (it returns the path written) in the background;
        a newer export cancels it."""
        self._what = what
        self.tasks.submit(job)
        self.status.show(f"Exporting {what} to {target}…", 0)

    def _task_progress(self, token: int, stage: str, fraction: float) -> None:
        if token == self.tasks.token:
            self.status.show(
                f"Exporting {self._what}: {stage} {fraction:.0%}", 2000)

    def _task_done(self, token: int, path) -> None:
        if token == self.tasks.token:
            self._written(Path(path))

    def _task_failed(self, token: int, message: str) -> None:
        if token == self.tasks.token:
            self._refuse(message)

    # -- the surface ---------------------------------------------------------------------------
    def choose_surface(self) -> None:
        path = ask_save_path(self.window, "Export the surface grid", "NumPy archive (*.npz)",
                             "surface.npz")
        if path:
            self.export_surface(path)

    def export_surface(self, path: str | os.PathLike) -> bool:
        """Write the grid on screen to ``path`` (NPZ)."""
        from landscape_app.core.files.grid_npz import write_grid_npz

        controller = self.controller
        grid, landscape = controller.grid, controller.landscape
        if grid is None or landscape is None:
            self._refuse("the landscape is still being computed; try again in a moment")
            return False
        metadata = {**landscape.metadata(controller.log_scale),
                    "title": controller.current_session().title}
        return self._write(lambda: write_grid_npz(path, grid, metadata))

    # -- still images --------------------------------------------------------------------------
    def choose_image(self, view: str) -> None:
        suffixes = IMAGE_SUFFIXES[view]
        name_filter = ";;".join(f"{s[1:].upper()} image (*{s})" for s in suffixes)
        path = ask_save_path(self.window, f"Export the {VIEWS[view]}", name_filter,
                             f"{view}-view{suffixes[0]}")
        if path:
            self.export_image(view, path)

    def export_image(self, view: str, path: str | os.PathLike) -> bool:
        """The ``2d``, ``3d`` or ``curves`` view as on screen, to PNG (or SVG: 2D, curves)."""
        try:
            target = check_writable(path, suffixes=IMAGE_SUFFIXES[view])
            data = self._image(view, target.suffix.lower())
        except LandscapeError as error:
            self._refuse(str(error))
            return False
        return self._write(lambda: self._write_bytes(target, data))

    def _image(self, view: str, suffix: str) -> bytes:
        if view == "3d":
            surface = self.surface3d()
            if surface is None or not surface.available:
                reason = "open the 3D tab first" if surface is None else (
                    surface.unavailable_reason)
                raise LandscapeError(f"the 3D view cannot be exported: {reason}")
            from PIL import Image

            buffer = io.BytesIO()
            Image.fromarray(surface.grab_frame()).save(buffer, format="PNG")
            return buffer.getvalue()
        widget = self.views.contour if view == "2d" else self.views.curves
        if suffix == ".svg":
            return svg_bytes(widget, self.controller.current_session().title or VIEWS[view])
        return png_bytes(widget)

    @staticmethod
    def _write_bytes(target: Path, data: bytes) -> Path:
        with atomic_write(target, "wb") as handle:
            handle.write(data)
        return target

    # -- outcome -------------------------------------------------------------------------------
    def _write(self, writer) -> bool:
        try:
            target = writer()
        except LandscapeError as error:
            self._refuse(str(error))
            return False
        self._written(Path(target))
        return True

    def _written(self, path: Path) -> None:
        self.status.show(f"Exported {path}", 8000)
        self.exported.emit(str(path))

    def _refuse(self, message: str) -> None:
        if self._closed:
            return
        self.status.show(f"Nothing was exported: {message}", 12000)
        self.problem = show_problem(self.window, "Nothing was exported.", message)
        self.failed.emit(message)

    def shutdown(self) -> None:
        """Cancel and join the background export, close the dialog."""
        self._closed = True
        self.tasks.shutdown()
        if self.dialog is not None:
            self.dialog.shutdown()
