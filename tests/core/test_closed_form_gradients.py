"""The catalogue's closed-form gradients are autograd's, bit for bit (value too).

Each ``value_and_gradient`` writes out the operations autograd runs on the formula, so the
comparison is exact (no tolerance): on a grid over a box wider than the function's, random
points, huge and tiny coordinates, in float32 and float64. The maps step on these gradients,
so the maps' exactness tests (tests/core/maps, tests/core/compare) stay exact through them.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from landscape_app.core.catalogue.function_forms import FORMS
from landscape_app.core.functions import get_function
from landscape_app.core.functions.function2d import STACK_MAX
from landscape_app.core.maps.stochastic_rows import ClosedFormRows, evaluate_rows, rows_evaluate

CLOSED = sorted(form.id for form in FORMS.values() if form.value_and_gradient is not None)


def _points(function_id: str, dtype: torch.dtype) -> torch.Tensor:
    form = FORMS[function_id]
    lower, upper = form.domain.lower * 1.5, form.domain.upper * 1.5
    xs = np.linspace(lower[0], upper[0], 101)
    ys = np.linspace(lower[1], upper[1], 101)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    generator = np.random.default_rng(7)
    scattered = generator.uniform(lower, upper, size=(5000, 2))
    scales = np.concatenate([generator.standard_normal((500, 2)) * 1e6,
                             generator.standard_normal((500, 2)) * 1e-6])
    return torch.as_tensor(np.concatenate([grid, scattered, scales]), dtype=dtype)


def test_the_polynomial_landscapes_have_closed_forms():
    assert CLOSED == ["booth", "himmelblau", "quadratic", "rosenbrock", "saddle", "sphere"]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("function_id", CLOSED)
def test_closed_form_equals_autograd_bit_for_bit(function_id, dtype):
    function = get_function(function_id)
    points = _points(function_id, dtype)
    param = points.clone().requires_grad_(True)
    value = function.evaluate(param)
    value.sum().backward()
    closed_value, closed_grad = function.value_and_grad(points)
    assert closed_value.dtype == closed_grad.dtype == dtype
    torch.testing.assert_close(closed_value, value.detach(), rtol=0, atol=0, equal_nan=True)
    torch.testing.assert_close(closed_grad, param.grad, rtol=0, atol=0, equal_nan=True)


@pytest.mark.parametrize("function_id", CLOSED)
def test_small_and_large_batches_assemble_the_same_gradient(function_id):
    # up to STACK_MAX points the columns are stacked, above copied into one tensor: the
    # same numbers either way (no arithmetic), in the same (N, 2) layout
    function = get_function(function_id)
    points = _points(function_id, torch.float32)
    assert len(points) > STACK_MAX
    _, large = function.value_and_grad(points)
    for rows in (slice(0, 1), slice(0, STACK_MAX), slice(5000, 5000 + STACK_MAX)):
        _, small = function.value_and_grad(points[rows])
        assert small.shape == large[rows].shape and small.is_contiguous() and large.is_contiguous()
        assert torch.equal(small, large[rows])


def test_map_rows_step_on_the_closed_form_where_there_is_one():
    rosenbrock, rastrigin = get_function("rosenbrock"), get_function("rastrigin")
    assert isinstance(rows_evaluate(rosenbrock), ClosedFormRows)
    assert rows_evaluate(rastrigin) == rastrigin.evaluate  # autograd differentiates it
    points = _points("rosenbrock", torch.float64)
    param = points.clone().requires_grad_(True)
    loss = evaluate_rows(rows_evaluate(rosenbrock), param)
    reference = points.clone().requires_grad_(True)
    expected = evaluate_rows(rosenbrock.evaluate, reference)
    assert torch.equal(loss, expected) and torch.equal(param.grad, reference.grad)
    assert not loss.requires_grad and not param.grad.requires_grad
