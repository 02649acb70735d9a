"""What Maps ▸ Compare optimizers runs: each lane with its main setting swept as the compare
command's default (around the lane's own learning rate), from the view's grid of starts (a
network: its initialisations); the lanes it cannot compare named; the record equal to the
engine's result."""


import numpy as np
import pytest

from landscape_app.core.catalogue.compare_sweeps import CompareSweep, default_sweep
from landscape_app.core.compare import compare, grid_starts, seed_starts
from landscape_app.core.errors import LandscapeError
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.engine.compare_jobs import lane_sweep, plan_compare, record_of
from landscape_app.state.compare_record import CompareSettings
from landscape_app.state.model import LandscapeSpec, Lane, SessionState, build_landscape

LANES = (Lane("gd", OptimizerSpec("sgd", {"lr": 0.01}), "#E69F00"),
         Lane("adam", OptimizerSpec("adam"), "#56B4E9"),
         Lane("lbfgs", OptimizerSpec("lbfgs"), "#009E73"))
STATE = SessionState(landscape=LandscapeSpec("function", "himmelblau"), lanes=LANES)
SMALL = CompareSettings(side=2, steps=12, tolerance=1e-3, count=3)


def test_a_lane_sweeps_four_decades_around_its_own_learning_rate():
    fixed, sweep = lane_sweep(OptimizerSpec("sgd", {"lr": 0.01, "weight_decay": 0.1}), 5)
    assert fixed == OptimizerSpec("sgd", {"weight_decay": 0.1})
    assert sweep == CompareSweep("lr", 1e-4, 1.0, True, 5)
    fixed, sweep = lane_sweep(OptimizerSpec("adam"), 8)  # the default lr, as the command's
    assert sweep == CompareSweep(**{**default_sweep("adam", {}).__dict__, "count": 8})
    assert lane_sweep(OptimizerSpec("pso", {"inertia": 0.5}), 4)[1].name == "inertia"


def test_the_plan_runs_the_views_grid_with_every_lane():
    landscape = build_landscape(STATE.landscape)
    job = plan_compare(STATE, landscape, SMALL)
    (x0, x1), (y0, y1) = landscape.box
    assert np.array_equal(job.starts, grid_starts((x0, x1), (y0, y1), 2))
    assert [index for index, _, _ in job.lanes] == [0, 1, 2]  # lbfgs: one start at a time
    assert job.skipped == ()
    with pytest.raises(LandscapeError, match="still being computed"):
        plan_compare(STATE, None, SMALL)
    with pytest.raises(LandscapeError, match="no optimizer to compare: the session has no"):
        plan_compare(SessionState(landscape=STATE.landscape), landscape, SMALL)
    with pytest.raises(LandscapeError, match="starts 0: must be 1 to 64"):
        plan_compare(STATE, landscape, CompareSettings(side=0))


def test_a_network_compares_initialisations_from_the_sessions_seed():
    state = SessionState(landscape=LandscapeSpec(kind="network", network={"model": "seed"}),
                         lanes=LANES[:2], seed=7)
    job = plan_compare(state, None, SMALL)
    assert np.array_equal(job.starts, seed_starts(7, 2))


def test_the_record_is_the_engines_result():
    landscape = build_landscape(STATE.landscape)
    job = plan_compare(STATE, landscape, SMALL)
    result = job.run()
    record = record_of(job, result)
    adam = default_sweep("adam", {})
    direct = compare(landscape.objective, [("sgd", [CompareSweep("lr", 1e-4, 1.0, True, 3)]),
                                           ("adam", [CompareSweep(adam.name, adam.low,
                                                                  adam.high, adam.log, 3)])],
                     job.starts, 12, 1e-3, seed=0)
    for o, lane in enumerate(record.lanes[:2]):
        assert (lane.lane, lane.label, lane.color) == job.lanes[o]
        assert lane.values == tuple(result.settings[o, :, 0])
        assert lane.success == tuple(result.success[o]) and lane.best == int(result.best[o])
        assert lane.tuning_curve == tuple(result.tuning_curve[o])
        assert np.array_equal(lane.median_loss, result.median_loss[o])
        assert np.array_equal(lane.median_evaluations, result.median_evaluations[o],
                              equal_nan=True)
    # the window's settings are the command's defaults, 3 values
    assert np.array_equal(result.settings[:2], direct.settings, equal_nan=True)
    assert np.array_equal(result.final_loss[:2], direct.final_loss)
    assert record.target == "himmelblau" and not record.network and record.goal == result.goal
