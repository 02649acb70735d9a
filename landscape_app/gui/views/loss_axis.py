"""The loss curves of an export: axes fixed to the whole race, labels spaced for the axis.

An animation reads best when its axes stand still, so :func:`fix_loss_axes` sets the range
once from every row of the race: x from 0 to the last step (or evaluation count); y, on the
log scale, from the smallest to the largest drawable loss, the top capped at
:data:`LOSS_CAP_FACTOR` times the largest starting loss, so that a diverging lane cannot
squash the others into a line.

The loss axis's labels are spaced for its height and tick font by the curves themselves
(:mod:`landscape_app.gui.views.log_ticks`), so they never overlap at any frame size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from landscape_app.engine.traces import COLUMN
from landscape_app.gui.views.curves import LossCurves, drawable
from landscape_app.gui.views.log_ticks import power_label

__all__ = ["fix_loss_axes", "power_label"]

#: The loss axis reaches at most this factor above the largest starting loss.
LOSS_CAP_FACTOR = 1e3


def fix_loss_axes(curves: LossCurves, lanes: Sequence[np.ndarray], column: int) -> None:
    """Fix ``curves``' range to the whole race: rows ``lanes`` (trace columns), x from
    ``column``; the y labels are then spaced for the axis's height and tick font
    (``curves.update_ticks``)."""
    shown = [rows for rows in lanes if len(rows)]
    if not shown:
        return
    x_max = max(float(np.nanmax(rows[:, column])) for rows in shown)
    curves.fit_offset([rows[:, COLUMN["loss"]] for rows in shown])  # f − f_min if any < 0
    losses = [drawable(rows[:, COLUMN["loss"]] - curves.offset, True) for rows in shown]
    finite = np.concatenate([values[np.isfinite(values)] for values in losses])
    firsts = np.array([values[0] for values in losses if np.isfinite(values[0])])
    plot = curves.plot_item
    curves.follow = False  # the range is fixed here, not following the data
    plot.disableAutoRange()
    plot.setXRange(0.0, max(x_max, 1.0), padding=0.02)
    if not finite.size:
        return
    low, high = float(finite.min()), float(finite.max())
    if firsts.size:
        high = min(high, LOSS_CAP_FACTOR * float(firsts.max()))
    low_log, high_log = math.log10(low), math.log10(max(high, low))
    if high_log - low_log < 1e-9:
        low_log, high_log = low_log - 0.5, high_log + 0.5
    plot.setYRange(low_log, high_log, padding=0.04)
    curves.update_ticks()
