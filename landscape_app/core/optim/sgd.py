"""Stochastic gradient descent: plain, with momentum, and Nesterov (``torch.optim.SGD``)."""

from __future__ import annotations

import torch

from landscape_app.core.optim.torch_based import TorchOptimizer


class SGD(TorchOptimizer):
    """Gradient descent, optionally with momentum.

    g_t = ∇f(θ_t) + λθ_t
    b_t = μ b_{t−1} + (1 − τ) g_t        (b_1 = g_1; b = g when μ = 0)
    θ_{t+1} = θ_t − η b_t
    """

    id = "sgd"
    nesterov = False

    def make_torch_optimizer(self, params, fused=False):
        h = self.hyper
        return torch.optim.SGD(params, lr=h["lr"], momentum=h["momentum"],
                               dampening=h["dampening"], weight_decay=h["weight_decay"],
                               nesterov=self.nesterov, fused=fused or None)


class Momentum(SGD):
    """Gradient descent with heavy-ball momentum (``torch.optim.SGD``, μ = 0.9 by default).

    b_t = μ b_{t−1} + (1 − τ) g_t;  θ_{t+1} = θ_t − η b_t
    """

    id = "momentum"


class Nesterov(SGD):
    """Nesterov accelerated gradient (``torch.optim.SGD(nesterov=True)``).

    b_t = μ b_{t−1} + g_t;  θ_{t+1} = θ_t − η (g_t + μ b_t)
    """

    id = "nesterov"
    nesterov = True
