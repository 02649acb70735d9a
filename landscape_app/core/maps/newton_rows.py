"""Damped Newton on every row of a map at once: per-row exact Hessians, a batched
eigendecomposition, and one Armijo line search per row — the single run of
:class:`~landscape_app.core.optim.newton.Newton` step for step.

For every row n (its own run):

    H_n = ∇²f(θ_n) = V diag(w) Vᵀ;   p_n = V diag(1 / max(|w|, δ_n)) Vᵀ ∇f(θ_n)
    θ_n ← θ_n − s_n p_n,  s_n = η_n / 2^j with the smallest j ≥ 0 such that
          f(θ_n − s_n p_n) ≤ f(θ_n) − c s_n ∇f(θ_n)ᵀ p_n          (c = 1e-4, j < 40)

The direction is :func:`~landscape_app.core.optim.newton.saddle_free_directions`, the very
function the single run calls with a batch of one. The Hessians come from ``P`` backward
passes through the rows' gradient (rows are independent, so ∂(Σ_n ∂f/∂θ_{n,k})/∂θ_m is row
m's k-th Hessian row); the line search evaluates every row at each trial and freezes a row
once its trial is accepted (each trial it ran counts one evaluation, as in the single run,
where the accepted trial's loss is the new point's). A row whose 40 trials all fail ends on
the last trial, as the single run does. ``η`` and ``δ`` may be per-row ``(N, 1)`` tensors
(hyperparameter maps).
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from landscape_app.core.errors import LandscapeError
from landscape_app.core.maps.stepping import Stepper
from landscape_app.core.maps.stochastic_rows import evaluate_rows
from landscape_app.core.optim.newton import (
    ARMIJO_C,
    MAX_DIM,
    MAX_HALVINGS,
    saddle_free_directions,
)


def _column(value, rows: int, like: torch.Tensor) -> torch.Tensor:
    """A setting (a number or an ``(N, 1)`` tensor) as an ``(N,)`` tensor like ``like``."""
    if isinstance(value, torch.Tensor):
        return value.reshape(-1).to(dtype=like.dtype, device=like.device)
    return torch.full((rows,), float(value), dtype=like.dtype, device=like.device)


class NewtonStepper(Stepper):
    """Damped (saddle-free) Newton with a backtracking line search on every row."""

    def __init__(self, hyper: dict, param: torch.Tensor,
                 evaluate: Callable[[torch.Tensor], torch.Tensor]):
        if param.shape[1] > MAX_DIM:
            raise LandscapeError(f"newton needs the full {param.shape[1]}×{param.shape[1]} "
                                 f"Hessian of every cell; it is limited to {MAX_DIM} "
                                 "parameters")
        super().__init__(param, evaluate)
        rows = param.shape[0]
        self.lr = _column(hyper["lr"], rows, param)
        self.damping = _column(hyper["damping"], rows, param)
        self.evaluations = torch.ones(rows, dtype=torch.int64, device=param.device)

    def step(self) -> torch.Tensor:
        """One Newton step of every row; the true loss there comes with the accepted trial
        in the single run, so it costs no further evaluation."""
        self.gradients.begin_step()
        self._update()
        self.loss = evaluate_rows(self.evaluate, self.param)
        return self.loss

    def _hessians(self) -> torch.Tensor:
        """``(N, P, P)`` exact Hessians of every row."""
        with torch.enable_grad():
            point = self.param.detach().requires_grad_(True)
            (grad,) = torch.autograd.grad(self.evaluate(point).sum(), point, create_graph=True)
            size = point.shape[1]
            rows = [torch.autograd.grad(grad[:, k].sum(), point, retain_graph=k < size - 1)[0]
                    for k in range(size)]
        return torch.stack(rows, dim=1)

    @torch.no_grad()
    def _update(self) -> None:
        grad = self.param.grad.detach().clone()
        loss = self._closure()
        direction, slope = saddle_free_directions(self._hessians(), grad,
                                                  self.damping[:, None])
        start = self.param.detach().clone()
        step = self.lr.clone()
        pending = torch.ones_like(step, dtype=torch.bool)
        final = start.clone()
        for _ in range(MAX_HALVINGS):
            trial = start - step[:, None] * direction
            trial_loss = self.evaluate(trial)
            accepted = torch.isfinite(trial_loss) & (
                trial_loss <= loss - ARMIJO_C * step * slope)
            final[pending] = trial[pending]
            self.evaluations += pending
            pending &= ~accepted
            if not bool(pending.any()):
                break
            step = torch.where(pending, step / 2.0, step)
        self.param.copy_(final)

    def _keep(self, index: torch.Tensor) -> None:
        self.lr, self.damping = self.lr[index], self.damping[index]
        self.evaluations = self.evaluations[index]


__all__ = ["NewtonStepper"]
