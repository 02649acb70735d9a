"""Gradient noise on function landscapes: seeded, reproducible, and zero on average."""

import math

import numpy as np
import pytest

from landscape_app.core.errors import HyperparameterError
from landscape_app.core.functions import get_function
from landscape_app.core.objective import Problem
from landscape_app.core.optim import parse_optimizer_spec
from landscape_app.core.runner import Race, Racer

START = np.array([-1.5, 2.0])


def first_step(text, seed, function="rosenbrock"):
    optimizer = parse_optimizer_spec(text).create()
    objective = get_function(function)
    optimizer.reset(Problem(objective), START, seed)
    return optimizer.step().x - START


def race_paths(text, seed, steps=30):
    race = Race(get_function("rosenbrock"), [Racer("a", parse_optimizer_spec(text))], START,
                seed=seed, max_steps=steps)
    return race.run().lanes[0]


def test_noise_is_reproducible_with_a_seed_and_differs_between_seeds():
    a, b = race_paths("adam:lr=0.05,grad_noise=2", 4), race_paths("adam:lr=0.05,grad_noise=2", 4)
    other = race_paths("adam:lr=0.05,grad_noise=2", 5)
    np.testing.assert_array_equal(a.trajectory, b.trajectory)
    assert not np.allclose(a.trajectory, other.trajectory)


def test_records_hold_the_true_loss_at_the_noisy_path():
    lane = race_paths("momentum:lr=0.0003,grad_noise=50", 1, steps=10)
    rosenbrock = get_function("rosenbrock")
    for record in lane.records:
        assert record.loss == pytest.approx(Problem(rosenbrock).loss(record.x), rel=1e-14)
        assert record.batch_loss is None


def test_first_step_is_the_noiseless_step_on_average():
    """SGD's first step is −η(∇f + σξ): its mean over n seeds is −η∇f, off by −ησ ξ̄ with
    ξ̄ ~ N(0, I/n); each coordinate lies within 4 standard errors ησ/√n."""
    lr, sigma, seeds = 1e-3, 30.0, 400
    text = f"sgd:lr={lr},grad_noise={sigma}"
    exact = first_step(f"sgd:lr={lr}", 0)
    steps = np.array([first_step(text, seed) for seed in range(seeds)])
    standard_error = lr * sigma / math.sqrt(seeds)
    assert np.all(np.abs(steps.mean(axis=0) - exact) <= 4 * standard_error)
    # and the noise has the declared size: the spread of each coordinate is ησ (a sample
    # standard deviation of n normals is within 4·ησ/√(2n) of it)
    spread = steps.std(axis=0, ddof=1)
    assert np.all(np.abs(spread - lr * sigma) <= 4 * lr * sigma / math.sqrt(2 * seeds))
    assert not np.allclose(steps[0], exact)


def test_zero_noise_is_the_exact_gradient():
    np.testing.assert_array_equal(first_step("sgd:lr=0.001,grad_noise=0", 3),
                                  first_step("sgd:lr=0.001", 3))


@pytest.mark.parametrize("text, fragment", [
    ("sgd:grad_noise=-1", "grad_noise=-1 is out of range"),
    ("sgd:grad_noise=nan", "must be a finite number"),
    ("sgd:grad_noise=inf", "must be a finite number"),
    ("sgd:batch_size=-1", "batch_size=-1 is out of range"),
    ("sgd:batch_size=2.5", "expected a whole number"),
    ("lbfgs:batch_size=8", "lbfgs: batch_size is for the gradient methods"),
    ("newton:grad_noise=0.1", "newton: grad_noise is for the gradient methods"),
    ("cmaes:batch_size=8", "always use the full data set"),
])
def test_bad_settings_are_refused_with_one_line(text, fragment):
    with pytest.raises(HyperparameterError, match=None) as error:
        parse_optimizer_spec(text)
    assert fragment in str(error.value) and "\n" not in str(error.value)


def test_batch_size_on_a_function_fails_the_lane_with_a_clear_message():
    lane = race_paths("sgd:lr=0.001,batch_size=8", 0, steps=3)
    assert lane.status.broken and "needs a network landscape" in lane.message


def test_lookahead_takes_the_settings_through_its_inner_optimizer():
    lane = race_paths("lookahead:inner=sgd,lr=0.001,grad_noise=5", 2, steps=5)
    again = race_paths("lookahead:inner=sgd,lr=0.001,grad_noise=5", 2, steps=5)
    exact = race_paths("lookahead:inner=sgd,lr=0.001", 2, steps=5)
    np.testing.assert_array_equal(lane.trajectory, again.trajectory)
    assert not np.allclose(lane.trajectory, exact.trajectory)
