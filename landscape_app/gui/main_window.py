"""The main window: its assembly from typed parts, in two phases.

Phase one (at launch, Qt and pyqtgraph only): the whole layout with a "loading" note where
the panels go (:mod:`~landscape_app.gui.window_layout`: the views, the docks, the status
line, typed parts of :mod:`~landscape_app.gui.window_parts`) and, for a 2D function, the
session's landscape, lanes, start and note (:mod:`~landscape_app.gui.live.first_paint`), so
the window is on screen well before torch is imported; Play pressed meanwhile is held.
Phase two (:meth:`MainWindow._core_loaded`, when the background import is done): the panels,
the controller, the worker thread, the frame clock, and the controllers of the menus, each
given the parts it works with. :attr:`MainWindow.coreReady` says so.

What the parts do lives in their own modules: the frame clock
(:mod:`~landscape_app.gui.live.frame_clock`, 60 Hz) pushes the latest race snapshot into the
views through a :class:`~landscape_app.gui.live.painter.FramePainter`; the landscape on
screen (:mod:`~landscape_app.gui.live.landscape_drawing`); the inputs wired to the race
(:mod:`~landscape_app.gui.live.input_wiring`); the status bar's device, steps/s and frames/s
(:mod:`~landscape_app.gui.window_status`); the teaching note
(:mod:`~landscape_app.gui.classroom.note_panel`), presentation mode
(:mod:`~landscape_app.gui.classroom.presentation`, available from the first paint), and,
once the engine is loaded, the File menu's sessions and exports
(:mod:`~landscape_app.gui.classroom.session_actions`, :mod:`~landscape_app.gui.export.actions`),
the Scenes menu (:mod:`~landscape_app.gui.classroom.scene_browser`), the Maps menu and the
lane keys (:mod:`~landscape_app.gui.keyboard`).
"""

from __future__ import annotations

import gc
import time
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QGroupBox, QMainWindow, QVBoxLayout, QWidget

