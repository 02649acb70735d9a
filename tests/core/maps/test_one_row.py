"""One float64 row's closed form in Python numbers equals the tensors' bit for bit.

Every catalogue closed form, at the points its tensor form is held to autograd on (a grid
over a box wider than the function's, random points, huge and tiny coordinates — where the
squares overflow to inf and differences of infinities give NaN), plus signed zeros: the loss
and gradient of each point alone (:func:`row_value_and_grad`) equal the tensor form's on all
the points at once, no tolerance, shapes and dtypes too.
"""

from __future__ import annotations

import pytest
import torch

from landscape_app.core.catalogue.function_forms import FORMS
from landscape_app.core.functions import get_function
from landscape_app.core.maps.one_row import Number, one_row, row_value_and_grad
from landscape_app.core.maps.stochastic_rows import evaluate_rows, rows_evaluate
from tests.core.test_closed_form_gradients import CLOSED, _points

EDGES = torch.tensor([[0.0, -0.0], [-0.0, 0.0], [1.0, 1.0], [1e200, -1e200], [1e-200, 3e-320],
                      [float("inf"), 1.0], [float("nan"), 2.0]], dtype=torch.float64)


@pytest.mark.parametrize("function_id", CLOSED)
def test_one_row_in_python_numbers_is_the_tensors(function_id):
    gradient = FORMS[function_id].value_and_gradient
    points = torch.cat([_points(function_id, torch.float64)[::3], EDGES])
    value, grad = get_function(function_id).value_and_grad(points)
    rows = [row_value_and_grad(gradient, point) for point in points.split(1)]
    assert all(v.shape == (1,) and g.shape == (1, 2) and v.dtype == g.dtype == torch.float64
               for v, g in rows)
    torch.testing.assert_close(torch.cat([v for v, _ in rows]), value, rtol=0, atol=0,
                               equal_nan=True)
    torch.testing.assert_close(torch.cat([g for _, g in rows]), grad, rtol=0, atol=0,
                               equal_nan=True)
    signs = torch.cat([g for _, g in rows]).signbit()  # −0 where the tensors have −0
    assert torch.equal(signs, grad.signbit())


def test_only_one_float64_row_on_the_cpu():
    row = torch.zeros(1, 2, dtype=torch.float64)
    assert one_row(row)
    assert not one_row(row.float()) and not one_row(torch.zeros(2, 2, dtype=torch.float64))
    assert not one_row(torch.zeros(1, 3, dtype=torch.float64))


def test_a_map_row_steps_on_it():
    """The map engine's closed-form rows take it for one row: loss and gradient as before."""
    rosenbrock = get_function("rosenbrock")
    param = torch.tensor([[-1.2, 1.0]], dtype=torch.float64, requires_grad=True)
    loss = evaluate_rows(rows_evaluate(rosenbrock), param)
    reference = param.detach().clone().requires_grad_(True)
    expected = evaluate_rows(rosenbrock.evaluate, reference)  # autograd
    assert torch.equal(loss, expected) and torch.equal(param.grad, reference.grad)


def test_only_squares():
    with pytest.raises(ValueError, match="only squares"):
        Number(2.0).pow(3)
