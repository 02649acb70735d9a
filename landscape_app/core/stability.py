"""Each optimizer's stability threshold, read from its own ``torch.optim`` state.

On a quadratic with curvature λ a step-size method is stable while λ stays below a threshold;
on a network the curvature moves and gradient descent hovers at that threshold (the edge of
stability). With ``η`` the learning rate the next step will use (so a schedule's ηₜ):

- ``sgd``: 2/η; with heavy-ball momentum μ and dampening τ: (2 + 2μ)/((1 − τ)η)
  (Cohen et al. 2021, "Gradient Descent on Neural Networks Typically Occurs at the Edge of
  Stability", ICLR).
- ``nesterov`` (torch's form θ ← θ − η(g + μb)): (2 + 2μ)/((1 + 2μ)η), the exact bound of
  that recursion on a quadratic.
- ``heun``: 2/η (its step on a quadratic multiplies by 1 − h + h²/2, stable for h < 2).
- Adam, AdamW, RAdam: the *preconditioned* sharpness λ_max(P⁻¹H) against
  (2 + 2β₁)/((1 − β₁)η), 38/η at β₁ = 0.9 (Cohen et al. 2022, "Adaptive Gradient Methods at
  the Edge of Stability"). P = diag(√v̂ₜ + ε) from the state's ``exp_avg_sq`` (``max_exp_avg_sq``
  with AMSGrad), v̂ₜ = vₜ/(1 − β₂ᵗ); RAdam's own form P = (√vₜ + ε)/√(1 − β₂ᵗ), its
  rectification factor left out (it tends to 1).
- RMSprop: P = diag(√vₜ + ε) (centred: √(vₜ − ḡₜ²) + ε) against 2/η, (2 + 2μ)/η with momentum.
- Adagrad: P = diag(√sₜ + ε) against 2/η̃ₜ, η̃ₜ = η/(1 + (t − 1)κ).

Optimizers without a step size (L-BFGS, Newton, SLSQP, swarms, CMA-ES, annealing) and the
wrappers (Lookahead, Ranger) get no threshold: λ_max only. Weight decay is not folded in.
Which rule of :data:`RULES` an optimizer steps against is its record's ``stability``
(:mod:`landscape_app.core.catalogue.optimizer_records`).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Stability:
    """A threshold (None: no step size) and the preconditioner p of P = diag(p) (None: H)."""

    threshold: float | None
    preconditioner: torch.Tensor | None = None


NONE = Stability(None)


def stability(optimizer) -> Stability:
    """The threshold ``optimizer`` (a :class:`~landscape_app.core.optim.optimizer_base.Optimizer`
    after reset) steps against at its current state, by its record's ``stability`` rule."""
    rule = optimizer.record.stability
    if rule is None:
        return NONE
    group = optimizer.torch_optimizer.param_groups[0]
    state = optimizer.torch_optimizer.state.get(optimizer.param, {})
    return RULES[rule](group, state, float(group["lr"]))


def _sgd(group, state, lr: float) -> Stability:
    mu, tau = group["momentum"], group["dampening"] if group["momentum"] else 0.0
    return Stability((2 + 2 * mu) / ((1 - tau) * lr))


def _nesterov(group, state, lr: float) -> Stability:
    mu = group["momentum"]
    return Stability((2 + 2 * mu) / ((1 + 2 * mu) * lr))


def _heun(group, state, lr: float) -> Stability:
    return Stability(2 / lr)


def _adam(group, state, lr: float, radam: bool = False) -> Stability:
    beta1 = group["betas"][0]
    return Stability((2 + 2 * beta1) / ((1 - beta1) * lr), _adam_p(radam, group, state))


def _radam(group, state, lr: float) -> Stability:
    return _adam(group, state, lr, radam=True)


def _rmsprop(group, state, lr: float) -> Stability:
    return Stability((2 + 2 * group["momentum"]) / lr, _rmsprop_p(group, state))


def _step(state) -> int:
    return int(state["step"]) if "step" in state else 0


def _adam_p(radam: bool, group, state) -> torch.Tensor | None:
    t = _step(state)
    if t == 0:
        return None
    beta2, eps = group["betas"][1], group["eps"]
    v = state["max_exp_avg_sq"] if group.get("amsgrad") else state["exp_avg_sq"]
    correction = 1 - beta2 ** t
    if radam:
        return ((v.sqrt() + eps) / correction ** 0.5).detach()
    return ((v / correction).sqrt() + eps).detach()


def _rmsprop_p(group, state) -> torch.Tensor | None:
    if _step(state) == 0:
        return None
    v = state["square_avg"]
    if group["centered"]:
        v = v - state["grad_avg"] ** 2
    return (v.sqrt() + group["eps"]).detach()


def _adagrad(group, state, lr: float) -> Stability:
    t = _step(state)
    effective = lr / (1 + t * group["lr_decay"])  # the next step is step t + 1
    p = (state["sum"].sqrt() + group["eps"]).detach() if t > 0 else None
    return Stability(2 / effective, p)


#: Rule name (an optimizer record's ``stability``) → (param group, state, η) → its threshold.
RULES = {"sgd": _sgd, "nesterov": _nesterov, "heun": _heun, "adam": _adam, "radam": _radam,
         "rmsprop": _rmsprop, "adagrad": _adagrad}
