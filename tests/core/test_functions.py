"""Every 2D test function: minima, gradients, batching, boxes; and the registry."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize
import torch

from landscape_app.core.errors import LandscapeError, UnknownIdError
from landscape_app.core.functions import Function2D, all_functions, get_function
from landscape_app.core.objective import Problem
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.core.runner import Race, Racer, Status

EXPECTED_IDS = [
    "sphere", "quadratic", "rosenbrock", "rastrigin", "ackley", "himmelblau", "beale", "booth",
    "matyas", "goldstein-price", "styblinski-tang", "six-hump-camel", "three-hump-camel",
    "levi13", "easom", "eggholder", "saddle", "monkey-saddle",
]
FUNCTIONS = all_functions()
WITH_MINIMA = [f for f in FUNCTIONS if f.minima]
UNBOUNDED = [f for f in FUNCTIONS if not f.minima]


def _tensor(values) -> torch.Tensor:
    return torch.as_tensor(np.asarray(values, dtype=float), dtype=torch.float64)


def _value(function: Function2D, point) -> float:
    with torch.no_grad():
        return float(function.evaluate(_tensor(point)))


def _gradient(function: Function2D, point) -> np.ndarray:
    return Problem(function).loss_and_grad(np.asarray(point, dtype=float))[1]


def _tolerance(value: float) -> float:
    """Minima are listed to ~17 significant digits; allow float64 rounding of the formula."""
    return 1e-12 * max(1.0, abs(value))


def _by_id(functions: list[Function2D]):
    return pytest.mark.parametrize("function", functions, ids=[f.id for f in functions])


def test_catalog_holds_every_function_in_display_order():
    assert [f.id for f in FUNCTIONS] == EXPECTED_IDS
    assert all(get_function(f.id) is f for f in FUNCTIONS)
    assert len({f.name for f in FUNCTIONS}) == len(FUNCTIONS)


def test_unknown_id_is_a_user_error_listing_the_known_ids():
    with pytest.raises(UnknownIdError) as caught:
        get_function("rosenbruck")
    message = str(caught.value)
    assert "unknown function 'rosenbruck'" in message
    assert "rosenbrock" in message and "monkey-saddle" in message
    assert isinstance(caught.value, LandscapeError)


@_by_id(FUNCTIONS)
def test_describes_itself_for_the_ui(function: Function2D):
    assert function.description and "\n" not in function.description
    assert len(function.description) <= 110
    assert function.latex and function.name
    assert function.dtype == torch.float64
    for box in (function.domain, function.view):
        assert box.x0 < box.x1 and box.y0 < box.y1


@_by_id(WITH_MINIMA)
def test_value_at_each_minimum_is_the_listed_value(function: Function2D):
    for minimum in function.minima:
        assert _value(function, minimum.position) == pytest.approx(
            minimum.value, abs=_tolerance(minimum.value))
    # Listed minima are global: they share one value.
    assert len({round(m.value, 9) for m in function.minima}) == 1


@_by_id(WITH_MINIMA)
def test_gradient_vanishes_at_each_minimum(function: Function2D):
    """∇f = 0 inside the box; on its edge the KKT sign condition (f decreases outwards)."""
    lower, upper = function.lower, function.upper
    for minimum in function.minima:
        position = np.array(minimum.position)
        gradient = _gradient(function, position)
        for axis in range(2):
            if position[axis] == upper[axis]:
                assert gradient[axis] < 0
            elif position[axis] == lower[axis]:
                assert gradient[axis] > 0
            else:
                assert abs(gradient[axis]) < 1e-8


def test_eggholder_minimum_lies_on_the_edge_of_its_box():
    eggholder = get_function("eggholder")
    (minimum,) = eggholder.minima
    assert minimum.position[0] == eggholder.upper[0] == 512.0
    assert minimum.position[1] == pytest.approx(404.2319, abs=1e-4)
    assert minimum.value == pytest.approx(-959.6407, abs=1e-4)


@pytest.mark.parametrize(("function_id", "position", "value"), [
    ("styblinski-tang", (-2.903534, -2.903534), -78.33233),
    ("six-hump-camel", (0.0898, -0.7126), -1.0316),
    ("six-hump-camel", (-0.0898, 0.7126), -1.0316),
    ("goldstein-price", (0.0, -1.0), 3.0),
    ("himmelblau", (-2.805118, 3.131312), 0.0),
    ("easom", (np.pi, np.pi), -1.0),
    ("eggholder", (512.0, 404.2319), -959.6407),
])
def test_published_minima(function_id: str, position, value: float):
    function = get_function(function_id)
    assert _value(function, position) == pytest.approx(value, abs=1e-4)
    listed = min(function.minima, key=lambda m: np.hypot(*np.subtract(m.position, position)))
    assert np.allclose(listed.position, position, atol=1e-4)


@_by_id(FUNCTIONS)
def test_autograd_gradient_equals_central_differences(function: Function2D):
    rng = np.random.default_rng(7)
    points = rng.uniform(function.lower, function.upper, size=(6, 2))
    step = 1e-6 * max(1.0, float(np.max(function.upper - function.lower)) / 4)
    for point in points:
        gradient = _gradient(function, point)
        differences = np.array([
            (_value(function, point + step * e) - _value(function, point - step * e)) / (2 * step)
            for e in np.eye(2)
        ])
        scale = 1.0 + abs(_value(function, point))
        np.testing.assert_allclose(gradient, differences, rtol=1e-5, atol=1e-6 * scale)


@_by_id(FUNCTIONS)
def test_batched_evaluation_equals_pointwise(function: Function2D):
    rng = np.random.default_rng(3)
    points = rng.uniform(function.lower, function.upper, size=(3, 4, 2))
    pointwise = np.array([[_value(function, p) for p in row] for row in points])
    with torch.no_grad():
        grid = function.evaluate(_tensor(points))
        flat = function.evaluate(_tensor(points.reshape(-1, 2)))
    assert grid.shape == (3, 4) and grid.dtype == torch.float64
    assert flat.shape == (12,)
    np.testing.assert_allclose(grid.numpy(), pointwise, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(flat.numpy(), pointwise.reshape(-1), rtol=1e-14, atol=1e-14)


@_by_id(FUNCTIONS)
def test_minima_inside_domain_and_start_inside_view(function: Function2D):
    for minimum in function.minima:
        assert np.all(function.lower <= minimum.position)
        assert np.all(minimum.position <= function.upper)
    start = function.default_start()
    view = function.view
    assert view.x0 < start[0] < view.x1 and view.y0 < start[1] < view.y1
    assert np.all(function.lower < start) and np.all(start < function.upper)
    if function.minima:
        assert function.distance_to_minimum(start) > 0.1


@_by_id(WITH_MINIMA)
def test_search_of_the_domain_finds_nothing_below_the_global_minimum(function: Function2D):
    """A 301² grid, then L-BFGS-B (bounded) polishing from the 4 best grid points."""
    xs = torch.linspace(function.domain.x0, function.domain.x1, 301, dtype=torch.float64)
    ys = torch.linspace(function.domain.y0, function.domain.y1, 301, dtype=torch.float64)
    grid_x, grid_y = torch.meshgrid(xs, ys, indexing="ij")
    with torch.no_grad():
        values = function.formula(grid_x, grid_y)
    best = function.best_known_value
    assert float(values.min()) >= best - _tolerance(best)
    order = torch.argsort(values.reshape(-1))[:4]
    bounds = list(zip(function.lower, function.upper, strict=True))
    for index in order:
        seed = np.array([float(grid_x.reshape(-1)[index]), float(grid_y.reshape(-1)[index])])
        result = scipy.optimize.minimize(
            lambda p: Problem(function).loss_and_grad(p), seed, jac=True,
            method="L-BFGS-B", bounds=bounds)
        assert result.fun >= best - 1e-9 * max(1.0, abs(best))


@_by_id(UNBOUNDED)
def test_saddles_are_unbounded_below(function: Function2D):
    assert function.minima == () and function.best_known_value is None
    assert "no minimum" in function.description
    assert _value(function, (0.0, 0.0)) == 0.0
    assert np.allclose(_gradient(function, (0.0, 0.0)), 0.0)  # the saddle point itself
    angles = np.linspace(0.0, 2 * np.pi, 12, endpoint=False)
    far = [_value(function, 1e3 * np.array([np.cos(a), np.sin(a)])) for a in angles]
    assert min(far) < -1e5


@_by_id(UNBOUNDED)
def test_gradient_descent_walking_off_a_saddle_is_stopped_as_diverged(function: Function2D):
    racers = [Racer("sgd", OptimizerSpec("sgd", {"lr": 0.05})),
              Racer("momentum", OptimizerSpec("momentum", {"lr": 0.05}))]
    race = Race(function, racers, start=function.default_start(), max_steps=2000)
    for lane in race.run().lanes:
        assert lane.status is Status.DIVERGED, lane.message
        assert len(lane.records) < 1000
