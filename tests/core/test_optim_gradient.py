"""Gradient and second-order optimizers: exact against torch.optim, and against references.

Each torch.optim-backed optimizer, run through the app's race with non-default settings, must
equal a bare ``torch.optim`` loop to 1e-12 (float64). Heun, Lookahead and Ranger must equal
numpy references written here from the published update rules (no app code involved).
"""

import math

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler

from landscape_app.core.errors import LandscapeError
from landscape_app.core.functions import get_function
from landscape_app.core.objective import Objective, Problem
from landscape_app.core.optim import OptimizerSpec
from landscape_app.core.runner import Race, Racer, Status

STEPS = 200
EXACT = {"atol": 1e-12, "rtol": 0.0}

#: id -> (app hyperparameters, the same optimizer built directly from torch.optim)
TORCH_CASES = {
    "sgd": ({"lr": 5e-4, "weight_decay": 0.01},
            lambda p: torch.optim.SGD(p, lr=5e-4, weight_decay=0.01)),
    "momentum": ({"lr": 4e-4, "momentum": 0.8, "dampening": 0.1},
                 lambda p: torch.optim.SGD(p, lr=4e-4, momentum=0.8, dampening=0.1)),
    "nesterov": ({"lr": 3e-4, "momentum": 0.85, "weight_decay": 1e-3},
                 lambda p: torch.optim.SGD(p, lr=3e-4, momentum=0.85, weight_decay=1e-3,
                                           nesterov=True)),
    "adagrad": ({"lr": 0.3, "lr_decay": 0.01, "initial_accumulator_value": 0.1, "eps": 1e-8,
                 "weight_decay": 1e-3},
                lambda p: torch.optim.Adagrad(p, lr=0.3, lr_decay=0.01, weight_decay=1e-3,
                                              initial_accumulator_value=0.1, eps=1e-8)),
    "rmsprop": ({"lr": 5e-3, "alpha": 0.9, "eps": 1e-6, "momentum": 0.5, "centered": True,
                 "weight_decay": 1e-3},
                lambda p: torch.optim.RMSprop(p, lr=5e-3, alpha=0.9, eps=1e-6, momentum=0.5,
                                              centered=True, weight_decay=1e-3)),
    "adam": ({"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-7, "weight_decay": 0.01,
              "amsgrad": True},
             lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-7,
                                        weight_decay=0.01, amsgrad=True)),
    "adamw": ({"lr": 0.05, "beta1": 0.85, "beta2": 0.995, "eps": 1e-6, "weight_decay": 0.05},
              lambda p: torch.optim.AdamW(p, lr=0.05, betas=(0.85, 0.995), eps=1e-6,
                                          weight_decay=0.05)),
    "radam": ({"lr": 0.01, "beta1": 0.85, "beta2": 0.99, "weight_decay": 0.01,
               "decoupled_weight_decay": True},
              lambda p: torch.optim.RAdam(p, lr=0.01, betas=(0.85, 0.99), weight_decay=0.01,
                                          decoupled_weight_decay=True)),
    "lbfgs": ({"lr": 0.8, "history_size": 4, "max_iter": 2, "max_eval": 10,
               "tolerance_grad": 1e-9},
              lambda p: torch.optim.LBFGS(p, lr=0.8, history_size=4, max_iter=2, max_eval=10,
                                          tolerance_grad=1e-9, line_search_fn="strong_wolfe")),
    "lbfgs-fixed-step": ({"line_search_fn": "none", "lr": 0.02, "history_size": 6,
                          "tolerance_change": 1e-12},
                         lambda p: torch.optim.LBFGS(p, lr=0.02, history_size=6, max_iter=1,
                                                     max_eval=25, tolerance_change=1e-12)),
}

