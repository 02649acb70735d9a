"""The library of analytic 2D test functions, by stable id, in display order.

Definitions, search boxes and minima follow the usual references (Wikipedia's "Test functions
for optimization"; Surjanovic & Bingham's Virtual Library of Simulation Experiments). Minima
positions and values were solved to 20 digits with mpmath (∇f = 0, or the KKT conditions on
the boundary for Eggholder, whose global minimum lies on the edge x = 512 of its box).
Every formula is built from elementwise torch operations, so it broadcasts over tensors of any
shape, computes in the input's dtype (float64 for the catalog) and is differentiable.
"""

from __future__ import annotations

import math

import torch

from landscape_app.core.catalogue.functions import FUNCTION_IDS, check_function_id
from landscape_app.core.functions.base import Box, Function2D
from landscape_app.core.objective import Minimum

FUNCTIONS: dict[str, Function2D] = {}

PI = math.pi


def _add(function: Function2D) -> Function2D:
    if function.id not in FUNCTION_IDS:
        raise ValueError(f"function id {function.id!r} is not in the catalogue's FUNCTION_IDS")
    FUNCTIONS[function.id] = function
    return function


def get_function(function_id: str) -> Function2D:
    """The test function registered under ``function_id``."""
    return FUNCTIONS[check_function_id(function_id)]


def all_functions() -> list[Function2D]:
    """Every test function, in display order."""
    return list(FUNCTIONS.values())


def _square_box(half_width: float) -> Box:
    return Box(-half_width, half_width, -half_width, half_width)


