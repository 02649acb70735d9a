"""The main window's layout, built at launch before torch is imported: the views and their
splitters, the two docks (a loading note until the engine arrives) and the status line
(:class:`~landscape_app.gui.window_parts.StatusLine`). How they are arranged for the screen is
:mod:`landscape_app.gui.room`'s business; what they do is
:mod:`landscape_app.gui.main_window`'s.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from landscape_app.gui.classroom.note_panel import NotePanel, NoteScroll
from landscape_app.gui.classroom.presentation import KEY_HINT
from landscape_app.gui.live.timeline_bar import TimelineBar
from landscape_app.gui.views.contour import ContourView
from landscape_app.gui.views.curves import LossCurves
from landscape_app.gui.views.sharpness_plot import SharpnessPanel
from landscape_app.gui.views.table import RaceTable
from landscape_app.gui.window_parts import StatusLine


def _placeholder(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setProperty("role", "muted")
    return label


def build_views(window) -> None:
    """The views and the central splitters (empty until a landscape arrives)."""
    window.contour = ContourView()
    window.contour.start_marker.setVisible(False)  # until there is a landscape
    window.view_tabs = QTabWidget()
    window.view_tabs.setDocumentMode(True)
    window.view_tabs.addTab(window.contour, "2D  landscape")
    window.surface_holder = QWidget()
    QVBoxLayout(window.surface_holder).setContentsMargins(0, 0, 0, 0)
    window.view_tabs.addTab(window.surface_holder, "3D  surface")
    window.curves = LossCurves()
    window.table = RaceTable()
    window.note_panel = NotePanel()
    # The note scrolls inside a height it shares with the curves: it never lies over them.
    window.note_scroll = NoteScroll(window.note_panel, share=0.4)
    window.right_column = QWidget()
    right_layout = QVBoxLayout(window.right_column)
    right_layout.setContentsMargins(0, 0, 0, 0)
    right_layout.setSpacing(4)
    right_layout.addWidget(window.note_scroll)
    right_layout.addWidget(window.curves, 1)
    window.sharpness = SharpnessPanel()  # View ▸ Sharpness (gui/sharpness_panel.py)
    window.sharpness.setVisible(False)
    right_layout.addWidget(window.sharpness, 1)
    window.note_scroll.follow_parent()
    # When the column has no room for both, the curves and the note are its two tabs.
    window.column_tabs = QTabWidget()
    window.column_tabs.setDocumentMode(True)
    window.column_tabs.setVisible(False)
    # The curves' column sits beside the landscape (wide) or beside the table (compact):
    # see landscape_app.gui.room.
    window.top_splitter = top = QSplitter(Qt.Orientation.Horizontal)
    top.addWidget(window.view_tabs)
    top.addWidget(window.right_column)
    top.setStretchFactor(0, 3)
    top.setStretchFactor(1, 2)
    top.setSizes([600, 300])
    window.bottom_splitter = bottom = QSplitter(Qt.Orientation.Horizontal)
    bottom.addWidget(window.table)
    window.central_splitter = central = QSplitter(Qt.Orientation.Vertical)
    central.addWidget(top)
    central.addWidget(bottom)
    central.setStretchFactor(0, 4)
    central.setStretchFactor(1, 1)
    central.setSizes([610, 235])
    for splitter in (top, bottom, central):
        splitter.setHandleWidth(2)
        splitter.setChildrenCollapsible(False)
    window.caption = NotePanel(caption=True, hint=KEY_HINT)  # presentation mode only
    holder = QWidget()
    holder_layout = QVBoxLayout(holder)
    holder_layout.setContentsMargins(0, 0, 0, 0)
    holder_layout.setSpacing(0)
    holder_layout.addWidget(central, 1)
    window.timeline_bar = TimelineBar()  # scrub through the race (gui/live/timeline_bar.py)
    holder_layout.addWidget(window.timeline_bar)
    holder_layout.addWidget(window.caption)
    window.setCentralWidget(holder)

def build_docks(window) -> None:
    """The Landscape and Optimizers docks, with a loading note until the engine is in."""
    window.landscape_dock = QDockWidget("Landscape", window)
    window.optimizer_dock = QDockWidget("Optimizers", window)
    for dock, area in ((window.landscape_dock, Qt.DockWidgetArea.LeftDockWidgetArea),
                       (window.optimizer_dock, Qt.DockWidgetArea.RightDockWidgetArea)):
        dock.setObjectName(dock.windowTitle().lower())
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        dock.setWidget(_placeholder("Loading the compute engine…"))
        dock.setMinimumWidth(270)
        window.addDockWidget(area, dock)
    window.resizeDocks([window.landscape_dock, window.optimizer_dock], [280, 310],
                     Qt.Orientation.Horizontal)

def build_status_bar(window) -> StatusLine:
    """The status bar, with a loading note until the engine is in."""
    status = StatusLine(window.statusBar())
    status.bar.showMessage("Loading torch and the optimizers…")
    return status
