"""Trajectory fields: every start's whole path at once, on the batched map engine.

    from landscape_app.core.functions import get_function
    from landscape_app.core.maps.field import compute_field

    field = compute_field(get_function("rosenbrock"), "adam:lr=0.05", steps=300)  # 64² starts
    field.paths          # (4096, 301, 2): every start's position after every step
    index = field.nearest(-1.2, 1.7)
    positions, losses, steps = field.path(index)   # that start's path, up to where it ended

A field is a start map (:func:`~landscape_app.core.maps.compute_map`) that also records every
cell's position and loss at each of ``path_steps`` (every step, or at most ``thin`` of them,
the start and the last step always among them). Each path is the single run from its start:
the map engine steps the run's own arithmetic on the stacked starts (torch.optim's fused
kernel where there is one, which rounds within the exactness tests' derived bound) and copies
the positions it reaches. A path that stops (diverged, non-finite, converged early) ends
there: its ``status`` and ``stopped_at`` say why and where, and its later points repeat the
point it stopped at (never NaN, unless that point itself is).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from landscape_app.core.errors import LandscapeError
from landscape_app.core.maps.axes import StartGrid
from landscape_app.core.maps.engine import compute_map
from landscape_app.core.maps.outcome import OutcomeMap
from landscape_app.core.maps.paths import thinned_steps
from landscape_app.core.objective import Objective
from landscape_app.core.optim.registry import OptimizerSpec

#: Starts per side of a field when no grid is given.
DEFAULT_SIDE = 64


@dataclass(frozen=True)
class TrajectoryField:
    """Every start's path. Start ``n = j·res + i`` is ``(axis0[i], axis1[j])``.

    starts : ``(N, 2)``; path_steps : ``(K,)`` the step of each kept point;
    paths : ``(N, K, 2)`` positions; path_loss : ``(N, K)`` losses;
    status, stopped_at : ``(N,)`` codes (:class:`~landscape_app.core.status.CellStatus`)
    and the step each path ended at (``steps`` for those that ran to the end);
    outcome : the start map the field extends (basins, best losses, ...).
    """

    grid: StartGrid
    optimizer: str
    steps: int
    starts: np.ndarray
    path_steps: np.ndarray
    paths: np.ndarray
    path_loss: np.ndarray
    status: np.ndarray
    stopped_at: np.ndarray
    outcome: OutcomeMap

    @property
    def seconds(self) -> float:
        return self.outcome.seconds

    def nearest(self, x: float, y: float) -> int:
        """The index of the start nearest to ``(x, y)`` (clamped to the grid)."""
        res = self.grid.res
        (x0, x1), (y0, y1) = self.grid.x_range, self.grid.y_range
        i = int(np.clip(np.rint((x - x0) / (x1 - x0) * (res - 1)), 0, res - 1))
        j = int(np.clip(np.rint((y - y0) / (y1 - y0) * (res - 1)), 0, res - 1))
        return j * res + i

    def path(self, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Start ``index``'s kept points up to where it ended: positions ``(M, 2)``, losses
        ``(M,)`` and their steps ``(M,)`` (the last: the step it stopped at)."""
        end = int(self.stopped_at[index])
        before = self.path_steps < end
        last = int(np.argmax(self.path_steps >= end))  # the first point at or after the end
        take = np.append(np.flatnonzero(before), last)
        steps = np.append(self.path_steps[before], end)
        return self.paths[index, take], self.path_loss[index, take], steps


def default_grid(objective: Objective, res: int = DEFAULT_SIDE) -> StartGrid:
    """``res²`` starts over the landscape's view box (its domain when it has none)."""
    view = getattr(objective, "view", None)
    if view is not None:
        return StartGrid((view.x0, view.x1), (view.y0, view.y1), res)
    lower, upper = np.asarray(objective.lower), np.asarray(objective.upper)
    return StartGrid((float(lower[0]), float(upper[0])), (float(lower[1]), float(upper[1])), res)


def compute_field(
    objective: Objective,
    optimizer: OptimizerSpec | str,
    grid: StartGrid | None = None,
    steps: int = 300,
    *,
    thin: int | None = None,
    tolerance: float = 1e-3,
    device: str | torch.device = "auto",
    dtype: str = "float64",
    progress: Callable[[str, float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    chunk_rows: int | None = None,
    seed: int = 0,
) -> TrajectoryField:
    """Run ``optimizer`` from every start of ``grid`` (default: 64² over the view) for
    ``steps`` steps and keep every path — every step, or at most ``thin`` (≥ 2) points.

    The other arguments are :func:`~landscape_app.core.maps.compute_map`'s (float64 by
    default, as the single runs the paths equal). Raises :class:`LandscapeError` for what
    cannot be mapped (an optimizer outside ``MAPPABLE``, a landscape that is not 2D, paths
    too large to hold: thin them) and :class:`CancelledError` when ``cancelled()`` turns true.
    """
    if getattr(objective, "dim", None) != 2:
        raise LandscapeError("a trajectory field needs a 2D landscape")
    if thin is not None and (isinstance(thin, bool) or not isinstance(thin, int) or thin < 2):
        raise LandscapeError(f"thin {thin!r}: a path keeps at least 2 points (start and end)")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise LandscapeError(f"steps {steps!r}: must be a whole number ≥ 1")
    grid = default_grid(objective) if grid is None else grid
    kept = thinned_steps(steps, thin)
    outcome = compute_map(objective, optimizer, grid, steps, tolerance=tolerance, device=device,
                          dtype=dtype, progress=progress, cancelled=cancelled,
                          chunk_rows=chunk_rows, seed=seed, path_steps=kept)
    return TrajectoryField(
        grid=grid, optimizer=outcome.settings["optimizer"], steps=steps, starts=grid.starts(),
        path_steps=outcome.path_steps, paths=outcome.paths, path_loss=outcome.path_loss,
        status=outcome.status.ravel(), stopped_at=outcome.stopped_at.ravel(), outcome=outcome)
