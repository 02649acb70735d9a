"""The main window's layout, built at launch before torch is imported: the views and their
splitters (:class:`~landscape_app.gui.window_parts.WindowViews`), the two docks
(:class:`~landscape_app.gui.window_parts.Docks`, a loading note until the engine arrives) and
the status line (:class:`~landscape_app.gui.window_parts.StatusLine`). How they are arranged
for the screen is :mod:`landscape_app.gui.room`'s business; what they do is
:mod:`landscape_app.gui.main_window`'s.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from landscape_app.gui.classroom.note_panel import NotePanel, NoteScroll
from landscape_app.gui.classroom.presentation import KEY_HINT
from landscape_app.gui.live.timeline_bar import TimelineBar
from landscape_app.gui.views.contour import ContourView
from landscape_app.gui.views.curves import LossCurves
from landscape_app.gui.views.sharpness_plot import SharpnessPanel
from landscape_app.gui.views.table import RaceTable
from landscape_app.gui.window_parts import Docks, StatusLine, WindowViews


def _placeholder(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setProperty("role", "muted")
    return label


def build_views(window: QMainWindow) -> WindowViews:
    """The views and the central splitters (empty until a landscape arrives), set as
    ``window``'s central widget."""
    contour = ContourView()
    contour.start_marker.setVisible(False)  # until there is a landscape
    view_tabs = QTabWidget()
    view_tabs.setDocumentMode(True)
    # Too narrow for every title (presenting at 1024 × 768, the maps' tabs added): the
    # titles share the bar, elided with "…", rather than one cut mid-word behind arrows
    # (which come only once every title is down to its first letters).
    view_tabs.setElideMode(Qt.TextElideMode.ElideRight)
    view_tabs.addTab(contour, "2D  landscape")
    surface_holder = QWidget()
    QVBoxLayout(surface_holder).setContentsMargins(0, 0, 0, 0)
    view_tabs.addTab(surface_holder, "3D  surface")
    curves = LossCurves()
    table = RaceTable()
    note_panel = NotePanel()
    # The note scrolls inside a height it shares with the curves: it never lies over them.
    note_scroll = NoteScroll(note_panel, share=0.4)
    right_column = QWidget()
    right_layout = QVBoxLayout(right_column)
    right_layout.setContentsMargins(0, 0, 0, 0)
    right_layout.setSpacing(4)
    right_layout.addWidget(note_scroll)
    right_layout.addWidget(curves, 1)
    sharpness = SharpnessPanel()  # View ▸ Sharpness (gui/sharpness_panel.py)
    sharpness.setVisible(False)
    right_layout.addWidget(sharpness, 1)
    note_scroll.follow_parent()
    # When the column has no room for both, the curves and the note are its two tabs.
    column_tabs = QTabWidget()
    column_tabs.setDocumentMode(True)
    column_tabs.setVisible(False)
    # The curves' column sits beside the landscape (wide) or beside the table (compact):
    # see landscape_app.gui.room.
    top = QSplitter(Qt.Orientation.Horizontal)
    top.addWidget(view_tabs)
    top.addWidget(right_column)
    top.setStretchFactor(0, 3)
    top.setStretchFactor(1, 2)
    top.setSizes([600, 300])
    bottom = QSplitter(Qt.Orientation.Horizontal)
    bottom.addWidget(table)
    central = QSplitter(Qt.Orientation.Vertical)
    central.addWidget(top)
    central.addWidget(bottom)
    central.setStretchFactor(0, 4)
    central.setStretchFactor(1, 1)
    central.setSizes([610, 235])
    for splitter in (top, bottom, central):
        splitter.setHandleWidth(2)
        splitter.setChildrenCollapsible(False)
    caption = NotePanel(caption=True, hint=KEY_HINT)  # presentation mode only
    holder = QWidget()
    holder_layout = QVBoxLayout(holder)
    holder_layout.setContentsMargins(0, 0, 0, 0)
    holder_layout.setSpacing(0)
    holder_layout.addWidget(central, 1)
    timeline_bar = TimelineBar()  # scrub through the race (gui/live/timeline_bar.py)
    holder_layout.addWidget(timeline_bar)
    holder_layout.addWidget(caption)
    window.setCentralWidget(holder)
    return WindowViews(contour, view_tabs, surface_holder, curves, table, note_panel,
                       note_scroll, right_column, sharpness, column_tabs, top, bottom,
                       central, caption, timeline_bar)


def build_docks(window: QMainWindow) -> Docks:
    """The Landscape and Optimizers docks, with a loading note until the engine is in."""
    docks = Docks(QDockWidget("Landscape", window), QDockWidget("Optimizers", window))
    for dock, area in ((docks.landscape, Qt.DockWidgetArea.LeftDockWidgetArea),
                       (docks.optimizer, Qt.DockWidgetArea.RightDockWidgetArea)):
        dock.setObjectName(dock.windowTitle().lower())
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        dock.setWidget(_placeholder("Loading the compute engine…"))
        dock.setMinimumWidth(270)
        window.addDockWidget(area, dock)
    window.resizeDocks([docks.landscape, docks.optimizer], [280, 310],
                       Qt.Orientation.Horizontal)
    return docks


def build_status_bar(window: QMainWindow) -> StatusLine:
    """The status bar, with a loading note until the engine is in."""
    status = StatusLine(window.statusBar())
    status.bar.showMessage("Loading torch and the optimizers…")
    return status
