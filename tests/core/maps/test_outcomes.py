"""Outcome book-keeping: stopped cells are frozen, NaNs stay in their rows, snapshots, cancel."""

import numpy as np
import pytest

from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.core.functions import get_function
from landscape_app.core.maps import StartGrid, Sweep, SweepAxis, compute_map
from landscape_app.core.objective import Problem
from landscape_app.core.optim import OptimizerSpec


def test_diverging_cells_do_not_poison_the_others():
    sweep = Sweep(SweepAxis("lr", 1e-4, 1.0, log=True), SweepAxis("momentum", 0.0, 0.9), 6,
                  start=(-1.5, 2.0))
    result = compute_map(get_function("rosenbrock"), "momentum", sweep, 60, dtype="float64",
                         device="cpu")
    stopped = result.status >= 2
    assert stopped.any() and (~stopped).any()
    assert np.isfinite(result.loss[~stopped]).all()
    # a small-lr cell equals its single run although its neighbours blew up
    optimizer = OptimizerSpec("momentum", {"lr": float(result.axis0[0]),
                                           "momentum": float(result.axis1[-1])}).create()
    optimizer.reset(Problem(get_function("rosenbrock")), np.array([-1.5, 2.0]))
    for _ in range(60):
        record = optimizer.step()
    np.testing.assert_array_equal(result.final[-1, 0], record.x)  # the single run's arithmetic
    # a diverged cell stopped before the end and kept its stopping position
    assert (result.stopped_at[stopped] < 60).all()


def test_snapshots_hold_each_cells_loss_after_the_chosen_steps():
    grid = StartGrid((-4.0, 4.0), (-4.0, 4.0), 5)
    result = compute_map(get_function("himmelblau"), "adam:lr=0.05", grid, 40,
                         dtype="float64", device="cpu", snapshot_steps=[0, 10, 40])
    assert result.snapshots.shape == (3, 5, 5)
    start_losses = get_function("himmelblau").evaluate(
        __import__("torch").as_tensor(grid.starts())).numpy().reshape(5, 5)
    # the same evaluations, stored: equal to the bit
    np.testing.assert_array_equal(result.snapshots[0], start_losses)
    np.testing.assert_array_equal(result.snapshots[2], result.loss)
    assert (result.best_loss <= result.snapshots.min(axis=0)).all()


def test_cancel_raises_and_progress_reaches_one():
    seen = []
    grid = StartGrid((-4.0, 4.0), (-4.0, 4.0), 4)
    compute_map(get_function("himmelblau"), "adam", grid, 32, device="cpu",
                progress=lambda stage, fraction: seen.append(fraction))
    assert seen[-1] == pytest.approx(1.0)
    with pytest.raises(CancelledError):
        compute_map(get_function("himmelblau"), "adam", grid, 32, device="cpu",
                    cancelled=lambda: True)


def test_a_start_map_needs_a_2d_landscape_and_limits_are_named():
    from landscape_app.core.nn import NetworkConfig

    with pytest.raises(LandscapeError, match="needs a 2D landscape"):
        compute_map(NetworkConfig(model="seed"), "adam", StartGrid((0, 1), (0, 1), 4), 5)
    with pytest.raises(LandscapeError, match="at most 4096"):
        StartGrid((0, 1), (0, 1), 5000)
