"""The analytic 2D test functions as data, without torch: formula, boxes, minima, texts.

Each formula is written once, from the elementwise operations below, and computes on whatever
it is given: torch tensors (the races, the maps and the grids of
:mod:`landscape_app.core.functions.catalog`, differentiable) or NumPy arrays (the window's
first frame, drawn before torch is imported). Definitions, search boxes and minima follow
the usual references (Wikipedia's "Test functions for optimization"; Surjanovic & Bingham's
Virtual Library of Simulation Experiments). Minima positions and values were solved to 20
digits with mpmath (∇f = 0, or the KKT conditions on the boundary for Eggholder, whose global
minimum lies on the edge x = 512 of its box).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape_app.core.catalogue.functions import FUNCTION_IDS

Array = Any  # a torch.Tensor or a NumPy array (or a float)
PI = math.pi


def _numpy(value: Array) -> bool:
    return isinstance(value, np.ndarray | float | int | np.floating)


def cos(value: Array) -> Array:
    return np.cos(value) if _numpy(value) else value.cos()


def sin(value: Array) -> Array:
    return np.sin(value) if _numpy(value) else value.sin()


def exp(value: Array) -> Array:
    return np.exp(value) if _numpy(value) else value.exp()


def sqrt(value: Array) -> Array:
    return np.sqrt(value) if _numpy(value) else value.sqrt()


def abs(value: Array) -> Array:  # noqa: A001 - the formula's name for it
    return np.abs(value) if _numpy(value) else value.abs()


#: √(x² + y²) of two tensors, set by :mod:`landscape_app.core.functions.catalog` (which may
#: import torch; this module may not): a vector norm, whose gradient stays finite (0) at the
#: origin where that of the square root is not.
TENSOR_NORM: list[Callable[[Array, Array], Array]] = []


def norm(x: Array, y: Array) -> Array:
    """√(x² + y²), elementwise (tensors through :data:`TENSOR_NORM`)."""
    if _numpy(x) and _numpy(y):
        return np.hypot(x, y)
    return TENSOR_NORM[0](x, y)


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle ``[x0, x1] × [y0, y1]``."""

    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def lower(self) -> np.ndarray:
        return np.array([self.x0, self.y0], dtype=float)

    @property
    def upper(self) -> np.ndarray:
        return np.array([self.x1, self.y1], dtype=float)


@dataclass(frozen=True)
class FunctionForm:
    """One test function: ``formula(x, y)`` broadcasts over tensors or arrays of any shape.

    ``minima`` holds ``((x, y), f)`` pairs; ``view`` is a good range to draw and ``domain``
    the search box; ``start`` a suggested start point. ``value_and_gradient(x, y)``, where
    given, returns ``(f, ∂f/∂x, ∂f/∂y)`` in closed form, each written with the very operations
    autograd runs on ``formula`` (see :func:`_rosenbrock_gradient`): bit for bit its value and
    gradient, without building a graph (the maps step on it).
    """

    id: str
    name: str
    formula: Callable[[Array, Array], Array]
    domain: Box
    view: Box
    minima: tuple[tuple[tuple[float, float], float], ...]
    start: tuple[float, float]
    description: str
    latex: str = ""
    log_scale: bool = False
    value_and_gradient: Callable[[Array, Array], tuple[Array, Array, Array]] | None = None


FORMS: dict[str, FunctionForm] = {}


def _add(form: FunctionForm) -> FunctionForm:
    if form.id not in FUNCTION_IDS:
        raise ValueError(f"function id {form.id!r} is not in the catalogue's FUNCTION_IDS")
    FORMS[form.id] = form
    return form


def _square_box(half_width: float) -> Box:
    return Box(-half_width, half_width, -half_width, half_width)


