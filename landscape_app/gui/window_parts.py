"""The window's typed parts, handed to the controllers that need them instead of the window.

:class:`WindowViews` holds the views and the central layout that
:mod:`~landscape_app.gui.window_layout` builds at launch; :class:`Docks` the two side docks.
:class:`StatusLine` is the status bar as everything else uses it: a message for a while, a
progress notice that never hides a message, and the permanent labels (background work,
device, steps/s, frames/s or the step shown). :class:`MapParts` is what the Maps menu
(:class:`~landscape_app.gui.map_actions.MapActions`) works with: the 2D view and the view
tabs it draws in, the Play action, the lane cards it sets, the exports and the status line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QLabel, QStatusBar

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter, QTabWidget, QWidget

    from landscape_app.gui.classroom.note_panel import NotePanel, NoteScroll
    from landscape_app.gui.live.controller import RaceController
    from landscape_app.gui.live.timeline_bar import TimelineBar
    from landscape_app.gui.panels.optimizer_panel import OptimizerPanel
    from landscape_app.gui.views.contour import ContourView
    from landscape_app.gui.views.curves import LossCurves
    from landscape_app.gui.views.sharpness_plot import SharpnessPanel
    from landscape_app.gui.views.table import RaceTable

#: How long a message stays, in milliseconds.
MESSAGE_MS = 8000
#: How long a progress notice stays without a newer one.
PROGRESS_MS = 2000


class StatusLine:
    """The status bar's messages and its permanent labels (left to right: ``background``
    work such as the drag previews' trajectory fields, ``device``, ``rate``, ``fps``)."""

    def __init__(self, bar: QStatusBar):
        self.bar = bar
        self.background = QLabel("")
        self.device = QLabel("device: …")
        self.rate = QLabel("0 steps/s")
        self.fps = QLabel("0 frames/s")
        for label in (self.background, self.device, self.rate, self.fps):
            bar.addPermanentWidget(label)
        self._closed = False

    def show(self, text: str, milliseconds: int = MESSAGE_MS) -> None:
        """``text`` for ``milliseconds``; nothing once closed (a task cancelled by the
        closing reports afterwards, and the status bar's timer would outlive the window)."""
        if not self._closed:
            self.bar.showMessage(text, milliseconds)

    def progress(self, text: str, fraction: float, prefix: str) -> None:
        """``text`` while ``fraction`` < 1, cleared at 1: unless another message (one not
        starting with ``prefix``: a warning, a notice) is showing, which a progress report
        never hides."""
        current = self.bar.currentMessage()
        if current and not current.startswith(prefix):
            return
        if fraction < 1.0:
            self.show(text, PROGRESS_MS)
        elif current:
            self.bar.clearMessage()

    def close(self) -> None:
        """Clear the message and show none from now on."""
        self._closed = True
        self.bar.clearMessage()


@dataclass(frozen=True)
class WindowViews:
    """The views and the central layout: the 2D view and the 3D tab's holder in
    ``view_tabs``; the right column (the teaching note in its scroll, the loss curves, the
    sharpness panel; ``column_tabs`` when it has no room for them side by side); the table;
    the three splitters; the presentation caption and the timeline bar under them."""

    contour: ContourView
    view_tabs: QTabWidget
    surface_holder: QWidget
    curves: LossCurves
    table: RaceTable
    note_panel: NotePanel
    note_scroll: NoteScroll
    right_column: QWidget
    sharpness: SharpnessPanel
    column_tabs: QTabWidget
    top_splitter: QSplitter
    bottom_splitter: QSplitter
    central_splitter: QSplitter
    caption: NotePanel
    timeline_bar: TimelineBar


@dataclass(frozen=True)
class Docks:
    """The Landscape dock (left) and the Optimizers dock (right)."""

    landscape: QDockWidget
    optimizer: QDockWidget


class MapExports(Protocol):
    """What the Maps menu asks of the exports
    (:class:`~landscape_app.gui.export.actions.ExportActions`)."""

    def export_map_animation(self, path: str | os.PathLike, kind: str | None = None) -> bool:
        """The session's ``kind`` map's animation to ``path``, in the background."""


@dataclass(frozen=True)
class MapParts:
    """What the Maps menu works with. ``window`` parents its dialogs and owns its shortcuts."""

    window: QMainWindow
    controller: RaceController
    contour: ContourView
    view_tabs: QTabWidget
    play: QAction
    optimizer_panel: OptimizerPanel
    exports: MapExports
    status: StatusLine
