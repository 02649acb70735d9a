"""The race's and the map's words for how a run ended, and the one mapping between them: a map
cell "converged" before the last step is a converged lane, at the last step (by the tolerance)
a finished one; both directions hold for real runs (tests/core/maps/test_stopping.py checks
them on every cell of maps whose rows stop for every reason)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from landscape_app.core.functions import get_function
from landscape_app.core.maps import StartGrid, compute_map
from landscape_app.core.optim import OptimizerSpec
from landscape_app.core.runner import Race, Racer
from landscape_app.core.status import (
    STATUS_NAMES,
    CellStatus,
    Status,
    cell_status,
    lane_status,
)

STEPS = 60


def test_the_cell_codes_are_what_map_files_store():
    assert [int(code) for code in CellStatus] == [0, 1, 2, 3]
    assert STATUS_NAMES == ("running", "converged", "diverged", "non-finite")


@pytest.mark.parametrize(("code", "stopped_at", "expected"), [
    (CellStatus.CONVERGED, 12, Status.CONVERGED),   # the optimizer's own test
    (CellStatus.CONVERGED, STEPS, Status.FINISHED),  # within tolerance after every step
    (CellStatus.RUNNING, STEPS, Status.FINISHED),
    (CellStatus.DIVERGED, 3, Status.DIVERGED),
    (CellStatus.DIVERGED, STEPS, Status.DIVERGED),
    (CellStatus.NON_FINITE, 5, Status.DIVERGED),
    (np.int8(1), np.int64(7), Status.CONVERGED),  # codes as a map's arrays hold them
])
def test_a_cell_is_the_lane_its_stopping_step_says(code, stopped_at, expected):
    assert lane_status(code, stopped_at, STEPS) is expected


def test_a_cell_that_stopped_early_without_a_reason_is_refused():
    with pytest.raises(ValueError, match="stopped early"):
        lane_status(CellStatus.RUNNING, 4, STEPS)


@pytest.mark.parametrize(("status", "loss", "x", "expected"), [
    (Status.FINISHED, 1e-7, (0.0, 0.0), CellStatus.CONVERGED),
    (Status.FINISHED, 1e-5, (0.0, 0.0), CellStatus.RUNNING),
    (Status.CONVERGED, 0.3, (1.0, 1.0), CellStatus.CONVERGED),
    (Status.DIVERGED, 1e9, (1e5, 0.0), CellStatus.DIVERGED),
    (Status.DIVERGED, math.inf, (1e5, 0.0), CellStatus.NON_FINITE),
    (Status.DIVERGED, 1.0, (math.nan, 0.0), CellStatus.NON_FINITE),
])
def test_a_lane_is_the_cell_its_final_loss_and_position_say(status, loss, x, expected):
    assert cell_status(status, loss, np.array(x), target=1e-6) is expected


@pytest.mark.parametrize("status", [Status.FAILED, Status.RUNNING])
def test_a_lane_with_no_cell_is_refused(status):
    with pytest.raises(ValueError, match="no map cell"):
        cell_status(status, 1.0, np.zeros(2), 1e-6)


def test_a_cell_converged_by_tolerance_at_the_last_step_is_a_finished_lane():
    """SGD at η = 0.1 on the sphere shrinks x by 0.8 a step: after 60 steps from
    |x| ≤ 0.5 the loss is ≤ 2·(0.5·0.8⁶⁰)² ≈ 1.2e-12, within the 1e-6 tolerance, while the
    gradient, 2·|x| ≈ 1.5e-6, is far above the optimizer's own test (1e-10): the map says
    converged at step 60, the race finished."""
    sphere, spec = get_function("sphere"), OptimizerSpec("sgd", {"lr": 0.1})
    grid = StartGrid((0.25, 0.5), (0.25, 0.5), 2)
    result = compute_map(sphere, spec, grid, STEPS, tolerance=1e-6, dtype="float64",
                         device="cpu")
    assert (result.status == CellStatus.CONVERGED).all() and (result.stopped_at == STEPS).all()
    target = (sphere.best_known_value or 0.0) + 1e-6
    for index, start in enumerate(grid.starts()):
        j, i = divmod(index, grid.res)
        lane = Race(sphere, [Racer("sgd", spec)], start, max_steps=STEPS).run().lanes[0]
        assert lane.status is Status.FINISHED
        assert lane_status(result.status[j, i], result.stopped_at[j, i], STEPS) is Status.FINISHED
        assert cell_status(lane.status, lane.final_loss, lane.last.x, target) \
            == result.status[j, i]
