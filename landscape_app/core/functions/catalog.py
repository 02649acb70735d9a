"""The library of analytic 2D test functions, by stable id, in display order.

The functions are defined once, as data, in :mod:`landscape_app.core.catalogue.
function_forms` (torch-free, so that the window draws its first landscape before torch is
imported); here each becomes a :class:`~landscape_app.core.functions.function2d.Function2D`.
Every formula is built from elementwise operations, so it broadcasts over tensors of any
shape, computes in the input's dtype (float64 for the catalog) and is differentiable.
"""

from __future__ import annotations

import torch

from landscape_app.core.catalogue.function_forms import FORMS, TENSOR_NORM, FunctionForm
from landscape_app.core.catalogue.functions import check_function_id
from landscape_app.core.functions.function2d import Function2D
from landscape_app.core.objective import Minimum


def _tensor_norm(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return torch.linalg.vector_norm(torch.stack((x, y), dim=-1), dim=-1)


TENSOR_NORM[:] = [_tensor_norm]


def _function(form: FunctionForm) -> Function2D:
    return Function2D(
        form.id, form.name, form.formula, domain=form.domain, view=form.view,
        minima=tuple(Minimum(position, value) for position, value in form.minima),
        start=form.start, description=form.description, latex=form.latex,
        log_scale=form.log_scale, value_and_gradient=form.value_and_gradient,
    )


FUNCTIONS: dict[str, Function2D] = {form.id: _function(form) for form in FORMS.values()}


def get_function(function_id: str) -> Function2D:
    """The test function registered under ``function_id``."""
    return FUNCTIONS[check_function_id(function_id)]


def all_functions() -> list[Function2D]:
    """Every test function, in display order."""
    return list(FUNCTIONS.values())
