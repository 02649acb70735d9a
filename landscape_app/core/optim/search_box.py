"""The search box of derivative-free methods: checked once, then used to sample and confine.

Population and annealing methods sample inside the objective's box ``[lower, upper]`` and keep
their points in it; the box must therefore be finite with ``lower < upper`` in every coordinate.
"""

from __future__ import annotations

import numpy as np

from landscape_app.core.errors import LandscapeError
from landscape_app.core.objective import Problem


def search_box(problem: Problem, owner: str) -> tuple[np.ndarray, np.ndarray]:
    """The objective's box as float arrays of shape ``(dim,)``, validated.

    Raises
    ------
    LandscapeError
        When the box is not finite, has the wrong shape, or is empty in some coordinate.
    """
    objective = problem.objective
    lower = np.asarray(objective.lower, dtype=float).reshape(-1)
    upper = np.asarray(objective.upper, dtype=float).reshape(-1)
    if lower.shape != (problem.dim,) or upper.shape != (problem.dim,):
        raise LandscapeError(
            f"{owner}: the search box of {objective.name!r} has {lower.size} lower and "
            f"{upper.size} upper bounds for {problem.dim} coordinates"
        )
    if not (np.all(np.isfinite(lower)) and np.all(np.isfinite(upper))):
        raise LandscapeError(
            f"{owner} needs a finite search box; {objective.name!r} has an infinite bound"
        )
    if not np.all(upper > lower):
        bad = int(np.argmax(upper <= lower))
        raise LandscapeError(
            f"{owner}: the search box of {objective.name!r} is empty in coordinate {bad} "
            f"(lower {lower[bad]:g} ≥ upper {upper[bad]:g})"
        )
    return lower, upper


def reflect_into_box(points: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Fold points back into the box by mirroring at its walls (as often as needed).

    With width w = upper − lower and u = (x − lower) mod 2w, the image is
    lower + (u if u ≤ w else 2w − u): a point just past a wall lands just inside it, and a
    symmetric proposal stays symmetric near the walls (unlike clipping, which piles up points
    on the walls).
    """
    width = upper - lower
    folded = np.mod(points - lower, 2.0 * width)
    return lower + np.where(folded > width, 2.0 * width - folded, folded)
