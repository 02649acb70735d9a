"""The main window: docks, views, run controls and the status bar, in two phases.

Phase one (at launch, Qt and pyqtgraph only): the whole layout with a "loading" note where
the panels go (:mod:`~landscape_app.gui.window_layout`) and, for a 2D function, the session's
landscape, lanes, start and note (:mod:`~landscape_app.gui.live.first_paint`), so the window
is on screen well before torch is imported; Play pressed meanwhile is held.
Phase two (:meth:`MainWindow._core_loaded`, when the background import is done): the panels,
the controller, the worker thread and the frame timer. :attr:`MainWindow.coreReady` says so.

The frame clock (:mod:`~landscape_app.gui.live.frame_clock`, 60 Hz) pushes the latest race
snapshot into the views through a :class:`~landscape_app.gui.live.painter.FramePainter`; the
status bar shows the device, the worker's steps per second and the frames painted per second
(:mod:`~landscape_app.gui.window_status`). The views, docks and status line are the window's
typed parts (:mod:`~landscape_app.gui.window_parts`), handed to the controllers that use them.

The classroom features live in their own modules and are only wired here: the teaching note
(:mod:`~landscape_app.gui.classroom.note_panel`), presentation mode
(:mod:`~landscape_app.gui.classroom.presentation`, available from the first paint), and, once
the engine is loaded, the File menu's sessions and exports
(:mod:`~landscape_app.gui.classroom.session_actions`, :mod:`~landscape_app.gui.export.actions`),
the Scenes menu (:mod:`~landscape_app.gui.classroom.scene_browser`) and the lane keys
(:mod:`~landscape_app.gui.keyboard`).
"""

from __future__ import annotations

import gc
import time
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.errors import LandscapeError
from landscape_app.engine.traces import TraceBuffer
from landscape_app.gui.batch_loss_action import add_batch_loss_action
from landscape_app.gui.classroom.presentation import PresentationMode
from landscape_app.gui.live.first_paint import EarlyPlay, draw_first_frame
from landscape_app.gui.live.frame_clock import FrameClock
from landscape_app.gui.live.loader import CoreLoader
from landscape_app.gui.live.painter import FramePainter
from landscape_app.gui.panels.controls import RunControls
from landscape_app.gui.room import RoomFit
from landscape_app.gui.window_layout import build_docks, build_status_bar, build_views
from landscape_app.gui.window_parts import WindowViews
from landscape_app.gui.window_status import StatusUpdates
from landscape_app.state.colormaps import COLORMAPS
from landscape_app.state.first_frame import first_frame


