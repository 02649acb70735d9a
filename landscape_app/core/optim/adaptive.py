"""Per-coordinate adaptive step sizes: Adagrad and RMSprop (``torch.optim``)."""

from __future__ import annotations

import torch

from landscape_app.core.optim.torch_based import TorchOptimizer


class Adagrad(TorchOptimizer):
    """Adagrad: each coordinate's step shrinks with its accumulated squared gradients.

    g_t = ∇f(θ_t) + λθ_t
    η̃_t = η / (1 + (t − 1) κ)                      (κ: ``lr_decay``)
    s_t = s_{t−1} + g_t²                            (s_0: ``initial_accumulator_value``)
    θ_{t+1} = θ_t − η̃_t g_t / (√s_t + ε)
    """

    id = "adagrad"

    def make_torch_optimizer(self, params, fused=False):
        h = self.hyper
        return torch.optim.Adagrad(
            params, lr=h["lr"], lr_decay=h["lr_decay"], weight_decay=h["weight_decay"],
            initial_accumulator_value=h["initial_accumulator_value"], eps=h["eps"],
            fused=fused or None,
        )


class RMSprop(TorchOptimizer):
    """RMSprop: divide by a running root-mean-square of the gradient.

    g_t = ∇f(θ_t) + λθ_t
    v_t = α v_{t−1} + (1 − α) g_t²
    centered:  ḡ_t = α ḡ_{t−1} + (1 − α) g_t,   ṽ_t = v_t − ḡ_t²     (else ṽ_t = v_t)
    b_t = μ b_{t−1} + g_t / (√ṽ_t + ε);   θ_{t+1} = θ_t − η b_t     (μ = 0: θ − η g/(√ṽ + ε))
    """

    id = "rmsprop"

    def make_torch_optimizer(self, params, fused=False):  # torch has no fused RMSprop
        h = self.hyper
        return torch.optim.RMSprop(
            params, lr=h["lr"], alpha=h["alpha"], eps=h["eps"], weight_decay=h["weight_decay"],
            momentum=h["momentum"], centered=h["centered"],
        )
