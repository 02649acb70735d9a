"""Every map cell's sharpness: λ_max of the loss Hessian at the cell's final point.

A map's cells are independent rows of one batched loss ``evaluate(X (C, P)) -> (C,)`` (the
2D function itself, or :func:`~landscape_app.core.maps.network_rows.row_evaluator` on a
network: the full-data loss, also for minibatch cells). Row ``c``'s loss depends on row ``c``
alone, so with ``g = ∇ Σ_c f(x_c)`` (every cell's own gradient, kept as a graph) one more
backward pass of ``Σ_c g_c · v_c`` gives every cell's own Hessian-vector product ``H_c v_c``
at once. Two ways to λ_max from there:

- up to :data:`DENSE_LIMIT` parameters (the 2D functions, the seed network): the exact
  Hessians, ``P`` such passes with ``v`` the unit vectors, then a batched ``eigvalsh``;
- above: Lanczos on every cell at once (:func:`batched_lanczos_top`), ``m`` passes: the
  algorithm of :func:`~landscape_app.core.sharpness.lanczos` (full reorthogonalization, the
  same stopping rule and tolerance), run on a ``(C, P)`` block of vectors, one row per cell.

Cells whose final point is not finite (diverged, non-finite) get NaN.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import torch

from landscape_app.core.errors import CancelledError
from landscape_app.core.maps.network_rows import row_evaluator
from landscape_app.core.maps.outcome import OutcomeMap
from landscape_app.core.nn.models import NetworkConfig
from landscape_app.core.nn.network_objective import NetworkObjective, build_network
from landscape_app.core.objective import Objective
from landscape_app.core.sharpness import BREAKDOWN, MAX_LANCZOS_STEPS, tolerance

#: Up to this many parameters the cells' Hessians are formed (P passes); Lanczos above.
DENSE_LIMIT = 16
#: Bytes a chunk's Hessians or Lanczos vectors may take.
CHUNK_BYTES = 256 << 20
#: Cells per chunk at most (their forward graph is kept for all the passes).
MAX_CHUNK = 1024
#: How often (Lanczos steps) convergence is checked.
CHECK_EVERY = 5

Rows = Callable[[torch.Tensor], torch.Tensor]


def _row_products(evaluate: Rows, points: torch.Tensor) -> Callable[[torch.Tensor], torch.Tensor]:
    """``V (C, P) ↦ (H_c v_c)_c``: every row's Hessian-vector product at ``points``."""
    x = points.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(evaluate(x).sum(), x, create_graph=True)

    def apply(v: torch.Tensor) -> torch.Tensor:
        return torch.autograd.grad(grad, x, grad_outputs=v, retain_graph=True)[0].detach()

    return apply


def batched_hessians(evaluate: Rows, points: torch.Tensor) -> torch.Tensor:
    """``(C, P, P)``: the exact Hessian of every row of ``evaluate`` at ``points (C, P)``."""
    apply = _row_products(evaluate, points)
    unit = torch.zeros_like(points)
    columns = []
    for i in range(points.shape[1]):
        unit.zero_()
        unit[:, i] = 1.0
        columns.append(apply(unit))
    return torch.stack(columns, dim=2)


def _orthogonalize(w: torch.Tensor, basis: torch.Tensor) -> torch.Tensor:
    """``w (C, P)`` with each row's components along its rows of ``basis (j, C, P)`` removed,
    twice (full reorthogonalization)."""
    for _ in range(2):
        w = w - torch.einsum("jc,jcp->cp", torch.einsum("jcp,cp->jc", basis, w), basis)
    return w


def _unit_rows(w: torch.Tensor) -> torch.Tensor:
    return w / torch.linalg.vector_norm(w, dim=1, keepdim=True)


def _tridiagonal(alphas: list, betas: list) -> torch.Tensor:
    """``(C, m, m)`` Lanczos tridiagonals from per-step ``(C,)`` alphas and betas."""
    diagonal = torch.stack(alphas, dim=1)
    t = torch.diag_embed(diagonal)
    if betas:
        off = torch.stack(betas[: diagonal.shape[1] - 1], dim=1)
        t = t + torch.diag_embed(off, 1) + torch.diag_embed(off, -1)
    return t