# -- formulas that do not fit on one line ----------------------------------------------------
def _ackley(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # The norm (not sqrt(x² + y²)) keeps the gradient finite (0) at the tip of the cone.
    radius = torch.linalg.vector_norm(torch.stack((x, y), dim=-1), dim=-1) / math.sqrt(2.0)
    waves = 0.5 * (torch.cos(2 * PI * x) + torch.cos(2 * PI * y))
    return -20 * torch.exp(-0.2 * radius) - torch.exp(waves) + math.e + 20


def _beale(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2
            + (2.625 - x + x * y**3) ** 2)


def _goldstein_price(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    first = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    second = 30 + (2 * x - 3 * y) ** 2 * (
        18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return first * second


def _six_hump_camel(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


def _levi13(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (torch.sin(3 * PI * x) ** 2
            + (x - 1) ** 2 * (1 + torch.sin(3 * PI * y) ** 2)
            + (y - 1) ** 2 * (1 + torch.sin(2 * PI * y) ** 2))


def _easom(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return -torch.cos(x) * torch.cos(y) * torch.exp(-((x - PI) ** 2 + (y - PI) ** 2))


def _eggholder(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    shifted = y + 47
    return (-shifted * torch.sin(torch.sqrt(torch.abs(x / 2 + shifted)))
            - x * torch.sin(torch.sqrt(torch.abs(x - shifted))))


# -- the catalog, in display order -----------------------------------------------------------
_add(Function2D(
    "sphere", "Sphere",
    lambda x, y: x**2 + y**2,
    domain=_square_box(5.12), view=_square_box(3.0),
    minima=(Minimum((0.0, 0.0), 0.0),), start=(2.5, -2.0),
    description="The round bowl x² + y²: every method should walk straight to the origin.",
    latex="x² + y²",
))

_add(Function2D(
    "quadratic", "Ill-conditioned quadratic",
    lambda x, y: 0.5 * (x**2 + 25 * y**2),
    domain=_square_box(5.0), view=Box(-5.0, 5.0, -2.5, 2.5),
    minima=(Minimum((0.0, 0.0), 0.0),), start=(-4.5, 1.5),
    description="A long narrow valley (condition number 25): plain steps zig-zag across it "
                "and momentum overshoots.",
    latex="½ (x² + 25 y²)",
))

_add(Function2D(
    "rosenbrock", "Rosenbrock",
    lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    domain=_square_box(2.048), view=Box(-2.0, 2.0, -1.0, 3.0),
    minima=(Minimum((1.0, 1.0), 0.0),), start=(-1.5, 2.0),
    description="A curved, flat-bottomed valley: easy to find, slow to follow to (1, 1).",
    latex="(1 − x)² + 100 (y − x²)²", log_scale=True,
))

_add(Function2D(
    "rastrigin", "Rastrigin",
    lambda x, y: (20 + x**2 - 10 * torch.cos(2 * PI * x)
                  + y**2 - 10 * torch.cos(2 * PI * y)),
    domain=_square_box(5.12), view=_square_box(5.12),
    minima=(Minimum((0.0, 0.0), 0.0),), start=(3.2, -2.8),
    description="A regular grid of local minima around one global minimum at the origin.",
    latex="20 + x² − 10 cos 2πx + y² − 10 cos 2πy",
))

_add(Function2D(
    "ackley", "Ackley",
    _ackley,
    domain=_square_box(5.0), view=_square_box(5.0),
    minima=(Minimum((0.0, 0.0), 0.0),), start=(3.3, -2.6),
    description="A nearly flat, bumpy plateau with a deep funnel at the origin.",
    latex="−20 exp(−0.2 √(½(x² + y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20",
))

_add(Function2D(
    "himmelblau", "Himmelblau",
    lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    domain=_square_box(5.0), view=_square_box(5.0),
    minima=(
        Minimum((3.0, 2.0), 0.0),
        Minimum((-2.8051180869527449, 3.1313125182505730), 0.0),
        Minimum((-3.7793102533777469, -3.2831859912861694), 0.0),
        Minimum((3.5844283403304917, -1.8481265269644036), 0.0),
    ),
    start=(-0.5, -0.5),
    description="Four equally deep minima: which one an optimizer finds depends on its path.",
    latex="(x² + y − 11)² + (x + y² − 7)²", log_scale=True,
))

_add(Function2D(
    "beale", "Beale",
    _beale,
    domain=_square_box(4.5), view=_square_box(4.5),
    minima=(Minimum((3.0, 0.5), 0.0),), start=(1.0, 1.5),
    description="Flat plateaus and steep corner ridges around a narrow valley to (3, 0.5).",
    latex="(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²", log_scale=True,
))

_add(Function2D(
    "booth", "Booth",
    lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    domain=_square_box(10.0), view=_square_box(10.0),
    minima=(Minimum((1.0, 3.0), 0.0),), start=(-7.0, -8.0),
    description="A tilted, mildly elongated quadratic bowl with its minimum at (1, 3).",
    latex="(x + 2y − 7)² + (2x + y − 5)²",
))

_add(Function2D(
    "matyas", "Matyas",
    lambda x, y: 0.26 * (x**2 + y**2) - 0.48 * x * y,
    domain=_square_box(10.0), view=_square_box(10.0),
    minima=(Minimum((0.0, 0.0), 0.0),), start=(8.0, 3.0),
    description="A diagonal valley (condition number 25) with a nearly flat floor along x = y.",
    latex="0.26 (x² + y²) − 0.48 xy",
))

_add(Function2D(
    "goldstein-price", "Goldstein–Price",
    _goldstein_price,
    domain=_square_box(2.0), view=_square_box(2.0),
    minima=(Minimum((0.0, -1.0), 3.0),), start=(0.5, 1.5),
    description="Values over six orders of magnitude, with local minima at 30, 84 and 840.",
    latex="[1 + (x + y + 1)² (19 − 14x + 3x² − 14y + 6xy + 3y²)] · "
          "[30 + (2x − 3y)² (18 − 32x + 12x² + 48y − 36xy + 27y²)]",
    log_scale=True,
))

_add(Function2D(
    "styblinski-tang", "Styblinski–Tang",
    lambda x, y: 0.5 * (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y),
    domain=_square_box(5.0), view=_square_box(5.0),
    minima=(Minimum((-2.9035340277711771, -2.9035340277711771), -78.332331407542831),),
    start=(4.0, 4.0),
    description="Four basins of different depth: from this start, descent lands in the worst.",
    latex="½ (x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)",
))

_add(Function2D(
    "six-hump-camel", "Six-hump camel",
    _six_hump_camel,
    domain=Box(-3.0, 3.0, -2.0, 2.0), view=Box(-2.0, 2.0, -1.2, 1.2),
    minima=(
        Minimum((0.089842013100318062, -0.71265640302073963), -1.0316284534898774),
        Minimum((-0.089842013100318062, 0.71265640302073963), -1.0316284534898774),
    ),
    start=(-1.2, -0.9),
    description="Six local minima, two of them global and symmetric about the origin.",
    latex="(4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²",
))

_add(Function2D(
    "three-hump-camel", "Three-hump camel",
    lambda x, y: 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2,
    domain=_square_box(5.0), view=_square_box(2.0),
    minima=(Minimum((0.0, 0.0), 0.0),), start=(1.9, 1.2),
    description="A global minimum at the origin between two shallow local minima.",
    latex="2x² − 1.05x⁴ + x⁶/6 + xy + y²",
))

_add(Function2D(
    "levi13", "Lévi N.13",
    _levi13,
    domain=_square_box(10.0), view=Box(-4.0, 6.0, -4.0, 6.0),
    minima=(Minimum((1.0, 1.0), 0.0),), start=(-2.5, 3.5),
    description="A quadratic bowl covered in sine ripples; the minimum is at (1, 1).",
    latex="sin²(3πx) + (x − 1)² (1 + sin²(3πy)) + (y − 1)² (1 + sin²(2πy))",
))

_add(Function2D(
    "easom", "Easom",
    _easom,
    domain=_square_box(100.0), view=Box(-1.0, 7.0, -1.0, 7.0),
    minima=(Minimum((PI, PI), -1.0),), start=(2.0, 4.2),
    description="A flat plain with one small, deep hole at (π, π): the gradient is almost "
                "zero elsewhere.",
    latex="−cos x · cos y · exp(−((x − π)² + (y − π)²))",
))

_add(Function2D(
    "eggholder", "Eggholder",
    _eggholder,
    domain=_square_box(512.0), view=_square_box(512.0),
    minima=(Minimum((512.0, 404.23180511375781), -959.64066272085080),),
    start=(100.0, -250.0),
    description="A rugged landscape of deep, irregular wells; the global minimum sits on the "
                "edge x = 512.",
    latex="−(y + 47) sin √|x/2 + y + 47| − x sin √|x − (y + 47)|",
))

_add(Function2D(
    "saddle", "Saddle",
    lambda x, y: x**2 - y**2,
    domain=_square_box(2.0), view=_square_box(2.0),
    minima=(), start=(1.5, 0.05),
    description="A saddle point at the origin; unbounded below along y, so there is no "
                "minimum: methods must escape.",
    latex="x² − y²",
))

_add(Function2D(
    "monkey-saddle", "Monkey saddle",
    lambda x, y: x**3 - 3 * x * y**2,
    domain=_square_box(2.0), view=_square_box(2.0),
    minima=(), start=(1.0, 0.3),
    description="A flat saddle with three valleys going down; unbounded below, so there is "
                "no minimum.",
    latex="x³ − 3xy²",
))
