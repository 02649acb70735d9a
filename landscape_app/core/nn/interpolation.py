"""1D linear interpolation of the loss between two weight vectors (Goodfellow et al. 2015).

f((1 − t) θ_start + t θ_end) for t on a line that by default reaches a quarter beyond both
ends, so the plot shows whether the loss rises again past the end point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscape_app.core.errors import LandscapeError
from landscape_app.core.fallback import DeviceFallback
from landscape_app.core.nn.projection import batched_losses
from landscape_app.core.objective import Objective

#: The stage and unit names of interpolations in device reports.
INTERPOLATION_STAGE, INTERPOLATION_UNIT = "the interpolations", "interpolation points"


@dataclass(frozen=True)
class Interpolation:
    """``losses[k] = f((1 − ts[k]) start + ts[k] end)``; t = 0 is the start, t = 1 the end."""

    ts: np.ndarray
    losses: np.ndarray


def interpolate_loss(objective: Objective, start: np.ndarray, end: np.ndarray,
                     points: int = 101, t_range: tuple[float, float] = (-0.25, 1.25),
                     fallback: DeviceFallback | None = None) -> Interpolation:
    """The loss along the straight line from ``start`` to ``end``, batched.

    ``fallback`` evaluates it (and holds the objective); default: a fresh one.
    """
    if points < 2:
        raise LandscapeError(f"an interpolation needs at least 2 points, got {points}")
    ts = np.linspace(*t_range, points)
    start = np.asarray(start, dtype=float)
    end = np.asarray(end, dtype=float)
    line = start[None, :] + ts[:, None] * (end - start)[None, :]
    return Interpolation(ts, batched_losses(objective, line, fallback, INTERPOLATION_STAGE,
                                            INTERPOLATION_UNIT))
