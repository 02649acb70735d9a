"""The side panels for the window's width: on their sides, tabs of one dock, or collapsed.

Below :data:`TABBED_WIDTH` logical pixels every dock on the left or right (Landscape,
Optimizers and any added later) becomes a tab of one dock on the left, which the **Panels**
toggle (toolbar, View menu) shows or hides; below :data:`COMPACT_WIDTH` the window is
*compact* and that dock starts hidden. Wider, each dock goes back to its side. Docks at the
top or bottom stay where they are.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

#: Below this window width (logical pixels) the side panels are tabs of one collapsed dock.
COMPACT_WIDTH = 1400
#: Below this width they are tabs of one open dock on the left; from it on, each on its side.
TABBED_WIDTH = 2000
#: The dock areas whose docks collapse into the Panels tabs of a compact window.
SIDE_AREAS = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
#: A side dock's width (logical pixels): DOCK_WIDTH, or, while the model view is shown,
#: DOCK_SHARE of the window's width within DOCK_WIDTH … DOCK_MOST (room to read its
#: decision regions).
DOCK_WIDTH, DOCK_SHARE, DOCK_MOST = 300, 0.24, 360


def mode_for(width: int) -> str:
    """``compact``, ``tabbed`` or ``wide``: the side docks' mode for a window ``width`` wide."""
    return "compact" if width < COMPACT_WIDTH else "tabbed" if width < TABBED_WIDTH else "wide"


class SideDocks(QObject):
    """Arranges a :class:`~landscape_app.gui.main_window.MainWindow`'s side docks.

    :attr:`mode` is ``"compact"``, ``"tabbed"`` or ``"wide"`` and :attr:`compact` whether the
    side docks are collapsed; :attr:`action` (Panels) shows or hides their tabs.
    ``changed()`` is called whenever a dock opens or closes here (the room arranges again).
    """

    def __init__(self, window, changed: Callable[[], None]):
        super().__init__(window)
        self.window = window
        self.changed = changed
        self.mode = ""
        self.compact: bool | None = None
        self.known = False  # False: a dock was added since the last arrangement
        self._collapsed: list[QDockWidget] = []  # the docks a compact window collapsed
        self._home: dict[QDockWidget, Qt.DockWidgetArea] = {}
        self.action = QAction("Panels", window)
        self.action.setCheckable(True)
        self.action.setToolTip("show or hide the Landscape and Optimizers panels")
        self.action.toggled.connect(self._toggled)

    def side_docks(self) -> list[QDockWidget]:
        """The window's docks on its left and right, the Landscape and Optimizers first."""
        window = self.window
        first = [window.docks.landscape, window.docks.optimizer]
        others = [dock for dock in window.findChildren(QDockWidget)
                  if dock.parent() is window and dock not in first
                  and window.dockWidgetArea(dock) in SIDE_AREAS]
        return first + others

    def arrange(self, mode: str) -> None:
        """``compact``: every side dock a tab of one dock on the left, collapsed until the
        **Panels** toggle opens it; ``tabbed``: the same, open; ``wide``: each dock back on
        its own side. Only a change of mode moves docks (the user's moves stay)."""
        window = self.window
        if mode == self.mode and self.known:
            return
        docks = self.side_docks()
        for dock in docks:  # where each dock was before the first tabbed arrangement
            self._home.setdefault(dock, window.dockWidgetArea(dock))
        self.mode, self.known = mode, True
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
            window.resizeDocks([first], [DOCK_WIDTH], Qt.Orientation.Horizontal)
        self.action.setVisible(mode != "wide")
        self.action.blockSignals(True)
        self.action.setChecked(not self.compact)
        self.action.blockSignals(False)
        if self.compact:  # the panels, and any other dock that was open, collapse
            self._collapsed = [dock for dock in docks if dock in docks[:2] or dock.isVisible()]
            for dock in self._collapsed:
                dock.setVisible(False)
        else:  # a dock hidden by its owner (the model view, say) stays hidden
            for dock in set(docks[:2]) | set(self._collapsed):
                dock.setVisible(True)
            self._collapsed = []
        window.docks.landscape.raise_()

    def size(self) -> None:
        """Each side dock :data:`DOCK_WIDTH` wide, wider while the model view shows."""
        window = self.window
        side = DOCK_WIDTH
        model = getattr(window, "model_dock", None)
        if model is not None and model.dock.isVisible():
            side = max(DOCK_WIDTH, min(DOCK_MOST, round(DOCK_SHARE * window.width())))
        docks = [dock for dock in self.side_docks() if dock.isVisible()
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
        self.changed()

    def hide_side(self, dock: QDockWidget) -> None:
        """Hide a side dock with nothing to show; the Landscape panel is the shown tab."""
        if dock in self._collapsed:
            self._collapsed.remove(dock)
        if dock.isVisible():
            dock.hide()
            self.window.docks.landscape.raise_()
            self.changed()

    def _toggled(self, on: bool) -> None:
        docks = self.side_docks()
        for dock in set(docks[:2]) | set(self._collapsed):
            dock.setVisible(on)
        if on:  # the model view when it was collapsed with them, else the Landscape panel
            shown = [dock for dock in self._collapsed if dock not in docks[:2]]
            (shown[-1] if shown else self.window.docks.landscape).raise_()
        self.changed()
