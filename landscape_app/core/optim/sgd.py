"""Stochastic gradient descent: plain, with momentum, and Nesterov (``torch.optim.SGD``)."""

from __future__ import annotations

from dataclasses import replace

import torch

from landscape_app.core.errors import HyperparameterError
from landscape_app.core.optim.torch_based import TorchOptimizer
from landscape_app.core.params import Param

LR = Param("lr", 0.01, "learning rate η", low=0.0, low_open=True, log_scale=True)
WEIGHT_DECAY = Param("weight_decay", 0.0, "L2 penalty λ (added to the gradient)", low=0.0)
MOMENTUM = Param("momentum", 0.0, "momentum factor μ", low=0.0, high=1.0, high_open=True)


def _sgd_params(momentum: float) -> tuple[Param, ...]:
    return (
        LR,
        replace(MOMENTUM, default=momentum),
        Param("dampening", 0.0, "dampening τ of the momentum", low=0.0, high=1.0),
        WEIGHT_DECAY,
    )


class SGD(TorchOptimizer):
    """Gradient descent, optionally with momentum.

    g_t = ∇f(θ_t) + λθ_t
    b_t = μ b_{t−1} + (1 − τ) g_t        (b_1 = g_1; b = g when μ = 0)
    θ_{t+1} = θ_t − η b_t
    """

    id = "sgd"
    title = "SGD"
    summary = "plain gradient descent θ ← θ − η∇f"
    PARAMS = _sgd_params(0.0)
    nesterov = False

    def __init__(self, **hyper):
        super().__init__(**hyper)
        if self.nesterov and (self.hyper["momentum"] == 0 or self.hyper["dampening"] != 0):
            raise HyperparameterError(
                f"{self.id}: Nesterov momentum needs momentum > 0 and dampening = 0 "
                f"(got momentum={self.hyper['momentum']:g}, "
                f"dampening={self.hyper['dampening']:g})"
            )

    def make_torch_optimizer(self, params):
        h = self.hyper
        return torch.optim.SGD(params, lr=h["lr"], momentum=h["momentum"],
                               dampening=h["dampening"], weight_decay=h["weight_decay"],
                               nesterov=self.nesterov)


class Momentum(SGD):
    """Gradient descent with heavy-ball momentum (``torch.optim.SGD``, μ = 0.9 by default).

    b_t = μ b_{t−1} + (1 − τ) g_t;  θ_{t+1} = θ_t − η b_t
    """

    id = "momentum"
    title = "SGD + momentum"
    summary = "heavy-ball momentum: a velocity that accumulates gradients"
    PARAMS = _sgd_params(0.9)


class Nesterov(SGD):
    """Nesterov accelerated gradient (``torch.optim.SGD(nesterov=True)``).

    b_t = μ b_{t−1} + g_t;  θ_{t+1} = θ_t − η (g_t + μ b_t)
    """

    id = "nesterov"
    title = "Nesterov"
    summary = "momentum with a look-ahead gradient correction"
    PARAMS = _sgd_params(0.9)
    nesterov = True
