"""Fitting the room: the window's first size and place, and a layout for every screen.

Projectors run at 1024×768 or 1280×720, laptops at 1366×768 or at 4K with 200 % scaling
(1920×1080 logical pixels). :class:`RoomFit` makes the window fit them all:

- **Where it opens.** The first window takes a fraction of the screen's available geometry
  (:func:`first_geometry`: all of a small screen, :data:`FRACTION` of a large one, never more
  than :data:`LARGEST`), centred. Closing remembers the normal geometry (``QSettings``); the
  next window opens there when that still lies inside an available screen.
- **The landscape first.** Below :data:`COMPACT_WIDTH` logical pixels the window is
  *compact*: the Landscape and Optimizers panels become tabs of one dock, collapsed until
  the **Panels** toggle (toolbar, View menu) opens it, and the loss curves with the teaching
  note move below the landscape, beside the table. Wider, the panels sit left and right and
  the curves beside the landscape. The arrangement follows every resize.
- **Presenting.** In presentation mode (no docks) a screen at least :data:`WIDE_ASPECT` wide
  for its height keeps the curves beside the landscape and gives the landscape the width its
  square plot needs; a squarer screen (4:3) puts the curves below, beside the table.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication

#: Below this window width (logical pixels) the side panels collapse and the curves go below.
COMPACT_WIDTH = 1400
#: The share of a large screen's available width and height the first window takes.
FRACTION = 0.9
#: Screens up to this size (available, logical pixels) get all of it.
SMALL_SCREEN = QSize(1440, 900)
#: The largest first window.
LARGEST = QSize(1920, 1200)
#: Presentation screens at least this wide for their height keep the curves beside the plot.
WIDE_ASPECT = 1.5
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


class RoomFit(QObject):
    """Sizes, places and arranges a :class:`~landscape_app.gui.main_window.MainWindow`.

    :attr:`arrangement` is ``"wide"`` or ``"compact"``; :attr:`panels_action` shows or
    collapses the side panels while compact.
    """

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.arrangement = ""
        self.presenting_wide = False
        self.panels_action = QAction("Panels", window)
        self.panels_action.setCheckable(True)
        self.panels_action.setToolTip("show or hide the Landscape and Optimizers panels")
        self.panels_action.toggled.connect(self._panels_toggled)
        self._corrected = False
        window.installEventFilter(self)

    # -- where the window opens ----------------------------------------------------------------
    def place(self) -> None:
        """The remembered geometry when it still fits a screen, otherwise the first one."""
        settings = QSettings()
        saved = settings.value(GEOMETRY_KEY)
        if isinstance(saved, QRect) and saved.isValid() and fits_a_screen(saved):
            self.window.setGeometry(saved)
            if settings.value(MAXIMIZED_KEY, False, type=bool):
                self.window.setWindowState(Qt.WindowState.WindowMaximized)
        else:
            screen = self.window.screen() or QGuiApplication.primaryScreen()
            self.window.setGeometry(first_geometry(screen.availableGeometry()))
        self.arrange()

    def remember(self) -> None:
        """Keep the normal geometry (the one from before presenting) for the next window."""
        window = self.window
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

    def _keep_frame_inside(self) -> None:
        """Once shown: a window manager's frame must not push the window off the screen."""
        window = self.window
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

    # -- the arrangement -----------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if watched is self.window:
            if event.type() == QEvent.Type.Resize:
                self.arrange()
                if not event.oldSize().isValid() or not self._corrected:
                    QTimer.singleShot(0, self._share_space)
            elif event.type() == QEvent.Type.Show and not self._corrected:
                self._corrected = True
                QTimer.singleShot(0, self._keep_frame_inside)
        return False

    def arrange(self) -> None:
        """Choose the arrangement for the window's present width (or screen, presenting)."""
        window = self.window
        presentation = getattr(window, "presentation", None)
        if presentation is not None and presentation.active:
            size = window.size()
            wide = size.width() >= WIDE_ASPECT * size.height()
            self._set_arrangement("presenting" if wide else "presenting-below")
            if wide:
                self._size_for_presenting()
            return
        self._set_arrangement("compact" if window.width() < COMPACT_WIDTH else "wide")

    def _set_arrangement(self, arrangement: str) -> None:
        """``wide``: panels left and right; ``compact``: panels collapsed into one tabbed dock;
        both with the curves below the landscape, beside the table. ``presenting`` puts
        the curves beside the landscape (no docks), ``presenting-below`` below it."""
        if arrangement == self.arrangement:
            return
        window = self.window
        self.arrangement = arrangement
        column, bottom, top = window.right_column, window.bottom_splitter, window.top_splitter
        beside = arrangement == "presenting"
        (top if beside else bottom).addWidget(column)
        if not arrangement.startswith("presenting"):
            self._arrange_docks(arrangement == "compact")
        self._share_space()

    def _share_space(self) -> None:
        """Splitter sizes for the arrangement (again once the window has its real size)."""
        window = self.window
        central = window.central_splitter
        height, width = max(central.height(), 300), max(central.width(), 400)
        if self.arrangement == "presenting":
            return
        bottom_height = max(190, round(0.25 * height))
        central.setSizes([height - bottom_height, bottom_height])
        window.bottom_splitter.setSizes([round(0.5 * width), round(0.5 * width)])

    def _arrange_docks(self, compact: bool) -> None:
        window = self.window
        landscape, optimizers = window.landscape_dock, window.optimizer_dock
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, landscape)
        if compact:
            window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, optimizers)
            window.tabifyDockWidget(landscape, optimizers)
            landscape.raise_()
        else:
            window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, optimizers)
            window.resizeDocks([landscape, optimizers], [280, 310], Qt.Orientation.Horizontal)
        self.panels_action.setVisible(compact)
        self.panels_action.blockSignals(True)
        self.panels_action.setChecked(not compact)
        self.panels_action.blockSignals(False)
        for dock in (landscape, optimizers):
            dock.setVisible(not compact)

    def _panels_toggled(self, on: bool) -> None:
        for dock in (self.window.landscape_dock, self.window.optimizer_dock):
            dock.setVisible(on)
        if on:
            self.window.landscape_dock.raise_()

    def _size_for_presenting(self) -> None:
        """A wide screen: the landscape as wide as its square plot and colour bar need."""
        window = self.window
        top = window.top_splitter
        plot_height = max(top.height() - 40, 200)
        width = top.width()
        landscape = min(round(0.72 * width), plot_height + 240)
        top.setSizes([landscape, width - landscape])
