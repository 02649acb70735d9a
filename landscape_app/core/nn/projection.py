"""Trajectories projected onto a plane, with what the projection hides.

A path through weight space does not lie on the drawn plane. For every point θ_t this gives
its plane coordinates (least squares on d₁, d₂), its distance from the plane, the true loss
f(θ_t) and the loss at its projection f(θ₀ + α_t d₁ + β_t d₂) (what the surface shows there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from landscape_app.core.nn.directions import Plane
from landscape_app.core.objective import Objective


@dataclass(frozen=True)
class ProjectedPath:
    """One trajectory on a plane: ``coords (n, 2)``, ``distances``, ``losses`` (true, at θ_t)
    and ``plane_losses`` (at the projected points), each ``(n,)``."""

    coords: np.ndarray
    distances: np.ndarray
    losses: np.ndarray
    plane_losses: np.ndarray


def batched_losses(objective: Objective, points: np.ndarray) -> np.ndarray:
    """f at each row of ``points`` ``(n, P)`` as float64 numpy (no gradient)."""
    if len(points) == 0:
        return np.empty(0)
    with torch.no_grad():
        values = objective.evaluate(objective.as_tensor(np.atleast_2d(points)))
    return values.detach().cpu().numpy().astype(float)


def project_path(objective: Objective, plane: Plane, trajectory: np.ndarray) -> ProjectedPath:
    """Project ``trajectory`` ``(n, P)`` onto ``plane`` and evaluate both losses."""
    trajectory = np.atleast_2d(np.asarray(trajectory, dtype=float))
    coords, distances = plane.project(trajectory)
    on_plane = plane.origin + coords @ plane.basis.T
    return ProjectedPath(coords, distances, batched_losses(objective, trajectory),
                         batched_losses(objective, on_plane))
