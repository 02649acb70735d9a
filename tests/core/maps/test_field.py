"""Trajectory fields: every start's whole path equals its own race, step by step (float64).

Where the field runs the single run's arithmetic the paths are held to equality: plain SGD's
fused update is the single run's one multiply-add θ + (−η)·g, and RAdam and Heun step
torch.optim's single-tensor code on the stacked rows (rows never mix) — diverging and
stopping rows included. Adam's fused kernel may round differently; its bound is derived
beside that test (:mod:`tests.core.rounding`).
"""

from __future__ import annotations

import numpy as np
import pytest

from landscape_app.core.errors import LandscapeError
from landscape_app.core.functions import get_function
from landscape_app.core.maps import StartGrid
from landscape_app.core.maps.field import compute_field
from landscape_app.core.optim import OptimizerSpec
from landscape_app.core.runner import Race, Racer
from landscape_app.core.status import lane_status
from tests.core.rounding import derived_bound, relative_deviation

STEPS = 60

#: Adam's fused kernel against the single run's single-tensor code: at most 16 roundings per
#: element and step may differ (Adam with AMSGrad and weight decay, the longest; plain Adam has
#: fewer), each ≤ eps; the later steps carry a difference without growth on these paths
#: (Adam's step ≤ η, the paths settle into a minimum's basin) except through β₁ = 0.9's
#: geometric memory, ≤ 1/(1 − 0.9) = 10 — over STEPS steps.
FUSED_RTOL = derived_bound(STEPS * 16, growth=1 / (1 - 0.9))

#: name → (function, optimizer, settings, grid, tolerance of the comparison).
CASES = {
    # far starts blow up at several steps, near ones settle: stopping paths
    "sgd": ("himmelblau", "sgd", {"lr": 0.01}, StartGrid((-9.0, 9.0), (-9.0, 9.0), 5), 0.0),
    "radam": ("rosenbrock", "radam", {"lr": 1e-2}, StartGrid((-1.5, 1.0), (-0.5, 2.0), 3), 0.0),
    "heun": ("rosenbrock", "heun", {"lr": 1e-3}, StartGrid((-1.5, 1.0), (-0.5, 2.0), 3), 0.0),
    "adam": ("himmelblau", "adam", {"lr": 0.05}, StartGrid((-4.0, 4.0), (-4.0, 4.0), 4),
             FUSED_RTOL),
}


def _race(objective, spec, start):
    race = Race(objective, [Racer("a", spec)], np.asarray(start, dtype=float), max_steps=STEPS)
    return race.run().lanes[0]


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_path_is_its_race(case):
    function, optimizer_id, settings, grid, rtol = CASES[case]
    objective = get_function(function)
    spec = OptimizerSpec(optimizer_id, settings)
    field = compute_field(objective, spec, grid, STEPS, device="cpu", chunk_rows=4)
    assert field.paths.shape == (grid.res**2, STEPS + 1, 2)
    np.testing.assert_array_equal(field.path_steps, np.arange(STEPS + 1))
    for index, start in enumerate(grid.starts()):
        lane = _race(objective, spec, start)
        positions, losses, steps = field.path(index)
        where = f"{case} from {start}"
        np.testing.assert_array_equal(steps, [r.step for r in lane.records], err_msg=where)
        expected = np.array([r.x for r in lane.records])
        expected_loss = np.array([r.loss for r in lane.records])
        if rtol == 0.0:
            np.testing.assert_array_equal(positions, expected, err_msg=where)
            np.testing.assert_array_equal(losses, expected_loss, err_msg=where)
        else:
            assert relative_deviation(positions, expected) <= rtol, where
        assert field.stopped_at[index] == lane.records[-1].step, where
        assert lane_status(field.status[index], field.stopped_at[index], STEPS) \
            is lane.status, where


def test_the_sgd_field_has_paths_that_stop_and_repeat_their_last_point():
    function, optimizer_id, settings, grid, _ = CASES["sgd"]
    field = compute_field(get_function(function), OptimizerSpec(optimizer_id, settings), grid,
                          STEPS, device="cpu")
    stopped = np.flatnonzero(field.stopped_at < STEPS)
    assert len(set(field.stopped_at[stopped].tolist())) >= 2  # rows stop at several steps
    for index in stopped:
        end = field.stopped_at[index]
        tail = field.paths[index, end:]
        np.testing.assert_array_equal(tail, np.broadcast_to(tail[0], tail.shape))
        np.testing.assert_array_equal(field.path_loss[index, end:], field.path_loss[index, end])