#: schedule hyperparameters (given lr) -> the torch scheduler they stand for
SCHEDULES = [
    (lambda lr: {"schedule": "step", "step_size": 30, "gamma": 0.7, "warmup": 10},
     lambda opt, lr: lr_scheduler.SequentialLR(opt, [
         lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=10),
         lr_scheduler.StepLR(opt, step_size=30, gamma=0.7)], milestones=[10])),
    (lambda lr: {"schedule": "exponential", "gamma": 0.99, "warmup": 20, "warmup_factor": 0.3},
     lambda opt, lr: lr_scheduler.SequentialLR(opt, [
         lr_scheduler.LinearLR(opt, start_factor=0.3, total_iters=20),
         lr_scheduler.ExponentialLR(opt, gamma=0.99)], milestones=[20])),
    (lambda lr: {"schedule": "cosine", "t_max": 150, "eta_min": lr / 10, "warmup": 15},
     lambda opt, lr: lr_scheduler.SequentialLR(opt, [
         lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=15),
         lr_scheduler.CosineAnnealingLR(opt, T_max=150, eta_min=lr / 10)], milestones=[15])),
]


def run_app(objective, optimizer_id, params, start, steps=STEPS, seed=0):
    """Records of one lane raced through the app's runner."""
    race = Race(objective, [Racer(optimizer_id, OptimizerSpec(optimizer_id, params))],
                start, seed=seed, max_steps=steps)
    (lane,) = race.run().lanes
    assert lane.status in (Status.FINISHED, Status.CONVERGED), lane.message
    return list(lane.records)


def run_bare_torch(objective, factory, start, steps, schedule=None):
    """The bare loop: positions, learning rates used, and closure calls after each step."""
    param = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = factory([param])
    scheduler = schedule(optimizer) if schedule else None
    calls = 0

    def closure():
        nonlocal calls
        calls += 1
        optimizer.zero_grad()
        loss = objective.evaluate(param)
        loss.backward()
        return loss

    positions, lrs, call_counts = [param.detach().numpy().copy()], [], []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        if isinstance(optimizer, torch.optim.LBFGS):
            optimizer.step(closure)
        else:
            optimizer.zero_grad()
            objective.evaluate(param).backward()
            calls += 1
            optimizer.step()
        if scheduler is not None:
            scheduler.step()
        positions.append(param.detach().numpy().copy())
        call_counts.append(calls)
    return np.array(positions), np.array(lrs), np.array(call_counts)


def _app_id(case_id):
    return case_id.split("-")[0]


def _assert_equals_torch(function_id, case_id, schedule=None):
    objective = get_function(function_id)
    params, factory = TORCH_CASES[case_id]
    lr = params["lr"]
    if schedule is not None:
        params = {**params, **schedule[0](lr)}
    records = run_app(objective, _app_id(case_id), params, objective.start)
    assert len(records) > 4, f"{case_id} stopped after {len(records) - 1} steps"
    steps = len(records) - 1
    positions, lrs, calls = run_bare_torch(
        objective, factory, objective.start, steps,
        None if schedule is None else (lambda opt: schedule[1](opt, lr)))
    assert np.all(np.isfinite(positions))
    np.testing.assert_allclose([r.x for r in records], positions, **EXACT)
    losses = objective.evaluate(torch.as_tensor(positions)).numpy()
    np.testing.assert_allclose([r.loss for r in records], losses, **EXACT)
    np.testing.assert_array_equal([r.lr for r in records[1:]], lrs)
    # the app evaluates f once at the start and after each step; the first closure call of
    # the next step reuses that evaluation
    np.testing.assert_array_equal([r.evals for r in records[1:]], calls + 1)
    np.testing.assert_array_equal([r.grad_evals for r in records[1:]], calls + 1)


@pytest.mark.parametrize("function_id", ["rosenbrock", "rastrigin", "himmelblau"])
@pytest.mark.parametrize("case_id", list(TORCH_CASES))
def test_torch_backed_optimizer_equals_a_bare_torch_loop(case_id, function_id):
    _assert_equals_torch(function_id, case_id)


@pytest.mark.parametrize("case_id", list(TORCH_CASES))
def test_scheduled_optimizer_equals_a_bare_torch_loop(case_id):
    index = list(TORCH_CASES).index(case_id)
    _assert_equals_torch("rosenbrock", case_id, SCHEDULES[index % len(SCHEDULES)])


