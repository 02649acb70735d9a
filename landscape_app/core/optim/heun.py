"""Heun's method as an optimizer (seed 001): a predictor step, then a corrector."""

from __future__ import annotations

from collections.abc import Callable

import torch

from landscape_app.core.optim.torch_based import TorchOptimizer


class HeunStep(torch.optim.Optimizer):
    """``torch.optim`` form of Heun's method: two gradient evaluations per step.

    θ̃ = θ_t − η ∇f(θ_t)                                (predictor: an Euler step)
    θ_{t+1} = θ_t − (η/2) (∇f(θ_t) + ∇f(θ̃))            (corrector: the averaged slope)

    ``step`` needs the closure: its first call gives ∇f(θ_t), its second ∇f(θ̃).
    """

    def __init__(self, params, lr: float = 0.01):
        if not lr > 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        super().__init__(params, {"lr": lr})

    @torch.no_grad()
    def step(self, closure: Callable[[], torch.Tensor]) -> torch.Tensor:  # type: ignore[override]
        """One predictor-corrector step; returns the loss at θ_t."""
        if closure is None:
            raise RuntimeError("Heun's method needs a closure to evaluate the second gradient")
        with torch.enable_grad():
            loss = closure()
        moved = []
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                start, first_grad = param.clone(), param.grad.clone()
                param.add_(first_grad, alpha=-group["lr"])
                moved.append((group["lr"], param, start, first_grad))
        with torch.enable_grad():
            closure()
        for lr, param, start, first_grad in moved:
            param.copy_(start).add_(first_grad + param.grad, alpha=-lr / 2)
        return loss


class Heun(TorchOptimizer):
    """Heun's method (improved Euler) applied to the gradient flow dθ/dt = −∇f(θ).

    θ̃ = θ_t − η ∇f(θ_t)
    θ_{t+1} = θ_t − (η/2) (∇f(θ_t) + ∇f(θ̃))

    Two gradient evaluations per step, both counted.
    """

    id = "heun"

    def make_torch_optimizer(self, params, fused=False):  # one step of its own
        return HeunStep(params, lr=self.hyper["lr"])
