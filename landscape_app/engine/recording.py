"""A session's race run to the end ahead of time, with what the views need to draw any step.

The animation exporter (:mod:`landscape_app.gui.export.render`) draws frame after frame from a
:class:`Recording`: the landscape grid and how to colour it, and every lane's rows (the
columns of :mod:`landscape_app.engine.traces`: step, evals, grad_evals, time, loss, best_loss,
surface_loss, x, y). Recording imports no Qt, so it may run in a background thread while a
window stays responsive.

Two kinds of session:

- 2D landscapes (a test function or an expression): the race is run for ``steps`` steps
  (:func:`~landscape_app.state.race.session_race`, every optimizer seeded by the session seed)
  and the landscape is evaluated on its view box at the session's resolution.
- network landscapes: the lanes are trained ``steps`` steps on the network, a plane is chosen
  and evaluated (:func:`~landscape_app.core.nn.landscape_from_runs`), and each lane is shown by
  its projection on that plane, exactly as the window replays it.

Both are deterministic: recording the same session twice gives identical rows (the ``time``
column aside, which is wall time and is never drawn by the exporter).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.errors import LandscapeError
from landscape_app.core.grid import Grid2D
from landscape_app.core.progress import CancelPoll, StageProgress
from landscape_app.core.result import LaneResult, RaceResult
from landscape_app.core.runner import Racer
from landscape_app.engine.steppers import function_rows, path_rows
from landscape_app.engine.traces import COLUMN, LaneView
from landscape_app.state.lane_contrast import trail_colors
from landscape_app.state.model import SessionState, build_landscape
from landscape_app.state.race import session_objective, session_race, session_start


@dataclass(frozen=True)
class LaneDrawing:
    """A finished lane as a recording draws it: the lane itself, the session's colour and
    visibility, and its :class:`~landscape_app.engine.traces.LaneView` (the view the window
    draws, cut at any step by its ``upto``)."""

    lane: LaneResult
    color: str
    visible: bool
    view: LaneView

    @classmethod
    def of(cls, lane: LaneResult, color: str, visible: bool, rows: np.ndarray) -> LaneDrawing:
        """``lane`` drawn by its display ``rows`` (columns of
        :data:`~landscape_app.engine.traces.COLUMNS`)."""
        return cls(lane, color, visible,
                   LaneView.finished(lane.label, rows, lane.status, lane.message))

    @property
    def label(self) -> str:
        return self.lane.label

    @property
    def rows(self) -> np.ndarray:
        return self.view.rows


@dataclass(frozen=True)
class Recording:
    """Everything an export draws, for any step from 0 to :attr:`steps`.

    ``start`` is the start marker ``(x, y)`` (None on a network plane, where it is not a
    point the user chose); ``minima`` are ``(x, y)`` pairs; ``loss_offset`` is the known
    minimum value subtracted on the loss curves; ``equal_aspect`` is False on network planes,
    whose two axes have unrelated scales. ``result`` is the finished race (every step of every
    lane in full, all coordinates: the trajectory tables); ``lanes`` draw its lanes, in the same
    order; ``grid_metadata`` describes the grid for NPZ; ``network`` is the network's
    :class:`~landscape_app.core.nn.NetworkConfig` (None on a 2D landscape), from which the
    model view is drawn at each lane's recorded parameters; ``sharpness`` is every how many
    steps the rows' sharpness was measured (None: it was not).
    """

    title: str
    landscape: str
    grid: Grid2D
    log_scale: bool
    colormap: str
    contours: int
    minima: tuple[tuple[float, float], ...]
    loss_offset: float | None
    equal_aspect: bool
    start: tuple[float, float] | None
    steps: int
    lanes: tuple[LaneDrawing, ...]
    result: RaceResult
    grid_metadata: dict[str, Any]
    network: Any = None
    sharpness: int | None = None


def shown_colors(recording: Recording) -> Recording:
    """``recording`` with its lanes in the colours the window draws them in on its colour
    map (:func:`~landscape_app.state.lane_contrast.trail_colors`: a colour that would vanish
    on the map is replaced, as when the window opens the same session)."""
    colors = trail_colors(tuple(drawing.color for drawing in recording.lanes),
                          recording.colormap)
    lanes = tuple(replace(drawing, color=color)
                  for drawing, color in zip(recording.lanes, colors, strict=True))
    return replace(recording, lanes=lanes)


def record_session(state: SessionState, steps: int | None = None, device: str = "auto",
                   progress: StageProgress | None = None,
                   cancelled: CancelPoll | None = None, sharpness: bool = False) -> Recording:
    """Run ``state``'s race for ``steps`` steps (default its ``max_steps``) and grid it.

    Parameters
    ----------
    state : SessionState
        A scene or session.
    steps : int, optional
        Steps per lane; replaces the session's ``max_steps`` (the first ``steps`` steps of a
        longer race are the same, every optimizer being deterministic given the seed).
    device : str
        Where a network is trained and its surface evaluated (``auto``, ``cpu``, ``cuda``).
    progress, cancelled :
        ``progress(stage, fraction)`` with stages ``race`` and ``grid`` (2D), ``train``,
        ``plane`` and ``surface`` (networks); a cancellation poll
        (:class:`~landscape_app.core.errors.CancelledError` when it says so).
    sharpness : bool
        Measure every lane's sharpness as the window's sharpness panel does (every step in
        2D, every :data:`~landscape_app.core.sharpness_probe.DEFAULT_NETWORK_EVERY` on a
        network); the rows' sharpness columns hold it, and :attr:`Recording.sharpness` is set.

    Raises
    ------
    LandscapeError
        A session with no optimizer, or a network whose every lane diverged.
    """
    if not state.lanes:
        raise LandscapeError("the session has no optimizer to race; add one first")
    steps = state.max_steps if steps is None else int(steps)
    if steps < 1:
        raise LandscapeError(f"steps must be at least 1, got {steps}")
    state = replace(state, max_steps=steps)
    every = None
    network = state.landscape.kind == LandscapeKind.NETWORK
    if sharpness:
        from landscape_app.core.sharpness_probe import DEFAULT_NETWORK_EVERY

        every = DEFAULT_NETWORK_EVERY if network else 1
    if network:
        recording = _record_network(state, device, progress, cancelled, every)
    else:
        recording = _record_function(state, progress, cancelled, every)
    return replace(recording, sharpness=every)


def _record_function(state: SessionState, progress: StageProgress | None,
                     cancelled: CancelPoll | None, every: int | None) -> Recording:
    landscape = build_landscape(state.landscape)
    race = session_race(state, landscape.objective, sharpness_every=every)
    result = race.run(progress=progress, cancelled=cancelled)
    grid = landscape.grid(state.view.resolution, progress=progress, cancelled=cancelled)
    log_scale = landscape.scale(state.view.log_scale)
    lanes = tuple(LaneDrawing.of(run, lane.color, lane.visible,
                                 function_rows(landscape.objective, run.records))
                  for lane, run in zip(state.lanes, result.lanes, strict=True))
    start = tuple(float(v) for v in race.start_point[:2])
    minima = tuple((float(m.position[0]), float(m.position[1])) for m in landscape.minima)
    return Recording(
        title=state.title, landscape=landscape.name, grid=grid, log_scale=log_scale,
        colormap=state.view.colormap, contours=state.view.contours, minima=minima,
        loss_offset=landscape.loss_offset, equal_aspect=landscape.equal_aspect, start=start,
        steps=state.max_steps, lanes=lanes, result=result,
        grid_metadata=landscape.metadata(log_scale),
    )


def _record_network(state: SessionState, device: str, progress: StageProgress | None,
                    cancelled: CancelPoll | None, every: int | None) -> Recording:
    from landscape_app.core.nn import landscape_from_runs, train_race
    from landscape_app.state.network_settings import parse_network

    spec = parse_network(state.landscape.network, lane_count=len(state.lanes))
    objective = session_objective(state, device)
    start = session_start(state, objective)
    racers = [Racer(lane.label, lane.spec) for lane in state.lanes]
    result = train_race(objective, racers, state.max_steps, seed=state.seed, start=start,
                        progress=progress, cancelled=cancelled, sharpness_every=every)
    land = landscape_from_runs(objective, result.lanes, spec.directions, spec.resolution,
                               margin=spec.margin, seed=state.seed, plane_lane=spec.plane_lane,
                               progress=progress, cancelled=cancelled)
    grid = land.grid()
    paths = {path.label: path for path in land.lanes}
    lanes = tuple(
        LaneDrawing.of(run, lane.color, lane.visible,
                       path_rows(paths[run.label]) if run.label in paths
                       else np.empty((0, len(COLUMN))))
        for lane, run in zip(state.lanes, result.lanes, strict=True)
    )
    log_scale = land.scale(state.view.log_scale)
    return Recording(
        title=state.title, landscape=land.name, grid=grid, log_scale=log_scale,
        colormap=state.view.colormap, contours=state.view.contours, minima=(),
        loss_offset=land.loss_offset, equal_aspect=land.equal_aspect, start=None,
        steps=state.max_steps, lanes=lanes, result=result,
        grid_metadata=land.metadata(log_scale), network=land.config,
    )
