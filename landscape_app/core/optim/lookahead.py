"""Lookahead around any first-order optimizer, and Ranger = Lookahead(RAdam) (seed 001)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from landscape_app.core.catalogue.optimizers import LOOKAHEAD_INNER
from landscape_app.core.optim.adam import Adam, AdamW
from landscape_app.core.optim.adaptive import Adagrad, RMSprop
from landscape_app.core.optim.base import Internals, Position
from landscape_app.core.optim.heun import Heun
from landscape_app.core.optim.radam import RAdam
from landscape_app.core.optim.sgd import SGD, Momentum, Nesterov
from landscape_app.core.optim.torch_based import TorchOptimizer

#: The optimizers Lookahead can wrap, by id, in the order lists show them: every
#: ``torch.optim``-based first-order method (the catalogue's
#: :func:`~landscape_app.core.catalogue.optimizers.inner_choices`, which validates ``inner``).
#: A new one is added here and there. L-BFGS is not: its (s, y) curvature pairs assume each
#: step starts where the previous one ended, which the slow-weight reset breaks.
WRAPPABLE: dict[str, type[TorchOptimizer]] = {
    cls.id: cls for cls in (SGD, Momentum, Nesterov, Adagrad, RMSprop, Adam, AdamW, RAdam, Heun)
}


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
    and the inner optimizer's) are the catalogue's; Ranger's inner optimizer is fixed there,
    in :data:`~landscape_app.core.catalogue.optimizers.LOOKAHEAD_INNER`.
    """

    id = "lookahead"
    title = "Lookahead"
    summary = "k fast steps of an inner optimizer, then pull back towards the slow weights"

    def __init__(self, **hyper: Any):
        super().__init__(**hyper)
        inner_cls = WRAPPABLE[LOOKAHEAD_INNER[self.id] or self.hyper["inner"]]
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
    title = "Ranger"
    summary = "Lookahead around RAdam"
    # its inner optimizer, RAdam, is fixed in the catalogue's LOOKAHEAD_INNER
