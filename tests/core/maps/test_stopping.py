"""Stopped rows leave the batch: every cell still ends exactly as its own race, whatever
stops around it and when (float64) — status, stopping step, final position and loss, best
loss and steps to the target."""

from __future__ import annotations

import numpy as np
import pytest

from landscape_app.core.functions import get_function
from landscape_app.core.maps import StartGrid, Sweep, SweepAxis, compute_map
from landscape_app.core.maps.tracker import SCALAR_CHECK_MAX
from landscape_app.core.optim import OptimizerSpec
from landscape_app.core.runner import Race, Racer
from landscape_app.core.status import CellStatus, cell_status, lane_status

STEPS = 60
TOLERANCE = 1e-6
SEED = 3

#: name → (function, optimizer id, fixed settings, region). Each map has rows that stop
#: at several steps for different reasons while others run on.
CASES = {
    # per-cell momentum: cells converge exactly or diverge at a dozen different steps
    "momentum-sweep": ("sphere", "momentum", {},
                       Sweep(SweepAxis("lr", 0.05, 3.0, log=True),
                             SweepAxis("momentum", 0.0, 0.6), 6, start=(0.8, -0.6))),
    # all four outcomes: exact convergence, divergence, an overflowing loss, still running
    "overflow": ("sphere", "momentum", {"momentum": 0.3},
                 Sweep(SweepAxis("lr", 0.05, 3.0, log=True),
                       SweepAxis("weight_decay", 1e-3, 1e200, log=True), 6, start=(0.8, -0.6))),
    # per-cell schedules (torch's scheduler per distinct rate) while cells diverge
    "adamw-cosine": ("rosenbrock", "adamw", {"schedule": "cosine", "t_max": 30, "warmup": 3},
                     Sweep(SweepAxis("lr", 1e-3, 1e5, log=True),
                           SweepAxis("beta1", 0.5, 0.95), 5, start=(-1.5, 2.0))),
    # Lookahead's per-cell α and slow weights, gradient noise drawn for every row
    "lookahead-noise": ("himmelblau", "lookahead", {"inner": "sgd", "grad_noise": 0.5},
                        Sweep(SweepAxis("lr", 1e-3, 3.0, log=True),
                              SweepAxis("lookahead_alpha", 0.2, 0.8), 5, start=(1.0, -1.0))),
    # a swept noise level σ per cell
    "sgd-noise-sweep": ("himmelblau", "sgd", {},
                        Sweep(SweepAxis("grad_noise", 0.0, 2.0),
                              SweepAxis("lr", 1e-3, 0.5, log=True), 5, start=(-2.0, 3.0))),
    # damped Newton's per-cell step and damping, cells converging at different steps
    "newton-sweep": ("rosenbrock", "newton", {},
                     Sweep(SweepAxis("lr", 0.3, 1.0, log=True),
                           SweepAxis("damping", 1e-3, 10.0, log=True), 4, start=(-1.5, 2.0))),
    # torch.optim itself on the stacked starts: far starts blow up, near ones settle
    "sgd-starts": ("himmelblau", "sgd", {"lr": 0.01}, StartGrid((-9.0, 9.0), (-9.0, 9.0), 5)),
}


