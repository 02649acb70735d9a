"""2D test functions: an :class:`Objective` over (x, y) with what a view needs to show it."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from landscape_app.core.catalogue.function_forms import Box as Box  # re-exported
from landscape_app.core.objective import Minimum, Objective

Formula = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


#: Up to this many points a gradient's two columns are interleaved by ``torch.stack``; above,
#: copied into the columns of one new tensor, which stack takes about twice as long to fill
#: (on the CPU, one thread: 1.5 µs against 3.7 µs for a preview's single row, 11.7 µs against
#: 6.0 µs for a 64² field's rows; even at 1024).
STACK_MAX = 1024


class Function2D(Objective):
    """A 2D objective f(x, y) given by a torch formula that broadcasts over tensors.

    Parameters
    ----------
    id : str
        Stable registry id (``rosenbrock``).
    name : str
        Display name.
    formula : callable
        ``f(x, y)`` on tensors of any (equal) shape, built from torch operations.
    domain : Box
        The search box (population methods stay in it).
    view : Box
        A good range to draw.
    minima : tuple of Minimum
        Global minima (positions and value).
    start : tuple of float
        A suggested start point.
    description : str
        One line for the UI.
    latex : str
        The formula as text, for the UI.
    log_scale : bool
        Whether a log colour scale shows it best.
    value_and_gradient : callable, optional
        ``(f, ∂f/∂x, ∂f/∂y)`` at ``(x, y)`` in closed form, bit for bit what ``formula`` and
        autograd give (:class:`~landscape_app.core.catalogue.function_forms.FunctionForm`).
    """

    dim = 2

    def __init__(self, id: str, name: str, formula: Formula, domain: Box, view: Box,
                 minima: tuple[Minimum, ...], start: tuple[float, float], description: str,
                 latex: str = "", log_scale: bool = False, dtype: torch.dtype = torch.float64,
                 value_and_gradient: Callable | None = None):
        self.id = id
        self.name = name
        self.formula = formula
        self.domain = domain
        self.view = view
        self.minima = minima
        self.start = start
        self.description = description
        self.latex = latex
        self.log_scale = log_scale
        self.dtype = dtype
        self.value_and_gradient = value_and_gradient

    @property
    def lower(self) -> np.ndarray:
        return self.domain.lower

    @property
    def upper(self) -> np.ndarray:
        return self.domain.upper

    def evaluate(self, points: torch.Tensor) -> torch.Tensor:
        return self.formula(points[..., 0], points[..., 1])

    def value_and_grad(self, points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``f`` at ``points`` ``(..., 2)`` and its gradient ``(..., 2)``, in closed form
        (only where ``value_and_gradient`` is given)."""
        value, dx, dy = self.value_and_gradient(*points.unbind(-1))
        if dx.numel() <= STACK_MAX:
            return value, torch.stack((dx, dy), dim=-1)
        grad = torch.empty((*dx.shape, 2), dtype=dx.dtype, device=dx.device)
        column_x, column_y = grad.unbind(-1)
        column_x.copy_(dx)
        column_y.copy_(dy)
        return value, grad

    def default_start(self) -> np.ndarray:
        return np.array(self.start, dtype=float)

    def __repr__(self) -> str:
        return f"Function2D({self.id!r})"
