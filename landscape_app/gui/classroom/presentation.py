"""Presentation mode: the race full screen, in type and lines readable from the back of a room.

Entering hides the menu bar, the toolbar, the docks, the timeline bar (its keys still scrub)
and the status bar, enlarges every font
of the views, the table and the caption (:data:`FONT_FACTOR`, through a stylesheet on the
central widget: the hidden chrome keeps its sizes) and everything the views
draw in pixels (:data:`SIZE_FACTOR`: paths, heads, contour lines, curve widths, axis fonts,
table rows), both in proportion to the screen's height (:func:`screen_scale`), shows the
teaching note as a caption (across the bottom, or beside the landscape on a wide screen:
:mod:`landscape_app.gui.room`), and goes full screen.
The keyboard drives everything (the actions live on the window, so they work wherever the
focus is); Esc leaves.

Leaving restores exactly what was there: window state and geometry, docks and toolbars
(``QMainWindow.saveState``), splitter positions, fonts, the menu and status bars and the
focus. Splitters are restored once more after the window is back at its old size, since the
platform resizes a top-level window asynchronously and a splitter redistributes a resize by
its stretch factors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QSplitter,
    QToolBar,
    QWidget,
)
from shiboken6 import isValid

from landscape_app.gui.style import presentation_stylesheet

if TYPE_CHECKING:
    from landscape_app.gui.live.timeline_bar import TimelineControl
    from landscape_app.gui.room import RoomFit
    from landscape_app.gui.window_parts import WindowViews

#: Window font while presenting on a 1080-line screen, relative to the normal one.
FONT_FACTOR = 2.0
#: Line widths, head and marker sizes and axis fonts while presenting on a 1080-line screen.
SIZE_FACTOR = 2.2
#: The screen height (logical pixels) the factors above are for. A projected picture is as
#: tall on the wall whatever its resolution, so type must keep its share of the screen's
#: height: both factors follow ``height / REFERENCE_HEIGHT`` (within :data:`SCALE_LIMITS`).
REFERENCE_HEIGHT = 1080
SCALE_LIMITS = (0.6, 2.0)


def screen_scale(height: int) -> float:
    """How much larger than at 1080 lines presentation type is on a screen ``height`` tall."""
    low, high = SCALE_LIMITS
    return min(high, max(low, height / REFERENCE_HEIGHT))
#: The key hints under the caption.
KEY_HINT = "space play · → step · R reset · 1–9 lanes · N/P scenes · Esc leave"


class SparseLossTicks:
    """While presenting, the loss axis labels only decades where the multiples would crowd.

    pyqtgraph labels 2, 3, … 9 times each decade of a log axis when it finds room by its own
    estimate, which does not account for large fonts: the labels overlap. Whenever the
    range or the size changes, the curves space their labels for the (enlarged) tick font
    (:meth:`~landscape_app.gui.views.curves.LossCurves.update_ticks`, as everywhere else).
    """

    def __init__(self, curves):
        self.curves = curves
        self.axis = curves.plot_item.getAxis("left")
        self.active = False

    def start(self) -> None:
        view_box = self.curves.plot_item.vb
        view_box.sigYRangeChanged.connect(self.update)
        view_box.sigResized.connect(self.update)
        self.active = True
        self.update()

    def stop(self) -> None:
        if self.active:
            view_box = self.curves.plot_item.vb
            view_box.sigYRangeChanged.disconnect(self.update)
            view_box.sigResized.disconnect(self.update)
            self.active = False
        self.curves.update_ticks()

    def update(self, *_) -> None:
        self.curves.update_ticks()


@dataclass
class _SavedLayout:
    """What presentation mode changes, as it was before."""

    window_state: Qt.WindowState
    size: QSize
    geometry: QByteArray
    normal_geometry: QRect
    dock_state: QByteArray
    stylesheet: str
    menu_visible: bool
    status_visible: bool
    timeline_visible: bool
    splitters: list[tuple[QSplitter, QByteArray]]
    table_height: tuple[int, int]
    focus: QWidget | None


class PresentationMode(QObject):
    """Enters and leaves presentation mode for a :class:`~landscape_app.gui.main_window.
    MainWindow` (full screen, its chrome hidden), its ``views`` enlarged, the ``room``
    arranging them. :attr:`action` (F11, F5) toggles it; :attr:`leave_action` (Esc) leaves.
    Views made later (:meth:`view_created`) and the timeline (:meth:`follow_timeline`, with
    the engine) join when they exist.

    Signals: ``toggled(bool)`` after entering or leaving.
    """

    toggled = Signal(bool)

    def __init__(self, window: QMainWindow, views: WindowViews, room: RoomFit):
        super().__init__(window)
        self.window, self.views, self.room = window, views, room
        self.timeline: TimelineControl | None = None
        self._later_views: list = []  # views made after the window: the 3D view, maps'
        self.active = False
        self._saved: _SavedLayout | None = None
        self._awaited_size: QSize | None = None
        self.font_factor, self.size_factor = FONT_FACTOR, SIZE_FACTOR
        self.action = QAction("Presentation mode", window)
        self.action.setCheckable(True)
        self.action.setShortcuts([QKeySequence(Qt.Key.Key_F11), QKeySequence(Qt.Key.Key_F5)])
        self.action.setToolTip("full screen, large type, keyboard-driven (F11 or F5; Esc leaves)")
        self.action.toggled.connect(self._toggled)
        self.leave_action = QAction("Leave presentation mode", window)
        self.leave_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.leave_action.setEnabled(False)
        self.leave_action.triggered.connect(self.leave)
        window.addAction(self.action)
        window.addAction(self.leave_action)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(0)
        self._settle.timeout.connect(self._restore_splitters)
        self.loss_ticks = SparseLossTicks(views.curves)

    @property
    def saved(self) -> _SavedLayout | None:
        """The layout from before entering (None before the first time)."""
        return self._saved

    # -- switching ---------------------------------------------------------------------------
    def _toggled(self, on: bool) -> None:
        self.enter() if on else self.leave()

    def enter(self) -> None:
        """Hide the chrome, enlarge type and lines, show the caption, go full screen."""
        if self.active:
            return
        window, views = self.window, self.views
        self._awaited_size = None
        window.removeEventFilter(self)
        self._saved = self._save()
        screen = window.screen() or QApplication.primaryScreen()
        scale = screen_scale(screen.geometry().height())
        self.font_factor, self.size_factor = FONT_FACTOR * scale, SIZE_FACTOR * scale
        self._set_active(True)
        for widget in self._chrome():
            widget.hide()
        window.menuBar().hide()
        window.statusBar().hide()
        views.note_panel.hide()
        views.timeline_bar.hide()
        views.caption.show()
        window.centralWidget().setStyleSheet(presentation_stylesheet(
            QApplication.font().pointSizeF() * self.font_factor))
        self._scale_views(self.size_factor)
        self.loss_ticks.start()
        views.table.table_model.modelReset.connect(self._fit_table)
        views.table.rowsRefitted.connect(self._fit_table)
        self._fit_table()
        if self.timeline is not None:  # the timeline bar is hidden: the caption says it
            self.timeline.shownStepChanged.connect(self._show_step)
            self._show_step()
        window.showFullScreen()
        self.room.schedule()
        views.contour.setFocus(Qt.FocusReason.OtherFocusReason)
        self.toggled.emit(True)

    def leave(self) -> None:
        """Put back exactly the layout, sizes and fonts from before :meth:`enter`."""
        if not self.active:
            return
        window, views, saved = self.window, self.views, self._saved
        self._set_active(False)
        views.table.table_model.modelReset.disconnect(self._fit_table)
        views.table.rowsRefitted.disconnect(self._fit_table)
        if self.timeline is not None:
            self.timeline.shownStepChanged.disconnect(self._show_step)
        views.caption.show_step("")
        views.caption.hide()
        window.centralWidget().setStyleSheet(saved.stylesheet)
        self._scale_views(1.0)
        self.loss_ticks.stop()
        views.table.setMinimumHeight(saved.table_height[0])
        views.table.setMaximumHeight(saved.table_height[1])
        window.menuBar().setVisible(saved.menu_visible)
        window.statusBar().setVisible(saved.status_visible)
        views.timeline_bar.setVisible(saved.timeline_visible)
        views.note_panel.setVisible(views.note_panel.has_note)  # the scene may have changed
        self._awaited_size = saved.size
        window.installEventFilter(self)
        if saved.window_state & Qt.WindowState.WindowFullScreen:
            window.showFullScreen()
        elif saved.window_state & Qt.WindowState.WindowMaximized:
            window.showMaximized()
        else:
            window.showNormal()
            window.restoreGeometry(saved.geometry)
        self._restore_splitters()
        if window.size() == saved.size:  # the platform resized at once: settle now
            self._back_at_size()
        if saved.focus is not None and isValid(saved.focus):
            saved.focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.toggled.emit(False)

    def _set_active(self, on: bool) -> None:
        self.active = on
        self.action.blockSignals(True)
        self.action.setChecked(on)
        self.action.blockSignals(False)
        self.leave_action.setEnabled(on)

    # -- what is saved and changed -------------------------------------------------------------
    def _chrome(self) -> list[QWidget]:
        """The window's docks and toolbars."""
        window = self.window
        return [widget for widget in window.findChildren(QDockWidget)
                + window.findChildren(QToolBar) if widget.parent() is window]

    def _save(self) -> _SavedLayout:
        window = self.window
        splitters = window.centralWidget().findChildren(QSplitter)
        return _SavedLayout(
            window_state=window.windowState(),
            size=window.size(),
            geometry=window.saveGeometry(),
            normal_geometry=window.normalGeometry(),
            dock_state=window.saveState(),
            stylesheet=window.centralWidget().styleSheet(),
            menu_visible=not window.menuBar().isHidden(),
            status_visible=not window.statusBar().isHidden(),
            timeline_visible=not self.views.timeline_bar.isHidden(),
            splitters=[(splitter, splitter.saveState()) for splitter in splitters],
            table_height=(self.views.table.minimumHeight(), self.views.table.maximumHeight()),
            focus=QApplication.focusWidget(),
        )

    def _scale_views(self, factor: float) -> None:
        views = self.views
        for view in (views.contour, views.curves, views.table, *self._later_views):
            view.set_size_factor(factor)

    def view_created(self, view) -> None:
        """A view made after the window (the 3D view is built on first use, the
        hyperparameter map's once the engine is loaded) gets the sizes, now and from now."""
        self._later_views.append(view)
        view.set_size_factor(self.size_factor if self.active else 1.0)

    def follow_timeline(self, timeline: TimelineControl) -> None:
        """The engine's timeline: while presenting, the caption names its step."""
        self.timeline = timeline

    def _show_step(self, *_) -> None:
        """The caption names the step shown while one is scrubbed to (live: nothing)."""
        timeline = self.timeline
        step = None if timeline is None else timeline.shown_step
        self.views.caption.show_step(
            "" if step is None else f"step {step} of {timeline.timeline.furthest}")

    def _fit_table(self) -> None:
        """The table exactly as tall as its rows (at the presentation's row height, wrapped
        names included, at least one): the arrangement (:mod:`landscape_app.gui.room`)
        gives the height left to the views and the curves."""
        table = self.views.table
        height = table.natural_height(least_rows=1)
        table.setMinimumHeight(height)
        table.setMaximumHeight(height)
        self.room.schedule()

    def _restore_splitters(self) -> None:
        if self._saved is None or self.active:
            return
        self.window.restoreState(self._saved.dock_state)
        for splitter, state in self._saved.splitters:
            if isValid(splitter):
                splitter.restoreState(state)
        self.room.schedule()  # the arrangement for the normal window's size

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        """After leaving: once the window is back at its old size, restore the splitters
        (after the layout has handed the new size down, hence the zero-delay timer)."""
        if (watched is self.window and event.type() == QEvent.Type.Resize
                and self._awaited_size is not None and event.size() == self._awaited_size):
            self._back_at_size()
        return False

    def _back_at_size(self) -> None:
        self._awaited_size = None
        self.window.removeEventFilter(self)
        self._settle.start()