def test_lbfgs_keeps_its_history_across_app_steps():
    """Fifteen app steps (max_iter=1) land where one 15-iteration torch LBFGS call lands."""
    objective = get_function("rosenbrock")
    records = run_app(objective, "lbfgs", {}, objective.start, steps=15)
    param = torch.tensor(objective.start, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([param], lr=1, max_iter=15, max_eval=10_000,
                                  history_size=10, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = objective.evaluate(param)
        loss.backward()
        return loss

    optimizer.step(closure)
    np.testing.assert_allclose(records[-1].x, param.detach().numpy(), **EXACT)
    assert 0.0 < records[-1].loss < records[0].loss / 2


# -- independent numpy references ------------------------------------------------------------
REFERENCE = EXACT


def rosenbrock_grad(theta):
    x, y = theta
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def reference_momentum(lr, momentum, dampening):
    velocity = None

    def update(theta, grad, step):
        nonlocal velocity
        velocity = grad if velocity is None else momentum * velocity + (1 - dampening) * grad
        return theta - lr * velocity
    return update


def reference_adam(lr, beta1, beta2, eps):
    m = v = 0.0

    def update(theta, grad, step):
        nonlocal m, v
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        m_hat, v_hat = m / (1 - beta1**step), v / (1 - beta2**step)
        return theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return update


def reference_radam(lr, beta1, beta2, eps):
    m = v = 0.0
    rho_inf = 2 / (1 - beta2) - 1

    def update(theta, grad, step):
        nonlocal m, v
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        m_hat = m / (1 - beta1**step)
        rho = rho_inf - 2 * step * beta2**step / (1 - beta2**step)
        if rho <= 5:
            return theta - lr * m_hat
        rect = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
        adaptive = math.sqrt(1 - beta2**step) / (np.sqrt(v) + eps)
        return theta - lr * m_hat * rect * adaptive
    return update


def reference_lookahead(inner_update, k, alpha, start, steps):
    """Fast weights by the inner rule; every k steps slow += α(fast − slow), fast = slow."""
    fast, slow = np.array(start, dtype=float), np.array(start, dtype=float)
    path, anchors = [fast.copy()], [slow.copy()]
    for step in range(1, steps + 1):
        fast = inner_update(fast, rosenbrock_grad(fast), step)
        if step % k == 0:
            slow = slow + alpha * (fast - slow)
            fast = slow.copy()
        path.append(fast.copy())
        anchors.append(slow.copy())
    return np.array(path), np.array(anchors)


LOOKAHEAD_CASES = {
    "momentum": ({"inner": "momentum", "lr": 4e-4, "momentum": 0.85, "dampening": 0.2,
                  "lookahead_k": 4, "lookahead_alpha": 0.6},
                 lambda: reference_momentum(4e-4, 0.85, 0.2), 4, 0.6),
    "adam": ({"inner": "adam", "lr": 0.03, "beta1": 0.85, "beta2": 0.99, "eps": 1e-6,
              "lookahead_k": 7, "lookahead_alpha": 0.3},
             lambda: reference_adam(0.03, 0.85, 0.99, 1e-6), 7, 0.3),
}


@pytest.mark.parametrize("inner", list(LOOKAHEAD_CASES))
def test_lookahead_equals_the_published_rule(inner):
    params, make_inner, k, alpha = LOOKAHEAD_CASES[inner]
    objective = get_function("rosenbrock")
    records = run_app(objective, "lookahead", params, objective.start)
    path, anchors = reference_lookahead(make_inner(), k, alpha, objective.start, STEPS)
    np.testing.assert_allclose([r.x for r in records], path, **REFERENCE)
    np.testing.assert_allclose([r.internals.anchor for r in records], anchors, **REFERENCE)
    assert all(np.array_equal(r.x, r.internals.anchor) for r in records[k::k])
    assert records[-1].loss < records[0].loss


def test_ranger_is_lookahead_around_radam():
    objective = get_function("rosenbrock")
    params = {"lr": 0.005, "beta1": 0.9, "beta2": 0.99, "lookahead_k": 5,
              "lookahead_alpha": 0.5}
    records = run_app(objective, "ranger", params, objective.start)
    path, _ = reference_lookahead(reference_radam(0.005, 0.9, 0.99, 1e-8), 5, 0.5,
                                  objective.start, STEPS)
    np.testing.assert_allclose([r.x for r in records], path, **REFERENCE)


def test_heun_equals_the_published_rule_and_counts_two_gradients():
    objective, lr = get_function("rosenbrock"), 4e-4
    records = run_app(objective, "heun", {"lr": lr}, objective.start)
    theta, path = np.array(objective.start, dtype=float), []
    for _ in range(STEPS + 1):
        path.append(theta)
        first = rosenbrock_grad(theta)
        predictor = theta - lr * first
        theta = theta - lr / 2 * (first + rosenbrock_grad(predictor))
    np.testing.assert_allclose([r.x for r in records], path, **REFERENCE)
    assert [r.grad_evals for r in records] == [1 + 2 * r.step for r in records]
    assert [r.evals for r in records] == [1 + 2 * r.step for r in records]


# -- any dimension, determinism, evaluation counts --------------------------------------------
class Rosenbrock10(Objective):
    """The 10-D Rosenbrock function Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)²."""

    name = "rosenbrock-10d"
    dim = 10
    lower = np.full(10, -2.0)
    upper = np.full(10, 2.0)

    def evaluate(self, points):
        x, y = points[..., :-1], points[..., 1:]
        return (100 * (y - x**2) ** 2 + (1 - x) ** 2).sum(-1)


class Quadratic10(Objective):
    """f(x) = ½ (x − c)ᵀ A (x − c) with A symmetric positive definite (eigenvalues 0.5…20)."""

    name = "quadratic-10d"
    dim = 10
    lower = np.full(10, -5.0)
    upper = np.full(10, 5.0)

    def __init__(self):
        rng = np.random.default_rng(7)
        basis, _ = np.linalg.qr(rng.standard_normal((10, 10)))
        self.matrix = torch.as_tensor(basis @ np.diag(np.geomspace(0.5, 20, 10)) @ basis.T)
        self.centre = torch.as_tensor(rng.uniform(-2, 2, 10))

    def evaluate(self, points):
        offset = points - self.centre
        return 0.5 * torch.einsum("...i,ij,...j->...", offset, self.matrix, offset)


class Saddle(Objective):
    """f(x, y) = x² − y²: a saddle point at the origin."""

    name = "saddle"
    lower = np.array([-2.0, -2.0])
    upper = np.array([2.0, 2.0])

    def evaluate(self, points):
        return points[..., 0] ** 2 - points[..., 1] ** 2


MY_IDS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "radam", "heun",
          "lbfgs", "lookahead", "ranger", "newton"]
SMALL_STEPS = {"sgd": {"lr": 2e-4}, "momentum": {"lr": 1e-4}, "nesterov": {"lr": 1e-4},
               "heun": {"lr": 2e-4}, "lookahead": {"inner": "nesterov", "lr": 1e-4},
               # RAdam moves like momentum SGD until its variance estimate is usable
               "radam": {"lr": 2e-4}, "ranger": {"lr": 2e-4}}
START_10D = np.linspace(-1.2, 1.2, 10)


@pytest.mark.parametrize("optimizer_id", MY_IDS)
def test_every_optimizer_works_in_ten_dimensions(optimizer_id):
    objective = Rosenbrock10()
    # plain Newton needs a start where the Hessian is positive definite (see the saddle test)
    start = 1 + 0.1 * START_10D if optimizer_id == "newton" else START_10D
    records = run_app(objective, optimizer_id, SMALL_STEPS.get(optimizer_id, {}), start,
                      steps=40)
    last = records[-1]
    assert last.x.shape == (10,) and last.internals.gradient.shape == (10,)
    assert last.internals.velocity.shape == (10,)
    assert last.best_loss < records[0].loss
    if optimizer_id in ("lookahead", "ranger"):
        assert last.internals.anchor.shape == (10,)


def test_ten_dimensional_adam_equals_torch():
    objective = Rosenbrock10()
    params, factory = TORCH_CASES["adam"]
    records = run_app(objective, "adam", params, START_10D, steps=100)
    positions, _, _ = run_bare_torch(objective, factory, START_10D, 100)
    np.testing.assert_allclose([r.x for r in records], positions, **EXACT)


@pytest.mark.parametrize("optimizer_id", MY_IDS)
def test_the_same_spec_twice_gives_the_same_trajectory(optimizer_id):
    objective = get_function("rosenbrock")
    params = SMALL_STEPS.get(optimizer_id, {})
    first = run_app(objective, optimizer_id, params, objective.start, steps=60)
    second = run_app(objective, optimizer_id, params, objective.start, steps=60)
    np.testing.assert_array_equal([r.x for r in first], [r.x for r in second])
    assert [r.evals for r in first] == [r.evals for r in second]


@pytest.mark.parametrize("optimizer_id", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop",
                                          "adam", "adamw", "radam", "lookahead", "ranger"])
