"""The library of analytic 2D test functions."""

from __future__ import annotations

import math

import torch

from landscape_app.core.errors import UnknownIdError
from landscape_app.core.functions.base import Box, Function2D
from landscape_app.core.objective import Minimum

FUNCTIONS: dict[str, Function2D] = {}


def _add(function: Function2D) -> Function2D:
    FUNCTIONS[function.id] = function
    return function


def get_function(function_id: str) -> Function2D:
    """The test function registered under ``function_id``."""
    try:
        return FUNCTIONS[function_id]
    except KeyError:
        raise UnknownIdError(
            f"unknown function {function_id!r}; known: {', '.join(FUNCTIONS)}"
        ) from None


def all_functions() -> list[Function2D]:
    """Every test function, in display order."""
    return list(FUNCTIONS.values())


_add(Function2D(
    "rosenbrock", "Rosenbrock",
    lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    domain=Box(-2, 2, -1, 3), view=Box(-2, 2, -1, 3),
    minima=(Minimum((1.0, 1.0), 0.0),), start=(-1.5, 2.0),
    description="A curved, flat-bottomed valley: easy to find, slow to follow to (1, 1).",
    latex="(1 − x)² + 100 (y − x²)²", log_scale=True,
))

_add(Function2D(
    "rastrigin", "Rastrigin",
    lambda x, y: 20 + x**2 - 10 * torch.cos(2 * math.pi * x) + y**2
    - 10 * torch.cos(2 * math.pi * y),
    domain=Box(-5.12, 5.12, -5.12, 5.12), view=Box(-5.12, 5.12, -5.12, 5.12),
    minima=(Minimum((0.0, 0.0), 0.0),), start=(3.2, -2.8),
    description="A regular grid of local minima around one global minimum at the origin.",
    latex="20 + Σ (xᵢ² − 10 cos 2πxᵢ)",
))

_add(Function2D(
    "ackley", "Ackley",
    lambda x, y: -20 * torch.exp(-0.2 * torch.sqrt(0.5 * (x**2 + y**2)))
    - torch.exp(0.5 * (torch.cos(2 * math.pi * x) + torch.cos(2 * math.pi * y))) + math.e + 20,
    domain=Box(-5, 5, -5, 5), view=Box(-5, 5, -5, 5),
    minima=(Minimum((0.0, 0.0), 0.0),), start=(3.3, -2.6),
    description="A nearly flat, bumpy plateau with a deep funnel at the origin.",
    latex="−20 exp(−0.2 √(½(x² + y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20",
))