def grid_values(form: FunctionForm, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """``values[j, i] = f(xs[i], ys[j])`` in float64 NumPy (no torch)."""
    gx, gy = np.meshgrid(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    with np.errstate(all="ignore"):
        return np.asarray(form.formula(gx, gy), dtype=float)


# -- formulas that do not fit on one line ----------------------------------------------------
def _ackley(x: Array, y: Array) -> Array:
    # The norm (not sqrt(x² + y²)) keeps the gradient finite (0) at the tip of the cone.
    radius = norm(x, y) / math.sqrt(2.0)
    waves = 0.5 * (cos(2 * PI * x) + cos(2 * PI * y))
    return -20 * exp(-0.2 * radius) - exp(waves) + math.e + 20


def _beale(x: Array, y: Array) -> Array:
    return ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2
            + (2.625 - x + x * y**3) ** 2)


def _goldstein_price(x: Array, y: Array) -> Array:
    first = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    second = 30 + (2 * x - 3 * y) ** 2 * (
        18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return first * second


def _six_hump_camel(x: Array, y: Array) -> Array:
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


def _levi13(x: Array, y: Array) -> Array:
    return (sin(3 * PI * x) ** 2
            + (x - 1) ** 2 * (1 + sin(3 * PI * y) ** 2)
            + (y - 1) ** 2 * (1 + sin(2 * PI * y) ** 2))


def _easom(x: Array, y: Array) -> Array:
    return -cos(x) * cos(y) * exp(-((x - PI) ** 2 + (y - PI) ** 2))


def _eggholder(x: Array, y: Array) -> Array:
    shifted = y + 47
    return (-shifted * sin(sqrt(abs(x / 2 + shifted)))
            - x * sin(sqrt(abs(x - shifted))))


# -- closed-form gradients ----------------------------------------------------------------------
# Autograd differentiates a formula operation by operation, the output's gradient being 1:
# ``u ** 2`` passes back ``g · (2 · u)``, ``c · u`` passes ``g · c``, ``u − v`` passes ``g`` and
# ``−g``, and an input used twice sums its two contributions (one addition, which commutes).
# Each function below writes those same operations, so every rounding is the one autograd
# makes (``2 · u`` and multiplying by ±1 are exact; rounding is symmetric, so
# (−a) + (−b) = −(a + b) and (−a) · b = −(a · b) exactly); tests/core/test_closed_form_gradients.py
# holds them to autograd bit for bit. They take tensors: the longer ones reuse their
# temporaries in place (``mul_``: the same operation, no new buffer per step), and they call
# the tensor methods (``x.pow(2)``, ``x.mul(2)``: the kernels ``x**2`` and ``2 * x`` run,
# without Python's operator wrappers, which cost as much as the arithmetic on a preview's
# single row).


def _sphere_gradient(x: Array, y: Array) -> tuple[Array, Array, Array]:
    return x.pow(2).add_(y.pow(2)), x.mul(2), y.mul(2)


def _quadratic_gradient(x: Array, y: Array) -> tuple[Array, Array, Array]:
    # g(x² + 25y²) = 0.5; g(y²) = 0.5 · 25 = 12.5, exact
    return (x.pow(2).add_(y.pow(2).mul_(25)).mul_(0.5), x.mul(2).mul_(0.5),
            y.mul(2).mul_(12.5))


def _rosenbrock_gradient(x: Array, y: Array) -> tuple[Array, Array, Array]:
    # f = (1 − x)² + 100 (y − x²)²: g(y − x²) = 100 · (2 (y − x²)), passed to y as it is
    # and to x² negated, whose pow passes −g · (2x); (1 − x)² passes 2 (1 − x), negated
    gap = 1 - x
    ridge = y.sub(x.pow(2))
    value = gap.pow(2)
    value += ridge.pow(2).mul_(100)
    dy = ridge.mul(2).mul_(100)
    return value, x.mul(2).mul_(dy).add_(gap.mul_(2)).neg_(), dy


def _himmelblau_gradient(x: Array, y: Array) -> tuple[Array, Array, Array]:
    # f = a² + b², a = x² + y − 11, b = x + y² − 7: x gets 2a · (2x) and 2b; y gets 2a and
    # 2b · (2y)
    a = x.pow(2).add_(y).sub_(11)
    b = y.pow(2).add_(x).sub_(7)  # x + y² = y² + x: addition commutes
    value = a.pow(2)
    value += b.pow(2)
    a.mul_(2)
    b.mul_(2)
    return value, x.mul(2).mul_(a).add_(b), y.mul(2).mul_(b).add_(a)


def _booth_gradient(x: Array, y: Array) -> tuple[Array, Array, Array]:
    # f = a² + b², a = x + 2y − 7, b = 2x + y − 5: x gets 2a and 2b · 2; y gets 2a · 2 and 2b
    a = y.mul(2).add_(x).sub_(7)
    b = x.mul(2).add_(y).sub_(5)
    value = a.pow(2)
    value += b.pow(2)
    a.mul_(2)
    b.mul_(2)
    return value, b.mul(2).add_(a), a.mul(2).add_(b)


def _saddle_gradient(x: Array, y: Array) -> tuple[Array, Array, Array]:
    return x.pow(2).sub_(y.pow(2)), x.mul(2), y.mul(2).neg_()


# -- the catalog, in display order -----------------------------------------------------------
_add(FunctionForm(
    "sphere", "Sphere",
    lambda x, y: x**2 + y**2,
    domain=_square_box(5.12), view=_square_box(3.0),
    minima=(((0.0, 0.0), 0.0),), start=(2.5, -2.0),
    description="The round bowl x² + y²: every method should walk straight to the origin.",
    latex="x² + y²",
    value_and_gradient=_sphere_gradient,
))

_add(FunctionForm(
    "quadratic", "Ill-conditioned quadratic",
    lambda x, y: 0.5 * (x**2 + 25 * y**2),
    domain=_square_box(5.0), view=Box(-5.0, 5.0, -2.5, 2.5),
    minima=(((0.0, 0.0), 0.0),), start=(-4.5, 1.5),
    description="A long narrow valley (condition number 25): plain steps zig-zag across it "
                "and momentum overshoots.",
    latex="½ (x² + 25 y²)",
    value_and_gradient=_quadratic_gradient,
))

_add(FunctionForm(
    "rosenbrock", "Rosenbrock",
    lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    domain=_square_box(2.048), view=Box(-2.0, 2.0, -1.0, 3.0),
    minima=(((1.0, 1.0), 0.0),), start=(-1.5, 2.0),
    description="A curved, flat-bottomed valley: easy to find, slow to follow to (1, 1).",
    latex="(1 − x)² + 100 (y − x²)²", log_scale=True,
    value_and_gradient=_rosenbrock_gradient,
))

_add(FunctionForm(
    "rastrigin", "Rastrigin",
    lambda x, y: (20 + x**2 - 10 * cos(2 * PI * x)
                  + y**2 - 10 * cos(2 * PI * y)),
    domain=_square_box(5.12), view=_square_box(5.12),
    minima=(((0.0, 0.0), 0.0),), start=(3.2, -2.8),
    description="A regular grid of local minima around one global minimum at the origin.",
    latex="20 + x² − 10 cos 2πx + y² − 10 cos 2πy",
))

_add(FunctionForm(
    "ackley", "Ackley",
    _ackley,
    domain=_square_box(5.0), view=_square_box(5.0),
    minima=(((0.0, 0.0), 0.0),), start=(3.3, -2.6),
    description="A nearly flat, bumpy plateau with a deep funnel at the origin.",
    latex="−20 exp(−0.2 √(½(x² + y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20",
))

_add(FunctionForm(
    "himmelblau", "Himmelblau",
    lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    domain=_square_box(5.0), view=_square_box(5.0),
    minima=(
        ((3.0, 2.0), 0.0),
        ((-2.8051180869527449, 3.1313125182505730), 0.0),
        ((-3.7793102533777469, -3.2831859912861694), 0.0),
        ((3.5844283403304917, -1.8481265269644036), 0.0),
    ),
    start=(-0.5, -0.5),
    description="Four equally deep minima: which one an optimizer finds depends on its path.",
    latex="(x² + y − 11)² + (x + y² − 7)²", log_scale=True,
    value_and_gradient=_himmelblau_gradient,
))

_add(FunctionForm(
    "beale", "Beale",
    _beale,
    domain=_square_box(4.5), view=_square_box(4.5),
    minima=(((3.0, 0.5), 0.0),), start=(1.0, 1.5),
    description="Flat plateaus and steep corner ridges around a narrow valley to (3, 0.5).",
    latex="(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²", log_scale=True,
))

_add(FunctionForm(
    "booth", "Booth",
    lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    domain=_square_box(10.0), view=_square_box(10.0),
    minima=(((1.0, 3.0), 0.0),), start=(-7.0, -8.0),
    description="A tilted, mildly elongated quadratic bowl with its minimum at (1, 3).",
    latex="(x + 2y − 7)² + (2x + y − 5)²",
    value_and_gradient=_booth_gradient,
))

_add(FunctionForm(
    "matyas", "Matyas",
    lambda x, y: 0.26 * (x**2 + y**2) - 0.48 * x * y,
    domain=_square_box(10.0), view=_square_box(10.0),
    minima=(((0.0, 0.0), 0.0),), start=(8.0, 3.0),
    description="A diagonal valley (condition number 25) with a nearly flat floor along x = y.",
    latex="0.26 (x² + y²) − 0.48 xy",
))

_add(FunctionForm(
    "goldstein-price", "Goldstein–Price",
    _goldstein_price,
    domain=_square_box(2.0), view=_square_box(2.0),
    minima=(((0.0, -1.0), 3.0),), start=(0.5, 1.5),
    description="Values over six orders of magnitude, with local minima at 30, 84 and 840.",
    latex="[1 + (x + y + 1)² (19 − 14x + 3x² − 14y + 6xy + 3y²)] · "
          "[30 + (2x − 3y)² (18 − 32x + 12x² + 48y − 36xy + 27y²)]",
    log_scale=True,
))

_add(FunctionForm(
    "styblinski-tang", "Styblinski–Tang",
    lambda x, y: 0.5 * (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y),
    domain=_square_box(5.0), view=_square_box(5.0),
    minima=(((-2.9035340277711771, -2.9035340277711771), -78.332331407542831),),
    start=(4.0, 4.0),
    description="Four basins of different depth: from this start, descent lands in the worst.",
    latex="½ (x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)",
))

_add(FunctionForm(
    "six-hump-camel", "Six-hump camel",
    _six_hump_camel,
    domain=Box(-3.0, 3.0, -2.0, 2.0), view=Box(-2.0, 2.0, -1.2, 1.2),
    minima=(
        ((0.089842013100318062, -0.71265640302073963), -1.0316284534898774),
        ((-0.089842013100318062, 0.71265640302073963), -1.0316284534898774),
    ),
    start=(-1.2, -0.9),
    description="Six local minima, two of them global and symmetric about the origin.",
    latex="(4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²",
))

_add(FunctionForm(
    "three-hump-camel", "Three-hump camel",
    lambda x, y: 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2,
    domain=_square_box(5.0), view=_square_box(2.0),
    minima=(((0.0, 0.0), 0.0),), start=(1.9, 1.2),
    description="A global minimum at the origin between two shallow local minima.",
    latex="2x² − 1.05x⁴ + x⁶/6 + xy + y²",
))

_add(FunctionForm(
    "levi13", "Lévi N.13",
    _levi13,
    domain=_square_box(10.0), view=Box(-4.0, 6.0, -4.0, 6.0),
    minima=(((1.0, 1.0), 0.0),), start=(-2.5, 3.5),
    description="A quadratic bowl covered in sine ripples; the minimum is at (1, 1).",
    latex="sin²(3πx) + (x − 1)² (1 + sin²(3πy)) + (y − 1)² (1 + sin²(2πy))",
))

_add(FunctionForm(
    "easom", "Easom",
    _easom,
    domain=_square_box(100.0), view=Box(-1.0, 7.0, -1.0, 7.0),
    minima=(((PI, PI), -1.0),), start=(2.0, 4.2),
    description="A flat plain with one small, deep hole at (π, π): the gradient is almost "
                "zero elsewhere.",
    latex="−cos x · cos y · exp(−((x − π)² + (y − π)²))",
))

_add(FunctionForm(
    "eggholder", "Eggholder",
    _eggholder,
    domain=_square_box(512.0), view=_square_box(512.0),
    minima=(((512.0, 404.23180511375781), -959.64066272085080),),
    start=(100.0, -250.0),
    description="A rugged landscape of deep, irregular wells; the global minimum sits on the "
                "edge x = 512.",
    latex="−(y + 47) sin √|x/2 + y + 47| − x sin √|x − (y + 47)|",
))

_add(FunctionForm(
    "saddle", "Saddle",
    lambda x, y: x**2 - y**2,
    domain=_square_box(2.0), view=_square_box(2.0),
    minima=(), start=(1.5, 0.05),
    description="A saddle point at the origin; unbounded below along y, so there is no "
                "minimum: methods must escape.",
    latex="x² − y²",
    value_and_gradient=_saddle_gradient,
))

_add(FunctionForm(
    "monkey-saddle", "Monkey saddle",
    lambda x, y: x**3 - 3 * x * y**2,
    domain=_square_box(2.0), view=_square_box(2.0),
    minima=(), start=(1.0, 0.3),
    description="A flat saddle with three valleys going down; unbounded below, so there is "
                "no minimum.",
    latex="x³ − 3xy²",
))