def test_simple_methods_use_one_evaluation_and_one_gradient_per_step(optimizer_id):
    objective = get_function("rosenbrock")
    params = SMALL_STEPS.get(optimizer_id, {})
    records = run_app(objective, optimizer_id, params, objective.start, steps=30)
    assert [r.evals for r in records] == [r.step + 1 for r in records]
    assert [r.grad_evals for r in records] == [r.step + 1 for r in records]
    lr = OptimizerSpec(optimizer_id, params).create().hyper["lr"]
    assert [r.lr for r in records] == [lr] * len(records)


def test_lookahead_around_heun_counts_two_gradients_per_step():
    objective = get_function("rosenbrock")
    records = run_app(objective, "lookahead", {"inner": "heun", "lr": 2e-4}, objective.start,
                      steps=20)
    assert [r.grad_evals for r in records] == [1 + 2 * r.step for r in records]


# -- damped Newton ----------------------------------------------------------------------------
def test_newton_reaches_the_minimum_of_a_quadratic_in_one_step():
    objective = Quadratic10()
    records = run_app(objective, "newton", {}, np.zeros(10), steps=10)
    np.testing.assert_allclose(records[1].x, objective.centre.numpy(), atol=1e-12, rtol=0)
    assert records[1].loss < 1e-20
    assert records[-1].converged and records[-1].step == 2
    # one evaluation and one gradient per step, plus dim gradients for the Hessian
    assert [(r.evals, r.grad_evals) for r in records] == [(1, 1), (2, 12), (3, 23)]


