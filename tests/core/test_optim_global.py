"""Derivative-free and global optimizers: PSO, simulated annealing, CMA-ES, SLSQP, dual annealing.

"Reaching the global minimum" means: the best point found lies within 1e-2 of it (and the
trajectory point ends in its basin, within 0.1).
"""

import warnings

import numpy as np
import pytest
import scipy.optimize
import torch

from landscape_app.core.errors import LandscapeError
from landscape_app.core.functions import get_function
from landscape_app.core.objective import Objective, Problem
from landscape_app.core.optim import OptimizerSpec, parse_optimizer_spec
from landscape_app.core.optim.annealing import temperature
from landscape_app.core.runner import Race, Racer, Status

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*matplotlib.*", category=UserWarning)
    import cma

#: Steps every global method gets on Rastrigin and Ackley (seed 0): PSO 30 evaluations per
#: step, SA 10, CMA-ES λ + 1.
BUDGET = 200
SEEDED = ["pso", "sa", "cmaes", "dual-annealing:maxiter=30"]


class Quadratic(Objective):
    """f(x) = Σ c_i (x_i − shift)², c_i = 1..dim, on the box [−5, 5]^dim."""

    def __init__(self, dim: int, shift: float = 0.0, box: float = 5.0):
        self.dim, self.shift, self.name = dim, shift, f"quadratic{dim}"
        self.weights = torch.arange(1, dim + 1, dtype=torch.float64)
        self.box = box

    @property
    def lower(self):
        return np.full(self.dim, -self.box)

    @property
    def upper(self):
        return np.full(self.dim, self.box)

    def evaluate(self, points):
        return ((points - self.shift) ** 2 * self.weights).sum(-1)


def run(text, objective, start, steps, seed=0):
    optimizer = parse_optimizer_spec(text).create()
    records = [optimizer.reset(Problem(objective), np.asarray(start, dtype=float), seed)]
    records += [optimizer.step() for _ in range(steps)]
    return optimizer, records


@pytest.mark.parametrize("function_id, cmaes, sgd", [
    ("rastrigin", "cmaes:popsize=40,sigma0=0.5", "sgd:lr=0.001"),
    ("ackley", "cmaes", "sgd:lr=0.01"),
])
def test_global_methods_reach_the_global_minimum_where_gradient_descent_stalls(
        function_id, cmaes, sgd):
    function = get_function(function_id)
    texts = ["pso", "sa", cmaes, sgd]
    race = Race(function, [Racer(t, parse_optimizer_spec(t)) for t in texts],
                function.default_start(), seed=0, max_steps=BUDGET)
    lanes = race.run().lanes
    history = [lane.records for lane in lanes]
    for text, records in zip(texts[:3], history[:3], strict=True):
        last = records[-1]
        assert function.distance_to_minimum(last.best_x) < 1e-2, text
        assert function.distance_to_minimum(last.x) < 0.1, text
        assert last.step <= BUDGET
    status = lanes[3].status
    stuck = history[3][-1]
    assert status is Status.CONVERGED
    assert stuck.loss > 0.5 and function.distance_to_minimum(stuck.x) > 0.5
    assert np.max(np.abs(stuck.internals.gradient)) < 1e-6  # a stationary point: local min


@pytest.mark.parametrize("text", SEEDED)
def test_same_seed_same_trajectory_other_seed_another(text):
    rastrigin = get_function("rastrigin")
    xs = {seed: np.array([r.x for r in run(text, rastrigin, (3.2, -2.8), 15, seed)[1]])
          for seed in (0, 1)}
    again = np.array([r.x for r in run(text, rastrigin, (3.2, -2.8), 15, 0)[1]])
    np.testing.assert_array_equal(xs[0], again)
    assert not np.array_equal(xs[0], xs[1])


@pytest.mark.parametrize("text, steps", [
    ("pso", 150), ("sa", 200), ("cmaes", 120), ("slsqp", 100), ("dual-annealing:maxiter=20", 50),
])
def test_every_method_works_in_ten_dimensions(text, steps):
    _, records = run(text, Quadratic(10), np.full(10, 3.0), steps)
    assert all(r.x.shape == (10,) for r in records)
    assert records[-1].best_loss < 1e-3 * records[0].loss


@pytest.mark.parametrize("text", ["pso", "sa", "cmaes:diagonal=true"])
def test_large_dimension_steps_without_a_dense_covariance(text):
    _, records = run(text, Quadratic(1500), np.full(1500, 3.0), 10)
    assert records[-1].x.shape == (1500,) and records[-1].best_loss < records[0].loss
    assert records[-1].internals.covariance is None


