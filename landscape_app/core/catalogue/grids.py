"""The limits of a landscape grid, without torch."""

from __future__ import annotations

from landscape_app.core.errors import LandscapeError

#: Largest grid side accepted (a 2001×2001 grid is 4 M evaluations).
MAX_RESOLUTION = 2001


def check_resolution(resolution: int) -> int:
    """Validate a grid side, with a message saying what to do."""
    if not isinstance(resolution, int) or resolution < 2:
        raise LandscapeError(f"grid resolution must be a whole number ≥ 2, got {resolution!r}")
    if resolution > MAX_RESOLUTION:
        raise LandscapeError(
            f"grid resolution {resolution} is too large (at most {MAX_RESOLUTION}); "
            "choose a smaller grid"
        )
    return resolution
