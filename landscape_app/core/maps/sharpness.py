"""Every map cell's sharpness: λ_max of the loss Hessian at the cell's final point.

A map's cells are independent rows of one batched loss ``evaluate(X (C, P)) -> (C,)`` (the
2D function itself, or :func:`~landscape_app.core.maps.network_rows.row_evaluator` on a
network: the full-data loss, also for minibatch cells). Row ``c``'s loss depends on row ``c``
alone, so the gradient of ``Σ_c f(x_c)`` is every cell's own gradient, and the gradient of
``Σ_c ∂f/∂x_ci`` is column ``i`` of every cell's own Hessian: ``P`` backward passes give all
``C`` Hessians ``(C, P, P)`` exactly (autograd, no differences), then ``eigvalsh`` batched.
Up to :data:`DENSE_LIMIT` parameters; above, each cell by Lanczos on Hessian-vector products
(:func:`~landscape_app.core.sharpness.hessian_spectrum`). Cells whose final point is not
finite (diverged, non-finite) get NaN.
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
from landscape_app.core.nn.objective import NetworkObjective, build_network
from landscape_app.core.objective import Objective
from landscape_app.core.sharpness import hessian_spectrum

#: Above this many parameters a cell's Hessian is not formed (Lanczos instead).
DENSE_LIMIT = 512
#: Bytes the batched Hessians of one chunk of cells may take.
CHUNK_BYTES = 64 << 20
#: Cells per chunk at most (their forward graph is kept for the P backward passes).
MAX_CHUNK = 1024


def batched_hessians(evaluate: Callable[[torch.Tensor], torch.Tensor],
                     points: torch.Tensor) -> torch.Tensor:
    """``(C, P, P)``: the exact Hessian of every row of ``evaluate`` at ``points (C, P)``."""
    x = points.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(evaluate(x).sum(), x, create_graph=True)
    columns = [torch.autograd.grad(grad[:, i].sum(), x, retain_graph=True)[0]
               for i in range(x.shape[1])]
    return torch.stack(columns, dim=2).detach()


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
    chunk = (min(MAX_CHUNK, max(1, CHUNK_BYTES // (size * dim * dim * 3)))
             if dim <= dense_limit else 1)
    for begin in range(0, len(rows), chunk):
        if cancelled is not None and cancelled():
            raise CancelledError("map cancelled")
        part = rows[begin:begin + chunk]
        x = objective.as_tensor(points[part])
        if dim <= dense_limit:
            top = torch.linalg.eigvalsh(batched_hessians(evaluate, x))[:, -1]
            out[part] = top.cpu().numpy()
        else:
            out[part] = hessian_spectrum(objective.evaluate, x[0], k=1).top
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
