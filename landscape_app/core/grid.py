"""Evaluate a 2D objective on a rectangular mesh, batched and chunked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from landscape_app.core.catalogue.grids import (  # noqa: F401  (re-exported)
    MAX_RESOLUTION,
    check_resolution,
)
from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.core.progress import StageProgress

if TYPE_CHECKING:  # torch-free at import: Grid2D is drawn before torch loads
    from landscape_app.core.objective import Objective


@dataclass(frozen=True)
class Grid2D:
    """Loss values on a mesh: ``values[j, i] = f(xs[i], ys[j])`` (rows are y)."""

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray

    @property
    def finite_range(self) -> tuple[float, float]:
        """(min, max) of the finite values ((0, 1) when none is finite)."""
        return finite_range(self.values)


def finite_range(values: np.ndarray) -> tuple[float, float]:
    """(min, max) of the finite entries of ``values``; (0, 1) when none is finite."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    return float(finite.min()), float(finite.max())


def evaluate_grid(
    objective: Objective,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    resolution: int,
    chunk_points: int = 1 << 16,
    progress: StageProgress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Grid2D:
    """f on a ``resolution × resolution`` mesh over ``x_range × y_range`` (2D objectives).

    Points are evaluated in chunks of ``chunk_points``; ``progress("grid", fraction)``
    follows each chunk and ``cancelled`` is polled between chunks.
    """
    import torch  # here, not at the top: the window's first frame draws a Grid2D without it

    if objective.dim != 2:
        raise LandscapeError(f"a 2D grid needs a 2D objective; this one has {objective.dim}")
    check_resolution(resolution)
    xs = np.linspace(*x_range, resolution)
    ys = np.linspace(*y_range, resolution)
    gx, gy = np.meshgrid(xs, ys)
    points = objective.as_tensor(np.stack([gx.ravel(), gy.ravel()], axis=1))
    out = np.empty(points.shape[0], dtype=float)
    with torch.no_grad():
        for begin in range(0, points.shape[0], chunk_points):
            if cancelled is not None and cancelled():
                raise CancelledError("grid evaluation cancelled")
            end = min(begin + chunk_points, points.shape[0])
            out[begin:end] = objective.evaluate(points[begin:end]).cpu().numpy()
            if progress is not None:
                progress("grid", end / points.shape[0])
    return Grid2D(xs, ys, out.reshape(resolution, resolution))


#: ε of the log colour scale as a fraction of the value range.
LOG_EPSILON_FRACTION = 1e-6


def color_field(values: np.ndarray, log_scale: bool) -> np.ndarray:
    """The scalar field a heatmap paints (the window's 2D view, the exported page):
    ``f``, or ``log10(f − f_min + ε)`` with ε = :data:`LOG_EPSILON_FRACTION` × the range.

    Points the landscape lacks (non-finite values) stay NaN: holes, drawn uncoloured.
    """
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    if not finite.any():
        return np.full_like(values, np.nan)
    low, high = float(values[finite].min()), float(values[finite].max())
    field = np.where(finite, values, np.nan)
    if log_scale:
        epsilon = max(LOG_EPSILON_FRACTION * (high - low), 1e-300)
        field = np.log10(field - low + epsilon)
    return field