class MainWindow(QMainWindow):
    """Loss Landscape Lab's window. ``options`` is an :class:`~landscape_app.gui.app.
    LaunchOptions` (or None for the default race)."""

    coreReady = Signal()
    firstPainted = Signal(float)

    def __init__(self, options=None):
        super().__init__()
        self.options = options
        self.controller = None
        self.race_thread = None
        self.surface3d = None
        self.shown_grid = None  # the grid the views draw (None: none yet, or being computed)
        self.sessions = self.scenes = self.exports = self.lane_keys = self.keys = None
        self.timeline = None  # the TimelineControl (with the engine)
        self.first_paint_time: float | None = None
        self._closing = False
        self.sharpness_view = None  # View ▸ Sharpness (gui/sharpness_panel.py), with the engine
        self._start_drag = False  # the start marker is being dragged (previews follow it)
        self.setWindowTitle("Loss Landscape Lab")
        self.buffer = TraceBuffer()
        self.controls = RunControls(self)
        self.early_play = EarlyPlay(self)  # Play/Space held until the engine is in
        self.addToolBar(self.controls)
        self.views = build_views(self)
        self.views.view_tabs.currentChanged.connect(self._view_tab_changed)
        self.docks = build_docks(self)
        self.status = build_status_bar(self)
        self._build_menus()
        self.room = RoomFit(self)  # the size and place from the screen, the arrangement
        self.controls.insertAction(self.controls.actions()[0], self.room.panels_action)
        self.view_menu.insertAction(self.presentation.action, self.room.panels_action)
        self.view_menu.insertSeparator(self.presentation.action)
        self.room.place()
        self.painter = FramePainter(self.contour, self.curves, self.table)
        self.batch_loss_action = add_batch_loss_action(self)
        # The views a frame waits for (the table changes at 10 Hz and is cheap to paint).
        self.clock = FrameClock(self, {"plane": self.contour, "curves": self.curves})
        self.status_updates = StatusUpdates(self.status, self.buffer, self.painter,
                                            self.views.timeline_bar, self)
        self.loader = CoreLoader(self)
        self.loader.connect_to(self._core_loaded, self.status_updates.core_failed)
        frame = first_frame(options)  # a 2D function scene is drawn before torch loads
        if frame is not None:
            draw_first_frame(self, frame)

    @property
    def sharpness_on(self) -> bool:
        """Whether View ▸ Sharpness shows its panel (the room and the export dialog ask)."""
        return self.sharpness_view is not None and self.sharpness_view.shown

    # -- phase one: the layout ---------------------------------------------------------------
    def _build_menus(self) -> None:
        """The menu titles now; their session, export and scene entries arrive with the
        engine (:meth:`_core_loaded`). Presentation mode works from the start."""
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.view_menu = bar.addMenu("&View")
        self.scenes_menu = bar.addMenu("&Scenes")
        self.maps_menu = bar.addMenu("&Maps")
        self.maps = None
        for menu in (self.file_menu, self.scenes_menu, self.maps_menu):
            menu.setEnabled(False)
        self.presentation = PresentationMode(self)
        self.view_menu.addAction(self.presentation.action)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if self.first_paint_time is None:
            self.first_paint_time = time.perf_counter()
            self.firstPainted.emit(self.first_paint_time)
            QTimer.singleShot(0, self.loader.start)

    # -- phase two: the engine ---------------------------------------------------------------
    def _core_loaded(self, device: str, notice: str = "") -> None:
        if self._closing:
            return
        from landscape_app.engine.session_model import launch_session
        from landscape_app.gui.live.controller import RaceController
        from landscape_app.gui.live.worker import RaceThread
        from landscape_app.gui.panels.landscape_panel import DisplayPanel, LandscapePanel
        from landscape_app.gui.panels.optimizer_panel import OptimizerPanel

        # Everything imported so far (torch, scipy...) lives as long as the process: keep it
        # out of the garbage collector's full passes, which would otherwise take a few
        # hundred milliseconds each and freeze a frame.
        gc.collect()
        gc.freeze()
        self.status_updates.device_found(device, notice)
        self.landscape_panel = LandscapePanel()
        self.display_panel = DisplayPanel(COLORMAPS)
        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.landscape_panel, 1)
        display_box = QGroupBox("Display")
        QVBoxLayout(display_box).addWidget(self.display_panel)
        layout.addWidget(display_box)
        self.docks.landscape.setWidget(left)
        self.optimizer_panel = OptimizerPanel()
        self.docks.optimizer.setWidget(self.optimizer_panel)
        self.race_thread = RaceThread(self.buffer, self)
        self.controller = RaceController(self.race_thread, self)
        self.status_updates.start(self.race_thread)
        from landscape_app.gui.live.field_lanes import FieldLanes

        self.fields = FieldLanes(self.controller, self.views.contour, self)  # whole paths on drag
        self._create_internals_overlay()
        self.view_menu.addAction(self.controls.internals_action)
        from landscape_app.gui.live.timeline_bar import TimelineControl

        self.timeline = TimelineControl(self, self.views.timeline_bar, self.controls,
                                        self.painter, self.buffer, self.race_thread,
                                        self.controller)
        self.view_menu.addMenu(self.timeline.menu)
        self._connect()
        self.race_thread.start()
        self._build_classroom()
        options = self.options
        self.sessions.present(launch_session(options),
                              path=options.session_path if options is not None else None,
                              scene_id=options.scene_id if options is not None else None)
        if options is not None and options.surface is not None:
            self.surfaces.show(options.surface)
        held = self.early_play.release()  # Play pressed while loading: race once it can
        if self.options is not None:
            self._apply_run_options(self.options)
        if held:
            self.early_play.start_when_ready(lambda: self._play_toggled(True),
                                             lambda: self.controller.model.blocked is None)
        self.clock.timer.start()
        if notice:
            self.status.show(f"Ready: press space to play. {notice}", 20_000)
        else:
            self.status.show("Ready: press space to play", 5000)
        if options is not None and options.surface is not None:  # gui FILE: what it shows
            self.status.show(options.surface.summary(), 20_000)
        self._view_tab_changed(self.view_tabs.currentIndex())
        self.coreReady.emit()

    def _build_classroom(self) -> None:
        """Sessions, exports, scenes and the lane keys (they need the engine)."""
        from landscape_app.gui.classroom.scene_browser import SceneBrowser
        from landscape_app.gui.classroom.session_actions import SessionActions
        from landscape_app.gui.export.actions import ExportActions
        from landscape_app.gui.keyboard import LaneKeys, window_action

        controls = self.controls
        # On the window too, so that they work while the toolbar is hidden (presentation).
        self.addActions([controls.play_action, controls.step_action, controls.reset_action])
        self.sessions = SessionActions(self, self.file_menu)
        from landscape_app.gui.classroom.surface_actions import SurfaceActions

        self.surfaces = SurfaceActions(self, self.file_menu, self.controller, self.status)
        from landscape_app.gui.map_file_actions import MapFileActions

        self.map_files = MapFileActions(self, self.file_menu, self.views.view_tabs,
                                        self.status)  # an outcome map NPZ, in a tab
        self.file_menu.addSeparator()
        self.exports = ExportActions(self, self.file_menu)
        self.file_menu.addSeparator()
        self.file_menu.addAction(window_action(self, "&Quit", "Ctrl+Q", self.sessions.quit))
        self.scenes = SceneBrowser(self, self.scenes_menu, self.sessions, self.status)
        from landscape_app.gui.keyboard import show_shortcuts

        self.help_menu = self.menuBar().addMenu("&Help")  # every key of the window
        self.help_menu.addAction(window_action(self, "&Keyboard shortcuts", "F1",
                                               lambda: show_shortcuts(self)))
        from landscape_app.gui.help_topics import add_help_topics

        add_help_topics(self, self.help_menu)
        self.lane_keys = LaneKeys(self, self.optimizer_panel)
        from landscape_app.gui.key_router import KeyRouter

        self.keys = KeyRouter(self, self.focus_view)  # the keys act whatever has the focus
        from landscape_app.gui.map_actions import MapActions
        from landscape_app.gui.window_parts import MapParts

        self.maps = MapActions(MapParts(self, self.controller, self.contour, self.view_tabs,
                                        controls.play_action, self.optimizer_panel,
                                        self.exports, self.status), self.maps_menu)
        self.presentation.view_created(self.maps.view)
        from landscape_app.gui.compare_actions import CompareActions

        self.compare = CompareActions(self, self.maps_menu, self.controller,  # Maps ▸ Compare…
                                      self.views.view_tabs, self.optimizer_panel, self.status)
        from landscape_app.gui.model_dock import ModelDock

        self.model_dock = ModelDock(self)  # View ▸ Model view: the network beside its plane
        from landscape_app.gui.sharpness_panel import SharpnessView

        self.sharpness_view = SharpnessView(self, self.view_menu, self.views, self.painter,
                                            self.controller, self.room)  # λ_max along the race
        from landscape_app.gui.live.readouts import Readouts

        self.readouts = Readouts(self)  # hover readout, trail tooltips, axis names
        for menu in (self.file_menu, self.scenes_menu, self.maps_menu):
            menu.setEnabled(True)

    def _create_internals_overlay(self) -> None:
        try:
            from landscape_app.gui.views.internals import InternalsOverlay
        except ImportError as error:
            self.controls.internals.setEnabled(False)
            self.controls.internals_action.setEnabled(False)
            self.controls.internals.setToolTip(f"internals overlay unavailable: {error}")
            return
        self.painter.overlay = InternalsOverlay(self.contour.plot_item)
        self.painter.overlay.set_visible(False)

    def _connect(self) -> None:
        controller, worker, controls = self.controller, self.race_thread.worker, self.controls
        # The worker's methods are thread-safe and must run here, in the UI thread: the
        # worker's own thread is busy in its loop and would never run a queued call.
        direct = Qt.ConnectionType.DirectConnection
        controls.playToggled.connect(self._play_toggled)
        controls.stepRequested.connect(self.timeline.step_once)  # also after a preview
        controls.resetRequested.connect(controller.restart)
        controls.speedChanged.connect(worker.set_speed, direct)
        worker.set_speed(controls.current_speed())
        controls.maxStepsChanged.connect(controller.set_max_steps)
        controls.axisChanged.connect(self._axis_changed)
        controls.internalsToggled.connect(self._internals_toggled)
        self.race_thread.playingChanged.connect(controls.show_playing)
        self.landscape_panel.landscapeChosen.connect(controller.set_landscape)
        self.landscape_panel.networkRequested.connect(controller.build_network)
        self.landscape_panel.networkCancelled.connect(controller.cancel_network)
        self.display_panel.changed.connect(self._view_edited)
        self.optimizer_panel.lanesChanged.connect(self._lanes_edited)
        self.optimizer_panel.appearanceChanged.connect(self._lanes_edited)
        self.contour.startMoved.connect(self._start_moved)
        self.contour.startDragged.connect(self._start_dragged)
        self.optimizer_panel.lanesPreviewed.connect(
            lambda lanes: controller.preview.preview(lanes=lanes))
        controller.gridReady.connect(self._show_grid)
        controller.gridProgress.connect(self.status_updates.grid_progress)
        controller.lanesReset.connect(self._lanes_reset)
        controller.lanesReset.connect(self.fields.refresh)
        controller.preview.shown.connect(self.fields.hide)
        self.fields.progress.connect(self.status.background.setText)
        controller.transportChanged.connect(self._transport_changed)
        controller.message.connect(self.status.show)
        network = self.landscape_panel.network
        controller.networkProgress.connect(self._network_progress)
        controller.networkReady.connect(network.show_done)
        controller.networkFailed.connect(network.show_error)

    # -- reacting ----------------------------------------------------------------------------
    def current_session(self):
        """The :class:`~landscape_app.state.model.SessionState` on screen (what Save writes)."""
        return self.controller.current_session()

    def apply_session(self, state) -> None:
        """Show a whole :class:`~landscape_app.state.model.SessionState`, its teaching note
        beside the view (or as the caption, when presenting)."""
        for note in (self.note_panel, self.caption):
            note.show_note(state.title, state.note)
        self.note_panel.setVisible(self.note_panel.has_note and not self.presentation.active)
        view = state.view
        self.landscape_panel.show_spec(state.landscape)
        self.display_panel.show_values(view.colormap, view.log_scale, view.contours,
                                       view.resolution)
        self.optimizer_panel.colormap = view.colormap  # new lanes' colours stand out on it
        self.room.refit()  # the arrangement for what this session shows, from scratch
        self.optimizer_panel.set_lanes(state.lanes)
        state = replace(state, lanes=self.optimizer_panel.lanes())
        self.controls.max_steps.setValue(state.max_steps)
        self.controls.axis.setCurrentIndex(self.controls.axis.findData(view.x_axis))
        self.controls.internals.setChecked(view.show_internals)
        try:
            self.controller.apply_session(state)
        except LandscapeError as error:  # a 2D landscape that cannot be built: keep the old
            self.status.show(f"The session could not be shown: {error}", 10000)
            if state is not self.controller.state:
                self.apply_session(self.controller.state)
            return
        if self.maps is not None:  # a scene built on a map shows its map
            self.maps.show_tab_of(state)

    def _apply_run_options(self, options) -> None:
        if options.speed is not None or options.max_speed:
            speed = None if options.max_speed else options.speed
            index = self.controls.speed.findData(speed)
            if index < 0:
                self.controls.speed.addItem(f"{speed:g} steps/s", speed)
                index = self.controls.speed.count() - 1
            self.controls.speed.setCurrentIndex(index)
        if options.play:
            self.controls.play_action.setChecked(True)

    def _play_toggled(self, playing: bool) -> None:
        worker = self.race_thread.worker
        if playing and self.controller.model.blocked is not None:
            self.controls.show_playing(False)
            return
        if self.timeline.play(playing):  # from a scrubbed step: replay, then play on
            return
        if playing and (self.buffer.snapshot().done or self.controller.preview.on_screen):
            self.controller.restart()  # a race run to its end, or a preview: from step 0
        worker.play() if playing else worker.pause()

    def _view_edited(self) -> None:
        values = self.display_panel.values()
        self.optimizer_panel.colormap = values["colormap"]  # for lanes added from now on
        self.controller.set_view(**values)

    def _lanes_edited(self) -> None:
        self.controller.set_lanes(self.optimizer_panel.lanes())
        if self.optimizer_panel.slid:  # a slider was released: keep its preview on screen
            self.controller.preview.commit()
        self.painter.invalidate()

    def _start_dragged(self, x: float, y: float) -> None:
        """The start marker follows the mouse: the field lanes' whole paths from the nearest
        field start at once (provisional), and the exact race from there when it arrives."""
        self.fields.show(x, y)
        self._start_drag = self.controller.preview.preview(start=(x, y))

    def _start_moved(self, x: float, y: float) -> None:
        """A click or a dropped marker. A click on a start-map cell races from that cell's
        start; otherwise this is the session's new start (a drag keeps its preview)."""
        dragged, self._start_drag = self._start_drag, False
        self.fields.hide()
        if not dragged and self.maps is not None and self.maps.start_chosen(x, y):
            return
        self.controller.set_start(x, y)
        if dragged:
            self.controller.preview.commit()

    def _axis_changed(self, kind: str) -> None:
        self.curves.set_axis(kind)
        self.controller.set_view(x_axis=kind)

    def _internals_toggled(self, on: bool) -> None:
        self.painter.show_internals = on
        self.controller.set_view(show_internals=on)
        self.painter.invalidate()

    def _show_grid(self, grid) -> None:
        """Draw the session's landscape from ``grid`` (None: clear it, one is computed)."""
        controller, view = self.controller, self.controller.state.view
        landscape = controller.landscape
        self.shown_grid = grid if landscape is not None else None
        if grid is None or landscape is None:
            self.contour.clear_landscape()
            if self.surface3d is not None:
                self.surface3d.clear_surface()
        else:
            self.contour.set_landscape(grid, controller.log_scale, view.colormap,
                                       landscape.minima, view.contours,
                                       equal_aspect=landscape.equal_aspect)
            self.curves.set_offset(landscape.loss_offset, grid.finite_range[0])
            if self.surface3d is not None:
                self.surface3d.set_surface(grid, controller.log_scale, view.colormap)
        self.painter.invalidate()

    def _transport_changed(self, reason: str) -> None:
        """Play, step and reset wait for the landscape; the view and the Network tab say why."""
        self.controls.block_transport(reason)
        if reason and self.race_thread is not None:
            self.race_thread.worker.pause()
        model = self.controller.model
        self.contour.show_notice(self._notice(model))
        network = self.landscape_panel.network
        if model.phase.value == "preparing":
            network.show_progress("train", 0.0)
        elif reason and model.state.landscape.kind == LandscapeKind.NETWORK:
            network.show_error(reason)
        else:
            network.progress.finish()
            network.build.setEnabled(True)

    @staticmethod
    def _notice(model, stage: str = "", fraction: float | None = None) -> str:
        if model.phase.value == "preparing":
            done = "" if fraction is None else f" {fraction:.0%}"
            return f"Network landscape: {stage or 'training'}…{done}"
        return model.blocked or ""

    def _network_progress(self, stage: str, fraction: float) -> None:
        from landscape_app.gui.panels.network_panel import STAGES

        self.landscape_panel.network.show_progress(stage, fraction)
        self.contour.show_notice(self._notice(self.controller.model,
                                              STAGES.get(stage, stage), fraction))

    def _lanes_reset(self) -> None:
        model = self.controller.model
        start = model.start_point()
        self.contour.start_marker.setVisible(start is not None)
        if start is not None:
            self.contour.set_start(*start[:2])
        self.table.set_distance_label(model.distance_label)
        self.curves.step_limit = self.controller.state.max_steps  # the x axis ends there
        self.curves.follow_data()
        self.painter.invalidate()

    def _view_tab_changed(self, index: int) -> None:
        self.painter.show_3d = index == 1
        if index == 1 and self.surface3d is None and self.controller is not None:
            from landscape_app.gui.views.surface3d import Surface3DView

            self.surface3d = Surface3DView()
            self.presentation.view_created(self.surface3d)
            self.surface_holder.layout().addWidget(self.surface3d)
            self.painter.surface3d = self.surface3d
            if self.controller.grid is not None:
                self._show_grid(self.controller.grid)
        self.painter.invalidate()

    def focus_view(self) -> None:
        """Give the keyboard focus to the view on screen (the 2D view, or the 3D one)."""
        if self._closing:
            return
        view = self.surface3d if self.view_tabs.currentIndex() == 1 else None
        (view or self.contour).setFocus(Qt.FocusReason.OtherFocusReason)

    # -- closing -----------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        """Stop the timers, the worker and the background tasks, and join their threads
        (closed by the title bar's button, first ask about unsaved changes)."""
        if event.spontaneous() and self.sessions is not None \
                and not self.sessions.confirm_discard("quitting"):
            event.ignore()
            return
        self._closing = True
        if self.keys is not None:
            self.keys.remove()
        self.room.remember()
        self.status.close()
        for timer in self.findChildren(QTimer):  # ours, the panels' debounce, the status bar's
            timer.stop()
        self.loader.join()
        if self.race_thread is not None:
            self.race_thread.worker.release()
            self.race_thread.close()
        if self.exports is not None:
            self.exports.shutdown()
        if self.controller is not None:
            self.sharpness_view.shutdown()
            self.fields.close()
            self.controller.shutdown()
        super().closeEvent(event)


def _view_part(name: str) -> property:
    return property(lambda window: getattr(window.views, name),
                    doc=f"``views.{name}`` (:class:`~landscape_app.gui.window_parts.WindowViews`)")


# gui/room.py (being split on branch ``class``) and the window tests read the views and the
# docks from the window itself: they are the window's parts, read through.
for _name in WindowViews.__dataclass_fields__:
    setattr(MainWindow, _name, _view_part(_name))
MainWindow.landscape_dock = property(lambda window: window.docks.landscape)
MainWindow.optimizer_dock = property(lambda window: window.docks.optimizer)
