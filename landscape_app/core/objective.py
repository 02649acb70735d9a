"""The objective protocol every landscape speaks, and the counting problem optimizers call.

An :class:`Objective` is a scalar loss over R^dim that evaluates many points at once
(``points`` of shape ``(..., dim)`` give losses of shape ``(...)``) and is differentiable
through torch autograd. The 2D test functions, a custom expression and a neural network over
its flattened parameter vector are all objectives, so every optimizer runs on every landscape.

A :class:`Problem` wraps an objective for one optimizer run and counts the work done: function
evaluations (one per point) and gradient evaluations. Optimizers only ever call the problem.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
import torch

from landscape_app.core.errors import CancelledError
from landscape_app.core.progress import CancelPoll


@dataclass(frozen=True)
class Minimum:
    """A known global minimum: its position and value."""

    position: tuple[float, ...]
    value: float


class Objective(ABC):
    """A scalar loss over R^dim, evaluated in batches, differentiable through autograd.

    Attributes
    ----------
    name : str
        Display name.
    dim : int
        Number of coordinates.
    dtype, device :
        What :meth:`evaluate` computes in; points given to it must match.
    lower, upper : np.ndarray
        The search box (domain): population methods sample and stay in it.
    minima : tuple of Minimum
        Known global minima (empty when unknown).
    divergence_radius : float
        A point with a coordinate beyond this magnitude counts as diverged.
    """

    name: str = "objective"
    dim: int = 2
    dtype: torch.dtype = torch.float64
    device: torch.device = torch.device("cpu")
    minima: tuple[Minimum, ...] = ()

    @property
    @abstractmethod
    def lower(self) -> np.ndarray:
        """Lower corner of the search box, shape ``(dim,)``."""

    @property
    @abstractmethod
    def upper(self) -> np.ndarray:
        """Upper corner of the search box, shape ``(dim,)``."""

    @abstractmethod
    def evaluate(self, points: torch.Tensor) -> torch.Tensor:
        """Loss at each point: ``(..., dim)`` to ``(...)``; differentiable."""

    @property
    def divergence_radius(self) -> float:
        """Coordinates beyond this magnitude mean the optimizer has diverged."""
        span = float(np.max(np.abs(np.concatenate([self.lower, self.upper]))))
        return 1e3 * max(span, 1.0)

    def default_start(self) -> np.ndarray:
        """A sensible start point: the centre of the search box."""
        return (self.lower + self.upper) / 2.0

    def as_tensor(self, x: np.ndarray | torch.Tensor) -> torch.Tensor:
        """``x`` as a tensor of this objective's dtype and device (no copy when it already is)."""
        return torch.as_tensor(x, dtype=self.dtype, device=self.device)

    def distance_to_minimum(self, x: np.ndarray) -> float:
        """Euclidean distance from ``x`` to the nearest known minimum (nan if none known)."""
        if not self.minima:
            return float("nan")
        positions = np.array([m.position for m in self.minima], dtype=float)
        return float(np.min(np.linalg.norm(positions - np.asarray(x, dtype=float), axis=1)))

    @property
    def best_known_value(self) -> float | None:
        """The global minimum value, when known."""
        return min(m.value for m in self.minima) if self.minima else None


class Problem:
    """One optimizer's view of an objective: evaluates and counts the work done.

    ``evals`` counts points evaluated, ``grad_evals`` gradients computed. The counts are what
    the race plots on its "function evaluations" and "gradient evaluations" axes.
    """

    def __init__(self, objective: Objective, cancelled: CancelPoll | None = None):
        self.objective = objective
        self.evals = 0
        self.grad_evals = 0
        self.cancelled = cancelled

    def _check(self) -> None:
        """Stop at the next evaluation once the run is cancelled, even inside a library
        routine that evaluates many times per step (SLSQP, dual annealing)."""
        if self.cancelled is not None and self.cancelled():
            raise CancelledError("cancelled")

    @property
    def dim(self) -> int:
        return self.objective.dim

    def tensor(self, x: np.ndarray | torch.Tensor) -> torch.Tensor:
        return self.objective.as_tensor(x)

    def loss(self, x: np.ndarray | torch.Tensor) -> float:
        """f(x) at one point, as a float."""
        self._check()
        self.evals += 1
        with torch.no_grad():
            return float(self.objective.evaluate(self.tensor(x)))

    def losses(self, points: np.ndarray | torch.Tensor) -> np.ndarray:
        """f at each row of ``points`` (shape ``(n, dim)``), batched; counts n evaluations."""
        self._check()
        points = self.tensor(points)
        self.evals += int(points.shape[0])
        with torch.no_grad():
            return self.objective.evaluate(points).detach().cpu().numpy().astype(float)

    def loss_and_grad(self, x: np.ndarray | torch.Tensor) -> tuple[float, np.ndarray]:
        """f(x) and ∇f(x) as numpy."""
        self._check()
        point = self.tensor(x).detach().clone().requires_grad_(True)
        value = self.objective.evaluate(point)
        (grad,) = torch.autograd.grad(value, point)
        self.evals += 1
        self.grad_evals += 1
        return float(value.detach()), grad.detach().cpu().numpy().astype(float)

    def backward_at(self, param: torch.Tensor) -> torch.Tensor:
        """Evaluate f at a leaf tensor with ``requires_grad`` and fill ``param.grad``.

        This is the body of a ``torch.optim`` closure; returns the (detached) loss.
        """
        self._check()
        if param.grad is not None:
            param.grad = None
        value = self.objective.evaluate(param)
        value.backward()
        self.evals += 1
        self.grad_evals += 1
        return value.detach()

    def hessian(self, x: np.ndarray | torch.Tensor) -> np.ndarray:
        """The exact Hessian at ``x`` (dense: only for small dimensions).

        Autograd builds it from ``dim`` Hessian-vector products, each about the cost of one
        gradient, so it counts as ``dim`` gradient evaluations.
        """
        self._check()
        point = self.tensor(x).detach()
        hess = torch.autograd.functional.hessian(self.objective.evaluate, point)
        self.grad_evals += self.dim
        return hess.detach().cpu().numpy().astype(float)
