"""What the window's inputs ask of the race: the toolbar (play, step, reset, speed, step
limit, x axis, internals), the Landscape and Display panels, the lane cards and the start
marker on the 2D view (a click, a drag with its previews), wired to the controller, the
worker and the timeline; and the controller's messages on the status line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from landscape_app.engine.traces import TraceBuffer
    from landscape_app.gui.live.controller import RaceController
    from landscape_app.gui.live.field_lanes import FieldLanes
    from landscape_app.gui.live.painter import FramePainter
    from landscape_app.gui.live.timeline_bar import TimelineControl
    from landscape_app.gui.live.worker import RaceThread
    from landscape_app.gui.map_actions import MapActions
    from landscape_app.gui.panels.controls import RunControls
    from landscape_app.gui.panels.landscape_panel import DisplayPanel, LandscapePanel
    from landscape_app.gui.panels.optimizer_panel import OptimizerPanel
    from landscape_app.gui.window_parts import StatusLine, WindowViews


class InputWiring:
    """Connects the inputs to the race. ``maps`` (the Maps menu, set once it exists) takes
    a click on a start map's cell first."""

    def __init__(self, controls: RunControls, views: WindowViews, painter: FramePainter,
                 buffer: TraceBuffer, race_thread: RaceThread, controller: RaceController,
                 timeline: TimelineControl, landscape_panel: LandscapePanel,
                 display_panel: DisplayPanel, optimizer_panel: OptimizerPanel,
                 fields: FieldLanes, status: StatusLine):
        self.controls, self.views, self.painter, self.buffer = controls, views, painter, buffer
        self.worker, self.controller, self.timeline = race_thread.worker, controller, timeline
        self.display_panel, self.optimizer_panel = display_panel, optimizer_panel
        self.fields = fields
        self.maps: MapActions | None = None
        self._start_drag = False  # the start marker is being dragged (previews follow it)
        worker = self.worker
        # The worker's methods are thread-safe and must run here, in the UI thread: the
        # worker's own thread is busy in its loop and would never run a queued call.
        direct = Qt.ConnectionType.DirectConnection
        controls.playToggled.connect(self.play_toggled)
        controls.stepRequested.connect(timeline.step_once)  # also after a preview
        controls.resetRequested.connect(controller.restart)
        controls.speedChanged.connect(worker.set_speed, direct)
        worker.set_speed(controls.current_speed())
        controls.maxStepsChanged.connect(controller.set_max_steps)
        controls.axisChanged.connect(self.axis_changed)
        controls.internalsToggled.connect(self.internals_toggled)
        race_thread.playingChanged.connect(controls.show_playing)
        landscape_panel.landscapeChosen.connect(controller.set_landscape)
        landscape_panel.networkRequested.connect(controller.build_network)
        landscape_panel.networkCancelled.connect(controller.cancel_network)
        display_panel.changed.connect(self.view_edited)
        optimizer_panel.lanesChanged.connect(self.lanes_edited)
        optimizer_panel.appearanceChanged.connect(self.lanes_edited)
        views.contour.startMoved.connect(self.start_moved)
        views.contour.startDragged.connect(self.start_dragged)
        optimizer_panel.lanesPreviewed.connect(
            lambda lanes: controller.preview.preview(lanes=lanes))
        controller.lanesReset.connect(fields.refresh)
        controller.preview.shown.connect(fields.hide)
        fields.progress.connect(status.background.setText)
        controller.message.connect(status.show)

    def play_toggled(self, playing: bool) -> None:
        """Play or pause; from a scrubbed step, replay first; a race run to its end or a
        preview on screen starts again from step 0."""
        if playing and self.controller.model.blocked is not None:
            self.controls.show_playing(False)
            return
        if self.timeline.play(playing):  # from a scrubbed step: replay, then play on
            return
        if playing and (self.buffer.snapshot().done or self.controller.preview.on_screen):
            self.controller.restart()  # a race run to its end, or a preview: from step 0
        self.worker.play() if playing else self.worker.pause()

    def view_edited(self) -> None:
        values = self.display_panel.values()
        self.optimizer_panel.colormap = values["colormap"]  # for lanes added from now on
        self.controller.set_view(**values)

    def lanes_edited(self) -> None:
        self.controller.set_lanes(self.optimizer_panel.lanes())
        if self.optimizer_panel.slid:  # a slider was released: keep its preview on screen
            self.controller.preview.commit()
        self.painter.invalidate()

    def start_dragged(self, x: float, y: float) -> None:
        """The start marker follows the mouse: the field lanes' whole paths from the nearest
        field start at once (provisional), and the exact race from there when it arrives."""
        self.fields.show(x, y)
        self._start_drag = self.controller.preview.preview(start=(x, y))

    def start_moved(self, x: float, y: float) -> None:
        """A click or a dropped marker. A click on a start-map cell races from that cell's
        start; otherwise this is the session's new start (a drag keeps its preview)."""
        dragged, self._start_drag = self._start_drag, False
        self.fields.hide()
        if not dragged and self.maps is not None and self.maps.start_chosen(x, y):
            return
        self.controller.set_start(x, y)
        if dragged:
            self.controller.preview.commit()

    def axis_changed(self, kind: str) -> None:
        self.views.curves.set_axis(kind)
        self.controller.set_view(x_axis=kind)

    def internals_toggled(self, on: bool) -> None:
        self.painter.show_internals = on
        self.controller.set_view(show_internals=on)
        self.painter.invalidate()
