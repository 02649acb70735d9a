"""The page's field paths (:func:`~landscape_app.engine.page.field_paths_for_page`): each
grid start's thinned path is the race run from that start, at the kept steps; lanes the map
engine cannot step have none."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.engine.page import field_paths_for_page, field_steps
from landscape_app.engine.recording import record_session
from landscape_app.state.lanes import make_lanes
from landscape_app.state.scenes import load_scene

STEPS = 60
#: Both runs are float64 with the same update arithmetic; the map engine's batched tensors may
#: round in another order: at most a few ulps per step, grown by the step count:
#: STEPS × ε × 8 (8: a stated growth factor for an update's handful of operations), relative
#: to coordinates of size ≤ 4 on this view.
TOLERANCE = STEPS * np.finfo(float).eps * 8 * 4


def test_field_steps_keep_the_first_and_last():
    assert field_steps(1000, 5).tolist() == [0, 250, 500, 750, 1000]
    assert field_steps(3, 64).tolist() == [0, 1, 2, 3]


def test_a_field_path_is_the_race_from_its_start():
    state = replace(load_scene("adam-vs-sgd").state, max_steps=STEPS)
    field = field_paths_for_page(state, record_session(state), side=6, points=7)
    assert field.lanes == (0, 1, 2) and field.steps.tolist() == [0, 10, 20, 30, 40, 50, 60]
    i, j = 1, 4
    race = record_session(replace(state, start=(float(field.xs[i]), float(field.ys[j]))))
    for k, lane in enumerate(field.lanes):
        positions = np.array([r.x for r in race.result.lanes[lane].records])
        assert len(positions) == STEPS + 1  # ran to the end: no lane stopped early
        np.testing.assert_allclose(field.paths[k][j, i], positions[field.steps], rtol=0,
                                   atol=TOLERANCE)


def test_lanes_the_map_engine_cannot_step_have_no_field():
    state = replace(load_scene("adam-vs-sgd").state, max_steps=10,
                    lanes=make_lanes([OptimizerSpec("lbfgs", {}),
                                      OptimizerSpec("adam", {"lr": 0.1})]))
    field = field_paths_for_page(state, record_session(state), side=4, points=3)
    assert field.lanes == (1,) and len(field.paths) == 1
    only = replace(state, lanes=state.lanes[:1])
    assert field_paths_for_page(only, record_session(only), side=4) is None
