"""Adam and AdamW (``torch.optim.Adam``, ``torch.optim.AdamW``)."""

from __future__ import annotations

import torch

from landscape_app.core.optim.torch_based import TorchOptimizer


class Adam(TorchOptimizer):
    """Adam: adaptive moments with bias correction.

    g_t = ∇f(θ_t) + λθ_t
    m_t = β₁ m_{t−1} + (1 − β₁) g_t;   v_t = β₂ v_{t−1} + (1 − β₂) g_t²
    m̂_t = m_t / (1 − β₁ᵗ);             v̂_t = v_t / (1 − β₂ᵗ)
    θ_{t+1} = θ_t − η m̂_t / (√v̂_t + ε)
    """

    id = "adam"
    torch_class = torch.optim.Adam

    def make_torch_optimizer(self, params, fused=False):
        h = self.hyper
        return self.torch_class(params, lr=h["lr"], betas=(h["beta1"], h["beta2"]), eps=h["eps"],
                                weight_decay=h["weight_decay"], amsgrad=h["amsgrad"],
                                fused=fused or None)


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay.

    θ_{t+1} = θ_t − η m̂_t / (√v̂_t + ε) − η λ θ_t     (m̂, v̂ as Adam, from ∇f alone)
    """

    id = "adamw"
    torch_class = torch.optim.AdamW