def test_paths_that_stop_at_the_last_step_end_at_their_stopping_point():
    """A row that stops at the very last step is never recorded there (it left the batch):
    its last point is filled from where it stopped, as the longer run shows it."""
    function, optimizer_id, settings, grid, _ = CASES["sgd"]
    objective, spec = get_function(function), OptimizerSpec(optimizer_id, settings)
    longer = compute_field(objective, spec, grid, STEPS, device="cpu")
    for end in sorted(set(longer.stopped_at[longer.stopped_at < STEPS].tolist()) - {0}):
        field = compute_field(objective, spec, grid, end, device="cpu")
        ending = np.flatnonzero(longer.stopped_at == end)
        np.testing.assert_array_equal(field.stopped_at[ending], end)
        np.testing.assert_array_equal(field.status[ending], longer.status[ending])
        np.testing.assert_array_equal(field.paths[ending], longer.paths[ending, :end + 1])
        np.testing.assert_array_equal(field.path_loss[ending],
                                      longer.path_loss[ending, :end + 1])


def test_a_thinned_field_keeps_the_full_fields_points_and_the_exact_last_point():
    objective = get_function("himmelblau")
    grid = StartGrid((-9.0, 9.0), (-9.0, 9.0), 5)
    full = compute_field(objective, "sgd:lr=0.01", grid, STEPS, device="cpu")
    thin = compute_field(objective, "sgd:lr=0.01", grid, STEPS, thin=7, device="cpu")
    assert len(thin.path_steps) <= 7 and thin.path_steps[0] == 0
    assert thin.path_steps[-1] == STEPS
    # the same run, recorded at fewer steps: the kept points are the full field's, bit for bit
    np.testing.assert_array_equal(thin.paths, full.paths[:, thin.path_steps])
    np.testing.assert_array_equal(thin.path_loss, full.path_loss[:, thin.path_steps])
    # a path's last point is where it ended, stopped early or not
    for index in range(grid.res**2):
        np.testing.assert_array_equal(thin.path(index)[0][-1], full.path(index)[0][-1])
        np.testing.assert_array_equal(thin.path(index)[0][-1], thin.outcome.final.reshape(-1, 2)
                                      [index])


def test_chunks_change_nothing():
    """RAdam steps torch's single-tensor code: rows never mix, so chunks of any size give the
    same numbers (a fused kernel may round a row by where it falls in a vector: not here)."""
    objective = get_function("rosenbrock")
    grid = StartGrid((-2.0, 2.0), (-1.0, 3.0), 6)
    whole = compute_field(objective, "radam:lr=1e-2", grid, 40, device="cpu")
    chunked = compute_field(objective, "radam:lr=1e-2", grid, 40, device="cpu", chunk_rows=5)
    np.testing.assert_array_equal(whole.paths, chunked.paths)
    np.testing.assert_array_equal(whole.path_loss, chunked.path_loss)


def test_the_default_grid_is_64_squared_over_the_view_and_nearest_finds_a_start():
    objective = get_function("himmelblau")
    field = compute_field(objective, "adam:lr=0.05", steps=3, thin=2, device="cpu")
    view = objective.view
    assert field.grid == StartGrid((view.x0, view.x1), (view.y0, view.y1), 64)
    assert field.paths.shape == (64 * 64, 2, 2)
    start = field.starts[1234]
    assert field.nearest(start[0] + 1e-3, start[1] - 1e-3) == 1234
    assert field.nearest(-1e9, -1e9) == 0 and field.nearest(1e9, 1e9) == 64 * 64 - 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"thin": 1}, "at least 2 points"),
    ({"steps": 0}, "steps"),
    ({"optimizer": "lbfgs"}, "L-BFGS"),
    ({"grid": StartGrid((-5.0, 5.0), (-5.0, 5.0), 4096), "steps": 300}, "fewer points"),
])
def test_what_cannot_be_a_field_is_refused_in_one_line(kwargs, message):
    arguments = {"objective": get_function("himmelblau"), "optimizer": "adam", "steps": 10,
                 **kwargs}
    with pytest.raises(LandscapeError, match=message):
        compute_field(**arguments, device="cpu")
