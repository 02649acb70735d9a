"""The fair seed experiment's batched methods (Adam) give the single races' numbers.

Adam's runs go through the batched comparison: its rows share one forward/backward pass whose
32-sample mean may be summed in another order than one network's, ``forward_bound(32, (2, 2))``
per step, carried by Adam's longest memory (β₁ = 0.9: ≤ 1/(1 − 0.9) = 10) over the budget's
steps: 1.1e-10. The evaluation counts are the race's exactly (one per step, the start's
included).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from landscape_app.core.errors import LandscapeError
from landscape_app.core.nn.models import initial_weights
from landscape_app.core.nn.network_objective import build_network
from landscape_app.core.nn.seed_experiment import SEED_CONFIG
from landscape_app.core.nn.seed_fair import FAIR_METHODS, RACE_SEED, run_fair_seed_experiment
from landscape_app.core.optim import parse_optimizer_spec
from landscape_app.core.runner import Race, Racer
from tests.core.rounding import forward_bound

INITS, SETTINGS, BUDGET = 2, 3, 120
RTOL = BUDGET * forward_bound(32, (2, 2)) / (1 - 0.9)  # 1.1e-10


def test_adams_batched_runs_are_the_single_races_at_the_budget():
    adam = FAIR_METHODS[0]
    row = run_fair_seed_experiment(INITS, SETTINGS, BUDGET, methods=[adam]).rows[0]
    objective = build_network(SEED_CONFIG, "cpu")
    assert row.values.tolist() == [1e-3, 0.1, 10.0]
    for k, value in enumerate(row.values):
        text = adam.spec_text(value, BUDGET, 10)
        for s, init in enumerate(range(42, 42 + INITS)):
            race = Race(objective, [Racer(text, parse_optimizer_spec(text))],
                        initial_weights(SEED_CONFIG, init), seed=RACE_SEED, max_steps=BUDGET)
            last = [r for r in race.run().lanes[0].records if r.evals <= BUDGET][-1]
            assert row.runs.final_loss[k, s] == pytest.approx(last.loss, rel=RTOL, abs=0)
            assert row.runs.evaluations[k, s] == last.evals == BUDGET


def test_the_sweep_holds_the_values_the_runs_are_given():
    cmaes = FAIR_METHODS[3]
    values = cmaes.values(5)
    assert values[1] == 0.0790569  # geometric 0.025 … 2.5, to 6 significant digits
    assert [cmaes.spec_text(v, 100, 10) for v in values][1].startswith("cmaes:sigma0=0.0790569,")


def test_a_batched_method_spending_more_than_one_evaluation_per_step_is_refused():
    # Heun's step evaluates the gradient twice; a small step keeps it from diverging early
    heun = dataclasses.replace(FAIR_METHODS[0], spec="heun:lr={value}", article_value=1e-6)
    with pytest.raises(LandscapeError, match="more than one evaluation per step"):
        run_fair_seed_experiment(1, 1, 20, methods=[heun])


def test_the_budget_leaves_a_step():
    with pytest.raises(LandscapeError, match="steps 0"):
        run_fair_seed_experiment(1, 1, 1, methods=FAIR_METHODS[:1])
    assert np.isfinite(run_fair_seed_experiment(1, 1, 2, methods=FAIR_METHODS[:1])
                       .rows[0].runs.final_loss).all()
