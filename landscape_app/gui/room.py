"""Fitting the room: the window's first size and place, and a layout for every screen.

Projectors run at 1024×768 or 1280×720, laptops at 1366×768 or at 4K with 200 % scaling
(1920×1080 logical pixels). :class:`RoomFit` makes the window fit them all, following every
resize, dock change, new landscape and presentation mode:

- **Where it opens** (:mod:`landscape_app.gui.room_screen`): a fraction of the screen, or
  where the window was when that still fits.
- **The panels** (:mod:`landscape_app.gui.room_docks`): on their sides, tabs of one dock, or
  collapsed behind the **Panels** toggle, by the window's width.
- **The landscape first.** The loss curves (with the note), the table and, presenting, the
  caption go beside or below the landscape, whichever leaves it the largest data box, and
  the landscape's widget gets exactly the size its box needs, so it is never letter-boxed:
  what each part needs is measured (:mod:`landscape_app.gui.room_measures`), the
  arrangement chosen from that alone (:mod:`landscape_app.gui.room_layout`) and the parts
  placed and sized as it says (:mod:`landscape_app.gui.room_central`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from landscape_app.gui import room_central, room_layout, room_measures, room_screen
from landscape_app.gui.room_docks import SideDocks, mode_for

#: The most arrangements in one burst (without a pause of QUIET_MS milliseconds).
MAX_PASSES, QUIET_MS = 8, 300
#: Below this window width the toolbar's Play, Step and Reset show their icons only, so that
#: every tool fits (none behind the overflow button, whose arrow the dark theme hides).
NARROW_TOOLS = 1000


class RoomFit(QObject):
    """Sizes, places and arranges a :class:`~landscape_app.gui.main_window.MainWindow`.

    :attr:`docks` is ``"compact"``, ``"tabbed"`` or ``"wide"`` and :attr:`compact` whether
    the side docks are collapsed (:attr:`panels_action` shows or hides their tabs);
    :attr:`arrangement` names the central arrangement
    (:data:`~landscape_app.gui.room_layout.WINDOW`, :data:`~landscape_app.gui.room_layout.
    PRESENTING`) and :attr:`plan` holds its sizes.
    """

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.arrangement = ""
        self.plan: room_layout.Plan | None = None
        self.side = SideDocks(window, self.refit)
        self.panels_action = self.side.action
        self._passes = 0  # arrangements in the present burst
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(QUIET_MS)
        self._quiet.timeout.connect(self._burst_over)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.arrange)
        self._corrected = False
        self._refit = True  # size the docks for the window at the next arrangement
        window.installEventFilter(self)
        window.centralWidget().installEventFilter(self)  # docks opening or closing
        window.views.contour.image.sigImageChanged.connect(self.schedule)  # a new box's aspect
        window.views.contour.plot_item.vb.sigResized.connect(self._view_resized)
        window.views.table.table_model.modelReset.connect(self.schedule)  # lanes: the table's width
        # The table's and the caption's natural sizes follow their fonts (presenting).
        views = window.views
        for widget in (views.table, views.table.horizontalHeader(), views.caption):
            widget.installEventFilter(self)
        # The timeline bar under the views takes height from them when it shows.
        window.views.timeline_bar.installEventFilter(self)

    @property
    def docks(self) -> str:
        return self.side.mode

    @property
    def compact(self) -> bool | None:
        return self.side.compact

    def show_side(self, dock: QDockWidget) -> None:
        """:meth:`~landscape_app.gui.room_docks.SideDocks.show_side`."""
        self.side.show_side(dock)

    def hide_side(self, dock: QDockWidget) -> None:
        """:meth:`~landscape_app.gui.room_docks.SideDocks.hide_side`."""
        self.side.hide_side(dock)

    # -- where the window opens ----------------------------------------------------------------
    def place(self) -> None:
        """The remembered geometry when it still fits a screen, otherwise the first one."""
        room_screen.place(self.window)
        self.arrange()

    def remember(self) -> None:
        """Keep the normal geometry (the one from before presenting) for the next window."""
        room_screen.remember(self.window)

    # -- when to arrange ----------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        fonts = (QEvent.Type.FontChange, QEvent.Type.StyleChange)
        bar = (QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.Resize)
        if (kind == QEvent.Type.Resize and watched is self.window.centralWidget()
                or kind in fonts and watched is not self.window
                or kind in bar and watched is self.window.views.timeline_bar):
            self.schedule()
        elif watched is self.window:
            if kind == QEvent.Type.Resize:
                self.refit()
            elif kind == QEvent.Type.Show:
                self.refit()
                if not self._corrected:
                    self._corrected = True
                    QTimer.singleShot(0, lambda: room_screen.keep_frame_inside(self.window))
            elif kind == QEvent.Type.ChildAdded and isinstance(event.child(), QDockWidget):
                self.side.known = False  # a dock added later joins the arrangement
                self.schedule()
        return False

    @property
    def settled(self) -> bool:
        """Whether no arrangement is pending or in a burst (the layout is at rest)."""
        return not self._timer.isActive() and not self._quiet.isActive()

    @property
    def at_rest(self) -> bool:
        """Settled, and arranging now would keep the plan in force: the widgets, laid out
        for it, measure what it was chosen for (what a test or a screenshot waits on)."""
        return self.settled and self.plan == room_layout.choose(
            self._choices(), room_measures.measure(self.window, self.presenting))

    def _burst_over(self) -> None:
        self._passes = 0

    def schedule(self) -> None:
        """Arrange once the events in flight are handled (resizes come in bursts)."""
        self._timer.start()

    def refit(self) -> None:
        """Arrange from scratch: the docks' widths too, from the window's width alone (a new
        window size or scene; a dock the user drags keeps its width until then)."""
        self._refit = True
        self.schedule()

    # -- the arrangement -----------------------------------------------------------------------
    @property
    def presenting(self) -> bool:
        presentation = getattr(self.window, "presentation", None)
        return presentation is not None and presentation.active

    def _choices(self) -> tuple[room_layout.Arrangement, ...]:
        return room_layout.PRESENTING if self.presenting else room_layout.WINDOW

    def arrange(self) -> None:
        """The docks for the window's width, then the central parts for the room left."""
        window = self.window
        if getattr(window, "_closing", False):
            return
        if not self.presenting:
            width = window.width()
            self.side.arrange(mode_for(width))
            if self._refit:
                self._refit = False
                self.side.size()
            window.controls.setToolButtonStyle(
                Qt.ToolButtonStyle.ToolButtonIconOnly if width < NARROW_TOOLS
                else Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        layout = window.layout()
        if layout is not None:
            layout.activate()
        previous = self.plan
        measures = room_measures.measure(window, self.presenting)
        self.plan = room_layout.choose(self._choices(), measures)
        room_central.place(window, self.plan, self.presenting)
        room_central.tab_column(window, self.plan.tabs, not self.plan.arrangement.side)
        room_central.size(window, self.plan, measures, self.presenting)
        changed = previous is None or previous.landscape != self.plan.landscape
        self.arrangement = self.plan.arrangement.name
        self._passes += 1
        self._quiet.start()
        if changed and self._passes < MAX_PASSES:  # measure again once laid out
            self.schedule()

    def _view_resized(self, *_) -> None:
        """The landscape's plot box changed size (axes, fonts): fit it again, unless this
        burst of arranging has gone on too long (a size that will not settle)."""
        if self._passes < MAX_PASSES:
            self.schedule()
