"""Limited-memory BFGS (``torch.optim.LBFGS``): one app step is one ``LBFGS.step()`` call."""

from __future__ import annotations

import numpy as np
import torch

from landscape_app.core.optim.torch_based import TorchOptimizer


class LBFGS(TorchOptimizer):
    """L-BFGS: a quasi-Newton direction from the last m steps, then a line search.

    With s_i = θ_{i+1} − θ_i, y_i = ∇f(θ_{i+1}) − ∇f(θ_i), ρ_i = 1 / (y_iᵀ s_i) for the last m
    pairs (a pair is kept only when y_iᵀ s_i > 1e-10), the two-loop recursion gives
    d_t = −H_t ∇f(θ_t) with H_t the BFGS inverse-Hessian estimate built from
    H⁰ = (s_{t−1}ᵀ y_{t−1} / y_{t−1}ᵀ y_{t−1}) I; the first step is d_1 = −∇f(θ_1).

    θ_{t+1} = θ_t + α_t d_t

    α_t: the strong-Wolfe line search starting at η (``line_search_fn=strong_wolfe``), or
    α_t = η (``none``); on the very first iteration η · min(1, 1/‖∇f‖₁).

    ``torch.optim.LBFGS`` keeps its (s, y) history in its state across ``step()`` calls, so
    with ``max_iter=1`` (the default here) each app step is exactly one quasi-Newton iteration
    of a continuing L-BFGS run. It stops moving once max|∇f| ≤ ``tolerance_grad`` or a step
    changes no coordinate by more than ``tolerance_change``.
    """

    id = "lbfgs"

    def make_torch_optimizer(self, params, fused=False):  # never batched
        h = self.hyper
        return torch.optim.LBFGS(
            params, lr=h["lr"], max_iter=h["max_iter"], max_eval=h["max_eval"],
            tolerance_grad=h["tolerance_grad"], tolerance_change=h["tolerance_change"],
            history_size=h["history_size"],
            line_search_fn=None if h["line_search_fn"] == "none" else h["line_search_fn"],
        )

    def _converged(self, grad: np.ndarray, velocity: np.ndarray) -> bool:
        """torch's own stopping tests: a tiny gradient, or a step that changed nothing."""
        return (
            super()._converged(grad, velocity)
            or float(np.max(np.abs(grad))) <= self.hyper["tolerance_grad"]
            or float(np.max(np.abs(velocity))) <= self.hyper["tolerance_change"]
        )
