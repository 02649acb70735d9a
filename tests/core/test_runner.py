"""The race runner: lanes, statuses, divergence, failures, batches, a run to the end."""

import numpy as np
import pytest
import torch

from landscape_app.core.errors import CancelledError
from landscape_app.core.functions import get_function
from landscape_app.core.objective import Objective
from landscape_app.core.optim import OptimizerSpec, parse_optimizer_spec
from landscape_app.core.result import LaneResult, RaceResult
from landscape_app.core.runner import Race, Racer, Status


def race_of(*texts, function="rosenbrock", start=(-1.5, 2.0), max_steps=200, seed=0):
    racers = [Racer(text, parse_optimizer_spec(text)) for text in texts]
    return Race(get_function(function), racers, start, seed=seed, max_steps=max_steps)


def test_huge_learning_rate_diverges_while_the_others_finish():
    lanes = race_of("sgd:lr=1", "adam:lr=0.05", "momentum:lr=0.0005").run().lanes
    assert [lane.status for lane in lanes] == [Status.DIVERGED, Status.FINISHED, Status.FINISHED]
    assert "at step" in lanes[0].message
    assert len(lanes[0].records) < 20 and not lanes[0].usable
    assert len(lanes[1].records) == len(lanes[2].records) == 201
    assert lanes[1].final_loss < lanes[1].records[0].loss and lanes[1].usable


def test_records_count_steps_and_evaluations():
    history = race_of("adam:lr=0.05", max_steps=10).run().lanes[0].records
    assert [r.step for r in history] == list(range(11))
    assert [r.evals for r in history] == list(range(1, 12))
    assert [r.grad_evals for r in history] == list(range(1, 12))
    assert all(b.time >= a.time for a, b in zip(history, history[1:]))
    best = np.minimum.accumulate([r.loss for r in history])
    np.testing.assert_array_equal([r.best_loss for r in history], best)


def test_batches_cover_the_same_steps_as_one_run():
    whole = [lane.records for lane in race_of("adam:lr=0.05", "sgd:lr=0.001",
                                              max_steps=50).run().lanes]
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
    down, away = Race(_Exploding(), racers, start=(2.9, 0.0), max_steps=5).run().lanes
    assert down.status is Status.FINISHED and len(down.records) == 6
    assert away.status is Status.FAILED and "evaluation failed past |x| = 3" in away.message


def test_converged_status_and_start_validation():
    race = race_of("adam:lr=0.1", function="rastrigin",
                   start=(0.0, 0.0), max_steps=5)
    assert race.run().lanes[0].status is Status.CONVERGED
    with pytest.raises(ValueError, match="3 coordinates"):
        race_of("adam", start=(0.0, 0.0, 0.0))


def positions(result: RaceResult, lane: int = 0) -> np.ndarray:
    return result.lanes[lane].trajectory


@pytest.mark.parametrize("text", ["pso:swarm_size=6", "sa", "cmaes"])
def test_the_seed_reaches_stochastic_optimizers(text):
    """The race's seed is each lane's: the same seed repeats the run, another changes it."""
    first = race_of(text, max_steps=15, seed=3).run()
    again = race_of(text, max_steps=15, seed=3).run()
    other = race_of(text, max_steps=15, seed=4).run()
    np.testing.assert_array_equal(positions(first), positions(again))
    assert first.seed == 3 and other.seed == 4
    assert not np.array_equal(positions(first), positions(other))


def stepped_by_hand(race: Race) -> list[list]:
    """Every lane's records, stepping the generator one step at a time."""
    history = [[] for _ in race.lanes]
    for batch in race.batches(steps_per_batch=1):
        for update in batch.updates:
            history[update.index].extend(update.records)
    return history


def test_run_equals_stepping_the_generator_by_hand():
    texts = ("adam:lr=0.05", "sgd:lr=1", "pso:swarm_size=5", "slsqp")
    result = race_of(*texts, max_steps=40, seed=2).run()
    race = race_of(*texts, max_steps=40, seed=2)
    by_hand = stepped_by_hand(race)
    assert isinstance(result, RaceResult)
    assert (result.landscape, result.dim, result.start, result.seed, result.max_steps) == (
        "Rosenbrock", 2, (-1.5, 2.0), 2, 40)
    for lane, (racer, records, hand) in zip(result.lanes, zip(
            [r.racer for r in race.lanes], by_hand, race.lanes, strict=True), strict=True):
        assert isinstance(lane, LaneResult)
        assert (lane.label, lane.spec) == (racer.label, racer.spec)
        assert (lane.status, lane.message) == (hand.status, hand.message)
        assert type(lane.status) is Status
        assert [r.step for r in lane.records] == [r.step for r in records]
        np.testing.assert_array_equal(lane.trajectory, np.stack([r.x for r in records]))
        assert [r.loss for r in lane.records] == [r.loss for r in records]
        assert lane.last is lane.records[-1] and lane.final_loss == lane.records[-1].loss
    assert [lane.status for lane in result.lanes] == [
        Status.FINISHED, Status.DIVERGED, Status.FINISHED, Status.CONVERGED]


def test_run_reports_progress_up_to_one_with_its_stage():
    reports = []
    race_of("adam:lr=0.05", "sgd:lr=0.001", max_steps=100).run(
        progress=lambda stage, fraction: reports.append((stage, fraction)))
    assert {stage for stage, _ in reports} == {"race"}
    fractions = [fraction for _, fraction in reports]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert len(fractions) > 10  # about every max_steps / 50 steps
    trained = []
    race_of("newton", function="sphere", start=(1.0, 1.0), max_steps=1000).run(
        progress=lambda stage, fraction: trained.append((stage, fraction)), stage="train")
    assert trained[-1] == ("train", 1.0)  # converged long before max_steps: still 1.0


def test_run_is_cancelled_between_batches():
    reports = []
    with pytest.raises(CancelledError, match="race cancelled"):
        race_of("adam:lr=0.05", max_steps=1000).run(
            progress=lambda stage, fraction: reports.append(fraction),
            cancelled=lambda: len(reports) >= 3, steps_per_batch=10)
    assert reports == [0.0, 0.01, 0.02]


def test_cancelling_stops_inside_a_library_routine_that_runs_ahead():
    """Dual annealing runs SciPy's whole search in its first step: a cancelled run must not
    wait for it to end. The poll is also read at every evaluation, so the run stops at the
    first evaluation after the cancellation."""
    objective = get_function("rastrigin")
    race = Race(objective, [Racer("dual", OptimizerSpec("dual-annealing", {}))],
                start=(2.5, 2.5), max_steps=200)
    polls = []

    def cancelled():
        polls.append(None)
        return len(polls) > 50  # after the 50th poll: well inside SciPy's search

    with pytest.raises(CancelledError):
        race.run(cancelled=cancelled)
    assert len(polls) == 51
