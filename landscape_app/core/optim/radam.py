"""Rectified Adam (``torch.optim.RAdam``; Liu et al. 2019, seed 001)."""

from __future__ import annotations

import torch

from landscape_app.core.optim.torch_based import TorchOptimizer


class RAdam(TorchOptimizer):
    """RAdam: Adam whose adaptive step is switched on only once its variance is tractable.

    g_t = ∇f(θ_t) + λθ_t                  (or θ_t ← (1 − ηλ)θ_t when decoupled)
    m_t = β₁ m_{t−1} + (1 − β₁) g_t;   v_t = β₂ v_{t−1} + (1 − β₂) g_t²;   m̂_t = m_t / (1 − β₁ᵗ)
    ρ_∞ = 2 / (1 − β₂) − 1;            ρ_t = ρ_∞ − 2t β₂ᵗ / (1 − β₂ᵗ)
    if ρ_t > 5:
        r_t = √[(ρ_t − 4)(ρ_t − 2) ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2) ρ_t)]
        l_t = √(1 − β₂ᵗ) / (√v_t + ε)
        θ_{t+1} = θ_t − η m̂_t r_t l_t
    else:
        θ_{t+1} = θ_t − η m̂_t          (momentum SGD while the variance estimate is young)
    """

    id = "radam"

    def make_torch_optimizer(self, params, fused=False):  # torch has no fused RAdam
        h = self.hyper
        return torch.optim.RAdam(
            params, lr=h["lr"], betas=(h["beta1"], h["beta2"]), eps=h["eps"],
            weight_decay=h["weight_decay"], decoupled_weight_decay=h["decoupled_weight_decay"],
        )
