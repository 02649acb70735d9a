"""The window's controller: carries out what the Qt-free :class:`SessionModel` decides.

Every edit goes to one method of :class:`~landscape_app.engine.session_model.SessionModel`
(the rules live there, with the table of what each edit implies); this class runs the
:class:`~landscape_app.engine.session_model.Effects` it returns — cancelling stale background
jobs, submitting new ones, loading the race into the worker — and tells the window through
signals. Background results come back here and are handed to the model, which takes only
those of the job it is waiting for.

Rebuilding the race (rather than patching a running one) is the simple way to be correct:
the worker swaps it between two batches and the old one's data is dropped by generation.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from landscape_app.core.errors import LandscapeError
from landscape_app.engine.map_jobs import KINDS
from landscape_app.engine.session_model import Effects, GridJob, NetworkJob, SessionModel
from landscape_app.gui.live.tasks import TaskRunner
from landscape_app.gui.live.worker import RaceThread
from landscape_app.state.lanes import default_session
from landscape_app.state.model import LandscapeSpec, Lane, SessionState


def _build_network(job: NetworkJob, progress, cancelled):
    from landscape_app.core.nn import build_network_landscape

    spec = job.spec
    return build_network_landscape(
        spec.config, job.racers, steps=job.steps, directions=spec.directions,
        resolution=spec.resolution, device="auto", margin=spec.margin, seed=job.seed,
        plane_lane=spec.plane_lane, progress=progress, cancelled=cancelled,
        sharpness_every=job.sharpness_every)


class RaceController(QObject):
    """Holds the :class:`SessionModel` and drives the worker and the background tasks.

    Signals
    -------
    stateChanged()
        :attr:`state` was replaced (any edit, or a whole new session).
    gridReady(grid)
        The landscape to draw: a :class:`~landscape_app.core.grid.Grid2D`, or None to clear
        the picture (a landscape is being computed).
    gridProgress(fraction)
        How much of the grid being evaluated is done.
    lanesReset()
        The race was rebuilt: lanes start again from step 0.
    transportChanged(reason)
        Why play, step and reset are off ("" when they are on).
    networkProgress(stage, fraction), networkReady(summary), networkFailed(message)
    mapsChanged()
        The maps to draw (:attr:`SessionModel.maps`) or their settings changed.
    mapProgress(kind, fraction)
        How much of the map of ``kind`` being computed is done (1 when none is).
    message(text)
        Something to tell the user (errors included).
    """

    stateChanged = Signal()
    gridReady = Signal(object)
    gridProgress = Signal(float)
    lanesReset = Signal()
    transportChanged = Signal(str)
    networkProgress = Signal(str, float)
    networkReady = Signal(str)
    networkFailed = Signal(str)
    mapsChanged = Signal()
    mapProgress = Signal(str, float)
    message = Signal(str)

    def __init__(self, race_thread: RaceThread, parent: QObject | None = None):
        super().__init__(parent)
        self.race_thread = race_thread
        self.worker = race_thread.worker
        self.model = SessionModel(default_session())
        self.grid_tasks = TaskRunner("grid", self)
        self.network_tasks = TaskRunner("network", self)
        self._jobs: dict[int, GridJob | NetworkJob] = {}
        queued = Qt.ConnectionType.QueuedConnection
        self.grid_tasks.progress.connect(self._grid_progress, queued)
        self.grid_tasks.succeeded.connect(self._grid_done, queued)
        self.grid_tasks.failed.connect(self._grid_failed, queued)
        self.network_tasks.progress.connect(self._network_progress, queued)
        self.network_tasks.succeeded.connect(self._network_done, queued)
        self.network_tasks.failed.connect(self._network_failed, queued)
        self.map_tasks = {kind: TaskRunner(f"map-{kind}", self) for kind in KINDS}
        for kind, runner in self.map_tasks.items():
            runner.progress.connect(
                lambda token, _stage, f, kind=kind: self._map_progress(kind, token, f), queued)
            runner.succeeded.connect(
                lambda token, result, kind=kind: self._carry_out(
                    self.model.map_done(self._job(kind, token), result)), queued)
            runner.failed.connect(
                lambda token, message, kind=kind: self._carry_out(
                    self.model.map_failed(self._job(kind, token), message)), queued)
        #: Maps ▸ Compare optimizers (:mod:`landscape_app.gui.compare_actions` submits).
        self.compare_tasks = TaskRunner("compare", self)
        from landscape_app.gui.live.live_preview import LivePreview

        self.preview = LivePreview(self)  # drag and see (2D functions)
        self.lanesReset.connect(self.preview.drop)

    # -- what is on screen -------------------------------------------------------------------
    @property
    def state(self) -> SessionState:
        """The session on screen (every edit replaces it; :attr:`stateChanged` says so)."""
        return self.model.state

    def current_session(self) -> SessionState:
        """The :class:`SessionState` that reproduces what is on screen (what a save writes)."""
        return self.model.state

    @property
    def landscape(self):
        """The session's :class:`~landscape_app.core.landscape.Landscape` (None while it is
        being computed)."""
        return self.model.landscape

    @property
    def grid(self):
        return self.model.grid

    @property
    def log_scale(self) -> bool:
        return self.model.log_scale

    def start_point(self):
        return self.model.start_point()

    # -- edits -------------------------------------------------------------------------------
    def apply_session(self, state: SessionState) -> None:
        """Show ``state`` whole (first launch, a scene, a session file).

        Raises
        ------
        LandscapeError
            Its 2D landscape cannot be built; nothing changed.
        """
        self._carry_out(self.model.apply_session(state))

    def open_surface(self, landscape) -> None:
        """Show a surface file read-only (its paths replay)."""
        self._carry_out(self.model.open_surface(landscape))

    def set_landscape(self, spec: LandscapeSpec) -> None:
        """A new 2D landscape: its own start and view, the race rebuilt, the grid queued."""
        try:
            effects = self.model.set_landscape(spec)
        except LandscapeError as error:
            self.message.emit(str(error))
            return
        self._carry_out(effects)

    def build_network(self, network: dict) -> None:
        """Train the lanes on ``network`` and evaluate its plane (the Network tab's Train)."""
        try:
            effects = self.model.train_network(network)
        except LandscapeError as error:
            self.networkFailed.emit(str(error))
            return
        self._carry_out(effects)

    def cancel_network(self) -> None:
        """Stop the training: the session keeps no landscape until it is trained again."""
        effects = self.model.cancel_network()
        self._carry_out(effects)
        if effects.cancel_network:
            self.networkFailed.emit(self.model.reason)

    def set_lanes(self, lanes: tuple[Lane, ...]) -> None:
        """New lanes; the race is rebuilt unless only colours or visibility changed."""
        self._carry_out(self.model.set_lanes(lanes))

    def set_start(self, x: float, y: float) -> None:
        self._carry_out(self.model.set_start(x, y))

    def set_max_steps(self, steps: int) -> None:
        self._carry_out(self.model.set_max_steps(steps))

    def set_sharpness(self, on: bool) -> None:
        """Measure the lanes' sharpness (the sharpness panel is shown) or stop."""
        self._carry_out(self.model.set_sharpness(on))

    def set_view(self, **fields) -> None:
        """Change view settings; a new resolution queues a new grid."""
        self._carry_out(self.model.set_view(**fields))

    def set_map(self, settings) -> None:
        """The session's :class:`~landscape_app.state.map_settings.MapSettings` (None: no maps)."""
        self._carry_out(self.model.set_map(settings))

    def zoom_starts(self, extent) -> None:
        """Recompute the start map over ``(x0, x1, y0, y1)``, coarse first."""
        self._carry_out(self.model.zoom_starts(extent))

    def zoom_sweep(self, x_range, y_range) -> None:
        """Recompute the hyperparameter map over these axis ranges, coarse first."""
        self._carry_out(self.model.zoom_sweep(x_range, y_range))

    def cancel_maps(self) -> None:
        self._carry_out(self.model.cancel_maps())

    def set_compare(self, record) -> None:
        """Keep the lanes' comparison (a :class:`~landscape_app.state.compare_record.CompareRecord`)
        with the session."""
        self._carry_out(self.model.set_compare(record))

    def restart(self) -> None:
        """Rebuild the race from the session and start it again (not while the landscape is
        being computed: the reason is shown instead)."""
        self._carry_out(self.model.restart())

    # -- carrying out ------------------------------------------------------------------------
    def _carry_out(self, effects: Effects) -> None:
        if effects.cancel_grid:
            self.grid_tasks.cancel()
        if effects.cancel_network:
            self.network_tasks.cancel()
        if effects.grid is not None:
            self._submit_grid(effects.grid)
        if effects.train is not None:
            job = effects.train
            token = self.network_tasks.submit(
                lambda progress, cancelled: _build_network(job, progress, cancelled))
            self._jobs[("network", token)] = job
        self.stateChanged.emit()
        self.transportChanged.emit(self.model.blocked or "")
        if effects.race:
            self.worker.load(self.model.race_factory())
            self.lanesReset.emit()
        if effects.redraw:
            self.gridReady.emit(self.model.grid)
        for kind in effects.cancel_maps:
            self.map_tasks[kind].cancel()
        for job in effects.maps:
            token = self.map_tasks[job.kind].submit(job.run)
            self._jobs[(job.kind, token)] = job
        if effects.redraw_maps:
            self.mapsChanged.emit()
        for kind in KINDS:
            if (kind in effects.cancel_maps or effects.redraw_maps) \
                    and not self.model.map_pending(kind):
                self.mapProgress.emit(kind, 1.0)
        for text in effects.messages:
            self.message.emit(text)

    def _submit_grid(self, job: GridJob) -> None:
        token = self.grid_tasks.submit(lambda progress, cancelled: job.landscape.grid(
            job.resolution, progress=progress, cancelled=cancelled))
        self._jobs[("grid", token)] = job

    def _job(self, kind: str, token: int):
        """The job of this task (forgotten once its result arrived)."""
        return self._jobs.pop((kind, token), None)

    def _grid_progress(self, token: int, _stage: str, fraction: float) -> None:
        if self.model.is_current(self._jobs.get(("grid", token))):
            self.gridProgress.emit(fraction)

    def _grid_done(self, token: int, grid) -> None:
        self._carry_out(self.model.grid_done(self._job("grid", token), grid))

    def _grid_failed(self, token: int, message: str) -> None:
        self._carry_out(self.model.grid_failed(self._job("grid", token), message))

    def _map_progress(self, kind: str, token: int, fraction: float) -> None:
        if self.model.is_current(self._jobs.get((kind, token))):
            self.mapProgress.emit(kind, fraction)

    def _network_progress(self, token: int, stage: str, fraction: float) -> None:
        if self.model.is_current(self._jobs.get(("network", token))):
            self.networkProgress.emit(stage, fraction)

    def _network_done(self, token: int, land) -> None:
        effects = self.model.network_done(self._job("network", token), land)
        self._carry_out(effects)
        if effects.race:
            self.networkReady.emit(land.summary())

    def _network_failed(self, token: int, message: str) -> None:
        self._carry_out(self.model.network_failed(self._job("network", token), message))

    # -- closing -----------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Cancel and join the background tasks and the preview thread."""
        self.preview.close()
        self.grid_tasks.shutdown()
        self.network_tasks.shutdown()
        self.compare_tasks.shutdown()
        for runner in self.map_tasks.values():
            runner.shutdown()
