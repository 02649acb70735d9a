"""The kinds of landscape and of outcome map, as types (torch-free).

Both are string enums: a member equals its value (``LandscapeKind.NETWORK == "network"``), so
session files, NPZ files and command lines keep the words they always had, and a type checker
follows the kind through the code.
"""

from __future__ import annotations

from enum import StrEnum


class LandscapeKind(StrEnum):
    """What a landscape is: a 2D test function, an expression of x and y, or a network's loss
    (a plane through its parameter space)."""

    FUNCTION = "function"
    EXPRESSION = "expression"
    NETWORK = "network"


class MapKind(StrEnum):
    """What an outcome map spans: every start of a 2D view (``starts``), or two of an
    optimizer's hyperparameters (``sweep``)."""

    STARTS = "starts"
    SWEEP = "sweep"

    @property
    def title(self) -> str:
        """How the window and the page call it."""
        return {MapKind.STARTS: "start map", MapKind.SWEEP: "hyperparameter map"}[self]
