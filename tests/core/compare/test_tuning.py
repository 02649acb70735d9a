"""The per-setting figures and the tuning curve of a comparison, against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from landscape_app.core.catalogue.compare_sweeps import (
    CompareSweep,
    default_sweep,
    parse_compare_sweep,
    setting_grid,
)
from landscape_app.core.compare.tuning import (
    best_setting,
    median_reached,
    success_rate,
    success_within,
    tuning_curve,
)
from landscape_app.core.errors import LandscapeError


@pytest.mark.parametrize("rates", [[0.0, 0.25, 1.0], [0.5, 0.5], [0.1, 0.9, 0.3, 0.3]])
def test_tuning_curve_is_the_mean_best_over_every_sequence_of_draws(rates):
    count = len(rates)
    curve = tuning_curve(np.array(rates), 4)
    for k in range(1, 5):
        draws = list(itertools.product(rates, repeat=k))  # every sequence, equally likely
        expected = sum(max(d) for d in draws) / count**k
        assert curve[k - 1] == pytest.approx(expected, rel=1e-14)  # sums of ≤ 256 terms
    assert curve[0] == pytest.approx(np.mean(rates), rel=1e-15)
    assert np.all(np.diff(curve) >= 0)


def test_success_counts_non_finite_losses_as_failures():
    final = np.array([[0.0, 0.2, np.nan, np.inf], [0.05, 0.1, 0.09, 0.11]])
    assert success_rate(final, 0.1).tolist() == [0.25, 0.75]


def test_success_at_a_budget_and_medians_over_the_runs_that_reached():
    spent = np.array([[5, 10, -1, 11], [-1, -1, -1, -1]])
    assert success_within(spent, 10).tolist() == [0.5, 0.0]
    medians = median_reached(spent)
    assert medians[0] == 10.0 and np.isnan(medians[1])


def test_best_setting_breaks_ties_by_the_lower_median_loss():
    assert best_setting(np.array([0.5, 0.9, 0.9]), np.array([0.1, 0.3, 0.2])) == 2


def test_sweep_text_counts_scales_and_grids():
    sweep = parse_compare_sweep("lr=1e-4:1:log:5")
    assert sweep == CompareSweep("lr", 1e-4, 1.0, True, 5)
    assert sweep.values() == pytest.approx([1e-4, 1e-3, 1e-2, 1e-1, 1.0], rel=1e-14)
    assert parse_compare_sweep("momentum=0:0.9:4").values() == pytest.approx(
        [0.0, 0.3, 0.6, 0.9])
    assert parse_compare_sweep("lr=1e-4:1").count == 32
    grid = setting_grid([CompareSweep("lr", 1, 2, False, 2), CompareSweep("momentum", 0, 0.5,
                                                                           False, 2)])
    assert grid == [(1, 0), (1, 0.5), (2, 0), (2, 0.5)]
    with pytest.raises(LandscapeError, match="count K must be a whole number"):
        parse_compare_sweep("lr=1e-4:1:log:many")


def test_default_sweep_spans_four_decades_around_the_default_learning_rate():
    sweep = default_sweep("adam", {"lr": 0.05})
    assert (sweep.name, sweep.log, sweep.count) == ("lr", True, 32)
    assert sweep.low == pytest.approx(5e-4) and sweep.high == pytest.approx(5.0)
    assert default_sweep("cmaes", {}).name == "sigma0"
