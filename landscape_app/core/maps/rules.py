"""Per-cell hyperparameters: torch.optim's single-tensor updates with tensor-valued settings.

``torch.optim`` takes one number per hyperparameter and parameter group, and a group per
cell would cost one Python pass per cell and step. A sweep map therefore steps all cells as
one ``(N, P)`` tensor with the *same operations, in the same order*, as torch.optim's
single-tensor implementations (``torch/optim/{sgd,adam,adagrad,rmsprop,radam}.py``,
non-capturable branch), with any hyperparameter allowed to be a tensor broadcasting over the
rows (``(N, 1)``) or over the elements (``(N, P)``, per-layer learning rates). A value that is
a plain number takes exactly torch's code path. The exactness tests compare every cell with
the app's single run (torch.optim itself) step by step.

Bias corrections and other per-step coefficients are computed in float64 (as torch computes
them with Python floats) and cast to the parameter's dtype where they meet it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

Hyper = dict[str, Any]
Closure = Callable[[], Tensor]


def _cast(value, like: Tensor):
    return value.to(like.dtype) if isinstance(value, Tensor) else value


def _axpy_(y: Tensor, x: Tensor, a) -> Tensor:
    """``y += a·x`` in place (``add_(alpha=a)`` for a number)."""
    if isinstance(a, Tensor):
        return y.addcmul_(x, _cast(a, y))
    return y.add_(x, alpha=a)


def _axpy(y: Tensor, x: Tensor, a) -> Tensor:
    """``y + a·x`` (``add(alpha=a)`` for a number)."""
    if isinstance(a, Tensor):
        return torch.addcmul(y, x, _cast(a, y))
    return y.add(x, alpha=a)


def _is_zero(value) -> bool:
    return not isinstance(value, Tensor) and value == 0


def _weight_decayed(grad: Tensor, param: Tensor, h: Hyper) -> Tensor:
    wd = h.get("weight_decay", 0.0)
    return grad if _is_zero(wd) else _axpy(grad, param, wd)


class Rule(ABC):
    """One family's update; ``state`` is a dict of tensors kept by the caller."""

    @abstractmethod
    def step(self, param: Tensor, grad: Tensor, state: dict, h: Hyper, lr, closure: Closure,
             ) -> None:
        """Update ``param`` in place from ``grad`` with settings ``h`` and rate ``lr``."""


def _decayed(grad: Tensor, param: Tensor, h: Hyper, lr, decoupled: bool) -> Tensor:
    """Weight decay λ as torch's Adam family applies it: decoupled θ ← θ(1 − ηλ) (AdamW),
    else coupled g ← g + λθ; returns the gradient to use."""
    wd = h["weight_decay"]
    if _is_zero(wd):
        return grad
    if decoupled:
        param.mul_(_cast(1 - lr * wd, param))
        return grad
    return _axpy(grad, param, wd)


def _moments(grad: Tensor, state: dict, param: Tensor, beta1, beta2) -> tuple[Tensor, Tensor]:
    """Adam's moment estimates, updated in place: m ← m + (1 − β₁)(g − m),
    v ← β₂ v + (1 − β₂) g²."""
    exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
    exp_avg.lerp_(grad, _cast(1 - beta1, param))
    exp_avg_sq.mul_(_cast(beta2, param))
    if isinstance(beta2, Tensor):
        exp_avg_sq.addcmul_(grad * _cast(1 - beta2, param), grad)
    else:
        exp_avg_sq.addcmul_(grad, grad, value=1 - beta2)
    return exp_avg, exp_avg_sq


class SGDRule(Rule):
    """``torch.optim.SGD``: weight decay, momentum buffer (clone on the first step), Nesterov."""

    def __init__(self, nesterov: bool):
        self.nesterov = nesterov

    def step(self, param, grad, state, h, lr, closure):
        grad = _weight_decayed(grad, param, h)
        momentum, dampening = h["momentum"], h["dampening"]
        if not _is_zero(momentum):
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = grad.detach().clone()
            else:
                # torch skips the buffer when μ = 0; there the buffer must equal g exactly.
                weight = 1 - dampening
                if isinstance(momentum, Tensor):
                    weight = torch.where(momentum == 0, torch.ones_like(momentum), weight)
                buf.mul_(_cast(momentum, buf))
                _axpy_(buf, grad, weight)
            grad = _axpy(grad, buf, momentum) if self.nesterov else buf
        _axpy_(param, grad, -lr)


