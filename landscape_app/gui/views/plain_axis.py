"""Axes that show values as they are: no SI-prefix scaling, nice ticks, also on log axes.

pyqtgraph rescales small and large values with an SI prefix by default: a momentum axis reads
0–900 with "(x0.001)" in its title, a plane's "beta (x0.001)" −500…500. Every plot of the
window goes through :func:`plain_ticks` (called by :func:`~landscape_app.gui.views.
axis_fonts.quiet_plot_item`), so its ticks read 0.2, 0.4…; :class:`PlainAxis` also labels an
axis whose coordinates are ``log10`` of the values (the hyperparameter map's learning rate)
with the values themselves at nice places (1e-06, 1e-05… or 0.001, 0.002, 0.005).
"""

from __future__ import annotations

import math

import pyqtgraph as pg

from landscape_app.core.nice_numbers import log_ticks, tick_label

SIDES = ("left", "bottom", "right", "top")


def plain_ticks(*axes) -> None:
    """Turn pyqtgraph's SI-prefix scaling off on ``axes`` (``pg.AxisItem``)."""
    for axis in axes:
        axis.enableAutoSIPrefix(False)


def plain_plot_ticks(plot_item) -> None:
    """:func:`plain_ticks` on every axis of ``plot_item``."""
    plain_ticks(*(plot_item.getAxis(side) for side in SIDES))


class PlainAxis(pg.AxisItem):
    """An axis with plain tick labels; with :attr:`log10` set, its coordinates are ``log10``
    of the values and the ticks name the values."""

    def __init__(self, orientation: str, **kwargs):
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)
        self.log10 = False

    def set_log10(self, on: bool) -> None:
        self.log10 = bool(on)
        self.picture = None
        self.update()

    def tickValues(self, minVal, maxVal, size):  # noqa: N802,N803 - pyqtgraph API
        if not self.log10:
            return super().tickValues(minVal, maxVal, size)
        low, high = sorted((minVal, maxVal))
        values = log_ticks(10.0**low, 10.0**high, max(2, int(size // 70)))
        return [(1.0, [math.log10(v) for v in values])]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph API
        if not self.log10:
            return super().tickStrings(values, scale, spacing)
        return [tick_label(10.0**v) for v in values]