from landscape_app.core.errors import LandscapeError
from landscape_app.engine.traces import TraceBuffer
from landscape_app.gui.batch_loss_action import add_batch_loss_action
from landscape_app.gui.classroom.presentation import PresentationMode
from landscape_app.gui.live.first_paint import EarlyPlay, draw_first_frame
from landscape_app.gui.live.loader import CoreLoader
from landscape_app.gui.live.painter import FramePainter
from landscape_app.gui.panels.controls import RunControls
from landscape_app.gui.room import RoomFit
from landscape_app.gui.window_layout import build_docks, build_status_bar, build_views
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
        self.controller = self.race_thread = self.timeline = self.clock = None  # phase two
        self.drawing = self.inputs = self.maps = self.sharpness_view = None
        self.sessions = self.scenes = self.exports = self.lane_keys = self.keys = None
        self.first_paint_time: float | None = None
        self._closing = False
        self.setWindowTitle("Loss Landscape Lab")
        self.buffer = TraceBuffer()
        self.controls = RunControls(self)
        self.addToolBar(self.controls)
        self.views = build_views(self)
        self.docks = build_docks(self)
        self.status = build_status_bar(self)
        self.early_play = EarlyPlay(self, self.controls, self.status)  # Play held till ready
        bar = self.menuBar()  # the titles now; most entries arrive with the engine
        self.file_menu, self.view_menu = bar.addMenu("&File"), bar.addMenu("&View")
        self.scenes_menu, self.maps_menu = bar.addMenu("&Scenes"), bar.addMenu("&Maps")
        for menu in (self.file_menu, self.scenes_menu, self.maps_menu):
            menu.setEnabled(False)
        self.room = RoomFit(self)  # the size and place from the screen, the arrangement
        self.presentation = PresentationMode(self, self.views, self.room)  # works at once
        self.controls.insertAction(self.controls.actions()[0], self.room.panels_action)
        self.view_menu.addAction(self.room.panels_action)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.presentation.action)
        self.room.place()
        views = self.views
        self.painter = FramePainter(views.contour, views.curves, views.table)
        self.batch_loss_action = add_batch_loss_action(self, self.view_menu, self.painter)
        self.status_updates = StatusUpdates(self.status, self.buffer, self.painter,
                                            views.timeline_bar, self)
        self.loader = CoreLoader(self)
        self.loader.connect_to(self._core_loaded, self.status_updates.core_failed)
        frame = first_frame(options)  # a 2D function scene is drawn before torch loads
        if frame is not None:
            draw_first_frame(views, frame)

    @property
    def sharpness_on(self) -> bool:
        """Whether View ▸ Sharpness shows its panel (the room and the export dialog ask)."""
        return self.sharpness_view is not None and self.sharpness_view.shown

    @property
    def shown_grid(self):
        """The grid the views draw (None: none yet, or being computed)."""
        return None if self.drawing is None else self.drawing.shown_grid

    @property
    def surface3d(self):
        """The 3D view (None until its tab was first opened)."""
        return None if self.drawing is None else self.drawing.surface3d

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
        from landscape_app.gui.live.field_lanes import FieldLanes
        from landscape_app.gui.live.frame_clock import FrameClock
        from landscape_app.gui.live.input_wiring import InputWiring
        from landscape_app.gui.live.landscape_drawing import LandscapeDrawing
        from landscape_app.gui.live.timeline_bar import TimelineControl
        from landscape_app.gui.live.worker import RaceThread

        # Everything imported so far (torch, scipy...) lives as long as the process: keep it
        # out of the garbage collector's full passes, which would otherwise take a few
        # hundred milliseconds each and freeze a frame.
        gc.collect()
        gc.freeze()
        self.status_updates.device_found(device, notice)
        self._build_panels()
        views, controls = self.views, self.controls
        self.race_thread = RaceThread(self.buffer, self)
        self.controller = RaceController(self.race_thread, self)
        self.status_updates.start(self.race_thread)
        self.fields = FieldLanes(self.controller, views.contour, self)  # whole paths on drag
        self._create_internals_overlay()
        self.view_menu.addAction(controls.internals_action)
        self.timeline = TimelineControl(self, views.timeline_bar, controls, self.painter,
                                        self.buffer, self.race_thread, self.controller)
        self.presentation.follow_timeline(self.timeline)
        self.view_menu.addMenu(self.timeline.menu)
        self.drawing = LandscapeDrawing(views, self.painter, self.controller, controls,
                                        self.race_thread, self.landscape_panel,
                                        self.presentation)
        self.controller.gridProgress.connect(self.status_updates.grid_progress)
        self.inputs = InputWiring(controls, views, self.painter, self.buffer, self.race_thread,
                                  self.controller, self.timeline, self.landscape_panel,
                                  self.display_panel, self.optimizer_panel, self.fields,
                                  self.status)
        # The views a frame waits for (the table changes at 10 Hz and is cheap to paint).
        self.clock = FrameClock(self, {"plane": views.contour, "curves": views.curves},
                                self.controller, self.race_thread, self.optimizer_panel,
                                self.buffer, self.painter, self.timeline)
        self.race_thread.start()
        self._build_menu_entries()
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
            self.early_play.start_when_ready(lambda: self.inputs.play_toggled(True),
                                             lambda: self.controller.model.blocked is None)
        self.clock.timer.start()
        if notice:
            self.status.show(f"Ready: press space to play. {notice}", 20_000)
        else:
            self.status.show("Ready: press space to play", 5000)
        if options is not None and options.surface is not None:  # gui FILE: what it shows
            self.status.show(options.surface.summary(), 20_000)
        self.drawing.view_tab_changed(views.view_tabs.currentIndex())
        self.coreReady.emit()

    def _build_panels(self) -> None:
        """The Landscape dock's panels (landscape, display) and the Optimizers dock's."""
        from landscape_app.gui.panels.landscape_panel import DisplayPanel, LandscapePanel
        from landscape_app.gui.panels.optimizer_panel import OptimizerPanel

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

    def _build_menu_entries(self) -> None:
        """The menus' entries that need the engine, each controller given its parts:
        sessions, surfaces, maps and exports (File), scenes, help, the lane keys, the Maps
        menu and comparisons, the model view, the sharpness panel, the hover readouts."""
        from landscape_app.gui.classroom.scene_browser import SceneBrowser
        from landscape_app.gui.classroom.session_actions import SessionActions
        from landscape_app.gui.classroom.surface_actions import SurfaceActions
        from landscape_app.gui.compare_actions import CompareActions
        from landscape_app.gui.export.actions import ExportActions
        from landscape_app.gui.help_topics import add_help_topics
        from landscape_app.gui.key_router import KeyRouter
        from landscape_app.gui.keyboard import LaneKeys, show_shortcuts, window_action
        from landscape_app.gui.live.readouts import Readouts
        from landscape_app.gui.map_actions import MapActions
        from landscape_app.gui.map_file_actions import MapFileActions
        from landscape_app.gui.model_dock import ModelDock
        from landscape_app.gui.sharpness_panel import SharpnessView
        from landscape_app.gui.window_parts import MapParts

        controls, views, controller, status = self.controls, self.views, self.controller, \
            self.status
        file_menu = self.file_menu
        # On the window too, so that they work while the toolbar is hidden (presentation).
        self.addActions([controls.play_action, controls.step_action, controls.reset_action])
        self.sessions = SessionActions(self, file_menu, controller, status, self.apply_session)
        self.surfaces = SurfaceActions(self, file_menu, controller, status)
        self.map_files = MapFileActions(self, file_menu, views.view_tabs,
                                        status)  # an outcome map NPZ, in a tab
        file_menu.addSeparator()
        self.exports = ExportActions(self, file_menu, controller, views,
                                     lambda: self.surface3d, self.timeline, status)
        file_menu.addSeparator()
        file_menu.addAction(window_action(self, "&Quit", "Ctrl+Q", self.sessions.quit))
        self.scenes = SceneBrowser(self, self.scenes_menu, self.sessions, status)
        self.help_menu = self.menuBar().addMenu("&Help")  # every key of the window
        self.help_menu.addAction(window_action(self, "&Keyboard shortcuts", "F1",
                                               lambda: show_shortcuts(self)))
        add_help_topics(self, self.help_menu)
        self.lane_keys = LaneKeys(self, self.optimizer_panel)
        self.keys = KeyRouter(self, self.focus_view)  # the keys act whatever has the focus
        self.maps = MapActions(MapParts(self, controller, views.contour, views.view_tabs,
                                        controls.play_action, self.optimizer_panel,
                                        self.exports, status), self.maps_menu)
        self.inputs.maps = self.maps  # a click on a start map's cell races from there
        self.presentation.view_created(self.maps.view)
        self.compare = CompareActions(self, self.maps_menu, controller,  # Maps ▸ Compare…
                                      views.view_tabs, self.optimizer_panel, status)
        self.model_dock = ModelDock(self, self.view_menu, controller,  # View ▸ Model view
                                    self.docks.optimizer, self.timeline, self.buffer,
                                    self.room)
        self.sharpness_view = SharpnessView(self, self.view_menu, views, self.painter,
                                            controller, self.room)  # λ_max along the race
        self.readouts = Readouts(controller, views, self.buffer,  # hover, axis names
                                 lambda: None if self.shown_grid is None
                                 else views.contour.drawn_grid,  # widened to fill the plot
                                 lambda: self.surface3d)
        for menu in (file_menu, self.scenes_menu, self.maps_menu):
            menu.setEnabled(True)

    def _create_internals_overlay(self) -> None:
        try:
            from landscape_app.gui.views.internals import InternalsOverlay
        except ImportError as error:
            self.controls.internals.setEnabled(False)
            self.controls.internals_action.setEnabled(False)
            self.controls.internals.setToolTip(f"internals overlay unavailable: {error}")
            return
        self.painter.overlay = InternalsOverlay(self.views.contour.plot_item)
        self.painter.overlay.set_visible(False)

    # -- the session on screen -----------------------------------------------------------------
    def current_session(self):
        """The :class:`~landscape_app.state.model.SessionState` on screen (what Save writes)."""
        return self.controller.current_session()

    def apply_session(self, state) -> None:
        """Show a whole :class:`~landscape_app.state.model.SessionState`, its teaching note
        beside the view (or as the caption, when presenting)."""
        views = self.views
        for note in (views.note_panel, views.caption):
            note.show_note(state.title, state.note)
        views.note_panel.setVisible(views.note_panel.has_note and not self.presentation.active)
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

    def focus_view(self) -> None:
        """Give the keyboard focus to the view on screen (the 2D view, or the 3D one)."""
        if self._closing:
            return
        view = self.surface3d if self.views.view_tabs.currentIndex() == 1 else None
        (view or self.views.contour).setFocus(Qt.FocusReason.OtherFocusReason)

    # -- closing -----------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        """Stop the timers, the worker and the background tasks, and join their threads
        (closed by the title bar's button, first ask about unsaved changes)."""
        if event.spontaneous() and self.sessions is not None \
                and not self.sessions.confirm_discard("quitting"):
            event.ignore()
            return
        self._closing = True
        self.early_play.stop()
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
