"""The loss curves of an export: axes fixed to the whole race, sparse labels where cramped.

An animation reads best when its axes stand still, so :func:`fix_loss_axes` sets the range
once from every row of the race: x from 0 to the last step (or evaluation count); y, on the
log scale, from the smallest to the largest drawable loss, the top capped at
:data:`LOSS_CAP_FACTOR` times the largest starting loss, so that a diverging lane cannot
squash the others into a line.

pyqtgraph labels every multiple (1, 2, … 9) of every decade on a log axis when it finds the
room by its own estimate; on a short axis (the loss strip under the 2D and 3D views) those
labels overlap. :func:`sparse_log_ticks` gives an explicit tick list for ``AxisItem.setTicks``
instead: decades labelled (every second, third... decade when even they would crowd), the
other multiples as bare ticks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from landscape_app.engine.traces import COLUMN
from landscape_app.gui.views.curves import LossCurves, drawable
from landscape_app.gui.views.log_ticks import power_label

__all__ = ["fix_loss_axes", "power_label", "sparse_log_ticks"]

#: The loss axis reaches at most this factor above the largest starting loss.
LOSS_CAP_FACTOR = 1e3
#: Loss-axis labels between decades (2, 3, … 9) need this many tick-font heights per decade.
MINOR_LABEL_ROOM = 12
#: Labelled decades are at least this many tick-font heights apart.
LABEL_SPACING = 2.2


def sparse_log_ticks(low_log: float, high_log: float,
                     stride: int = 1) -> list[list[tuple[float, str]]]:
    """Ticks of a log axis spanning ``10^low_log … 10^high_log`` with few labels.

    Every ``stride``-th decade is labelled (and 2 and 5 times it when fewer than two decades
    are in view); the other decades and multiples become unlabelled minor ticks. Positions
    are log10 values, as pyqtgraph's log mode expects.
    """
    decades = range(math.floor(low_log), math.ceil(high_log) + 1)
    inside = [d for d in decades if low_log <= d <= high_log]
    labelled = (1,) if len(inside) >= 2 else (1, 2, 5)
    major, minor = [], []
    for decade in decades:
        for multiple in range(1, 10):
            position = decade + math.log10(multiple)
            if not low_log <= position <= high_log:
                continue
            if multiple in labelled and decade % stride == 0:
                major.append((position, power_label(multiple * 10.0**decade)))
            elif stride == 1 or multiple == 1:
                minor.append((position, ""))
    return [major, minor]


def fix_loss_axes(curves: LossCurves, lanes: Sequence[np.ndarray], column: int,
                  tick_pixels: float) -> None:
    """Fix ``curves``' range to the whole race: rows ``lanes`` (trace columns), x from
    ``column``; the y labels are spaced for the axis's height (``tick_pixels``, the tick font
    size, is set on the axis by the caller)."""
    shown = [rows for rows in lanes if len(rows)]
    if not shown:
        return
    x_max = max(float(np.nanmax(rows[:, column])) for rows in shown)
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
