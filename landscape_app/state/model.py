"""What defines what is on screen, Qt-free: the landscape, the lanes, the start, the view.

A :class:`SessionState` is the single truth the window mirrors, a scene stores, and a session
file saves. It holds ids and values only (no tensors, no widgets), so it is cheap to copy,
compare and serialise. :func:`build_landscape` turns its landscape into a core landscape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.state.compare_record import CompareRecord
from landscape_app.state.map_settings import MapSettings
from landscape_app.state.palette import PALETTE as PALETTE  # re-exported (torch-free home)

LANDSCAPE_KINDS = tuple(LandscapeKind)


@dataclass(frozen=True)
class LandscapeSpec:
    """Which landscape: a test function id, an expression, or a network configuration.

    ``x_range``/``y_range`` override the drawn range (expressions need one; functions have
    their own view). ``network`` holds the keyword arguments of the network landscape
    (model, data set, widths, directions, grid...) as plain JSON values.
    """

    kind: LandscapeKind = LandscapeKind.FUNCTION
    function: str = "rosenbrock"
    expression: str = ""
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None
    network: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "kind", LandscapeKind(self.kind))  # "network" → the member


@dataclass(frozen=True)
class Lane:
    """One racing optimizer as the user configured it."""

    label: str
    spec: OptimizerSpec
    color: str
    visible: bool = True


@dataclass(frozen=True)
class ViewSettings:
    """How the landscape is drawn."""

    colormap: str = "viridis"
    log_scale: bool | None = None  # None: the landscape's own preference
    contours: int = 12
    resolution: int = 400
    show_internals: bool = False
    x_axis: str = "steps"  # loss-plot axis: steps, evals, grad_evals, time


@dataclass(frozen=True)
class SessionState:
    """Everything that defines a run on screen; reopening it reproduces the same runs."""

    landscape: LandscapeSpec = field(default_factory=LandscapeSpec)
    lanes: tuple[Lane, ...] = ()
    start: tuple[float, ...] | None = None  # None: the landscape's suggested start
    seed: int = 0
    max_steps: int = 500
    view: ViewSettings = field(default_factory=ViewSettings)
    title: str = ""
    note: str = ""
    map: MapSettings | None = None  # outcome maps (:mod:`landscape_app.state.map_settings`)
    #: the lanes compared (:mod:`landscape_app.state.compare_record`)
    compare: CompareRecord | None = None


def build_landscape(landscape: LandscapeSpec):
    """The live :class:`~landscape_app.core.landscape.FunctionLandscape` a 2D landscape spec
    names (a test function or an expression).

    Network landscapes are built by :mod:`landscape_app.core.nn` (they need training first).
    """
    from landscape_app.core.landscape import FunctionLandscape

    if landscape.kind == LandscapeKind.FUNCTION:
        from landscape_app.core.functions import get_function

        return FunctionLandscape(get_function(landscape.function), LandscapeKind.FUNCTION,
                                 function_id=landscape.function)
    if landscape.kind == LandscapeKind.EXPRESSION:
        from landscape_app.core.functions.expression import custom_function

        function = custom_function(landscape.expression, landscape.x_range, landscape.y_range)
        return FunctionLandscape(function, LandscapeKind.EXPRESSION,
                                 expression=landscape.expression)
    raise ValueError(f"build_landscape handles 2D landscapes, not {landscape.kind!r}")


def build_objective(landscape: LandscapeSpec):
    """The core :class:`~landscape_app.core.objective.Objective` of a 2D landscape spec."""
    return build_landscape(landscape).objective