def test_counts_per_step_pso_swarm_size_cmaes_popsize_plus_mean_sa_trials():
    rastrigin = get_function("rastrigin")
    for text, per_step in [("pso:swarm_size=17", 17), ("cmaes:popsize=9", 10),
                           ("sa:proposals_per_step=4", 4)]:
        _, records = run(text, rastrigin, (3.2, -2.8), 5)
        steps = np.diff([r.evals for r in records])
        np.testing.assert_array_equal(steps, per_step, err_msg=text)
        assert all(r.grad_evals == 0 for r in records)
    optimizer, records = run("pso:swarm_size=17", rastrigin, (3.2, -2.8), 2)
    assert records[0].evals == 17 and records[-1].internals.particles.shape == (17, 2)
    optimizer, records = run("cmaes:popsize=9", rastrigin, (3.2, -2.8), 2)
    assert records[0].evals == 1 and records[-1].internals.population.shape == (9, 2)
    covariance = records[-1].internals.covariance
    np.testing.assert_allclose(covariance, covariance.T)
    assert np.all(np.linalg.eigvalsh(covariance) > 0)


def test_pso_sa_and_bounded_cmaes_stay_in_the_box_when_the_minimum_lies_outside():
    pulled_out = Quadratic(2, shift=10.0, box=1.0)
    for text in ["pso", "sa", "cmaes"]:
        _, records = run(text, pulled_out, (0.0, 0.0), 40)
        for record in records:
            inside = [record.x, record.best_x]
            internals = record.internals
            inside += [p for p in (internals.particles, internals.population,
                                   internals.candidate) if p is not None]
            for points in inside:
                assert np.all(np.abs(points) <= 1.0), text
        np.testing.assert_allclose(records[-1].best_x, [1.0, 1.0], atol=0.05, err_msg=text)


def test_pso_starts_with_the_start_point_as_a_particle():
    optimizer, record = run("pso", get_function("rastrigin"), (0.0, 0.0), 0)
    np.testing.assert_array_equal(optimizer.positions[0], [0.0, 0.0])
    assert record[0].loss == 0.0 and np.array_equal(record[0].x, [0.0, 0.0])


def test_sa_follows_metropolis():
    rastrigin = get_function("rastrigin")
    assert temperature("exponential", 2.0, 0.5, 3) == 0.25
    assert temperature("logarithmic", 2.0, 0.5, 0) == pytest.approx(2.0)
    assert temperature("fast", 2.0, 0.5, 3) == 0.5
    _, records = run("sa:proposals_per_step=1", rastrigin, (3.2, -2.8), 200)
    for before, after in zip(records, records[1:], strict=False):
        moved = after.internals.candidate if after.internals.accepted else before.x
        np.testing.assert_array_equal(after.x, moved)
    _, cold = run("sa:t0=1e-9,proposals_per_step=1,shrink_steps=false", rastrigin,
                  (3.2, -2.8), 200)
    assert np.all(np.diff([r.loss for r in cold]) <= 0)  # no uphill move when frozen
    _, hot = run("sa:t0=1e6,proposals_per_step=1", rastrigin, (3.2, -2.8), 200)
    uphill = np.diff([r.loss for r in hot]) > 0
    assert uphill.sum() > 50  # most uphill proposals accepted when hot


def test_cmaes_is_the_cma_packages_own_ask_tell_loop():
    rastrigin = get_function("rastrigin")
    optimizer, _ = run("cmaes:sigma0=0.2,popsize=8", rastrigin, (3.2, -2.8), 0, seed=7)
    es = cma.CMAEvolutionStrategy([3.2, -2.8], 0.2 * 10.24, {
        "seed": 7, "popsize": 8, "bounds": [[-5.12, -5.12], [5.12, 5.12]], "verbose": -9,
        "verb_log": 0})
    for _ in range(25):
        optimizer.step()
        solutions = es.ask()
        es.tell(solutions, Problem(rastrigin).losses(np.array(solutions)).tolist())
        np.testing.assert_array_equal(optimizer.es.mean, es.mean)


def _scipy_slsqp_iterates(function, start, use_gradient):
    def f(x):
        return float(function.evaluate(torch.as_tensor(x)))

    def f_and_grad(x):
        point = torch.as_tensor(x).clone().requires_grad_(True)
        value = function.evaluate(point)
        return float(value.detach()), torch.autograd.grad(value, point)[0].numpy()

    xs = [np.asarray(start, dtype=float)]
    options = {"maxiter": 100, "ftol": 1e-6} | ({} if use_gradient else {"eps": 1e-3})
    result = scipy.optimize.minimize(f_and_grad if use_gradient else f, xs[0], method="SLSQP",
                                     jac=use_gradient or None, options=options,
                                     callback=lambda xk: xs.append(np.copy(xk)))
    return np.array(xs), result


