"""Fitting the room: the window's first size and place, and a layout for every screen.

Projectors run at 1024×768 or 1280×720, laptops at 1366×768 or at 4K with 200 % scaling
(1920×1080 logical pixels). :class:`RoomFit` makes the window fit them all:

- **Where it opens.** The first window takes a fraction of the screen's available geometry
  (:func:`first_geometry`: all of a small screen, :data:`FRACTION` of a large one, never more
  than :data:`LARGEST`), centred. Closing remembers the normal geometry (``QSettings``); the
  next window opens there when that still lies inside an available screen.
- **The panels.** Below :data:`TABBED_WIDTH` logical pixels every dock on the left or right
  (Landscape, Optimizers and any added later) becomes a tab of one dock on the left, which
  the **Panels** toggle (toolbar, View menu) shows or hides; below :data:`COMPACT_WIDTH` the
  window is *compact* and that dock starts hidden. Wider, each dock goes back to its side.
  Docks at the top or bottom stay where they are.
- **The landscape first.** The loss curves (with the note), the table and, presenting, the
  caption go beside or below the landscape, whichever leaves it the largest data box, and
  the landscape's widget gets exactly the size its box needs, so it is never letter-boxed
  (:mod:`landscape_app.gui.room_layout`). This follows every resize, dock change, new
  landscape and presentation mode.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QDockWidget

from landscape_app.gui import room_layout, style

#: Below this window width (logical pixels) the side panels are tabs of one collapsed dock.
COMPACT_WIDTH = 1400
#: Below this width they are tabs of one open dock on the left; from it on, each on its side.
TABBED_WIDTH = 2000
#: The share of a large screen's available width and height the first window takes.
FRACTION = 0.9
#: Screens up to this size (available, logical pixels) get all of it.
SMALL_SCREEN = QSize(1440, 900)
#: The largest first window.
LARGEST = QSize(2560, 1440)
#: The most arrangements in one burst (without a pause of QUIET_MS milliseconds).
MAX_PASSES, QUIET_MS = 8, 300
#: The dock areas whose docks collapse into the Panels tabs of a compact window.
SIDE_AREAS = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
#: A side dock's width (logical pixels): DOCK_WIDTH, or, while the model view is shown,
#: DOCK_SHARE of the window's width within DOCK_WIDTH … DOCK_MOST (room to read its
#: decision regions).
DOCK_WIDTH, DOCK_SHARE, DOCK_MOST = 300, 0.24, 360
#: Below this window width the toolbar's Play, Step and Reset show their icons only, so that
#: every tool fits (none behind the overflow button, whose arrow the dark theme hides).
NARROW_TOOLS = 1000
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
        self.compact: bool | None = None
        self.docks = ""
        self._collapsed: list[QDockWidget] = []  # the docks a compact window collapsed
        self._docks_known = False
        self._home: dict[QDockWidget, Qt.DockWidgetArea] = {}
        self._passes = 0  # arrangements in the present burst
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(QUIET_MS)
        self._quiet.timeout.connect(self._burst_over)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.arrange)
        self.panels_action = QAction("Panels", window)
        self.panels_action.setCheckable(True)
        self.panels_action.setToolTip("show or hide the Landscape and Optimizers panels")
        self.panels_action.toggled.connect(self._panels_toggled)
        self._corrected = False
        self._refit = True  # size the docks for the window at the next arrangement
        window.installEventFilter(self)
        window.centralWidget().installEventFilter(self)  # docks opening or closing
        window.contour.image.sigImageChanged.connect(self.schedule)  # a new box's aspect
        window.contour.plot_item.vb.sigResized.connect(self._view_resized)
        window.table.table_model.modelReset.connect(self.schedule)  # lanes: the table's width
        # The table's and the caption's natural sizes follow their fonts (presenting).
        for widget in (window.table, window.table.horizontalHeader(), window.caption):
            widget.installEventFilter(self)
        # The timeline bar under the views takes height from them when it shows.
        window.timeline_bar.installEventFilter(self)

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

    # -- when to arrange ----------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        fonts = (QEvent.Type.FontChange, QEvent.Type.StyleChange)
        bar = (QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.Resize)
        if (kind == QEvent.Type.Resize and watched is self.window.centralWidget()
                or kind in fonts and watched is not self.window
                or kind in bar and watched is self.window.timeline_bar):
            self.schedule()
        elif watched is self.window:
            if kind == QEvent.Type.Resize:
                self.refit()
            elif kind == QEvent.Type.Show:
                self.refit()
                if not self._corrected:
                    self._corrected = True
                    QTimer.singleShot(0, self._keep_frame_inside)
            elif kind == QEvent.Type.ChildAdded and isinstance(event.child(), QDockWidget):
                self._docks_known = False  # a dock added later joins the arrangement
                self.schedule()
        return False

    @property
    def settled(self) -> bool:
        """Whether no arrangement is pending or in a burst (the layout is at rest)."""
        return not self._timer.isActive() and not self._quiet.isActive()

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
    def arrange(self) -> None:
        """The docks for the window's width, then the central parts for the room left."""
        window = self.window
        if getattr(window, "_closing", False):
            return
        if not self.presenting:
            width = window.width()
            self._arrange_docks("compact" if width < COMPACT_WIDTH
                                else "tabbed" if width < TABBED_WIDTH else "wide")
            if self._refit:
                self._refit = False
                self._size_docks()
            window.controls.setToolButtonStyle(
                Qt.ToolButtonStyle.ToolButtonIconOnly if width < NARROW_TOOLS
                else Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        layout = window.layout()
        if layout is not None:
            layout.activate()
        previous = self.plan
        measures = self._measures()
        choices = room_layout.PRESENTING if self.presenting else room_layout.WINDOW
        self.plan = room_layout.choose(choices, measures)
        self._place(self.plan.arrangement)
        self._tab_column(self.plan.tabs)
        self._size(self.plan, measures)
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

    @property
    def presenting(self) -> bool:
        presentation = getattr(self.window, "presentation", None)
        return presentation is not None and presentation.active

    def _measures(self) -> room_layout.Measures:
        window = self.window
        factor = window.contour.axis_fonts.factor if self.presenting else 1.0
        holder = window.centralWidget()
        tabs, contour = window.view_tabs, window.contour
        box = contour.plot_item.vb.sceneBoundingRect()
        # The 2D view's own chrome, when it is the shown tab and laid out (a map or the 3D
        # view shown instead: the 2D view's geometry is stale, so typical chrome as before)
        if tabs.isVisible() and contour.isVisible() and box.width() > 20 and box.height() > 20:
            chrome_w = round(tabs.width() - box.width())
            chrome_h = round(tabs.height() - box.height())
        else:  # not laid out yet: typical axes, colour bar and tab bar
            chrome_w, chrome_h = round(170 * factor), round(80 * factor)
        table = window.table
        caption = window.caption
        caption_h = 0
        if self.presenting:
            caption_h = max(caption.heightForWidth(holder.width()), caption.sizeHint().height())
        return room_layout.Measures(
            width=holder.width(), height=holder.height(), aspect=self._aspect(),
            chrome_w=chrome_w, chrome_h=chrome_h, table_w=table.natural_width(),
            table_h=table.natural_height(wrapped=self.presenting), caption_h=caption_h,
            factor=factor,
            table_least=min(table.least_width(), table.natural_width()),
            caption_height=caption.heightForWidth if self.presenting else None,
            note_min=0 if self.presenting else self._note_min(),
            sharpness_min=self._sharpness_min(factor))

    def _note_min(self) -> int:
        """The note's least legible height at the column's narrowest width: its title and
        :data:`~landscape_app.gui.room_layout.NOTE_LINES` lines, or all of a shorter note
        (0 when no note is shown)."""
        panel = self.window.note_panel
        if not panel.has_note or panel.isHidden():
            return 0
        width = room_layout.COLUMN_WIDTH
        whole = panel.heightForWidth(width)
        margins = panel.layout().contentsMargins()
        lines = (margins.top() + margins.bottom() + panel.title.heightForWidth(width)
                 + panel.layout().spacing()
                 + room_layout.NOTE_LINES * panel.text.fontMetrics().lineSpacing())
        return max(0, min(whole if whole > 0 else lines, lines))

    def _sharpness_min(self, factor: float) -> int:
        """The sharpness panel's least legible height (0 when View ▸ Sharpness is off): its
        plot as tall as the loss curves' least and its text at the column's narrowest
        width."""
        if not getattr(self.window, "sharpness_on", False):
            return 0
        least = min(factor, room_layout.COLUMN_FACTOR)
        return (round(room_layout.CURVES_HEIGHT * least)
                + self.window.sharpness.text_height(round(room_layout.COLUMN_WIDTH * least)))

    def _aspect(self) -> float:
        """The data box's width over its height (1 before there is a landscape)."""
        image = self.window.contour.image
        if image.image is None or not self.window.contour.plot_item.vb.state["aspectLocked"]:
            return 1.0
        rect = image.mapRectToParent(image.boundingRect())
        if rect.width() <= 0 or rect.height() <= 0:
            return 1.0
        return min(4.0, max(0.25, rect.width() / rect.height()))

    def _place(self, arrangement: room_layout.Arrangement) -> None:
        """Move the curves' column, the table and the caption where ``arrangement`` says."""
        window = self.window
        column, table, caption = window.right_column, window.table, window.caption
        column_layout = column.layout()
        top, bottom = window.top_splitter, window.bottom_splitter
        if "table" in arrangement.side:
            if column_layout.indexOf(table) < 0:
                column_layout.addWidget(table)
            if not self.presenting:
                table.setMaximumHeight(table.natural_height(wrapped=False))
        else:
            if bottom.indexOf(table) != 0:
                bottom.insertWidget(0, table)
            if not self.presenting:
                table.setMaximumHeight(style.QWIDGETSIZE_MAX)
        if "caption" in arrangement.side:
            if column_layout.indexOf(caption) < 0:
                column_layout.addWidget(caption)
        elif window.centralWidget().layout().indexOf(caption) < 0:
            window.centralWidget().layout().addWidget(caption)
        if arrangement.side:
            if top.indexOf(column) != 1:
                top.insertWidget(1, column)
        elif bottom.indexOf(column) < 0:
            bottom.addWidget(column)
        for widget in (table, column):
            widget.setVisible(True)  # a widget moved to a new parent comes back hidden
        caption.setVisible(self.presenting)
        bottom.setVisible(bottom.count() > 0)
        margin = round(room_layout.GAP * (window.contour.axis_fonts.factor
                                          if self.presenting else 1.0))
        column_layout.setContentsMargins(margin if arrangement.side else 0, 0, 0, 0)

    def _tab_column(self, tabbed: tuple[str, ...]) -> None:
        """The note, the curves and the sharpness panel one above the other in the column,
        with the parts the plan names (``tabbed``) as tabs of it instead (each tab the
        column's whole height): the sharpness panel a tab beside the curves, the note one
        too."""
        window = self.window
        layout, tabs = window.right_column.layout(), window.column_tabs
        note, curves, sharpness = window.note_scroll, window.curves, window.sharpness
        sharp_on = getattr(window, "sharpness_on", False)  # View ▸ Sharpness
        titles = {curves: "Loss curves", sharpness: "Sharpness", note: "Note"}
        parts = {"note": note, "curves": curves, "sharpness": sharpness}
        wanted = [parts[name] for name in ("curves", "sharpness", "note") if name in tabbed
                  and (name != "sharpness" or sharp_on)]
        stacked = [parts[name] for name in ("note", "curves", "sharpness")
                   if name not in tabbed]
        if ([tabs.widget(i) for i in range(tabs.count())] != wanted
                or any(layout.indexOf(part) < 0 for part in stacked)):
            current = tabs.currentWidget()
            tabs.clear()
            for part in wanted:  # the tab widget shows each page when its tab is chosen
                tabs.addTab(part, titles[part])
            if current in wanted:
                tabs.setCurrentWidget(current)
            for index, part in enumerate(stacked):
                layout.insertWidget(index, part, 0 if part is note else 1)
            if wanted:
                layout.insertWidget(len(stacked), tabs, 1)  # where the curves were
            tabs.setVisible(bool(wanted))
        shown = {curves: True, sharpness: sharp_on, note: not window.note_panel.isHidden()}
        for part in stacked:
            part.setVisible(shown[part])

    def _size(self, plan: room_layout.Plan, m: room_layout.Measures) -> None:
        """Splitter sizes: the landscape's widget exactly as large as its data box needs."""
        window = self.window
        central, top, bottom = window.central_splitter, window.top_splitter, window.bottom_splitter
        handle = central.handleWidth()
        height = central.height()
        arrangement = plan.arrangement
        if not arrangement.side:  # the landscape across, the band below takes the rest
            top_h = min(plan.landscape[1], height - max(plan.band, round(
                room_layout.BAND_HEIGHT * m.factor)) - handle)
            top_h = max(top_h, 0)
            _set_sizes(central, [top_h, height - top_h - handle])
            self._limit_note(plan, m, height - top_h - handle)
            # the table its whole names, unless the curves' column would be narrower than
            # its least width: then the names give way (down to the table's least width)
            column_least = round(room_layout.COLUMN_WIDTH * min(m.factor,
                                                                room_layout.COLUMN_FACTOR))
            table_w = max(min(m.table_w, bottom.width() - column_least - bottom.handleWidth()),
                          min(window.table.least_width(), m.table_w))
            _set_sizes(bottom, [table_w, bottom.width() - table_w - bottom.handleWidth()])
            return
        width = top.width()
        landscape_w = min(plan.landscape[0], width - plan.column)
        if bottom.isVisible():  # the landscape its need of the height, the table the rest
            top_h = max(plan.landscape[1], plan.top)  # ... the column at least its need
            if "caption" in arrangement.side and m.caption_height is not None:
                # ... but the column as tall as its caption and curves need
                top_h = max(top_h, m.caption_height(width - landscape_w - room_layout.GAP)
                            + room_layout.column_need(m, plan.tabs))
            top_h = min(top_h, height - m.table_h - handle)
            _set_sizes(central, [top_h, height - top_h - handle])
            self._limit_note(plan, m, top_h)
        else:
            self._limit_note(plan, m, height - (m.table_h + room_layout.SPACING
                                                if "table" in arrangement.side else 0))
        _set_sizes(top, [landscape_w, width - landscape_w - top.handleWidth()])

    def _limit_note(self, plan: room_layout.Plan, m: room_layout.Measures, column_h: int
                    ) -> None:
        """The note scrolls within what the column of height ``column_h`` leaves above the
        least heights of the parts below it (all of it when it is a tab); the curves and the
        sharpness panel share the rest in proportion to their least heights, so each keeps
        its least."""
        window = self.window
        below = room_layout.column_need(replace(m, note_min=0), plan.tabs)
        window.note_scroll.limit = (None if plan.tabbed else
                                    max(0, column_h - below - room_layout.SPACING))
        layout = window.right_column.layout()
        layout.setStretchFactor(window.curves, room_layout.curves_least(m))
        layout.setStretchFactor(window.sharpness, max(1, m.sharpness_min))

    # -- the docks -----------------------------------------------------------------------------
    def _side_docks(self) -> list[QDockWidget]:
        """The window's docks on its left and right, the Landscape and Optimizers first."""
        window = self.window
        first = [window.landscape_dock, window.optimizer_dock]
        others = [dock for dock in window.findChildren(QDockWidget)
                  if dock.parent() is window and dock not in first
                  and window.dockWidgetArea(dock) in SIDE_AREAS]
        return first + others

    def _arrange_docks(self, mode: str) -> None:
        """``compact``: every side dock a tab of one dock on the left, collapsed until the
        **Panels** toggle opens it; ``tabbed``: the same, open; ``wide``: each dock back on
        its own side. Only a change of mode moves docks (the user's moves stay)."""
        window = self.window
        if mode == self.docks and self._docks_known:
            return
        docks = self._side_docks()
        for dock in docks:  # where each dock was before the first tabbed arrangement
            self._home.setdefault(dock, window.dockWidgetArea(dock))
        self.docks, self._docks_known = mode, True
        self.compact = mode == "compact"
        if mode == "wide":
            for dock in docks:
                window.addDockWidget(self._home[dock], dock)
            window.resizeDocks(docks[:2], [280, 310], Qt.Orientation.Horizontal)
        else:
            first = docks[0]
            window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, first)
            for dock in docks[1:]:
                window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
                window.tabifyDockWidget(first, dock)
            window.resizeDocks([first], [300], Qt.Orientation.Horizontal)
        self.panels_action.setVisible(mode != "wide")
        self.panels_action.blockSignals(True)
        self.panels_action.setChecked(not self.compact)
        self.panels_action.blockSignals(False)
        if self.compact:  # the panels, and any other dock that was open, collapse
            self._collapsed = [dock for dock in docks if dock in docks[:2] or dock.isVisible()]
            for dock in self._collapsed:
                dock.setVisible(False)
        else:  # a dock hidden by its owner (the model view, say) stays hidden
            for dock in set(docks[:2]) | set(self._collapsed):
                dock.setVisible(True)
            self._collapsed = []
        window.landscape_dock.raise_()

    def _size_docks(self) -> None:
        """Each side dock :data:`DOCK_WIDTH` wide, wider while the model view shows."""
        window = self.window
        side = DOCK_WIDTH
        model = getattr(window, "model_dock", None)
        if model is not None and model.dock.isVisible():
            side = max(DOCK_WIDTH, min(DOCK_MOST, round(DOCK_SHARE * window.width())))
        docks = [dock for dock in self._side_docks() if dock.isVisible()
                 and not dock.isFloating()]
        if docks:
            window.resizeDocks(docks, [side] * len(docks), Qt.Orientation.Horizontal)

    def show_side(self, dock: QDockWidget) -> None:
        """Show a side dock that has something to show (the model view): the shown tab of
        the side panels, or, in a compact window, one of the collapsed panels' tabs (the
        Panels toggle opens it) rather than a panel taking the landscape's room by itself."""
        if self.compact:
            if dock not in self._collapsed:
                self._collapsed.append(dock)
            return
        dock.show()
        dock.raise_()
        self.refit()

    def hide_side(self, dock: QDockWidget) -> None:
        """Hide a side dock with nothing to show; the Landscape panel is the shown tab."""
        if dock in self._collapsed:
            self._collapsed.remove(dock)
        if dock.isVisible():
            dock.hide()
            self.window.landscape_dock.raise_()
            self.refit()

    def _panels_toggled(self, on: bool) -> None:
        docks = self._side_docks()
        for dock in set(docks[:2]) | set(self._collapsed):
            dock.setVisible(on)
        if on:  # the model view when it was collapsed with them, else the Landscape panel
            shown = [dock for dock in self._collapsed if dock not in docks[:2]]
            (shown[-1] if shown else self.window.landscape_dock).raise_()
        self.refit()


def _set_sizes(splitter, sizes: list[int]) -> None:
    """Set a splitter's sizes unless they are already within two pixels (no churn)."""
    sizes = [max(0, size) for size in sizes]
    current = splitter.sizes()
    if len(current) == len(sizes) and all(abs(a - b) <= 2 for a, b in zip(current, sizes,
                                                                          strict=True)):
        return
    splitter.setSizes(sizes)