def _cells(region, settings: dict):
    """(j, i, settings of that cell, start) for every cell of the map."""
    res = region.res
    for j in range(res):
        for i in range(res):
            if isinstance(region, StartGrid):
                yield j, i, settings, (region.axis0[i], region.axis1[j])
            else:
                values = (region.axis0.values(res)[i], region.axis1.values(res)[j])
                names = (region.axis0.name, region.axis1.name)
                cell = {**settings, **{n: float(v) for n, v in zip(names, values, strict=True)}}
                yield j, i, cell, region.start


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_cell_ends_as_its_race(case):
    function, optimizer_id, settings, region = CASES[case]
    objective = get_function(function)
    spec = OptimizerSpec(optimizer_id, settings)
    result = compute_map(objective, spec, region, STEPS, tolerance=TOLERANCE, dtype="float64",
                         device="cpu", seed=SEED, snapshot_steps=(0, 7, STEPS))
    stopped = result.stopped_at < STEPS
    # the map is one that exercises the batch shrinking: rows stop at several steps
    assert len(set(result.stopped_at[stopped].tolist())) >= 2, case
    assert (~stopped).any(), case
    target = (objective.best_known_value or 0.0) + TOLERANCE
    # Equality: the sweeps run the race's own arithmetic (tests/core/maps/test_exactness.py);
    # "sgd-starts" runs torch's fused SGD, whose update without momentum or weight decay is
    # the single run's one multiply-add θ + (−η)·g (add(alpha=) and the fused kernel both
    # use fmadd), so the rows equal the races there too — diverging rows included, where no
    # bound on a difference would hold.
    rtol = 0.0
    for j, i, cell, start in _cells(region, settings):
        race = Race(objective, [Racer("a", OptimizerSpec(optimizer_id, cell))],
                    np.asarray(start, dtype=float), max_steps=STEPS, seed=SEED)
        lane = race.run().lanes[0]
        last = lane.records[-1]
        losses = np.array([r.loss for r in lane.records])
        where = f"{case} cell ({j}, {i}) {cell} from {start}"
        assert result.stopped_at[j, i] == last.step, where
        np.testing.assert_allclose(result.final[j, i], last.x, rtol=rtol, atol=0,
                                   err_msg=where)
        np.testing.assert_allclose(result.loss[j, i], last.loss, rtol=rtol, atol=0, err_msg=where)
        np.testing.assert_allclose(result.best_loss[j, i], np.fmin.reduce(losses),
                                   rtol=rtol, atol=0, err_msg=where)
        within = np.flatnonzero(losses <= target)
        assert result.steps_to_tolerance[j, i] == (within[0] if len(within) else -1), where
        for frame, step in enumerate((0, 7, STEPS)):
            expected = losses[min(step, len(losses) - 1)]
            np.testing.assert_allclose(result.snapshots[frame, j, i], expected, rtol=rtol, atol=0,
                                       err_msg=f"{where}, snapshot of step {step}")
        status = result.status[j, i]
        assert status == cell_status(lane.status, last.loss, last.x, target), where
        assert lane_status(status, result.stopped_at[j, i], STEPS) is lane.status, where


def test_the_overflow_map_shows_every_outcome():
    """The overflow map above is the one with all four outcomes; keep it so."""
    function, optimizer_id, settings, region = CASES["overflow"]
    result = compute_map(get_function(function), OptimizerSpec(optimizer_id, settings), region,
                         STEPS, tolerance=TOLERANCE, dtype="float64", device="cpu")
    codes = set(result.status.ravel().tolist())
    assert codes == set(CellStatus)
    converged_early = (result.status == CellStatus.CONVERGED) & (result.stopped_at < STEPS)
    assert converged_early.any()


def test_a_map_whose_rows_all_stop_ends_early_with_its_snapshots_filled():
    sweep = Sweep(SweepAxis("lr", 1e3, 1e200, log=True), SweepAxis("momentum", 0.0, 0.5), 4,
                  start=(0.8, -0.6))
    seen = []
    result = compute_map(get_function("sphere"), "momentum", sweep, 500, dtype="float64",
                         device="cpu", snapshot_steps=(0, 1, 499), chunk_rows=5,
                         progress=lambda stage, fraction: seen.append(fraction))
    assert seen[-1] == pytest.approx(1.0) and seen == sorted(seen)
    assert (result.stopped_at <= 2).all()
    assert set(result.status.ravel().tolist()) <= {CellStatus.DIVERGED, CellStatus.NON_FINITE}
    np.testing.assert_array_equal(result.snapshots[2], result.loss)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", ["overflow", "momentum-sweep", "newton-sweep", "sgd-starts"])
def test_a_small_batch_stops_its_rows_as_a_large_one_does(case, dtype):
    """A batch of at most ``SCALAR_CHECK_MAX`` coordinates (a drag preview's single row) asks
    the whole-batch questions in Python, a larger one with torch's reductions, and a single
    row keeps its path as Python numbers: chunks of 1 and 8 rows (2 and 16 coordinates) end
    every cell exactly as the one-chunk map does — outcomes, stopping steps, positions,
    losses, snapshots and paths all equal, no tolerance (the questions only choose which rows
    the same per-row tests look at; a float64 or float32 read into Python and back is
    itself)."""
    assert SCALAR_CHECK_MAX == 16  # the chunk of 8 rows below is the largest small batch
    function, optimizer_id, settings, region = CASES[case]
    maps = [compute_map(get_function(function), OptimizerSpec(optimizer_id, settings), region,
                        STEPS, tolerance=TOLERANCE, dtype=dtype, device="cpu", seed=SEED,
                        snapshot_steps=(0, 7, STEPS), chunk_rows=rows,
                        path_steps=range(0, STEPS + 1, 3))
            for rows in (None, 1, 8)]
    assert len(set(maps[0].status.ravel().tolist())) >= 2  # rows stop for different reasons
    for small in maps[1:]:
        for name in ("status", "stopped_at", "final", "loss", "best_loss",
                     "steps_to_tolerance", "snapshots", "paths", "path_loss"):
            np.testing.assert_array_equal(getattr(small, name), getattr(maps[0], name),
                                          err_msg=f"{case}: {name}")
