"""The race runner: lanes, statuses, divergence, failures, batches."""

import numpy as np
import pytest
import torch

from landscape_app.core.functions import get_function
from landscape_app.core.objective import Objective
from landscape_app.core.optim import OptimizerSpec, parse_optimizer_spec
from landscape_app.core.runner import Race, Racer, Status


def race_of(*texts, function="rosenbrock", start=(-1.5, 2.0), max_steps=200, seed=0):
    racers = [Racer(text, parse_optimizer_spec(text)) for text in texts]
    return Race(get_function(function), racers, start, seed=seed, max_steps=max_steps)


def test_huge_learning_rate_diverges_while_the_others_finish():
    race = race_of("sgd:lr=1", "adam:lr=0.05", "momentum:lr=0.0005")
    history = race.run()
    statuses = [status for status, _ in race.statuses()]
    assert statuses == [Status.DIVERGED, Status.FINISHED, Status.FINISHED]
    assert "at step" in race.statuses()[0][1]
    assert len(history[0]) < 20
    assert len(history[1]) == len(history[2]) == 201
    assert history[1][-1].loss < history[1][0].loss


def test_records_count_steps_and_evaluations():
    history = race_of("adam:lr=0.05", max_steps=10).run()[0]
    assert [r.step for r in history] == list(range(11))
    assert [r.evals for r in history] == list(range(1, 12))
    assert [r.grad_evals for r in history] == list(range(1, 12))
    assert all(b.time >= a.time for a, b in zip(history, history[1:]))
    best = np.minimum.accumulate([r.loss for r in history])
    np.testing.assert_array_equal([r.best_loss for r in history], best)


def test_batches_cover_the_same_steps_as_one_run():
    whole = race_of("adam:lr=0.05", "sgd:lr=0.001", max_steps=50).run()
    race = race_of("adam:lr=0.05", "sgd:lr=0.001", max_steps=50)
    pieces = [[], []]
    batches = list(race.batches(steps_per_batch=7))
    for batch in batches:
        for update in batch.updates:
            pieces[update.index].extend(update.records)
    assert batches[-1].done and not batches[0].done
    for a, b in zip(whole, pieces):
        np.testing.assert_array_equal([r.x for r in a], [r.x for r in b])


class _Exploding(Objective):
    """f = x² + y², whose evaluation raises past |x| = 3."""

    name = "exploding"
    lower = np.array([-5.0, -5.0])
    upper = np.array([5.0, 5.0])

    def evaluate(self, points):
        if torch.any(points[..., 0].abs() > 3):
            raise FloatingPointError("evaluation failed past |x| = 3")
        return (points**2).sum(-1)


def test_an_optimizer_that_raises_fails_alone():
    racers = [Racer("down", OptimizerSpec("sgd", {"lr": 0.25})),
              Racer("away", OptimizerSpec("sgd", {"lr": 1.6}))]  # x ← −2.2 x: overshoots
    race = Race(_Exploding(), racers, start=(2.9, 0.0), max_steps=5)
    history = race.run()
    (s0, _), (s1, message) = race.statuses()
    assert s0 is Status.FINISHED and len(history[0]) == 6
    assert s1 is Status.FAILED and "evaluation failed past |x| = 3" in message


def test_converged_status_and_start_validation():
    race = race_of("adam:lr=0.1", function="rastrigin",
                   start=(0.0, 0.0), max_steps=5)
    race.run()
    assert race.statuses()[0][0] is Status.CONVERGED
    with pytest.raises(ValueError, match="3 coordinates"):
        race_of("adam", start=(0.0, 0.0, 0.0))


def test_same_seed_same_race():
    a = race_of("adam:lr=0.05", max_steps=20, seed=3).run()
    b = race_of("adam:lr=0.05", max_steps=20, seed=3).run()
    np.testing.assert_array_equal([r.x for r in a[0]], [r.x for r in b[0]])
