"""Where the window opens: its first size and place on a screen, and the geometry it had.

The first window takes a fraction of the screen's available geometry (:func:`first_geometry`:
all of a small screen, :data:`FRACTION` of a large one, never more than :data:`LARGEST`),
centred. Closing remembers the normal geometry (``QSettings``, :func:`remember`); the next
window opens there when that still lies inside an available screen (:func:`place`).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication

#: The share of a large screen's available width and height the first window takes.
FRACTION = 0.9
#: Screens up to this size (available, logical pixels) get all of it.
SMALL_SCREEN = QSize(1440, 900)
#: The largest first window.
LARGEST = QSize(2560, 1440)
#: The settings keys of the remembered geometry.
GEOMETRY_KEY, MAXIMIZED_KEY = "window/geometry", "window/maximized"


def first_geometry(available: QRect) -> QRect:
    """The first window's geometry on a screen whose available geometry is ``available``."""
    small = (available.width() <= SMALL_SCREEN.width()
             or available.height() <= SMALL_SCREEN.height())
    fraction = 1.0 if small else FRACTION
    size = QSize(min(round(available.width() * fraction), LARGEST.width()),
                 min(round(available.height() * fraction), LARGEST.height()))
    rect = QRect(available.topLeft(), size)
    rect.moveCenter(available.center())
    return rect


def fits_a_screen(rect: QRect) -> bool:
    """Whether ``rect`` lies inside the available geometry of one of the screens."""
    return any(screen.availableGeometry().contains(rect)
               for screen in QGuiApplication.screens())


def place(window) -> None:
    """The remembered geometry when it still fits a screen, otherwise the first one."""
    settings = QSettings()
    saved = settings.value(GEOMETRY_KEY)
    if isinstance(saved, QRect) and saved.isValid() and fits_a_screen(saved):
        window.setGeometry(saved)
        if settings.value(MAXIMIZED_KEY, False, type=bool):
            window.setWindowState(Qt.WindowState.WindowMaximized)
    else:
        screen = window.screen() or QGuiApplication.primaryScreen()
        window.setGeometry(first_geometry(screen.availableGeometry()))


def remember(window) -> None:
    """Keep the normal geometry (the one from before presenting) for the next window."""
    presentation = getattr(window, "presentation", None)
    rect = window.normalGeometry()
    maximized = window.isMaximized()
    if presentation is not None and presentation.active and presentation.saved is not None:
        saved = presentation.saved
        maximized = bool(saved.window_state & Qt.WindowState.WindowMaximized)
        rect = saved.normal_geometry
    if rect.isValid():
        settings = QSettings()
        settings.setValue(GEOMETRY_KEY, rect)
        settings.setValue(MAXIMIZED_KEY, maximized)


def keep_frame_inside(window) -> None:
    """Once shown: a window manager's frame must not push the window off the screen."""
    if window.isFullScreen() or window.isMaximized():
        return
    available = (window.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    frame = window.frameGeometry()
    if available.contains(frame):
        return
    extra_w, extra_h = frame.width() - window.width(), frame.height() - window.height()
    window.resize(min(window.width(), available.width() - extra_w),
                  min(window.height(), available.height() - extra_h))
    frame = window.frameGeometry()
    window.move(max(available.left(), min(frame.left(), available.right() - frame.width())),
                max(available.top(), min(frame.top(), available.bottom() - frame.height())))
