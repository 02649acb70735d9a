"""torch.optim's step without its wrapper: the functional form on the optimizer's own state.

``Optimizer.step`` costs more than its arithmetic on a drag preview's ``(1, 2)`` row: around
the update (``torch.optim.sgd.sgd``, ``adam.adam``, …, which it calls) it opens a profiler
range, switches grad mode, runs the step hooks and gathers each group's parameters,
gradients and state into lists — about 14 µs a step on the CPU, as much as the update
itself (SGD: 22 µs a step against 9 µs for the bare ``sgd``). :func:`direct_step` gives the
call ``step`` makes, with the same arguments read from the same group and the same state
tensors (the update writes them in place, as under ``step``) — the same code on the same
numbers, so the same bits, without the rest.

It applies where that call is all ``step`` does: one group holding the one parameter, the
single-tensor implementation chosen (``foreach`` False, not fused, differentiable or
capturable), on the CPU, no step hooks and no gradient scaling; and only once the state
exists: the first step is ``step``'s own, which creates it; and where this torch's group
holds every setting the call reads and its functional form takes every argument passed (the
calls are torch 2.13's; torch 2.4's Adam, say, has no ``decoupled_weight_decay``). Elsewhere
(other optimizers, such as Heun's, or devices), None: ``step`` as before.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import torch
from torch.optim.adagrad import adagrad
from torch.optim.adam import adam
from torch.optim.optimizer import _global_optimizer_post_hooks, _global_optimizer_pre_hooks
from torch.optim.radam import radam
from torch.optim.rmsprop import rmsprop
from torch.optim.sgd import sgd

Closure = Callable[[], torch.Tensor]
Call = tuple[Callable[..., None], tuple, dict]  # the functional form, its arguments


def _sgd(group: dict, param: torch.Tensor, state: dict) -> Call:
    # the momentum buffer, once there, is updated in place: step's write-back is a no-op
    buffers = [state["momentum_buffer"]] if group["momentum"] != 0 else []
    return sgd, ([param], [param.grad], buffers), dict(
        has_sparse_grad=False, foreach=group["foreach"], fused=group["fused"],
        weight_decay=group["weight_decay"], momentum=group["momentum"], lr=group["lr"],
        dampening=group["dampening"], nesterov=group["nesterov"], maximize=group["maximize"])


def _adam(group: dict, param: torch.Tensor, state: dict) -> Call:  # Adam and AdamW
    beta1, beta2 = group["betas"]
    return adam, ([param], [param.grad], [state["exp_avg"]], [state["exp_avg_sq"]],
                  [state["max_exp_avg_sq"]] if group["amsgrad"] else [], [state["step"]]), dict(
        amsgrad=group["amsgrad"], has_complex=False, beta1=beta1, beta2=beta2, lr=group["lr"],
        weight_decay=group["weight_decay"], eps=group["eps"], maximize=group["maximize"],
        foreach=group["foreach"], capturable=False, differentiable=False, fused=group["fused"],
        decoupled_weight_decay=group["decoupled_weight_decay"])


def _adagrad(group: dict, param: torch.Tensor, state: dict) -> Call:
    return adagrad, ([param], [param.grad], [state["sum"]], [state["step"]]), dict(
        lr=group["lr"], weight_decay=group["weight_decay"], lr_decay=group["lr_decay"],
        eps=group["eps"], has_sparse_grad=False, foreach=group["foreach"],
        maximize=group["maximize"], differentiable=False, has_complex=False,
        fused=group["fused"])


def _rmsprop(group: dict, param: torch.Tensor, state: dict) -> Call:
    return rmsprop, ([param], [param.grad], [state["square_avg"]],
                     [state["grad_avg"]] if group["centered"] else [],
                     [state["momentum_buffer"]] if group["momentum"] > 0 else [],
                     [state["step"]]), dict(
        lr=group["lr"], alpha=group["alpha"], eps=group["eps"],
        weight_decay=group["weight_decay"], momentum=group["momentum"],
        centered=group["centered"], foreach=group["foreach"], maximize=group["maximize"],
        differentiable=False, capturable=False, has_complex=False)


def _radam(group: dict, param: torch.Tensor, state: dict) -> Call:
    beta1, beta2 = group["betas"]
    return radam, ([param], [param.grad], [state["exp_avg"]], [state["exp_avg_sq"]],
                   [state["step"]]), dict(
        beta1=beta1, beta2=beta2, lr=group["lr"], weight_decay=group["weight_decay"],
        eps=group["eps"], maximize=group["maximize"], foreach=group["foreach"],
        capturable=False, differentiable=False,
        decoupled_weight_decay=group["decoupled_weight_decay"], has_complex=False)


#: torch.optim class (exactly: a subclass may step otherwise) → the call its ``step`` makes
#: (as torch 2.13 writes it: another torch whose group or functional form differs is caught
#: by :func:`direct_step`'s check, and keeps ``step``).
UPDATES: dict[type, Callable[[dict, torch.Tensor, dict], Call]] = {
    torch.optim.SGD: _sgd, torch.optim.Adam: _adam, torch.optim.AdamW: _adam,
    torch.optim.Adagrad: _adagrad, torch.optim.RMSprop: _rmsprop, torch.optim.RAdam: _radam,
}


def _fits(call: Callable[[dict, torch.Tensor, dict], Call], group: dict, param: torch.Tensor,
          state: dict) -> bool:
    """Whether this torch's group has every setting ``call`` reads and its functional form
    takes every argument ``call`` passes (checked, not run)."""
    try:
        function, args, kwargs = call(group, param, state)
        inspect.signature(function).bind(*args, **kwargs)
    except (KeyError, TypeError):
        return False
    return True


def direct_step(optimizer: torch.optim.Optimizer,
                param: torch.Tensor) -> Callable[[Closure], None] | None:
    """What steps ``optimizer`` (which has taken a step: its state exists) as its ``step``
    does, closure first (with grad enabled) then the update (without); None where more than
    that call is at stake (see the module's docstring)."""
    call = UPDATES.get(type(optimizer))
    (group, *others) = optimizer.param_groups
    if (call is None or others or len(group["params"]) != 1 or group["params"][0] is not param
            or param.device.type != "cpu" or param.is_complex()
            or group["foreach"] is not False or group.get("fused")
            or group.get("differentiable") or group.get("capturable")
            or optimizer._optimizer_step_pre_hooks or optimizer._optimizer_step_post_hooks
            or _global_optimizer_pre_hooks or _global_optimizer_post_hooks
            or getattr(optimizer, "grad_scale", None) is not None
            or getattr(optimizer, "found_inf", None) is not None
            or not _fits(call, group, param, optimizer.state[param])):
        return None
    state = optimizer.state

    def step(closure: Closure) -> None:
        with torch.enable_grad():
            closure()
        function, args, kwargs = call(group, param, state[param])
        with torch.no_grad():
            function(*args, **kwargs)

    return step


__all__ = ["UPDATES", "direct_step"]
