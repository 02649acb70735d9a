"""A comparison end to end on a function: figures from the runs, the NPZ read back, the
arguments refused in one line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from landscape_app.core.catalogue.compare_sweeps import CompareSweep
from landscape_app.core.compare import compare, grid_starts
from landscape_app.core.compare.tuning import tuning_curve
from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.core.files.compare_npz import read_compare_npz, write_compare_npz
from landscape_app.core.functions import get_function


@pytest.fixture(scope="module")
def result():
    sweeps = [("adam", [CompareSweep("lr", 1e-3, 0.5, True, 4)]),
              ("momentum", [CompareSweep("lr", 1e-4, 1e-2, True, 2),
                            CompareSweep("momentum", 0.0, 0.9, False, 2)])]
    return compare(get_function("himmelblau"), sweeps, grid_starts((-5, 5), (-5, 5), 3), 100,
                   1e-3, dtype="float64", device="cpu")


def test_the_figures_are_those_of_the_runs(result):
    assert result.final_loss.shape == (2, 4, 9)
    assert np.array_equal(result.success, np.mean(result.final_loss <= result.goal, axis=2))
    within = ((result.evaluations_to_tolerance >= 0)
              & (result.evaluations_to_tolerance <= result.budget))
    assert np.array_equal(result.success_at_budget, within.mean(axis=2))
    assert result.budget == 101 and result.goal == pytest.approx(1e-3)
    for o in range(2):
        assert np.array_equal(result.tuning_curve[o], tuning_curve(result.success[o], 4))
        assert result.success[o, result.best[o]] == result.success[o].max()
    # one evaluation per step, the start's included (fewer for runs that stopped early)
    assert result.evaluations.max() == 101 and result.evaluations.min() >= 1
    assert np.all(result.evaluations[result.steps_to_tolerance >= 0]
                  >= result.evaluations_to_tolerance[result.steps_to_tolerance >= 0])
    assert np.all(result.evaluations_to_tolerance == np.where(
        result.steps_to_tolerance >= 0, result.steps_to_tolerance + 1, -1))
    assert result.success[0].max() > 0  # Adam finds a minimum at some learning rate
    # the second sweep: lr slowest, momentum fastest
    assert result.sweep_names[1] == ("lr", "momentum")
    assert result.settings[1, :, 1].tolist() == [0.0, 0.9, 0.0, 0.9]
    assert np.isnan(result.settings[0, :, 1]).all()


def test_npz_reads_back(result, tmp_path):
    path = write_compare_npz(tmp_path / "compare.npz", result)
    back = read_compare_npz(path)
    assert back.arrays["optimizers"].tolist() == ["adam", "momentum"]
    assert back.arrays["sweep2_name"].tolist() == ["", "momentum"]
    for key, value in (("final_loss", result.final_loss), ("success", result.success),
                       ("tuning_curve", result.tuning_curve),
                       ("steps_to_tolerance", result.steps_to_tolerance),
                       ("evaluations", result.evaluations), ("starts", result.starts)):
        assert np.array_equal(back.arrays[key], value)
    assert back.metadata["budget"] == 101 and back.metadata["steps"] == 100
    assert json.loads(str(np.load(path)["metadata"]))["target"] == "himmelblau"


def test_unequal_tuning_budgets_and_bad_sweeps_are_refused():
    objective = get_function("himmelblau")
    starts = grid_starts((-5, 5), (-5, 5), 2)
    with pytest.raises(LandscapeError, match="same number of settings"):
        compare(objective, [("adam", [CompareSweep("lr", 1e-3, 0.1, True, 3)]),
                            ("sgd", [CompareSweep("lr", 1e-3, 0.1, True, 4)])], starts, 10, 0.1)
    with pytest.raises(LandscapeError, match="has no hyperparameter 'beta9'"):
        compare(objective, [("adam", [CompareSweep("beta9", 0.1, 0.2, False, 2)])], starts,
                10, 0.1)
    with pytest.raises(LandscapeError, match="both set"):
        compare(objective, [("adam:lr=0.1", [CompareSweep("lr", 1e-3, 0.1, True, 2)])],
                starts, 10, 0.1)


def test_cancel_stops_the_comparison():
    with pytest.raises(CancelledError):
        compare(get_function("himmelblau"), [("adam", [])], grid_starts((-5, 5), (-5, 5), 4),
                50, 1e-3, cancelled=lambda: True)
