"""Tick labels of a log loss axis that never overlap, whatever its height and range.

pyqtgraph labels the multiples 2 … 9 of each decade when it estimates there is room; early in
a run, when the range spans less than a decade, those labels pile up (``9·10¹ 8·10¹ 7·10¹``).
:func:`spaced_log_ticks` chooses which values to label from the axis's height in pixels and
its font's: every multiple, then 1-2-5, then the decades only, then every second, third …
decade, the richest set whose neighbouring labels are at least :data:`LABEL_SPACING` label
heights apart. What is not labelled stays as a bare tick. Positions are log10 values, as
pyqtgraph's log mode expects in ``AxisItem.setTicks``.
"""

from __future__ import annotations

import math

#: Neighbouring labels are at least this many label heights apart (centre to centre).
LABEL_SPACING = 1.6
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
#: The labelled multiples of a decade tried, richest first.
LABEL_SETS = ((1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 5), (1, 3), (1,))


def power_label(value: float) -> str:
    """A loss-axis label: ``0.05``, ``200``, or ``10⁻⁶`` / ``5·10⁷`` beyond that range."""
    if 1e-3 <= value < 1e4:
        return f"{value:g}"
    exponent = math.floor(math.log10(value) + 1e-9)
    mantissa = round(value / 10.0**exponent)
    power = "10" + str(exponent).translate(SUPERSCRIPTS)
    return power if mantissa == 1 else f"{mantissa}·{power}"


def _positions(low_log: float, high_log: float, multiples, stride: int) -> list[float]:
    return [decade + math.log10(multiple)
            for decade in range(math.floor(low_log), math.ceil(high_log) + 1)
            for multiple in multiples
            if decade % stride == 0
            if low_log <= decade + math.log10(multiple) <= high_log]


def spaced_log_ticks(low_log: float, high_log: float, axis_pixels: float,
                     label_pixels: float) -> list[list[tuple[float, str]]]:
    """``[major, minor]`` ticks for a log axis showing ``10^low_log … 10^high_log`` over
    ``axis_pixels``, with labels ``label_pixels`` high that do not overlap."""
    span = high_log - low_log
    if not (math.isfinite(low_log) and math.isfinite(high_log)) or span <= 0 or axis_pixels <= 0:
        return [[], []]
    gap = LABEL_SPACING * label_pixels * span / axis_pixels  # in decades
    chosen: list[float] = []
    candidates = [(multiples, 1) for multiples in LABEL_SETS]
    candidates += [((1,), stride) for stride in range(2, max(2, math.ceil(span)) + 2)]
    for multiples, stride in candidates:
        chosen = _positions(low_log, high_log, multiples, stride)
        if all(b - a >= gap for a, b in zip(chosen, chosen[1:], strict=False)):
            break
    else:
        chosen = chosen[:1]
    if not chosen:  # less than a factor apart from any labelled value: label the middle
        middle = 10 ** ((low_log + high_log) / 2)
        digits = 10 ** math.floor(math.log10(middle))
        value = round(middle / digits) * digits
        chosen = [math.log10(value)] if low_log <= math.log10(value) <= high_log else []
    major = [(position, power_label(10**position)) for position in chosen]
    minor = [(position, "") for position in _positions(low_log, high_log, range(1, 10), 1)
             if all(abs(position - c) > 1e-9 for c in chosen)] if gap < 0.5 else []
    return [major, minor]