def batched_lanczos_top(evaluate: Rows, points: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """``(C,)``: λ_max of every row's Hessian at ``points (C, P)`` by Lanczos on all rows at
    once (full reorthogonalization; at most ``min(P, MAX_LANCZOS_STEPS)`` steps, stopping once
    every row's top Ritz residual is below :func:`~landscape_app.core.sharpness.tolerance`
    relative to its largest Ritz magnitude: each Ritz value then lies that close to an
    eigenvalue)."""
    apply = _row_products(evaluate, points)
    cells, dim = points.shape
    steps = min(dim, MAX_LANCZOS_STEPS)
    generator = torch.Generator().manual_seed(seed)

    def random_rows() -> torch.Tensor:
        return torch.randn((cells, dim), generator=generator, dtype=points.dtype).to(points)

    basis = points.new_zeros((steps, cells, dim))
    q = _unit_rows(random_rows())
    alphas, betas = [], []
    tol = tolerance(points.dtype)
    for j in range(steps):
        basis[j] = q
        w = apply(q)
        alphas.append((w * q).sum(dim=1))
        w = _orthogonalize(w, basis[: j + 1])
        beta = torch.linalg.vector_norm(w, dim=1)
        if j + 1 == steps or ((j + 1) % CHECK_EVERY == 0 and _converged(alphas, betas, beta, tol)):
            break
        scale = torch.stack(alphas, dim=1).abs().amax(dim=1).clamp(min=1.0)
        invariant = beta <= BREAKDOWN * scale  # a row's Krylov space is whole: start afresh
        if invariant.any():
            fresh = _unit_rows(_orthogonalize(random_rows(), basis[: j + 1]))
            w = torch.where(invariant[:, None], fresh, w)
            beta = torch.where(invariant, torch.zeros_like(beta), beta)
        tiny = torch.finfo(w.dtype).tiny
        q = torch.where(invariant[:, None], w, w / beta.clamp(min=tiny)[:, None])
        betas.append(beta)
    return torch.linalg.eigvalsh(_tridiagonal(alphas, betas))[:, -1]


def _converged(alphas, betas, beta: torch.Tensor, tol: float) -> bool:
    """Whether every row's top Ritz pair has residual ``|β · s_last|`` ≤ tol × its scale."""
    values, vectors = torch.linalg.eigh(_tridiagonal(alphas, betas))
    scale = values.abs().amax(dim=1).clamp(min=torch.finfo(values.dtype).tiny)
    return bool(torch.all((beta * vectors[:, -1, -1]).abs() <= tol * scale))


def cell_sharpness(objective: Objective, points: np.ndarray,
                   progress: Callable[[str, float], None] | None = None,
                   cancelled: Callable[[], bool] | None = None,
                   dense_limit: int = DENSE_LIMIT) -> np.ndarray:
    """λ_max of ``objective``'s loss Hessian at each row of ``points (C, P)`` (NaN where a
    row is not finite), in the objective's dtype and on its device; ``progress`` gets stage
    ``sharpness``."""
    points = np.asarray(points, dtype=float)
    out = np.full(len(points), np.nan)
    rows = np.flatnonzero(np.isfinite(points).all(axis=1))
    dim = points.shape[1]
    network = isinstance(objective, NetworkObjective)
    evaluate = row_evaluator(objective) if network else objective.evaluate
    size = torch.finfo(objective.dtype).bits // 8
    dense = dim <= dense_limit
    per_cell = size * dim * (3 * dim if dense else min(dim, MAX_LANCZOS_STEPS) + 3)
    chunk = min(MAX_CHUNK, max(1, CHUNK_BYTES // per_cell))
    for begin in range(0, len(rows), chunk):
        if cancelled is not None and cancelled():
            raise CancelledError("map cancelled")
        part = rows[begin:begin + chunk]
        x = objective.as_tensor(points[part])
        if dense:
            top = torch.linalg.eigvalsh(batched_hessians(evaluate, x))[:, -1]
        else:
            top = batched_lanczos_top(evaluate, x)
        out[part] = top.cpu().numpy()
        if progress is not None:
            progress("sharpness", min(1.0, (begin + len(part)) / len(rows)))
    return out


def with_sharpness(result: OutcomeMap, target: Objective | NetworkConfig, device="auto",
                   progress=None, cancelled=None) -> OutcomeMap:
    """``result`` with :attr:`~OutcomeMap.sharpness`: λ_max at every cell's final point of
    ``target`` (what :func:`~landscape_app.core.maps.compute_map` mapped: a 2D objective, or
    a network configuration, whose objective is built on ``device``)."""
    objective = build_network(target, device) if isinstance(target, NetworkConfig) else target
    final = result.final.reshape(-1, result.final.shape[-1])
    values = cell_sharpness(objective, final, progress, cancelled)
    return dataclasses.replace(result, sharpness=values.reshape(result.shape))
