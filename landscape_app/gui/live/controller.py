"""The window's logic, Qt-light: a :class:`SessionState` mirrored into the worker and the grid.

Every edit goes through one method here, which updates the state and does what the edit
implies, no more:

=====================  ==================================================================
edit                   effect
=====================  ==================================================================
landscape              new objective, start at its suggestion, race rebuilt, grid queued
lanes (settings)       race rebuilt (colour and visibility changes only repaint)
start, steps, seed     race rebuilt
view (colours)         landscape redrawn from the same grid
view (resolution)      grid queued
network                the race is trained on the network and the surface evaluated, in
                       the background; then its projected paths are replayed
=====================  ==================================================================

Rebuilding the race (rather than patching a running one) is the simple way to be correct:
the worker swaps it between two batches and the old one's data is dropped by generation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal

from landscape_app.core.errors import LandscapeError
from landscape_app.core.grid import Grid2D, evaluate_grid
from landscape_app.core.labels import unique_labels
from landscape_app.core.optim.registry import OptimizerSpec, parse_optimizer_spec
from landscape_app.core.runner import Racer
from landscape_app.engine.steppers import RaceStepper, ReplayStepper
from landscape_app.gui.live.tasks import TaskRunner
from landscape_app.gui.live.worker import RaceThread
from landscape_app.gui.panels.optimizers import lane_title
from landscape_app.state.model import PALETTE, LandscapeSpec, Lane, SessionState, build_objective

#: The race shown at first launch: four classic methods on Rosenbrock's valley.
DEFAULT_LANES = (
    OptimizerSpec("sgd", {"lr": 0.001}),
    OptimizerSpec("momentum", {"lr": 0.0003}),
    OptimizerSpec("adam", {"lr": 0.05}),
    OptimizerSpec("rmsprop", {"lr": 0.01}),
)


def make_lanes(specs: Sequence[OptimizerSpec]) -> tuple[Lane, ...]:
    """Lanes for ``specs`` with readable unique labels and the palette's colours in order."""
    labels = unique_labels([lane_title(spec) for spec in specs])
    return tuple(Lane(label, spec, PALETTE[i % len(PALETTE)])
                 for i, (label, spec) in enumerate(zip(labels, specs, strict=True)))


def default_session() -> SessionState:
    return SessionState(landscape=LandscapeSpec("function", "rosenbrock"),
                        lanes=make_lanes(DEFAULT_LANES))


def launch_session(options) -> SessionState:
    """The first session: the scene or session file the command line named (else the default
    race), with the command line's other choices applied.

    ``options`` is a :class:`~landscape_app.gui.app.LaunchOptions` or None. Its values were
    validated by the command line.
    """
    if options is None:
        return default_session()
    state = options.session if options.session is not None else default_session()
    if options.expression:
        state = replace(state, landscape=LandscapeSpec(
            "expression", expression=options.expression, x_range=options.x_range,
            y_range=options.y_range))
    elif options.function:
        state = replace(state, landscape=LandscapeSpec("function", options.function))
    if options.optimizers:
        specs = [parse_optimizer_spec(text) for text in options.optimizers]
        state = replace(state, lanes=make_lanes(specs))
    if options.start is not None:
        state = replace(state, start=tuple(options.start))
    if options.max_steps is not None:
        state = replace(state, max_steps=options.max_steps)
    return state


