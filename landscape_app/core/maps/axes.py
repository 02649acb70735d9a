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

from landscape_app.core.errors import LandscapeError

#: Largest side of a map (16.7 M cells).
MAX_SIDE = 4096
#: Largest ``cells × parameters`` (the final positions alone are this many numbers).
MAX_CELL_PARAMETERS = 50_000_000
#: Per-layer learning rates of a network sweep: the first and the last layer's weights/bias.
LAYER_LR_NAMES = ("lr_first", "lr_last")


def check_side(res: int, dim: int = 2, what: str = "--res") -> int:
    """Validate a map side for ``dim`` parameters per cell, naming the limit."""
    if isinstance(res, bool) or not isinstance(res, int) or res < 2:
        raise LandscapeError(f"{what} {res!r}: must be a whole number ≥ 2")
    limit = min(MAX_SIDE, math.isqrt(MAX_CELL_PARAMETERS // max(dim, 1)))
    if res > limit:
        raise LandscapeError(f"{what} {res} is too large: at most {limit} for {dim} parameters "
                             f"per cell ({limit}² cells)")
    return res


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
        if self.log:
            return np.geomspace(self.low, self.high, res)
        return np.linspace(self.low, self.high, res)

    def to_text(self) -> str:
        return f"{self.name}={self.low:g}:{self.high:g}" + (":log" if self.log else "")


def parse_sweep_axis(text: str) -> SweepAxis:
    """``"lr=1e-4:1:log"`` → ``SweepAxis("lr", 1e-4, 1.0, log=True)`` (``:lin`` is the default).

    Only the syntax is checked here; :func:`landscape_app.core.maps.validate_sweep` checks the
    name and range against the optimizer.
    """
    name, sep, body = text.partition("=")
    name = name.strip()
    parts = [part.strip() for part in body.split(":")]
    if not sep or not name or len(parts) not in (2, 3):
        raise LandscapeError(f"--sweep {text!r}: expected NAME=LOW:HIGH[:log|lin], "
                             "e.g. lr=1e-4:1:log")
    scale = parts[2].lower() if len(parts) == 3 else "lin"
    if scale not in ("log", "lin"):
        raise LandscapeError(f"--sweep {text!r}: the scale must be log or lin, not {parts[2]!r}")
    try:
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise LandscapeError(f"--sweep {text!r}: LOW and HIGH must be numbers") from None
    if not (math.isfinite(low) and math.isfinite(high)) or low == high:
        raise LandscapeError(f"--sweep {text!r}: LOW and HIGH must be finite and different")
    if scale == "log" and (low <= 0 or high <= 0):
        raise LandscapeError(f"--sweep {text!r}: a log axis cannot reach or cross zero; "
                             "use positive ends or :lin")
    return SweepAxis(name, low, high, scale == "log")


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
        if self.axis0.name == self.axis1.name:
            raise LandscapeError(f"both sweeps are over {self.axis0.name}; choose two "
                                 "different hyperparameters")

    def cell_values(self) -> tuple[np.ndarray, np.ndarray]:
        """Each cell's two values, flattened row-major: ``(res²,)`` each."""
        g0, g1 = np.meshgrid(self.axis0.values(self.res), self.axis1.values(self.res))
        return g0.ravel(), g1.ravel()
