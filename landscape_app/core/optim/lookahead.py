"""Lookahead around any first-order optimizer, and Ranger = Lookahead(RAdam) (seed 001)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from landscape_app.core.optim.optimizer_base import Internals, Position, implementation
from landscape_app.core.optim.torch_based import TorchOptimizer


class SlowWeights:
    """Lookahead's slow weights φ, written once for the single run and a map's rows.

    ``after_step(θ)`` after every fast step; every k-th one pulls φ ← φ + α(θ − φ) and resets
    θ ← φ in place. θ is one run's ``(P,)`` or a map's ``(N, P)`` rows (each its own run);
    α is a number or an ``(N, 1)`` tensor (one per row, hyperparameter maps).
    """

    def __init__(self, param: torch.Tensor, k: int, alpha: float | torch.Tensor):
        self.slow = param.detach().clone()
        self.k, self.alpha, self.fast_steps = k, alpha, 0

    @torch.no_grad()
    def after_step(self, param: torch.Tensor) -> None:
        self.fast_steps += 1
        if self.fast_steps % self.k:
            return
        if isinstance(self.alpha, torch.Tensor):
            self.slow.addcmul_(param.detach() - self.slow, self.alpha.to(param.dtype))
        else:
            self.slow.add_(param.detach() - self.slow, alpha=self.alpha)
        param.copy_(self.slow)

    def keep(self, index: torch.Tensor) -> None:
        """Go on with the rows ``index`` alone (a map whose finished rows leave)."""
        self.slow = self.slow[index]
        if isinstance(self.alpha, torch.Tensor):
            self.alpha = self.alpha[index]


class Lookahead(TorchOptimizer):
    """Lookahead (Zhang, Lucas, Hinton & Ba 2019): k steps forward, one step back.

    The inner optimizer A moves the fast weights θ; every k fast steps the slow weights φ
    move part of the way towards them and the fast weights restart from there:

    θ_{t+1} = A(θ_t)                                    (one app step = one fast step)
    every k-th step:  φ ← φ + α (θ_{t+1} − φ);   θ_{t+1} ← φ

    φ starts at θ_0. The inner optimizer keeps its own state (moments) across the resets.
    The slow weights are reported as the ``anchor`` internal. Its parameters (``inner``, k, α
    and the inner optimizer's) and the optimizers it can wrap are its record's; Ranger's
    record fixes its inner optimizer (``fixed_inner``).
    """

    id = "lookahead"

    def __init__(self, **hyper: Any):
        super().__init__(**hyper)
        inner_cls = implementation(self.record.fixed_inner or self.hyper["inner"])
        names = [p.name for p in inner_cls.param_spec(self.hyper)]
        self.inner = inner_cls(**{name: self.hyper[name] for name in names})

    def make_torch_optimizer(self, params, fused=False):
        return self.inner.make_torch_optimizer(params, fused)

    def _start(self, x0: np.ndarray) -> Position:
        self.pull = SlowWeights(self.problem.tensor(x0), self.hyper["lookahead_k"],
                                self.hyper["lookahead_alpha"])
        return super()._start(x0)

    def _after_step(self) -> None:
        self.pull.after_step(self.param)

    def _internals(self, grad: np.ndarray, velocity: np.ndarray | None) -> Internals:
        anchor = self.pull.slow.detach().cpu().numpy().astype(float, copy=True)
        return Internals(gradient=grad, velocity=velocity, anchor=anchor)


class Ranger(Lookahead):
    """Ranger: Lookahead with RAdam as the inner optimizer (Wright 2019).

    θ_{t+1} = RAdam(θ_t);   every k-th step:  φ ← φ + α (θ_{t+1} − φ),  θ_{t+1} ← φ
    """

    id = "ranger"
