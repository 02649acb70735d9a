"""The window's "Model" dock: the :class:`~landscape_app.gui.views.model_view.ModelView` of
the session's network, wired to the controller and the race buffer.

View ▸ Model view shows or hides it. It appears by itself, as the side panels' shown tab,
when a network landscape is ready (unless the user hid it), and goes again when a landscape
without a network replaces it (unless the user showed it). It follows the race: the step it
shows is the one the selected lane has reached in the window's trace buffer, or the step
scrubbed to on the timeline (it redraws at once when the timeline moves).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.gui.views.model_view import ModelView

if TYPE_CHECKING:
    from landscape_app.engine.traces import TraceBuffer
    from landscape_app.gui.live.controller import RaceController
    from landscape_app.gui.live.timeline_bar import TimelineControl
    from landscape_app.gui.room import RoomFit


class ModelDock:
    """Creates the dock (under ``optimizer_dock``), its entry in ``menu``, and keeps the
    view's network current (the ``controller``'s landscape, the lanes' steps in ``buffer``
    up to the ``timeline``'s); ``room`` gives the dock its place."""

    def __init__(self, window: QMainWindow, menu: QMenu, controller: RaceController,
                 optimizer_dock: QDockWidget, timeline: TimelineControl, buffer: TraceBuffer,
                 room: RoomFit):
        self.window = window  # the docks' main window
        self.controller, self.optimizer_dock, self.timeline = controller, optimizer_dock, timeline
        self.buffer, self.room = buffer, room
        self.view = ModelView()
        self.view.step_source = self.reached_step
        self.dock = QDockWidget("Model", window)
        self.dock.setObjectName("model")
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                              | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                              | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.dock.setWidget(self.view)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.splitDockWidget(optimizer_dock, self.dock, Qt.Orientation.Vertical)
        self.dock.hide()
        self.action = self.dock.toggleViewAction()
        self.action.setText("&Model view")
        self.action.setToolTip("what the selected lane's network computes at the shown step")
        self.action.triggered.connect(self._toggled)
        menu.addAction(self.action)
        self.user_hid = False
        self._shown_by_us = False  # shown by itself for a network (hidden again after it)
        self._landscape = None
        controller.lanesReset.connect(self.refresh)
        timeline.shownStepChanged.connect(lambda _step: self.view.follow())
        self.refresh()

    def refresh(self) -> None:
        """Take the session's landscape: a network's model and its lanes, or none."""
        landscape = self.controller.landscape
        if landscape is self._landscape:
            self.view.shown, self.view.step = None, None  # a restart: follow from step 0
            self.view.follow()
            return
        self._landscape = landscape
        config = getattr(landscape, "config", None)
        if landscape is None or landscape.kind != LandscapeKind.NETWORK or config is None:
            self.view.set_source(None)
            if self._shown_by_us:  # nothing to show: give its place (a tab) back
                self._shown_by_us = False
                self.room.hide_side(self.dock)
            return
        from landscape_app.core.nn.model_picture import LaneTrack, ModelProbe

        self.view.set_source(ModelProbe.from_config(config),
                             [LaneTrack.of(lane) for lane in landscape.lanes])
        if not self.user_hid and not self.dock.isVisible():
            self._shown_by_us = True
            self.room.show_side(self.dock)  # the side panels' shown tab
            # as tall as the optimizer cards above it: a picture, not a strip
            self.window.resizeDocks([self.optimizer_dock, self.dock], [1, 1],
                                    Qt.Orientation.Vertical)

    def reached_step(self, label: str) -> int | None:
        """The step lane ``label`` shows: its last step in the window's trace buffer, or the
        step scrubbed to on the timeline when that is earlier (None: no step yet)."""
        for lane in self.buffer.snapshot().lanes:
            if lane.label == label and len(lane.rows):
                reached = int(lane.rows[-1, 0])
                shown = self.timeline.shown_step
                return reached if shown is None else min(shown, reached)
        return None

    def _toggled(self, checked: bool) -> None:
        self.user_hid = not checked
        self._shown_by_us = False
