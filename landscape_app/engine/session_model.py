"""The window's model, Qt-free: the session on screen, its landscape, and the rule of each edit.

The window (:class:`~landscape_app.gui.live.controller.RaceController`) mirrors this model, as
napari's Qt viewer mirrors its ``ViewerModel``: every edit is a method here that updates the
model and returns the :class:`Effects` the window must carry out (load a race, evaluate a
grid, train a network, cancel what is stale). Nothing here runs anything in the background.

The invariant it keeps: **everything on screen belongs to one session.** The landscape, its
grid, the race and the transport state are derived from :attr:`SessionModel.state` alone:

=====================  ======================================================================
edit                   effect
=====================  ======================================================================
a whole session        its landscape; on a 2D function the race restarts at once and the grid
                       is evaluated; on a network the old picture and race are cleared and
                       training starts (the transport waits for it)
landscape              the same, with the landscape's own start
lanes (settings)       the race is rebuilt; on a network, trained again (colour and visibility
                       changes only repaint)
start                  the race is rebuilt (2D functions only: a plane's start is not a point
                       the user chose)
steps, seed            the race is rebuilt; on a network, trained again
view (colours)         the landscape is redrawn from the same grid
view (resolution)      the grid is evaluated again (2D functions; a plane has its own grid)
maps (any edit)        a map whose inputs changed is computed again, coarse then fine
                       (:mod:`~landscape_app.engine.session_maps`); a new landscape or
                       optimizer clears the old map at once, a zoom keeps it until the new one
                       arrives
sharpness (View menu)  the race measures the Hessian's sharpness or stops measuring it: the
                       race is rebuilt; on a network, trained again
a surface file         read-only: its grid is drawn and its paths replay; any background job
                       is cancelled; edits of lanes, start and steps are refused with a reason
                       until a session, a landscape or a network replaces it (Save is refused
                       too: a surface file is not a race session)
=====================  ======================================================================

A background result is taken only if it answers the job this model asked for last (jobs are
compared by identity), so a training or a grid that finishes after the user moved on is
dropped, and a cancelled training leaves a session with no landscape rather than the previous
one: the transport stays blocked with the reason (:attr:`SessionModel.blocked`) until the user
trains again or moves on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.errors import LandscapeError
from landscape_app.core.grid import Grid2D
from landscape_app.core.landscape import Landscape
from landscape_app.core.runner import Racer
from landscape_app.engine.effects import NOTHING, Effects, GridJob, NetworkJob, Phase
from landscape_app.engine.map_jobs import MapJob
from landscape_app.engine.preview_lanes import PreviewStepper
from landscape_app.engine.session_maps import MapEdits, _without_extent
from landscape_app.engine.steppers import RaceStepper, ReplayStepper
from landscape_app.state.model import LandscapeSpec, Lane, SessionState, build_landscape


def _race_settings(lanes: Sequence[Lane]) -> list[tuple[str, Any]]:
    """What of the lanes decides the race (colours and visibility do not)."""
    return [(lane.label, lane.spec) for lane in lanes]


class SessionModel(MapEdits):
    """The session on screen and what it implies. See the module docstring."""

    def __init__(self, state: SessionState):
        self.state = state
        self.landscape: Landscape | None = None
        self.grid: Grid2D | None = None
        self.phase = Phase.UNAVAILABLE
        self.reason = "no landscape yet"
        self._grid_job: GridJob | None = None
        self._network_job: NetworkJob | None = None
        self._init_maps()
        #: The surface file on screen (:meth:`open_surface`), or None.
        self.surface_file: Landscape | None = None
        #: The session as last opened, saved or loaded from a scene (:meth:`mark_saved`).
        self.saved: SessionState | None = None
        #: Whether the race measures its lanes' sharpness (the window's sharpness panel).
        self.sharpness = False

    # -- unsaved changes ------------------------------------------------------------------
    def mark_saved(self) -> None:
        """The session on screen is now the unmodified one (it was opened, saved, or loaded
        from a scene)."""
        self.saved = self.state

    @property
    def modified(self) -> bool:
        """Whether an edit made the session differ from the one last opened or saved (an
        edit undone by hand is no change; a surface file on screen is not a session)."""
        return (self.saved is not None and self.surface_file is None
                and self.state != self.saved)

    # -- what is on screen ----------------------------------------------------------------
    @property
    def blocked(self) -> str | None:
        """Why the transport (play, step, reset) is off, or None when it is on."""
        if self.phase is Phase.READY:
            return None
        return self.reason

    @property
    def live(self) -> bool:
        """Whether the race steps on a live objective (2D functions)."""
        return self.landscape is not None and self.landscape.live

    @property
    def distance_label(self) -> str:
        """The table's distance column for the session's kind of landscape."""
        if self.landscape is not None:
            return self.landscape.distance_label
        return "off plane" if self.state.landscape.kind == LandscapeKind.NETWORK else "to minimum"

    @property
    def log_scale(self) -> bool:
        """The colour scale in force (the view's choice, else the landscape's)."""
        if self.landscape is None:
            return bool(self.state.view.log_scale)
        return self.landscape.scale(self.state.view.log_scale)

    def start_point(self) -> np.ndarray | None:
        """The start of a live race (the session's, else the landscape's suggestion)."""
        if not self.live:
            return None
        if self.state.start is not None:
            return np.asarray(self.state.start, dtype=float)
        return np.asarray(self.landscape.objective.default_start(), dtype=float)

    def race_factory(self) -> Callable:
        """What the worker loads: the live race, the recorded paths, or an empty race."""
        if self.phase is not Phase.READY or self.landscape is None:
            return partial(ReplayStepper, ())
        if not self.landscape.live:
            return partial(ReplayStepper, self.landscape.lanes)
        racers = [Racer(lane.label, lane.spec) for lane in self.state.lanes]
        return partial(RaceStepper, self.landscape.objective, racers, self.start_point(),
                       self.state.seed, self.state.max_steps, self.sharpness_every())

    def sharpness_every(self) -> int | None:
        """Every how many steps the race measures the sharpness (None: it does not): every
        step on a 2D landscape, :data:`~landscape_app.core.sharpness_probe.
        DEFAULT_NETWORK_EVERY` on a network."""
        if not self.sharpness:
            return None
        from landscape_app.core.sharpness_probe import DEFAULT_NETWORK_EVERY

        return 1 if self.state.landscape.kind != "network" else DEFAULT_NETWORK_EVERY

    def set_sharpness(self, on: bool) -> Effects:
        """Measure the sharpness along the race, or stop: the race is run (trained) again."""
        if bool(on) == self.sharpness:
            return NOTHING
        self.sharpness = bool(on)
        if self.surface_file is not None:
            return NOTHING
        return self._rerun()

    def preview_factory(self, start: Sequence[float] | None = None,
                        lanes: Sequence[Lane] | None = None) -> Callable | None:
        """The race the session would run with another ``start`` and/or other ``lanes``
        (a what-if while a setting is dragged), or None where there is nothing to preview
        (no live landscape: a plane's race is trained, not stepped). The lanes the map engine
        steps are computed whole at once (:class:`~landscape_app.engine.preview_lanes.
        PreviewStepper`): the same rows as the race, in tens of milliseconds."""
        if self.phase is not Phase.READY or not self.live:
            return None
        start = self.start_point() if start is None else np.asarray(start, dtype=float)
        lanes = self.state.lanes if lanes is None else lanes
        racers = [Racer(lane.label, lane.spec) for lane in lanes]
        return partial(PreviewStepper, self.landscape.objective, racers, start,
                       self.state.seed, self.state.max_steps, self.sharpness_every())

    def preview_key(self, start: Sequence[float] | None = None,
                    lanes: Sequence[Lane] | None = None) -> tuple | None:
        """What decides a preview's rows (compare with :meth:`race_key` to know whether a
        preview is the session's race)."""
        if not self.live:
            return None
        start = self.start_point() if start is None else np.asarray(start, dtype=float)
        lanes = self.state.lanes if lanes is None else lanes
        return (self.state.landscape, tuple(float(v) for v in start), tuple(
            _race_settings(lanes)), self.state.seed, self.state.max_steps, self.sharpness)

    def race_key(self) -> tuple | None:
        """The :meth:`preview_key` of the session's own race."""
        return self.preview_key() if self.phase is Phase.READY else None

    # -- edits ----------------------------------------------------------------------------
    def open_surface(self, landscape: Landscape) -> Effects:
        """Show a surface file (a recorded landscape read from disk), read-only: its grid,
        and its paths replayed. The session's state is kept for when the user moves on."""
        if landscape.live:
            raise LandscapeError("a surface file is a recorded landscape")
        had_grid, had_network = self._grid_job is not None, self._network_job is not None
        self._grid_job = self._network_job = None
        self.surface_file = landscape
        self.landscape, self.grid = landscape, landscape.grid()
        self.phase, self.reason = Phase.READY, ""
        stale_maps = tuple(self._map_jobs)  # a surface file has no maps
        self._map_jobs.clear()
        self._map_keys.clear()
        self.maps.clear()
        return Effects(cancel_grid=had_grid, cancel_network=had_network, race=True,
                       redraw=True, cancel_maps=stale_maps, redraw_maps=True)

    def _read_only(self) -> Effects | None:
        """The refusal of an edit while a surface file is on screen (None otherwise)."""
        if self.surface_file is None:
            return None
        return Effects(messages=(f"{self.surface_file.name} is a surface file, shown "
                                 "read-only: open a session, a scene or a landscape to race",))

    def apply_session(self, state: SessionState) -> Effects:
        """Show ``state`` whole (first launch, a scene, a session file).

        Raises
        ------
        LandscapeError
            The session's 2D landscape cannot be built (the model is left unchanged).
        """
        if self.surface_file is not None:
            self.surface_file, self.landscape, self.grid = None, None, None
        if state.landscape.kind == LandscapeKind.NETWORK:
            self.state = state
            return self._with_maps(self._train())
        same = (self.landscape is not None and self.landscape.live
                and state.landscape == self.state.landscape)
        landscape = self.landscape if same else build_landscape(state.landscape)
        resolution_changed = state.view.resolution != self.state.view.resolution
        self.state = state
        return self._with_maps(self._show_live(landscape,
                                               keep_grid=same and not resolution_changed))

    def set_landscape(self, spec: LandscapeSpec) -> Effects:
        """A new 2D landscape, with its own start (:class:`LandscapeError` if it cannot be
        built; the model is then left unchanged)."""
        landscape = build_landscape(spec)
        self.surface_file = None
        self.state = replace(self.state, landscape=spec, start=None,
                             map=_without_extent(self.state.map))
        return self._with_maps(self._show_live(landscape, keep_grid=False))

    def train_network(self, network: dict[str, Any]) -> Effects:
        """Make ``network`` the landscape and train the lanes on it (the Network tab)."""
        from landscape_app.state.network_settings import parse_network

        parse_network(network, lane_count=len(self.state.lanes))  # refuse before changing
        self.surface_file = None
        landscape = LandscapeSpec(LandscapeKind.NETWORK, network=network)
        self.state = replace(self.state, landscape=landscape,
                             start=None, map=_without_extent(self.state.map, network=True))
        return self._with_maps(self._train())

    def cancel_network(self) -> Effects:
        """The user stopped the training: no landscape until they train again."""
        if self.phase is not Phase.PREPARING:
            return NOTHING
        self._network_job = None
        self.phase, self.reason = Phase.UNAVAILABLE, "training cancelled: press Train to see " \
            "the optimizers on the network"
        return Effects(cancel_network=True, messages=(self.reason,))

    def set_lanes(self, lanes: Sequence[Lane]) -> Effects:
        """New lanes: the race rebuilt (trained again on a network) unless only colours or
        visibility changed."""
        changed = _race_settings(lanes) != _race_settings(self.state.lanes)
        self.state = replace(self.state, lanes=tuple(lanes))
        if changed and self.surface_file is not None:
            return self._read_only()
        if not changed:
            return NOTHING
        return self._with_maps(self._rerun())

    def set_start(self, x: float, y: float) -> Effects:
        """A new start point (2D functions; ignored on a plane)."""
        if self.state.landscape.kind == LandscapeKind.NETWORK or self.surface_file is not None:
            return NOTHING
        self.state = replace(self.state, start=(float(x), float(y)))
        return self._with_maps(self._rerun())

    def set_max_steps(self, steps: int) -> Effects:
        if int(steps) == self.state.max_steps:
            return NOTHING
        self.state = replace(self.state, max_steps=int(steps))
        return self._read_only() or self._rerun()

    def set_view(self, **fields) -> Effects:
        """View settings; a new resolution evaluates the grid again (2D functions)."""
        old = self.state.view
        self.state = replace(self.state, view=replace(old, **fields))
        if self.state.view.resolution != old.resolution and self.live:
            self.grid = None
            return self._queue_grid(redraw=False)
        return Effects(redraw=self.grid is not None)

    def restart(self) -> Effects:
        """Reset: the same race from step 0 (refused while there is no landscape)."""
        if self.blocked is not None:
            return Effects(messages=(self.blocked,))
        return Effects(race=True)

    # -- background results ---------------------------------------------------------------
    def grid_done(self, job: GridJob, grid: Grid2D) -> Effects:
        if job is not self._grid_job:
            return NOTHING  # superseded: another landscape or resolution was asked for since
        self._grid_job = None
        self.grid = grid
        return Effects(redraw=True)

    def grid_failed(self, job: GridJob, message: str) -> Effects:
        if job is not self._grid_job:
            return NOTHING
        self._grid_job = None
        return Effects(messages=(f"the landscape could not be drawn: {message}",))

    def network_done(self, job: NetworkJob, landscape: Landscape) -> Effects:
        if job is not self._network_job:
            return NOTHING  # the user moved on, or cancelled, or trained again
        self._network_job = None
        self.landscape, self.grid = landscape, landscape.grid(self.state.view.resolution)
        self.phase, self.reason = Phase.READY, ""
        return Effects(race=True, redraw=True)

    def network_failed(self, job: NetworkJob, message: str) -> Effects:
        if job is not self._network_job:
            return NOTHING
        self._network_job = None
        self.phase, self.reason = Phase.UNAVAILABLE, f"the network could not be built: {message}"
        return Effects(messages=(self.reason,))

    def is_current(self, job: GridJob | NetworkJob | MapJob) -> bool:
        """Whether ``job`` is the one whose result the model waits for."""
        return (job is self._grid_job or job is self._network_job
                or any(job is current for current in self._map_jobs.values()))

    # -- helpers --------------------------------------------------------------------------
    def _show_live(self, landscape: Landscape, keep_grid: bool) -> Effects:
        had_network = self._network_job is not None
        self._network_job = None
        self.landscape = landscape
        self.phase, self.reason = Phase.READY, ""
        if keep_grid and self.grid is not None:
            return Effects(cancel_network=had_network, race=True, redraw=True)
        self.grid = None
        return replace(self._queue_grid(redraw=True), cancel_network=had_network, race=True)

    def _queue_grid(self, redraw: bool) -> Effects:
        self._grid_job = GridJob(self.landscape, self.state.view.resolution)
        return Effects(cancel_grid=True, grid=self._grid_job, redraw=redraw)

    def _rerun(self) -> Effects:
        """The race's settings changed: run it again (train again on a network)."""
        if self.state.landscape.kind == LandscapeKind.NETWORK:
            return self._train()
        return Effects(race=True) if self.phase is Phase.READY else NOTHING

    def _train(self) -> Effects:
        """Clear the picture and the race, and train the session's network."""
        from landscape_app.state.network_settings import parse_network

        had_grid = self._grid_job is not None
        self._grid_job = None
        self.landscape, self.grid = None, None
        self._network_job = None
        effects = Effects(cancel_grid=had_grid, cancel_network=True, race=True, redraw=True)
        try:
            spec = parse_network(self.state.landscape.network, lane_count=len(self.state.lanes))
        except LandscapeError as error:
            self.phase, self.reason = Phase.UNAVAILABLE, str(error)
            return replace(effects, messages=(str(error),))
        if not self.state.lanes:
            self.phase = Phase.UNAVAILABLE
            self.reason = "add at least one optimizer to train on the network"
            return replace(effects, messages=(self.reason,))
        self._network_job = NetworkJob(
            spec, tuple(Racer(lane.label, lane.spec) for lane in self.state.lanes),
            self.state.max_steps, self.state.seed, self.sharpness_every())
        self.phase, self.reason = Phase.PREPARING, "training the network: the race starts " \
            "when its landscape is ready"
        return replace(effects, train=self._network_job)


def launch_session(options) -> SessionState:
    """The first session: the scene or session file the command line named (else the default
    race), with the command line's other choices applied.

    ``options`` is a :class:`~landscape_app.gui.app.LaunchOptions` or None. Its values were
    validated by the command line.
    """
    from landscape_app.core.optim.registry import parse_optimizer_spec
    from landscape_app.state.lanes import default_session, make_lanes

    if options is None:
        return default_session()
    state = options.session
    if state is None and options.scene_id is not None:  # the command line checked the id
        from landscape_app.state.scenes import load_scene

        state = load_scene(options.scene_id).state
    if state is None:
        state = default_session()
    if options.expression:
        state = replace(state, landscape=LandscapeSpec(
            "expression", expression=options.expression, x_range=options.x_range,
            y_range=options.y_range))
    elif options.function:
        state = replace(state, landscape=LandscapeSpec(LandscapeKind.FUNCTION, options.function))
    if options.optimizers:
        specs = [parse_optimizer_spec(text) for text in options.optimizers]
        state = replace(state, lanes=make_lanes(specs))
    if options.start is not None:
        state = replace(state, start=tuple(options.start))
    if options.max_steps is not None:
        state = replace(state, max_steps=options.max_steps)
    return state


__all__ = ["NOTHING", "Effects", "GridJob", "NetworkJob", "Phase", "SessionModel",
           "launch_session"]
