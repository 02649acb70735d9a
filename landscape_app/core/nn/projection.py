"""Trajectories projected onto a plane, with what the projection hides.

A path through weight space does not lie on the drawn plane. For every point θ_t this gives
its plane coordinates (least squares on d₁, d₂), its distance from the plane, the true loss
f(θ_t) and the loss at its projection f(θ₀ + α_t d₁ + β_t d₂) (what the surface shows there).

The losses are evaluated in batches through a
:class:`~landscape_app.core.fallback.DeviceFallback`: a batch that runs out of GPU memory is
retried in halves, then on the CPU.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from landscape_app.core.fallback import DeviceFallback, points_per_chunk
from landscape_app.core.nn.directions import Plane
from landscape_app.core.objective import Objective

#: The stage and unit names of path losses in device reports.
PATHS_STAGE, PATHS_UNIT = "the paths", "path points"
#: Bytes of a batch's evaluation on the CPU (above it, the batch is split).
CPU_BATCH_BYTES = 64 << 20


@dataclass(frozen=True)
class ProjectedPath:
    """One trajectory on a plane: ``coords (n, 2)``, ``distances``, ``losses`` (true, at θ_t)
    and ``plane_losses`` (at the projected points), each ``(n,)``."""

    coords: np.ndarray
    distances: np.ndarray
    losses: np.ndarray
    plane_losses: np.ndarray


def batched_losses(objective: Objective, points: np.ndarray,
                   fallback: DeviceFallback | None = None, what: str = PATHS_STAGE,
                   unit: str = PATHS_UNIT) -> np.ndarray:
    """f at each row of ``points`` ``(n, P)`` as float64 numpy (no gradient).

    Evaluated in chunks sized to the device's memory (``CPU_BATCH_BYTES`` on the CPU) through
    ``fallback`` (default: a fresh one for ``objective``), which names the work ``what`` and
    its points ``unit`` in its report.
    """
    points = np.atleast_2d(points)
    if len(points) == 0:
        return np.empty(0)
    if fallback is None:
        fallback = DeviceFallback.for_objective(objective)
    total = len(points)

    def chunk(placed: Objective, begin: int, end: int) -> np.ndarray:
        with torch.no_grad():
            values = placed.evaluate(placed.as_tensor(points[begin:end]))
        return values.detach().cpu().numpy().astype(float)

    def chunk_size(placed: Objective) -> int:
        per_point = getattr(placed, "bytes_per_point", 8 * placed.dim)
        return points_per_chunk(placed.device, per_point, total, CPU_BATCH_BYTES)

    return fallback.chunked(chunk, total, chunk_size, what, unit)


def project_path(objective: Objective, plane: Plane, trajectory: np.ndarray,
                 fallback: DeviceFallback | None = None) -> ProjectedPath:
    """Project ``trajectory`` ``(n, P)`` onto ``plane`` and evaluate both losses.

    ``fallback`` evaluates them (and holds the objective); default: a fresh one.
    """
    trajectory = np.atleast_2d(np.asarray(trajectory, dtype=float))
    coords, distances = plane.project(trajectory)
    on_plane = plane.origin + coords @ plane.basis.T
    if fallback is None:
        fallback = DeviceFallback.for_objective(objective)
    losses = batched_losses(objective, np.concatenate([trajectory, on_plane]), fallback)
    count = len(trajectory)
    return ProjectedPath(coords, distances, losses[:count], losses[count:])
