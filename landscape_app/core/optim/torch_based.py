"""Gradient optimizers backed by ``torch.optim``: the shared driver.

The point being optimized is one leaf tensor ``θ`` of shape ``(dim,)``. After the start and
after every step, f and ∇f are evaluated at the new θ (that evaluation gives the record its
loss and gradient arrow) and cached; the next ``torch.optim`` step's closure returns the cached
loss on its first call, so the trajectory equals a bare loop::

    for _ in range(n):
        opt.zero_grad(); f(θ).backward(); opt.step(); sched.step()

step for step, with one evaluation per step (optimizers such as L-BFGS that call the closure
again get fresh evaluations, counted). With ``batch_size`` or ``grad_noise`` the closure's
gradient is a minibatch's or a noisy one (:mod:`landscape_app.core.optim.stochastic`); the
record keeps the true loss and gradient.
"""

from __future__ import annotations

from abc import abstractmethod

import numpy as np
import torch

from landscape_app.core.device import warm_up
from landscape_app.core.optim.optimizer_base import Internals, Optimizer, Position
from landscape_app.core.optim.schedules import build_scheduler
from landscape_app.core.optim.stochastic import gradient_source

#: Gradient and last displacement both below this (max norm) mean "converged".
CONVERGENCE_TOL = 1e-10


class TorchOptimizer(Optimizer):
    """Base of optimizers that delegate the update to a ``torch.optim.Optimizer``."""

    def reset(self, problem, x0, seed=0):
        objective = problem.objective
        warm_up(objective.device, objective.dtype, optim=True)  # outside the lane's time
        return super().reset(problem, x0, seed)

    @abstractmethod
    def make_torch_optimizer(self, params: list[torch.Tensor],
                             fused: bool = False) -> torch.optim.Optimizer:
        """The ``torch.optim`` optimizer for ``params`` with this instance's hyperparameters;
        ``fused``: torch's one-kernel implementation where it has one (SGD, Adam, AdamW,
        Adagrad, on the CPU and CUDA: the same arithmetic in one pass, for batched maps),
        else ignored."""

    def _start(self, x0: np.ndarray) -> Position:
        self.param = self.problem.tensor(x0).clone().requires_grad_(True)
        self.torch_optimizer = self.make_torch_optimizer([self.param])
        self.scheduler = build_scheduler(self.torch_optimizer, self.hyper)
        self.gradients = gradient_source(self.problem, self.hyper, self.seed, self.id)
        self._cached_loss = self.gradients.true_loss(self.param)
        self._x = self._numpy_param()
        return self._position(velocity=None, lr=self.current_lr())

    def _advance(self) -> Position:
        lr = self.current_lr()
        previous = self._x
        self.gradients.begin_step()
        self.torch_optimizer.step(self._closure)
        if self.scheduler is not None:
            self.scheduler.step()
        self._after_step()
        self._cached_loss = self.gradients.true_loss(self.param)
        self._x = self._numpy_param()
        return self._position(velocity=self._x - previous, lr=lr,
                              batch_loss=self.gradients.batch_loss)

    def _after_step(self) -> None:
        """Hook run after each ``torch.optim`` step, before θ is evaluated (Lookahead)."""

    def _closure(self) -> torch.Tensor:
        cached, self._cached_loss = self._cached_loss, None
        return self.gradients.closure(self.param, cached)

    def current_lr(self) -> float:
        return float(self.torch_optimizer.param_groups[0]["lr"])

    def _numpy_param(self) -> np.ndarray:
        return self.param.detach().cpu().numpy().astype(float, copy=True)

    def _position(self, velocity: np.ndarray | None, lr: float,
                  batch_loss: float | None = None) -> Position:
        grad = self.param.grad.detach().cpu().numpy().astype(float, copy=True)
        loss = float(self._cached_loss)
        return Position(
            x=self._x,
            loss=loss,
            lr=lr,
            batch_loss=batch_loss,
            converged=velocity is not None and self._converged(grad, velocity),
            internals=self._internals(grad, velocity),
        )

    def _converged(self, grad: np.ndarray, velocity: np.ndarray) -> bool:
        """Whether the method has stopped moving: gradient and last step both negligible."""
        return (float(np.max(np.abs(grad))) <= CONVERGENCE_TOL
                and float(np.max(np.abs(velocity))) <= CONVERGENCE_TOL)

    def _internals(self, grad: np.ndarray, velocity: np.ndarray | None) -> Internals:
        return Internals(gradient=grad, velocity=velocity)
