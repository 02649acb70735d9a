"""Tolerances derived from arithmetic, for tests that compare two computations of one result.

Where the two computations run the same code on the same numbers (a map's row and the single
run sharing one function, rows that never mix) they are held to equality: a tolerance there
would only hide a second implementation. Where they legitimately round differently — another
kernel (torch's fused optimizers contract ``a·b + c`` into one fused multiply-add), another
summation order (a batched matrix product against one forward pass, a thread count) — the
difference is bounded, never tuned:

    |a − b| ≤ operations × eps × growth   (relative to the result's scale)

*operations*: how many roundings may differ between the two — each contributes at most one
unit roundoff ``eps`` of its result (and a sum of ``n`` terms in another order at most
``n·eps`` of the sum of their magnitudes, the classical bound for recursive summation);
*growth*: how much a difference made early can grow until the end, stated beside each test
with the reason it holds there.
"""

from __future__ import annotations

import numpy as np

EPS64 = float(np.finfo(np.float64).eps)  # 2.22e-16
EPS32 = float(np.finfo(np.float32).eps)  # 1.19e-7


def derived_bound(operations: float, growth: float = 1.0, eps: float = EPS64) -> float:
    """``operations × eps × growth``: the relative deviation two roundings of one result may
    show (see the module's docstring)."""
    return operations * eps * growth


def relative_deviation(values, reference, floor: float = 1e-12) -> float:
    """max |values − reference| / max(|reference|, floor), elementwise."""
    values, reference = np.asarray(values, dtype=float), np.asarray(reference, dtype=float)
    scale = np.maximum(np.abs(reference), floor)
    return float(np.max(np.abs(values - reference) / scale)) if reference.size else 0.0


def forward_bound(samples: int, fan_ins, eps: float = EPS64, growth: float = 10.0) -> float:
    """The relative deviation of a network's mean loss computed twice in another order (a
    batched forward pass against one forward pass per point, a chunk of another size, another
    thread count): ``(samples + Σ_layers (fan_in + 2) + 3) × eps × growth``.

    Each layer's outputs are sums of ``fan_in`` products (≤ fan_in·eps in another order), plus
    its bias and activation (a vectorised and a scalar transcendental kernel each round within
    one ulp: ≤ 2); the mean over ``samples`` per-sample losses, all ≥ 0 (no cancellation), adds
    ≤ samples·eps; the point θ = origin + α·d1 + β·d2 itself may round differently (3). A
    difference in a layer's outputs reaches the loss scaled by the loss's sensitivity to them;
    ``growth`` = 10 states it for these small nets (1-Lipschitz activations, O(1) weights).
    """
    return derived_bound(samples + sum(fan + 2 for fan in fan_ins) + 3, growth, eps)


def linear_fan_ins(module) -> tuple[int, ...]:
    """The fan-in of every ``nn.Linear`` of ``module``, in order."""
    import torch

    return tuple(m.in_features for m in module.modules() if isinstance(m, torch.nn.Linear))