def test_newton_converges_on_rosenbrock():
    objective = get_function("rosenbrock")
    records = run_app(objective, "newton", {}, objective.start, steps=100)
    assert records[-1].converged and records[-1].step < 30
    np.testing.assert_allclose(records[-1].x, [1.0, 1.0], atol=1e-10)


def test_damped_newton_escapes_a_saddle_that_pure_newton_would_jump_to():
    objective, start = Saddle(), np.array([0.5, 0.3])
    hessian = Problem(objective).hessian(start)
    _, grad = Problem(objective).loss_and_grad(start)
    np.testing.assert_allclose(start - np.linalg.solve(hessian, grad), [0.0, 0.0], atol=1e-15)
    newton = OptimizerSpec("newton", {"damping": 1.0}).create()
    newton.reset(Problem(objective), start)
    record = newton.step()
    # |H| = diag(2, 2), ∇f = (1, −0.6): x ← 0.5 − 1/2, y ← 0.3 + 0.6/2 — away from the saddle
    np.testing.assert_allclose(record.x, [0.0, 0.6], atol=1e-12)
    assert record.loss < objective.evaluate(torch.as_tensor(start)).item()
    assert record.lr == 1.0  # the full step passed the Armijo test


@pytest.mark.parametrize("function_id", ["rastrigin", "ackley", "himmelblau", "beale",
                                         "levi13", "eggholder", "goldstein-price"])
def test_newton_never_increases_the_loss_on_non_convex_functions(function_id):
    objective = get_function(function_id)
    records = run_app(objective, "newton", {}, objective.start, steps=30)
    losses = [r.loss for r in records]
    assert all(b <= a for a, b in zip(losses, losses[1:]))
    assert np.all(records[-1].x >= objective.lower - 1e-9)
    assert np.all(records[-1].x <= objective.upper + 1e-9)


def test_newton_refuses_large_dimensions():
    class Wide(Objective):
        name = "wide"
        dim = 501
        lower = np.full(501, -1.0)
        upper = np.full(501, 1.0)

        def evaluate(self, points):
            return (points**2).sum(-1)

    with pytest.raises(LandscapeError, match="limited to 500 dimensions"):
        OptimizerSpec("newton").create().reset(Problem(Wide()), np.zeros(501))
    race = Race(Wide(), [Racer("newton", OptimizerSpec("newton"))], np.zeros(501), max_steps=3)
    (lane,) = race.run().lanes
    assert lane.status is Status.FAILED and "use lbfgs" in lane.message
