"""What a map spans: a grid of starts, or a sweep of two hyperparameters (plain values).

A :class:`StartGrid` puts one start at every node of a ``res × res`` mesh of the plane; a
:class:`Sweep` gives every cell of a ``res × res`` table its own values of two
hyperparameters, all runs from one start. Element ``[j, i]`` of every map array belongs to
axis-1 value ``j`` and axis-0 value ``i`` (rows are the second axis, as the surface NPZ).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from landscape_app.core.catalogue.map_checks import (
    INTEGER_AXES,
    check_side,
    check_sweep_names,
    parse_sweep_text,
)
from landscape_app.core.errors import LandscapeError


@dataclass(frozen=True)
class StartGrid:
    """``res × res`` starts on ``x_range × y_range`` (both ends included)."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    res: int

    def __post_init__(self):
        check_side(self.res, what="starts")
        for name, (low, high) in (("x", self.x_range), ("y", self.y_range)):
            if not (math.isfinite(low) and math.isfinite(high) and low < high):
                raise LandscapeError(f"start {name} range {low:g}..{high:g}: expected finite "
                                     f"{name}0 < {name}1")

    @property
    def axis0(self) -> np.ndarray:
        return np.linspace(self.x_range[0], self.x_range[1], self.res)

    @property
    def axis1(self) -> np.ndarray:
        return np.linspace(self.y_range[0], self.y_range[1], self.res)

    def starts(self) -> np.ndarray:
        """The starts ``(res², 2)``, row ``j·res + i`` = ``(axis0[i], axis1[j])``."""
        gx, gy = np.meshgrid(self.axis0, self.axis1)
        return np.stack([gx.ravel(), gy.ravel()], axis=1)


@dataclass(frozen=True)
class SweepAxis:
    """One hyperparameter from ``low`` to ``high`` (geometric steps when ``log``)."""

    name: str
    low: float
    high: float
    log: bool = False

    def values(self, res: int) -> np.ndarray:
        """The ``res`` values of the axis (whole numbers for :data:`INTEGER_AXES`)."""
        values = (np.geomspace(self.low, self.high, res) if self.log
                  else np.linspace(self.low, self.high, res))
        return np.rint(values) if self.name in INTEGER_AXES else values

    def to_text(self) -> str:
        return f"{self.name}={self.low:g}:{self.high:g}" + (":log" if self.log else "")


def parse_sweep_axis(text: str) -> SweepAxis:
    """``"lr=1e-4:1:log"`` → ``SweepAxis("lr", 1e-4, 1.0, log=True)`` (``:lin`` is the default).

    Only the syntax is checked here (by the catalogue's
    :func:`~landscape_app.core.catalogue.map_checks.parse_sweep_text`);
    :func:`~landscape_app.core.catalogue.map_checks.check_sweep` checks the name and range against
    the optimizer.
    """
    return SweepAxis(*parse_sweep_text(text))


@dataclass(frozen=True)
class Sweep:
    """``res × res`` cells: ``axis0`` along the columns, ``axis1`` along the rows.

    ``start`` is the one start of every run (None: the objective's default start; networks
    always start from their initial weights).
    """

    axis0: SweepAxis
    axis1: SweepAxis
    res: int
    start: tuple[float, ...] | None = None

    def __post_init__(self):
        check_sweep_names(self.axis0.name, self.axis1.name)

    def cell_values(self) -> tuple[np.ndarray, np.ndarray]:
        """Each cell's two values, flattened row-major: ``(res²,)`` each."""
        g0, g1 = np.meshgrid(self.axis0.values(self.res), self.axis1.values(self.res))
        return g0.ravel(), g1.ravel()
