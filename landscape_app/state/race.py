"""From a :class:`~landscape_app.state.model.SessionState` to a core race, headless.

What the command line, the exporters and the tests use to re-run exactly what a session or
scene shows: the same objective, lanes, start, seed and step limit, hence the same
trajectories (every optimizer is seeded by the race seed).
"""

from __future__ import annotations

import numpy as np

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.objective import Objective
from landscape_app.core.runner import Race, Racer
from landscape_app.state.model import SessionState, build_objective
from landscape_app.state.network_settings import parse_network


def session_objective(state: SessionState, device: str = "cpu") -> Objective:
    """The objective of the session's landscape (a network's is built on ``device``)."""
    if state.landscape.kind == LandscapeKind.NETWORK:
        from landscape_app.core.nn import build_network

        spec = parse_network(state.landscape.network, lane_count=len(state.lanes))
        return build_network(spec.config, device)
    return build_objective(state.landscape)


def session_start(state: SessionState, objective: Objective) -> np.ndarray:
    """The session's start, or the landscape's suggested one when it has none."""
    if state.start is None:
        return np.asarray(objective.default_start(), dtype=float)
    return np.asarray(state.start, dtype=float)


def session_race(state: SessionState, objective: Objective | None = None,
                 device: str = "cpu", sharpness_every: int | None = None) -> Race:
    """A fresh :class:`~landscape_app.core.runner.Race` of every lane of ``state`` (on
    ``objective`` when it was built already, else on the session's, built on ``device``),
    measuring the sharpness every ``sharpness_every`` steps when given.

    Hidden lanes race too (hiding is a view setting).
    """
    objective = session_objective(state, device) if objective is None else objective
    racers = [Racer(lane.label, lane.spec) for lane in state.lanes]
    return Race(objective, racers, session_start(state, objective), seed=state.seed,
                max_steps=state.max_steps, sharpness_every=sharpness_every)
