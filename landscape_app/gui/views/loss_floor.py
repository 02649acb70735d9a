"""What the log loss axis subtracts, so that every loss can be drawn on it.

A log axis cannot show a loss ≤ 0. With a known minimum value f* the curves show f − f*
(≥ 0 wherever f* really is the minimum). A landscape without a known minimum whose losses can
go below zero (a typed expression such as the noisy saddle's x² + y⁴/4 − y²/2, whose minima
are at −¼) would lose those lanes from the axis just when they do best; there the curves show
f − f_min instead, f_min being the lowest value known — the landscape's grid minimum and every
loss seen — less a small margin (:data:`MARGIN` of its size, at least 10⁻³), so that the
lowest point is drawn too. The axis's label states the value subtracted.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

#: f_min sits this fraction of max(1, |lowest|) below the lowest value known.
MARGIN = 1e-3


def lowest(values: Iterable[np.ndarray]) -> float:
    """The smallest finite value of any array (``inf`` when none is finite)."""
    finite = [float(np.min(a[np.isfinite(a)])) for a in map(np.asarray, values)
              if np.isfinite(a).any()]
    return min(finite, default=float("inf"))


def floor_offset(known: float | None, floor: float | None, seen: float,
                 current: float | None) -> float | None:
    """The f_min to subtract (None: subtract ``known``, or nothing).

    ``known`` is f*, ``floor`` the landscape's grid minimum, ``seen`` the lowest loss drawn,
    ``current`` the f_min in use (kept while it is still below everything, so the axis does
    not move at every new low).
    """
    base = 0.0 if known is None else known
    low = min(seen, base if floor is None or not np.isfinite(floor) else floor)
    if not low < base:
        return None
    if current is not None and current < low:
        return current
    return low - MARGIN * max(1.0, abs(low))


def floor_label(offset: float) -> str:
    """The loss axis's title when f_min is subtracted."""
    return f"f − f_min  (f_min = {offset:.4g})".replace("-", "−")
