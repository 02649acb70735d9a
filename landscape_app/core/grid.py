"""Evaluate a 2D objective on a rectangular mesh, batched and chunked."""

from __future__ import annotations

import math
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
    check_resolution(resolution)
    xs = np.linspace(*x_range, resolution)
    ys = np.linspace(*y_range, resolution)
    gx, gy = np.meshgrid(xs, ys)
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    values = evaluate_points(objective, points, chunk_points, progress, cancelled)
    return Grid2D(xs, ys, values.reshape(resolution, resolution))


def evaluate_points(objective: Objective, points: np.ndarray, chunk_points: int = 1 << 16,
                    progress: StageProgress | None = None,
                    cancelled: Callable[[], bool] | None = None) -> np.ndarray:
    """f at each row ``(x, y)`` of ``points``, in chunks (see :func:`evaluate_grid`)."""
    import torch  # here, not at the top: the window's first frame draws a Grid2D without it

    if objective.dim != 2:
        raise LandscapeError(f"a 2D grid needs a 2D objective; this one has {objective.dim}")
    points = objective.as_tensor(points)
    out = np.empty(points.shape[0], dtype=float)
    with torch.no_grad():
        for begin in range(0, points.shape[0], chunk_points):
            if cancelled is not None and cancelled():
                raise CancelledError("grid evaluation cancelled")
            end = min(begin + chunk_points, points.shape[0])
            out[begin:end] = objective.evaluate(points[begin:end]).cpu().numpy()
            if progress is not None:
                progress("grid", end / points.shape[0])
    return out


def widen_grid(grid: Grid2D, objective: Objective, x_range: tuple[float, float],
               y_range: tuple[float, float]) -> Grid2D:
    """``grid``'s mesh carried on, whole cells at a time, until its cells cover
    ``x_range × y_range`` (a plot wider or taller than the landscape's box, or zoomed out).

    The grid's own nodes keep their values; only the new ones are evaluated. Returns ``grid``
    itself when its cells (a node ± half the spacing) cover the ranges already.
    """
    xs, before_x = _widened(np.asarray(grid.xs, dtype=float), *x_range)
    ys, before_y = _widened(np.asarray(grid.ys, dtype=float), *y_range)
    rows, cols = grid.values.shape
    if (len(xs), len(ys)) == (cols, rows):
        return grid
    new = np.ones((len(ys), len(xs)), dtype=bool)
    new[before_y:before_y + rows, before_x:before_x + cols] = False
    gx, gy = np.meshgrid(xs, ys)
    values = np.empty(new.shape, dtype=float)
    values[~new] = np.asarray(grid.values, dtype=float).ravel()
    values[new] = evaluate_points(objective, np.stack([gx[new], gy[new]], axis=1))
    return Grid2D(xs, ys, values)


def cells_cover(grid: Grid2D, x_range: tuple[float, float],
                y_range: tuple[float, float]) -> bool:
    """Whether ``grid``'s cells cover ``x_range × y_range`` (:func:`widen_grid` adds none)."""
    xs, _ = _widened(np.asarray(grid.xs, dtype=float), *x_range)
    ys, _ = _widened(np.asarray(grid.ys, dtype=float), *y_range)
    return (len(xs), len(ys)) == (len(grid.xs), len(grid.ys))


def _widened(nodes: np.ndarray, low: float, high: float) -> tuple[np.ndarray, int]:
    """Evenly spaced ``nodes`` with whole steps added on either side until their cells
    cover ``[low, high]``; and how many were added before them."""
    if len(nodes) < 2 or not nodes[-1] > nodes[0]:
        return nodes, 0
    step = (nodes[-1] - nodes[0]) / (len(nodes) - 1)
    before = max(0, math.ceil((nodes[0] - step / 2 - low) / step - CELL_SLACK))
    after = max(0, math.ceil((high - nodes[-1] - step / 2) / step - CELL_SLACK))
    return np.concatenate([nodes[0] - step * np.arange(before, 0, -1), nodes,
                           nodes[-1] + step * np.arange(1, after + 1)]), before


#: A range that ends within this fraction of a cell past the cells is covered (the view's
#: range is the box's to rounding, and a sliver of a cell is not worth a row of nodes).
CELL_SLACK = 1e-3


#: ε of the log colour scale as a fraction of the value range.
LOG_EPSILON_FRACTION = 1e-6


def color_field(values: np.ndarray, log_scale: bool,
                value_range: tuple[float, float] | None = None) -> np.ndarray:
    """The scalar field a heatmap paints (the window's 2D view, the exported page):
    ``f``, or ``log10(f − f_min + ε)`` with ε = :data:`LOG_EPSILON_FRACTION` × the range.

    ``f_min`` and the range are those of ``values``, or ``value_range`` (the landscape's own
    grid, when ``values`` are its mesh widened to fill a view: the colours stay those of the
    box; a value below ``f_min`` takes the colour of ``f_min``).
    Points the landscape lacks (non-finite values) stay NaN: holes, drawn uncoloured.
    """
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    if not finite.any():
        return np.full_like(values, np.nan)
    if value_range is None:
        low, high = float(values[finite].min()), float(values[finite].max())
    else:
        low, high = value_range
    field = np.where(finite, values, np.nan)
    if log_scale:
        epsilon = max(LOG_EPSILON_FRACTION * (high - low), 1e-300)
        field = np.log10(np.maximum(field - low, 0.0) + epsilon)
    return field