class RaceController(QObject):
    """Holds the session and drives the worker and the background tasks.

    Signals
    -------
    gridReady(grid)
        A new :class:`~landscape_app.core.grid.Grid2D` to draw (landscape or resolution).
    gridProgress(fraction)
        How much of the grid being evaluated is done.
    lanesReset()
        The race was rebuilt: lanes start again from step 0.
    networkProgress(stage, fraction), networkReady(info), networkFailed(message)
    message(text)
        Something to tell the user (errors included).
    stateChanged()
        :attr:`state` was replaced (any edit, or a whole new session).
    """

    stateChanged = Signal()
    gridReady = Signal(object)
    gridProgress = Signal(float)
    lanesReset = Signal()
    networkProgress = Signal(str, float)
    networkReady = Signal(str)
    networkFailed = Signal(str)
    message = Signal(str)

    def __init__(self, race_thread: RaceThread, parent: QObject | None = None):
        super().__init__(parent)
        self.race_thread = race_thread
        self.worker = race_thread.worker
        self.state = default_session()
        self.objective = build_objective(self.state.landscape)
        self.grid: Grid2D | None = None
        self.network = None
        self.replaying = False
        self.grid_tasks = TaskRunner("grid", self)
        self.network_tasks = TaskRunner("network", self)
        queued = Qt.ConnectionType.QueuedConnection
        self.grid_tasks.progress.connect(self._grid_progress, queued)
        self.grid_tasks.succeeded.connect(self._grid_done, queued)
        self.grid_tasks.failed.connect(self._grid_failed, queued)
        self.network_tasks.progress.connect(self._network_progress, queued)
        self.network_tasks.succeeded.connect(self._network_done, queued)
        self.network_tasks.failed.connect(self._network_failed, queued)

    @property
    def state(self) -> SessionState:
        """The session on screen (every edit replaces it; :attr:`stateChanged` says so)."""
        return self._state

    @state.setter
    def state(self, state: SessionState) -> None:
        self._state = state
        self.stateChanged.emit()

    def current_session(self) -> SessionState:
        """The :class:`SessionState` that reproduces what is on screen (what a save writes)."""
        return self._state

    # -- edits -------------------------------------------------------------------------------
    def apply_session(self, state: SessionState) -> None:
        """Show ``state`` whole (first launch, a scene, a session file)."""
        self.state = state
        if state.landscape.kind == "network":
            self.build_network(dict(state.landscape.network))
            return
        self.network_tasks.cancel()  # a network still training belongs to the old session
        self.objective, self.network, self.replaying = build_objective(state.landscape), None, False
        self.restart()
        self.queue_grid()

    def set_landscape(self, spec: LandscapeSpec) -> None:
        """A new 2D landscape: its own start and view, the race rebuilt, the grid queued."""
        objective = build_objective(spec)
        self.network_tasks.cancel()
        self.objective, self.network, self.replaying = objective, None, False
        self.state = replace(self.state, landscape=spec, start=None)
        self.restart()
        self.queue_grid()

    def set_lanes(self, lanes: tuple[Lane, ...]) -> None:
        """New lanes; the race is rebuilt unless only colours or visibility changed."""
        settings_changed = [(lane.label, lane.spec) for lane in lanes] != [
            (lane.label, lane.spec) for lane in self.state.lanes]
        self.state = replace(self.state, lanes=tuple(lanes))
        if settings_changed:
            if self.replaying:
                self.message.emit("optimizers changed: train again to see them on the network")
            else:
                self.restart()

    def set_start(self, x: float, y: float) -> None:
        if self.replaying:
            return
        self.state = replace(self.state, start=(float(x), float(y)))
        self.restart()

    def set_max_steps(self, steps: int) -> None:
        self.state = replace(self.state, max_steps=int(steps))
        if not self.replaying:
            self.restart()

    def set_view(self, **fields) -> None:
        """Change view settings; a new resolution queues a new grid."""
        old = self.state.view
        self.state = replace(self.state, view=replace(old, **fields))
        if self.state.view.resolution != old.resolution and not self.replaying:
            self.queue_grid()
        elif self.grid is not None:
            self.gridReady.emit(self.grid)

    # -- the race ----------------------------------------------------------------------------
    def start_point(self) -> np.ndarray:
        if self.state.start is not None:
            return np.asarray(self.state.start, dtype=float)
        return np.asarray(self.objective.default_start(), dtype=float)

    def restart(self) -> None:
        """Rebuild the race from the session (in the worker thread) and start it again."""
        if self.replaying and self.network is not None:
            self.worker.load(partial(ReplayStepper, self.network.lanes))
        else:
            racers = [Racer(lane.label, lane.spec) for lane in self.state.lanes]
            self.worker.load(partial(RaceStepper, self.objective, racers, self.start_point(),
                                     self.state.seed, self.state.max_steps))
        self.lanesReset.emit()

    # -- the grid ----------------------------------------------------------------------------
    @property
    def log_scale(self) -> bool:
        """The colour scale in force: the view's choice, else the landscape's preference."""
        if self.state.view.log_scale is not None:
            return self.state.view.log_scale
        return self.replaying or bool(getattr(self.objective, "log_scale", False))

    @property
    def minima(self) -> tuple:
        return () if self.replaying else tuple(self.objective.minima)

    def queue_grid(self) -> None:
        """Evaluate the landscape on its view box in the background."""
        objective, resolution = self.objective, self.state.view.resolution
        box = getattr(objective, "view", None)
        if box is not None:
            x_range, y_range = (box.x0, box.x1), (box.y0, box.y1)
        else:
            x_range = (float(objective.lower[0]), float(objective.upper[0]))
            y_range = (float(objective.lower[1]), float(objective.upper[1]))
        self.grid_tasks.submit(lambda progress, cancelled: evaluate_grid(
            objective, x_range, y_range, resolution, progress=progress, cancelled=cancelled))

    def _grid_progress(self, token: int, _stage: str, fraction: float) -> None:
        if token == self.grid_tasks.token:
            self.gridProgress.emit(fraction)

    def _grid_done(self, token: int, grid: Grid2D) -> None:
        if (token == self.grid_tasks.token and not self.replaying
                and self.state.landscape.kind != "network"):
            self.grid = grid
            self.gridReady.emit(grid)

    def _grid_failed(self, token: int, message: str) -> None:
        if token == self.grid_tasks.token:
            self.message.emit(f"the landscape could not be drawn: {message}")

    # -- networks ----------------------------------------------------------------------------
    def build_network(self, network: dict) -> None:
        """Train the lanes on the network, then evaluate the plane surface (background)."""
        from landscape_app.core.nn import build_network_landscape
        from landscape_app.state.network import parse_network

        try:
            spec = parse_network(network, lane_count=len(self.state.lanes))
        except LandscapeError as error:
            self.networkFailed.emit(str(error))
            return
        if not self.state.lanes:
            self.networkFailed.emit("add at least one optimizer to train on the network")
            return
        self.grid_tasks.cancel()
        racers = [Racer(lane.label, lane.spec) for lane in self.state.lanes]
        steps, seed = self.state.max_steps, self.state.seed
        self.state = replace(self.state, landscape=LandscapeSpec("network", network=network),
                             start=None)
        self.network_tasks.submit(lambda progress, cancelled: build_network_landscape(
            spec.config, racers, steps=steps, directions=spec.directions,
            resolution=spec.resolution, device="auto", margin=spec.margin, seed=seed,
            plane_lane=spec.plane_lane, progress=progress,
            cancelled=cancelled))

    def cancel_network(self) -> None:
        self.network_tasks.cancel()

    def _network_progress(self, token: int, stage: str, fraction: float) -> None:
        if token == self.network_tasks.token:
            self.networkProgress.emit(stage, fraction)

    def _network_done(self, token: int, land) -> None:
        if token != self.network_tasks.token or self.state.landscape.kind != "network":
            return  # superseded, or a cancelled run that finished anyway
        surface = land.surface
        self.network, self.replaying = land, True
        self.grid = Grid2D(np.asarray(surface.alphas), np.asarray(surface.betas),
                           np.asarray(surface.values))
        self.restart()
        self.gridReady.emit(self.grid)
        self.networkReady.emit(f"{land.description} · {land.parameter_count} parameters · "
                               f"{land.plane.describe()} · computed on {land.device} in "
                               f"{surface.seconds:.2f} s")

    def _network_failed(self, token: int, message: str) -> None:
        if token == self.network_tasks.token:
            self.networkFailed.emit(message)

    # -- closing -----------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Cancel and join the background tasks."""
        self.grid_tasks.shutdown()
        self.network_tasks.shutdown()
