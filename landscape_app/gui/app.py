"""Start the window: a QApplication with the theme, the window painted first, then the engine.

The modules imported here are Qt, pyqtgraph and numpy only; torch and the optimizers are
imported in the background after the first paint (see :mod:`landscape_app.gui.live.loader`), so
the window appears in well under the ~2.4 s that ``import torch`` alone takes.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

SWITCH_INTERVAL_SECONDS = 0.001


@dataclass(frozen=True)
class LaunchOptions:
    """What the command line asks the window to show first (validated by the command line).

    ``session`` is a validated :class:`~landscape_app.state.model.SessionState` (a scene's, or
    a session file's) that the other options modify; ``scene_id`` or ``session_path`` say
    where it came from; ``presentation`` opens the window in presentation mode; ``surface``
    is a surface file read by the command line, shown read-only once the window is ready.
    """

    function: str | None = None
    expression: str | None = None
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None
    optimizers: tuple[str, ...] = field(default_factory=tuple)
    start: tuple[float, float] | None = None
    max_steps: int | None = None
    speed: float | None = None
    max_speed: bool = False
    play: bool = False
    report_startup: bool = False
    session: Any = None
    scene_id: str | None = None
    session_path: str | None = None
    presentation: bool = False
    surface: Any = None


def create_application(argv: list[str] | None = None):
    """The QApplication (created once) with the window's theme."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from landscape_app.gui.app_environment import quiet_qt_messages, use_settings_folder
    from landscape_app.gui.style import apply_theme

    use_settings_folder()
    quiet_qt_messages()
    app = QApplication.instance()
    if app is None:
        # One OpenGL resource space for the 3D tab and a 3D export's offscreen view (see
        # landscape_app.gui.views.surface3d.share_gl_contexts); only possible before the app.
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        # The race worker is a thread sharing the GIL with this one: a short switch interval
        # bounds how long the UI waits for the GIL at each call into Python (5 ms by default).
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setApplicationName("Loss Landscape Lab")
        app.setOrganizationName("landscape-app")
        apply_theme(app)
    return app


def headless_application():
    """The QApplication of a command-line export.

    Without a display (Linux and other X11/Wayland systems with neither ``DISPLAY`` nor
    ``WAYLAND_DISPLAY`` set) Qt's ``offscreen`` platform is chosen, unless
    ``QT_QPA_PLATFORM`` already says otherwise. OpenGL contexts are shared (needed before
    the application exists, see :func:`~landscape_app.gui.views.surface3d.share_gl_contexts`).
    """
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform not in ("darwin", "win32") and no_display:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from landscape_app.gui.views.surface3d import share_gl_contexts

    share_gl_contexts()
    return create_application()


def open_window(options: LaunchOptions | None = None):
    """Create the main window and show it (full screen when presenting); the window."""
    from landscape_app.gui.main_window import MainWindow

    window = MainWindow(options)
    if options is not None and options.report_startup:
        report_startup(window)
    if options is not None and options.presentation:
        window.presentation.enter()
    else:
        window.show()
    return window


def report_startup(window) -> None:
    """Print the start-up marks on stdout, for ``bench/ui.py``: ``first-paint`` (the window),
    ``landscape-painted torch=…`` (the 2D view's first paint with a landscape, and whether
    torch was imported by then) and ``core-ready`` (the engine loaded)."""
    def landscape_painted() -> None:
        if window.views.contour.image.image is not None:
            window.views.contour.painted.disconnect(landscape_painted)
            print(f"landscape-painted torch={'torch' in sys.modules}", flush=True)

    window.firstPainted.connect(lambda _: print("first-paint", flush=True))
    window.views.contour.painted.connect(landscape_painted)
    window.coreReady.connect(lambda: print("core-ready", flush=True))


def run_app(options: LaunchOptions | None = None) -> int:
    """Open the window and run the event loop; the exit code."""
    from landscape_app.engine.race_process import stop_forkserver

    app = create_application()
    window = open_window(options)  # noqa: F841 - kept alive while the loop runs
    code = app.exec()
    stop_forkserver()  # the window closed its race processes; nothing is left behind
    return code