@pytest.mark.parametrize("use_gradient", [False, True])
def test_slsqp_replays_scipys_own_iterates_with_their_cost(use_gradient):
    rosenbrock = get_function("rosenbrock")
    expected, result = _scipy_slsqp_iterates(rosenbrock, rosenbrock.start, use_gradient)
    text = f"slsqp:use_gradient={str(use_gradient).lower()}"
    _, records = run(text, rosenbrock, rosenbrock.start, len(expected) + 3)
    np.testing.assert_array_equal([r.x for r in records[:len(expected)]], expected)
    assert records[len(expected) - 1].converged and not records[len(expected) - 2].converged
    assert all(np.array_equal(r.x, expected[-1]) for r in records[len(expected):])
    assert records[-1].evals == result.nfev
    # with the gradient, every evaluation computes f and ∇f together (jac=True)
    assert records[-1].grad_evals == (result.nfev if use_gradient else 0)
    for name in ("evals", "grad_evals", "time"):
        values = [getattr(r, name) for r in records]
        assert values == sorted(values), name
    assert records[0].evals == 1


@pytest.mark.parametrize("function_id, text", [
    ("rosenbrock", "slsqp:use_gradient=true"),
    ("booth", "slsqp"),
    ("booth", "slsqp:use_bounds=true"),
])
def test_slsqp_converges(function_id, text):
    function = get_function(function_id)
    race = Race(function, [Racer(text, parse_optimizer_spec(text))], function.default_start(),
                max_steps=500)
    (lane,) = race.run().lanes
    assert lane.status is Status.CONVERGED
    assert function.distance_to_minimum(lane.last.x) < 1e-3


def test_dual_annealing_replays_the_minima_its_callback_reports():
    rastrigin = get_function("rastrigin")
    found = []
    result = scipy.optimize.dual_annealing(
        lambda x: float(rastrigin.evaluate(torch.as_tensor(x))), [(-5.12, 5.12)] * 2,
        maxiter=30, rng=np.random.default_rng(5), x0=np.array([3.2, -2.8]),
        callback=lambda x, f, context: found.append(np.copy(x)))
    _, records = run("dual-annealing:maxiter=30", rastrigin, (3.2, -2.8), len(found) + 2, seed=5)
    np.testing.assert_array_equal([r.x for r in records[1:len(found) + 1]], found)
    np.testing.assert_array_equal(records[0].x, [3.2, -2.8])
    np.testing.assert_array_equal(records[-1].x, result.x)
    assert records[-1].loss == result.fun
    assert records[-1].evals == result.nfev and records[-1].converged


class _Unbounded(Quadratic):
    @property
    def upper(self):
        return np.full(self.dim, np.inf)


@pytest.mark.parametrize("text", ["pso", "sa", "cmaes", "dual-annealing"])
def test_an_infinite_box_fails_the_lane_with_a_message(text):
    race = Race(_Unbounded(2), [Racer(text, OptimizerSpec(text.split(":")[0]))], (1.0, 1.0))
    (lane,) = race.run().lanes
    assert lane.status is Status.FAILED and "needs a finite search box" in lane.message
    with pytest.raises(LandscapeError):
        run(text, _Unbounded(2), (1.0, 1.0), 0)


class _HalfNaN(Quadratic):
    """NaN wherever x₀ > 0: a method must never take a NaN for a best."""

    def evaluate(self, points):
        value = super().evaluate(points)
        return torch.where(points[..., 0] > 0, torch.nan, value)


@pytest.mark.parametrize("text", ["pso", "sa", "cmaes"])
def test_nan_losses_never_become_the_best(text):
    _, records = run(text, _HalfNaN(2), (-3.0, 3.0), 30)
    assert all(np.isfinite(r.best_loss) and r.best_x[0] <= 0 for r in records)
    assert records[-1].best_loss < 0.1 * records[0].loss


def test_a_run_away_slsqp_is_replayed_until_the_runner_marks_it_diverged():
    saddle = get_function("saddle")
    race = Race(saddle, [Racer("slsqp", OptimizerSpec("slsqp"))], saddle.default_start())
    (lane,) = race.run().lanes
    records = lane.records
    assert lane.status is Status.DIVERGED and "left the domain" in lane.message
    assert len(records) > 2 and records[-1].loss < records[0].loss


def test_cmaes_refuses_one_dimension_and_the_others_run_there():
    with pytest.raises(LandscapeError, match="at least 2 coordinates"):
        run("cmaes", Quadratic(1), (3.0,), 0)
    for text in ["pso", "sa", "slsqp", "dual-annealing:maxiter=10"]:
        _, records = run(text, Quadratic(1), (3.0,), 5)
        assert records[-1].best_loss < 1e-2 * records[0].loss, text
