"""Damped Newton's method with the exact Hessian (small dimensions only)."""

from __future__ import annotations

import numpy as np
import torch

from landscape_app.core.errors import LandscapeError
from landscape_app.core.optim.optimizer_base import Internals, Optimizer, Position
from landscape_app.core.optim.torch_based import CONVERGENCE_TOL

#: The dense Hessian costs dim gradient evaluations and dim² memory: refuse beyond this.
MAX_DIM = 500


#: Armijo sufficient-decrease constant c and the most halvings tried by the line search.
ARMIJO_C = 1e-4
MAX_HALVINGS = 40


def saddle_free_directions(hessians: torch.Tensor, grads: torch.Tensor,
                           damping: float | torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Every row's saddle-free Newton direction and slope: ``(N, P)`` and ``(N,)``.

    p_n = |H_n|_δ⁻¹ ∇f_n, where |H|_δ = V diag(max(|w|, δ)) Vᵀ for H = V diag(w) Vᵀ (H is
    symmetrised first), and the slope ∇f_nᵀ p_n. Where H is positive definite (and w ≥ δ)
    p is Newton's direction H⁻¹∇f. A negative eigenvalue has its sign flipped, so the step
    goes down along it instead of up to the saddle; eigenvalues below δ in magnitude are
    raised to δ, so flat directions cannot produce an infinite step. |H|_δ is positive
    definite, so −p is always a descent direction. ``damping`` is a number or an ``(N, 1)``
    tensor (one δ per row).

    The single run (:class:`Newton`) calls this with a batch of one and a map's Newton rows
    (:mod:`landscape_app.core.maps.newton_rows`) with all rows, so the two are one piece of
    arithmetic: rows never mix — ``eigh`` decomposes each matrix on its own, and the
    products are elementwise products summed along one axis of each row, not batched
    matrix products (whose kernel torch picks by the batch's size).
    """
    eigenvalues, vectors = torch.linalg.eigh((hessians + hessians.transpose(1, 2)) / 2.0)
    floor = torch.as_tensor(damping, dtype=eigenvalues.dtype, device=eigenvalues.device)
    curvature = torch.maximum(eigenvalues.abs(), floor)
    along = (vectors * grads[:, :, None]).sum(dim=1) / curvature  # Vᵀ∇f / max(|w|, δ)
    directions = (vectors * along[:, None, :]).sum(dim=2)  # V (Vᵀ∇f / max(|w|, δ))
    return directions, (grads * directions).sum(dim=1)


class Newton(Optimizer):
    """Damped Newton: the exact-Hessian step, made safe on non-convex landscapes.

    H_t = ∇²f(θ_t) = V diag(w) Vᵀ;   |H_t|_δ = V diag(max(|w|, δ)) Vᵀ
    p_t = |H_t|_δ⁻¹ ∇f(θ_t)                         (saddle-free Newton, Dauphin et al. 2014)
    θ_{t+1} = θ_t − s_t p_t,  s_t = η/2^j with the smallest j ≥ 0 such that
              f(θ_t − s_t p_t) ≤ f(θ_t) − c s_t ∇f(θ_t)ᵀp_t     (Armijo backtracking, c = 1e-4)

    Where H is positive definite this is Newton's step, which lands on the minimum of a
    quadratic in one step (η = 1). Negative curvature is followed downhill rather than to the
    stationary point, and the line search damps the step wherever the quadratic model is
    poor, so the loss never increases. The exact Hessian costs ``dim`` gradient evaluations
    per step (counted), each line-search trial one evaluation and one gradient; dimensions
    above 500 are refused.
    """

    id = "newton"

    def _start(self, x0: np.ndarray) -> Position:
        if self.problem.dim > MAX_DIM:
            raise LandscapeError(
                f"newton needs the full {self.problem.dim}×{self.problem.dim} Hessian; it is "
                f"limited to {MAX_DIM} dimensions: use lbfgs for larger problems"
            )
        self.x = x0
        self.loss, self.grad = self.problem.loss_and_grad(x0)
        self.step_size = self.hyper["lr"]
        return self._position(velocity=None)

    def _advance(self) -> Position:
        hessian = self.problem.hessian(self.x)
        if not np.all(np.isfinite(hessian)):
            raise LandscapeError(f"newton: the Hessian is not finite at {self.x.tolist()}")
        directions, slopes = saddle_free_directions(
            torch.from_numpy(hessian)[None], torch.from_numpy(self.grad)[None],
            self.hyper["damping"])
        direction, slope = directions[0].numpy(), float(slopes[0])
        previous = self.x
        step = self.hyper["lr"]
        for _ in range(MAX_HALVINGS):
            trial = previous - step * direction
            loss, grad = self.problem.loss_and_grad(trial)
            if np.isfinite(loss) and loss <= self.loss - ARMIJO_C * step * slope:
                break
            step /= 2.0
        self.x, self.loss, self.grad, self.step_size = trial, loss, grad, step
        return self._position(velocity=self.x - previous)

    def _position(self, velocity: np.ndarray | None) -> Position:
        converged = (
            velocity is not None
            and float(np.max(np.abs(self.grad))) <= CONVERGENCE_TOL
            and float(np.max(np.abs(velocity))) <= CONVERGENCE_TOL
        )
        return Position(
            x=self.x,
            loss=self.loss,
            lr=self.step_size,
            converged=converged,
            internals=Internals(gradient=self.grad, velocity=velocity),
        )