class AdamRule(Rule):
    """``torch.optim.Adam`` / ``AdamW`` (``decoupled``), AMSGrad included."""

    def __init__(self, decoupled: bool):
        self.decoupled = decoupled

    def step(self, param, grad, state, h, lr, closure):
        step = state["step"] = state.get("step", 0) + 1
        if "exp_avg" not in state:
            state["exp_avg"] = torch.zeros_like(param)
            state["exp_avg_sq"] = torch.zeros_like(param)
            if h["amsgrad"]:
                state["max_exp_avg_sq"] = torch.zeros_like(param)
        grad = _decayed(grad, param, h, lr, self.decoupled)
        beta1, beta2, eps = h["beta1"], h["beta2"], h["eps"]
        exp_avg, exp_avg_sq = _moments(grad, state, param, beta1, beta2)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2**0.5
        if h["amsgrad"]:
            torch.maximum(state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"])
            second = state["max_exp_avg_sq"]
        else:
            second = exp_avg_sq
        denom = (second.sqrt() / _cast(bias_correction2_sqrt, param)).add_(_cast(eps, param))
        if isinstance(step_size, Tensor):
            param.addcdiv_(exp_avg * _cast(-step_size, param), denom)
        else:
            param.addcdiv_(exp_avg, denom, value=-step_size)


class AdagradRule(Rule):
    """``torch.optim.Adagrad``: accumulated squares, decaying step ``lr / (1 + (t−1)κ)``."""

    def step(self, param, grad, state, h, lr, closure):
        if "sum" not in state:
            init = h["initial_accumulator_value"]
            state["sum"] = torch.zeros_like(param).add_(_cast(init, param))
        step = state["step"] = state.get("step", 0) + 1
        grad = _weight_decayed(grad, param, h)
        clr = lr / (1 + (step - 1) * h["lr_decay"])
        state["sum"].addcmul_(grad, grad, value=1)
        std = state["sum"].sqrt().add_(_cast(h["eps"], param))
        if isinstance(clr, Tensor):
            param.addcdiv_(grad * _cast(-clr, param), std)
        else:
            param.addcdiv_(grad, std, value=-clr)


class RMSpropRule(Rule):
    """``torch.optim.RMSprop``: running mean square, optional centring and momentum."""

    def step(self, param, grad, state, h, lr, closure):
        if "square_avg" not in state:
            state["square_avg"] = torch.zeros_like(param)
            state["momentum_buffer"] = torch.zeros_like(param)
            state["grad_avg"] = torch.zeros_like(param)
        grad = _weight_decayed(grad, param, h)
        alpha, momentum = h["alpha"], h["momentum"]
        square_avg = state["square_avg"]
        square_avg.mul_(_cast(alpha, param))
        if isinstance(alpha, Tensor):
            square_avg.addcmul_(grad * _cast(1 - alpha, param), grad)
        else:
            square_avg.addcmul_(grad, grad, value=1 - alpha)
        if h["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg.lerp_(grad, _cast(1 - alpha, param))
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add_(_cast(h["eps"], param))
        if isinstance(momentum, Tensor) or momentum > 0:
            buf = state["momentum_buffer"]
            buf.mul_(_cast(momentum, param)).addcdiv_(grad, avg)
            _axpy_(param, buf, -lr)  # μ = 0 rows: buf = g/avg, as torch's else-branch
        elif isinstance(lr, Tensor):
            param.addcdiv_(grad * _cast(-lr, param), avg)
        else:
            param.addcdiv_(grad, avg, value=-lr)


class RAdamRule(Rule):
    """``torch.optim.RAdam``: Adam with the rectification switched on where ρ_t > 5."""

    def step(self, param, grad, state, h, lr, closure):
        if "exp_avg" not in state:
            state["exp_avg"] = torch.zeros_like(param)
            state["exp_avg_sq"] = torch.zeros_like(param)
        step = state["step"] = state.get("step", 0) + 1
        grad = _decayed(grad, param, h, lr, h["decoupled_weight_decay"])
        beta1, beta2, eps = h["beta1"], h["beta2"], h["eps"]
        exp_avg, exp_avg_sq = _moments(grad, state, param, beta1, beta2)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        corrected = exp_avg / _cast(bias_correction1, param)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        adaptive = (_cast(bias_correction2**0.5, param)
                    / exp_avg_sq.sqrt().add_(_cast(eps, param)))
        if not isinstance(rho_t, Tensor):
            if rho_t > 5.0:
                param.add_(corrected * lr * adaptive * rect**0.5, alpha=-1.0)
            else:
                param.add_(corrected * lr, alpha=-1.0)
            return
        rectified = corrected * _cast(lr, param) * adaptive * _cast(
            rect.clamp(min=0) ** 0.5, param)
        plain = corrected * _cast(lr, param)
        param.add_(torch.where(rho_t > 5.0, rectified, plain), alpha=-1.0)


class HeunRule(Rule):
    """:class:`~landscape_app.core.optim.heun.HeunStep` with a tensor learning rate."""

    def step(self, param, grad, state, h, lr, closure):
        with torch.no_grad():
            start, first_grad = param.clone(), grad.clone()
            _axpy_(param, first_grad, -lr)
        with torch.enable_grad():
            closure()
        with torch.no_grad():
            _axpy_(param.copy_(start), first_grad + param.grad, _half_neg(lr))


def _half_neg(lr):
    return -lr / 2


#: Rule name (an optimizer record's ``map_rule``) → the rule. Lookahead/Ranger wrap their
#: inner optimizer's.
RULES: dict[str, Callable[[], Rule]] = {
    "sgd": lambda: SGDRule(False),
    "nesterov": lambda: SGDRule(True),
    "adam": lambda: AdamRule(False),
    "adamw": lambda: AdamRule(True),
    "adagrad": AdagradRule,
    "rmsprop": RMSpropRule,
    "radam": RAdamRule,
    "heun": HeunRule,
}
