"""Sharpness along a lane: the Hessian's top eigenvalues, exact against closed forms and dense
Hessians, and the optimizers' stability thresholds (issue 25)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from landscape_app.core.catalogue.networks import NetworkConfig
from landscape_app.core.nn.network_objective import build_network
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.core.runner import Race, Racer
from landscape_app.core.sharpness import hessian_spectrum
from landscape_app.core.stability import stability
from landscape_app.state.model import LandscapeSpec, build_objective

EPS = float(np.finfo(np.float64).eps)


def function(name: str):
    return build_objective(LandscapeSpec(kind="function", function=name))


def rosenbrock_hessian(x: float, y: float) -> np.ndarray:
    return np.array([[1200 * x**2 - 400 * y + 2, -400 * x], [-400 * x, 200.0]])


@pytest.mark.parametrize("point", [(-1.5, 2.0), (1.0, 1.0), (0.3, -0.7), (-0.2, 0.5)])
def test_rosenbrock_sharpness_is_the_closed_form(point):
    objective = function("rosenbrock")
    spectrum = hessian_spectrum(objective.evaluate, objective.as_tensor(np.array(point)))
    expected = np.linalg.eigvalsh(rosenbrock_hessian(*point))[::-1]
    # Each autograd entry is a handful of float64 operations: error ≤ ~10 eps·|H|; by Weyl each
    # eigenvalue moves at most ‖ΔH‖ ≈ 10 eps·1e4 ≈ 2e-11 absolute; the smallest |λ| here is
    # ≥ 0.39, so 1e-10 relative (the bound) holds with margin.
    np.testing.assert_allclose(spectrum.eigenvalues, expected, rtol=1e-10, atol=0)
    assert spectrum.top == pytest.approx(expected[0], rel=1e-10)


@pytest.mark.parametrize(("name", "values"), [("quadratic", (25.0, 1.0)), ("sphere", (2.0, 2.0))])
def test_quadratic_sharpness_is_constant(name, values):
    objective = function(name)
    for point in [(-4.5, 1.5), (0.0, 0.0), (3.0, -2.0)]:
        spectrum = hessian_spectrum(objective.evaluate, objective.as_tensor(np.array(point)))
        # Exact integers from a few float64 operations: 4 eps relative.
        np.testing.assert_allclose(spectrum.eigenvalues, values, rtol=4 * EPS)
        assert spectrum.negatives == 0


def test_saddle_index_counts_negative_eigenvalues():
    objective = function("saddle")
    spectrum = hessian_spectrum(objective.evaluate, objective.as_tensor(np.array([0.0, 0.0])))
    assert spectrum.negatives == 1


def network(**changes):
    config = NetworkConfig(**{"model": "moons", "hidden": (5, 3), "samples": 64, "seed": 1,
                              "dtype": "float64", **changes})
    return build_network(config, "cpu")


def dense_eigenvalues(objective, x, scale=None) -> np.ndarray:
    h = torch.autograd.functional.hessian(objective.evaluate, objective.as_tensor(x))
    if scale is not None:
        h = scale[:, None] * h * scale[None, :]
    return torch.linalg.eigvalsh(h).numpy()[::-1]


# Lanczos with full reorthogonalization (twice per step): its Ritz values carry rounding of
# order steps · eps · ‖H‖ ≈ 80 · 2e-16 ≈ 2e-14 relative to λ_max; it stops once the top-k
# residuals are below 1e-10 ‖H‖. 1e-6 (the bound) is met with a wide margin.
NETWORK_RTOL = 1e-6


@pytest.mark.parametrize("objective", [network(), network(hidden=(16, 16)),
                                       network(model="seed")],
                         ids=["mlp-2-5-3-2", "mlp-2-16-16-2", "seed"])
def test_network_top_k_equal_the_dense_hessian(objective):
    x = objective.initial_parameters()
    spectrum = hessian_spectrum(objective.evaluate, objective.as_tensor(x), k=5)
    dense = dense_eigenvalues(objective, x)
    scale = abs(dense).max()
    np.testing.assert_allclose(spectrum.eigenvalues, dense[:5], rtol=0, atol=NETWORK_RTOL * scale)
    assert spectrum.top == pytest.approx(dense[0], rel=NETWORK_RTOL)
    assert spectrum.negatives == int(np.sum(dense[:5] < 0))


def test_warm_start_from_the_previous_eigenvector_gives_the_same_answer():
    objective = network()
    x = objective.initial_parameters()
    first = hessian_spectrum(objective.evaluate, objective.as_tensor(x))
    moved = x + 0.01
    warm = hessian_spectrum(objective.evaluate, objective.as_tensor(moved), start=first.vector)
    np.testing.assert_allclose(warm.eigenvalues, dense_eigenvalues(objective, moved)[:5],
                               rtol=0, atol=NETWORK_RTOL * abs(warm.top))


def test_lanczos_reports_progress_and_stops_when_cancelled():
    from landscape_app.core.errors import CancelledError

    objective = network(hidden=(16, 16))
    point = objective.as_tensor(objective.initial_parameters())
    reports: list[tuple[str, float]] = []
    reported = hessian_spectrum(objective.evaluate, point, 5,
                                progress=lambda stage, f: reports.append((stage, f)),
                                cancelled=lambda: False)
    plain = hessian_spectrum(objective.evaluate, point, 5)
    np.testing.assert_array_equal(reported.eigenvalues, plain.eigenvalues)  # same arithmetic
    fractions = [f for _, f in reports]
    assert {stage for stage, _ in reports} == {"spectrum"} and len(fractions) >= 5
    assert fractions == sorted(fractions) and fractions[0] > 0 and fractions[-1] <= 1
    products: list[float] = []
    with pytest.raises(CancelledError):  # asked to stop after the third product
        hessian_spectrum(objective.evaluate, point, 5,
                         progress=lambda _stage, f: products.append(f),
                         cancelled=lambda: len(products) >= 3)
    assert len(products) == 3


def run_race(objective, spec: OptimizerSpec, steps: int, every: int = 1, start=None):
    start = objective.default_start() if start is None else start
    race = Race(objective, [Racer("lane", spec)], start, max_steps=steps, sharpness_every=every)
    return race, race.run().lanes[0]


@pytest.mark.parametrize("optimizer", ["adam", "adamw", "radam", "rmsprop", "adagrad"])
def test_preconditioned_sharpness_equals_the_dense_scaled_hessian(optimizer):
    objective = network()
    race, lane = run_race(objective, OptimizerSpec(optimizer, {"lr": 0.01}), steps=4)
    last = lane.records[-1]
    rule = stability(race.lanes[0].optimizer)
    scale = rule.preconditioner.rsqrt()
    dense = dense_eigenvalues(objective, last.x, scale)
    assert last.sharpness.preconditioned == pytest.approx(dense[0], rel=NETWORK_RTOL)
    assert lane.records[0].sharpness.preconditioned is None  # no second moments yet


def test_adam_preconditioner_is_its_own_state():
    objective = network()
    race, _ = run_race(objective, OptimizerSpec("adam", {"lr": 0.01, "beta2": 0.99}), steps=3)
    optimizer = race.lanes[0].optimizer
    state = optimizer.torch_optimizer.state[optimizer.param]
    v_hat = state["exp_avg_sq"] / (1 - 0.99**3)
    torch.testing.assert_close(stability(optimizer).preconditioner, v_hat.sqrt() + 1e-8)
    assert stability(optimizer).threshold == pytest.approx(38 / 0.01, rel=4 * EPS)


def test_race_records_carry_the_sharpness_at_their_positions():
    objective = function("rosenbrock")
    _, lane = run_race(objective, OptimizerSpec("sgd", {"lr": 1e-4}), steps=20)
    for record in lane.records:
        expected = np.linalg.eigvalsh(rosenbrock_hessian(*record.x))[-1]
        assert record.sharpness.sharpness == pytest.approx(expected, rel=1e-10)
        assert record.sharpness.threshold == pytest.approx(2 / 1e-4, rel=4 * EPS)
        assert record.sharpness.preconditioned is None


def test_minibatch_lane_is_measured_on_the_full_data_hessian():
    objective = network()
    spec = OptimizerSpec("sgd", {"lr": 0.1, "batch_size": 8})
    _, lane = run_race(objective, spec, steps=6, every=3)
    measured = [r for r in lane.records if r.sharpness is not None]
    assert [r.step for r in measured] == [0, 3, 6]
    assert all(r.sharpness is None for r in lane.records if r.step % 3)
    for record in measured:
        assert record.sharpness.sharpness == pytest.approx(
            dense_eigenvalues(objective, record.x)[0], rel=NETWORK_RTOL)


def test_schedule_threshold_follows_the_learning_rate():
    objective = function("quadratic")
    spec = OptimizerSpec("sgd", {"lr": 0.01, "schedule": "exponential", "gamma": 0.5})
    _, lane = run_race(objective, spec, steps=4)
    thresholds = [r.sharpness.threshold for r in lane.records]
    # The threshold at x_t is that of the step about to be taken: η_t = 0.01 · 0.5^t.
    np.testing.assert_allclose(thresholds, [2 / (0.01 * 0.5**t) for t in range(5)], rtol=8 * EPS)


@pytest.mark.parametrize("optimizer", ["lbfgs", "newton", "pso", "sa", "cmaes", "lookahead"])
def test_methods_without_a_step_size_get_sharpness_only(optimizer):
    objective = function("quadratic")
    _, lane = run_race(objective, OptimizerSpec(optimizer, {}), steps=2)
    reading = lane.records[0].sharpness
    assert reading.sharpness == pytest.approx(25.0, rel=4 * EPS)
    assert reading.threshold is None and reading.preconditioned is None


@pytest.mark.parametrize(("optimizer", "params"), [
    ("sgd", {}), ("momentum", {"momentum": 0.9}), ("nesterov", {"momentum": 0.9}),
    ("momentum", {"momentum": 0.5, "dampening": 0.3}), ("heun", {})])
def test_threshold_is_the_stability_boundary_on_a_quadratic(optimizer, params):
    """Just below the threshold (λ = 25 = 0.97 · threshold) gradient descent contracts;
    just above (1.03 ·) it grows: the threshold is the boundary, not a rule of thumb."""
    objective = function("quadratic")
    probe = run_race(objective, OptimizerSpec(optimizer, {"lr": 1.0, **params}), steps=0)[1]
    threshold_at_lr_1 = probe.records[0].sharpness.threshold  # threshold ∝ 1/η
    for factor, shrinks in [(0.97, True), (1.03, False)]:
        lr = threshold_at_lr_1 / 25.0 * factor
        _, lane = run_race(objective, OptimizerSpec(optimizer, {"lr": lr, **params}), steps=600,
                           every=600, start=np.array([0.0, 1.0]))
        final = abs(lane.records[-1].x[1])
        assert (final < 1e-3) == shrinks, (factor, final)
