"""Argument helpers shared by the subcommands (standard library only)."""

from __future__ import annotations

import math


def parse_numbers(text: str, count: int, what: str) -> tuple[float, ...]:
    """``"-1.5,2"`` → ``(-1.5, 2.0)``: exactly ``count`` finite comma-separated numbers.

    Raises
    ------
    LandscapeError
        Naming the option ``what`` and what was expected.
    """
    from landscape_app.core.errors import LandscapeError

    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        raise LandscapeError(f"{what} {text!r}: expected {count} comma-separated numbers") from None
    if len(values) != count or not all(math.isfinite(v) for v in values):
        raise LandscapeError(f"{what} {text!r}: expected {count} finite comma-separated numbers")
    return values
