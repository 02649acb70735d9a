"""Nice numbers for people: axis ticks at 1-2-5 steps, plain labels, and values rounded to
the fewest digits that still name the same map cell.

Used by the window's axes (:mod:`landscape_app.gui.views.axis_fonts`), the map view and the
map pictures (:mod:`landscape_app.export.map_image`), so that an axis reads ``0.2 0.4 0.6``
(not ``0.247 0.495 0.742``, nor ``200 400 600`` with "(x0.001)" in its title) and a clicked
cell gives ``lr = 0.1`` (not ``0.0964388``). No Qt, no torch.
"""

from __future__ import annotations

import math

#: Mantissas of the linear tick steps tried, per decade.
STEPS = (1.0, 2.0, 5.0, 10.0)


def nice_step(span: float, count: int = 5) -> float:
    """The 1-2-5 step that cuts ``span`` into about ``count`` intervals (at most ``count``)."""
    if not (math.isfinite(span) and span > 0):
        return 1.0
    raw = span / max(count, 1)
    decade = 10.0 ** math.floor(math.log10(raw))
    return next(m * decade for m in STEPS if m * decade >= raw * (1 - 1e-9))


def linear_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Multiples of :func:`nice_step` within ``[low, high]`` (ends included when on a step)."""
    low, high = min(low, high), max(low, high)
    step = nice_step(high - low, count)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [_clean(k * step, step) for k in range(first, last + 1)]


def log_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Values for a log axis from ``low`` to ``high`` (both > 0): the powers of ten, every
    second, third… when there are more than ``count``; 1-2-5 multiples within a decade or
    two; the linear ticks when the range spans less than a factor of ten."""
    if not (0 < low < high and math.isfinite(high)):
        return []
    lo, hi = math.log10(low), math.log10(high)
    if hi - lo < 1:
        return [v for v in linear_ticks(low, high, 4) if v > 0]
    decades = range(math.ceil(lo - 1e-9), math.floor(hi + 1e-9) + 1)
    if hi - lo <= 2:
        values = [m * 10.0**d for d in range(math.floor(lo), math.ceil(hi) + 1) for m in (1, 2, 5)]
        return [v for v in values if low * (1 - 1e-9) <= v <= high * (1 + 1e-9)]
    stride = max(1, math.ceil(len(decades) / count))
    return [10.0**d for d in decades if d % stride == 0]


def tick_label(value: float, step: float | None = None) -> str:
    """``value`` written plainly: as many decimals as the tick ``step`` needs (``0.25``,
    ``-500``, ``1.5``), ``1e-06`` style when tiny or huge, ``0`` for zero."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else f"{value:g}"
    magnitude = abs(value)
    if magnitude < 1e-3 or magnitude >= 1e6:
        return f"{value:.3g}"
    if step is None or step <= 0:
        return f"{value:.6g}"
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{value:.{decimals}f}"


def shortest_within(value: float, low: float, high: float) -> float:
    """The number with the fewest significant digits in ``[low, high]`` nearest ``value``
    (``value`` lies in it): 0.0964 in [0.09, 0.103] gives 0.1. Falls back to ``value``."""
    if not (math.isfinite(value) and low <= value <= high):
        return value
    for digits in range(1, 16):
        candidate = float(f"{value:.{digits}g}")
        if low <= candidate <= high:
            return candidate
    return value


def cell_value(values, index: int, log: bool) -> float:
    """The value of map cell ``index`` along an axis of cell centres ``values`` (evenly
    spaced, or geometrically when ``log``), rounded to the fewest digits within the middle
    half of its cell and the range mapped: the value shown and set when the cell is hovered
    or clicked."""
    value = float(values[index])
    first, last = sorted((float(values[0]), float(values[-1])))
    if len(values) < 2:
        return value
    if log:
        ratio = (last / first) ** (1 / (len(values) - 1))
        low, high = value / ratio**0.25, value * ratio**0.25
    else:
        half = (last - first) / (len(values) - 1) / 4
        low, high = value - half, value + half
    # Never outside the range mapped (a momentum of 0.99 must not become 1).
    return shortest_within(value, max(low, first), min(high, last))


def _clean(value: float, step: float) -> float:
    """``value`` rounded to the decimals of ``step`` (0.30000000000000004 → 0.3)."""
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + 1
    return round(value, decimals) + 0.0
