"""Argument helpers shared by the subcommands (standard library only)."""

from __future__ import annotations

import argparse
import math
import re

#: ``--size WIDTHxHEIGHT`` in pixels (``x``, ``X`` or ``×``; spaces allowed).
SIZE = re.compile(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*")


def add_function_arguments(parser: argparse.ArgumentParser):
    """``--function ID`` or ``--expr EXPRESSION`` (one of them); the mutually exclusive group,
    for a subcommand to add more landscapes to."""
    landscape = parser.add_mutually_exclusive_group()
    landscape.add_argument("--function", default=None, metavar="ID",
                           help="test function id (default rosenbrock; see `list functions`)")
    landscape.add_argument("--expr", default=None, metavar="EXPRESSION",
                           help='custom function of x and y, e.g. "x**2 + 3*sin(y)"')
    return landscape


def add_model_arguments(parser: argparse.ArgumentParser, landscape, model_help: str) -> None:
    """``--model`` (in the ``landscape`` group of :func:`add_function_arguments`) and the MLP's
    ``--hidden``, ``--activation`` and ``--samples``, as ``map`` and ``compare`` take them."""
    landscape.add_argument("--model", default=None, metavar="ID", help=model_help)
    parser.add_argument("--hidden", default="16", metavar="W1,W2,...",
                        help="hidden widths of an MLP model (default 16)")
    parser.add_argument("--activation", default="tanh", help="MLP activation (default tanh)")
    parser.add_argument("--samples", type=int, default=256,
                        help="MLP data points (default 256)")


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


def parse_widths(text: str) -> tuple[int, ...]:
    """``"16,16"`` → ``(16, 16)``, or a :class:`LandscapeError` naming the problem."""
    from landscape_app.core.errors import LandscapeError

    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise LandscapeError(f"--hidden {text!r}: expected comma-separated whole numbers, "
                             "e.g. 16,16") from None


def parse_size(text: str) -> tuple[int, int]:
    """``"1280x720"`` → ``(1280, 720)``, or a :class:`LandscapeError` naming the problem."""
    from landscape_app.core.errors import LandscapeError

    match = SIZE.fullmatch(text)
    if match is None:
        raise LandscapeError(f"--size {text!r}: expected WIDTHxHEIGHT in pixels, e.g. 1280x720")
    return int(match.group(1)), int(match.group(2))
