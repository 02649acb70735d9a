"""Argument helpers shared by the subcommands (standard library only)."""

from __future__ import annotations

import argparse
import math


def add_function_arguments(parser: argparse.ArgumentParser):
    """``--function ID`` or ``--expr EXPRESSION`` (one of them); the mutually exclusive group,
    for a subcommand to add more landscapes to."""
    landscape = parser.add_mutually_exclusive_group()
    landscape.add_argument("--function", default=None, metavar="ID",
                           help="test function id (default rosenbrock; see `list functions`)")
    landscape.add_argument("--expr", default=None, metavar="EXPRESSION",
                           help='custom function of x and y, e.g. "x**2 + 3*sin(y)"')
    return landscape


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
