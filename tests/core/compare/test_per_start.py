"""The per-start runner: every (setting, start) is the single race from that start, exactly."""

from __future__ import annotations

import math
import multiprocessing

import numpy as np
import pytest

from landscape_app.core.compare.per_start import run_per_start
from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.core.functions import get_function
from landscape_app.core.nn.models import NetworkConfig, build_problem, initial_weights
from landscape_app.core.nn.network_objective import build_network
from landscape_app.core.optim import parse_optimizer_spec
from landscape_app.core.runner import Race, Racer

HIMMELBLAU = get_function("himmelblau")
STARTS = np.array([[0.0, 0.0], [-3.0, 3.0], [2.0, -2.5]])
#: Every non-mappable optimizer, random ones included (they use the run's seed).
SPECS = ["lbfgs", "slsqp", "pso:swarm_size=8", "cmaes:sigma0=0.1", "sa",
         "dual-annealing:maxiter=20"]
GOAL = 1e-3
FIELDS = ("final_loss", "steps_to_tolerance", "evaluations_to_tolerance", "evaluations")


def single_run(objective, text: str, start, steps: int, seed: int, budget: float = math.inf):
    """What one ``Race`` from ``start`` gives: (final loss, step and evals to GOAL, evals), its
    records cut after the last one within ``budget`` evaluations."""
    spec = parse_optimizer_spec(text)
    lane = Race(objective, [Racer(text, spec)], start, seed=seed, max_steps=steps).run().lanes[0]
    records = [r for r in lane.records if r.evals <= budget] or list(lane.records[:1])
    reached = next((r for r in records if r.loss <= GOAL), None)
    return (records[-1].loss, -1 if reached is None else reached.step,
            -1 if reached is None else reached.evals, records[-1].evals)


def as_tuples(arrays, setting: int, start: int):
    return tuple(getattr(arrays, name)[setting, start].item() for name in FIELDS)


def test_every_run_is_the_single_race_from_its_start():
    arrays = run_per_start(HIMMELBLAU, [parse_optimizer_spec(t) for t in SPECS], STARTS, 40,
                           GOAL, dtype="float64", seed=3, workers=1)
    assert arrays.final_loss.shape == (len(SPECS), len(STARTS))
    assert arrays.final_loss.dtype == np.float64 and arrays.evaluations.dtype == np.int64
    for setting, text in enumerate(SPECS):
        for start, point in enumerate(STARTS):
            assert as_tuples(arrays, setting, start) == single_run(HIMMELBLAU, text, point, 40, 3)
    assert (arrays.steps_to_tolerance >= 0).any() and (arrays.steps_to_tolerance == -1).any()


def test_a_budget_cuts_each_run_at_its_last_record_within_it():
    specs = ["pso:swarm_size=8", "cmaes:sigma0=0.1", "lbfgs:max_eval=25"]
    arrays = run_per_start(HIMMELBLAU, [parse_optimizer_spec(t) for t in specs], STARTS, 200,
                           GOAL, dtype="float64", seed=0, workers=1, budget=100)
    assert arrays.evaluations.max() <= 100
    for setting, text in enumerate(specs):
        for start, point in enumerate(STARTS):
            expected = single_run(HIMMELBLAU, text, point, 200, 0, budget=100)
            assert as_tuples(arrays, setting, start) == expected


def test_network_starts_are_initialisation_seeds():
    moons = NetworkConfig(model="moons", hidden=(4,), samples=32, seed=0, dtype="float64")
    for seed in (0, 5):
        # the weights NetworkConfig(seed=s) starts from, whatever the data's seed
        np.testing.assert_array_equal(
            initial_weights(moons, seed),
            build_problem(NetworkConfig(model="moons", hidden=(4,), samples=32,
                                        seed=seed)).start)
    seed_net = NetworkConfig(model="seed", dtype="float64")
    np.testing.assert_array_equal(initial_weights(seed_net, 42), build_problem(seed_net).start)
    specs = ["cmaes:sigma0=0.1", "slsqp"]
    seeds = np.array([42, 7])
    arrays = run_per_start(seed_net, [parse_optimizer_spec(t) for t in specs], seeds, 15, GOAL,
                           dtype="float64", seed=1, workers=1)
    objective = build_network(seed_net, "cpu")
    for setting, text in enumerate(specs):
        for start, init in enumerate(seeds):
            expected = single_run(objective, text, initial_weights(seed_net, int(init)), 15, 1)
            assert as_tuples(arrays, setting, start) == expected
    assert arrays.final_loss[0, 0] != arrays.final_loss[0, 1]  # the starts differ


def test_two_workers_equal_one_and_a_failing_optimizer_gives_an_empty_row():
    # a typed expression travels to the workers as its text (core/portable.py);
    # batch_size on a function fails its lane when the run starts (a race marks it failed)
    from landscape_app.core.functions.expression import custom_function

    expression = custom_function("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", (-5, 5), (-5, 5))
    specs = [parse_optimizer_spec(t) for t in
             ("pso:swarm_size=8", "sgd:batch_size=16", "dual-annealing:maxiter=20")]
    one = run_per_start(expression, specs, STARTS, 30, GOAL, dtype="float64", seed=2, workers=1)
    reports = []
    two = run_per_start(expression, specs, STARTS, 30, GOAL, dtype="float64", seed=2, workers=2,
                        progress=lambda stage, fraction: reports.append((stage, fraction)))
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(two, name), getattr(one, name))
    assert np.all(one.final_loss[1] == np.inf)
    assert np.all(one.steps_to_tolerance[1] == -1) and np.all(one.evaluations_to_tolerance[1] == -1)
    assert np.all(np.isfinite(one.final_loss[[0, 2]]))
    assert reports[-1] == ("runs", 1.0) and all(stage == "runs" for stage, _ in reports)
    assert [f for _, f in reports] == sorted(f for _, f in reports)
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_stops_the_runs_and_the_pool(workers):
    specs = [parse_optimizer_spec("pso:swarm_size=50")] * 4
    reports = []
    with pytest.raises(CancelledError):
        run_per_start(HIMMELBLAU, specs, STARTS, 3000, 0.0, dtype="float64", seed=0,
                      workers=workers, progress=lambda stage, f: reports.append(f),
                      cancelled=lambda: len(reports) > 0)
    assert reports and reports[-1] < 1.0  # stopped after the first report
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("kwargs, message", [
    ({"dtype": "float16"}, "dtype"),
    ({"workers": 0}, "workers"),
    ({"starts": np.zeros((2, 3))}, r"shape \(S, 2\)"),
    ({"budget": 0}, "budget"),
    ({"specs": [parse_optimizer_spec("pso")], "target": NetworkConfig(model="seed"),
      "starts": np.array([0.5])}, "initialisation seeds"),
])
def test_bad_arguments_are_refused_before_any_run(kwargs, message):
    arguments = {"target": HIMMELBLAU, "specs": [parse_optimizer_spec("lbfgs")],
                 "starts": STARTS, "dtype": "float64", "workers": 1, "budget": None}
    arguments.update(kwargs)
    with pytest.raises(LandscapeError, match=message):
        run_per_start(arguments.pop("target"), arguments.pop("specs"), arguments.pop("starts"),
                      10, GOAL, seed=0, **arguments)
