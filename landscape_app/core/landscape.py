"""A landscape as the views see it: a box, a colour scale, minima, a grid, and how paths move.

Every kind of landscape answers the same questions, so that nothing outside this module asks
an objective with ``getattr`` what it may or may not have:

===================  ======================================================================
kind                 what it is
===================  ======================================================================
``function``         one of the 2D test functions (:mod:`landscape_app.core.functions`)
``expression``       a function the user typed (:mod:`~landscape_app.core.functions.
                     expression`)
``network``          a network's loss on a plane through its weight space, with the race's
                     projected paths (:class:`~landscape_app.core.nn.network_landscape.
                     NetworkLandscape`)
===================  ======================================================================

A *live* landscape (the 2D functions) has an objective the optimizers step on, in the window,
one step at a time. A *recorded* one (a plane) was computed with its paths: they are replayed,
and the start point is not the user's to move.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.grid import Grid2D, evaluate_grid
from landscape_app.core.objective import Minimum, Objective
from landscape_app.core.progress import CancelPoll, StageProgress

Range = tuple[float, float]


class Landscape(ABC):
    """What a view needs to draw a landscape and the paths on it.

    Attributes
    ----------
    kind : LandscapeKind
        A function, an expression or a network.
    name : str
        A human name (the function's, the network's description).
    live : bool
        Races step on :attr:`objective` live; otherwise recorded paths are replayed.
    equal_aspect : bool
        One unit is as long on both axes (False on planes, whose axes are unrelated).
    axis_labels : tuple of str
        The axes' names.
    distance_label : str
        What the table's distance column measures (``to minimum``, ``off plane``).
    """

    kind: LandscapeKind
    name: str
    live: bool
    equal_aspect: bool
    axis_labels: tuple[str, str]
    distance_label: str

    @property
    @abstractmethod
    def box(self) -> tuple[Range, Range]:
        """The ``(x_range, y_range)`` drawn."""

    @property
    @abstractmethod
    def log_scale(self) -> bool:
        """Whether the landscape is best coloured on a log scale (the view may override)."""

    @property
    def minima(self) -> tuple[Minimum, ...]:
        """Known minima to mark (none by default)."""
        return ()

    @property
    def loss_offset(self) -> float | None:
        """The known minimum value subtracted on log loss curves (None: unknown)."""
        return None

    @property
    def objective(self) -> Objective | None:
        """The objective live races step on (None for recorded landscapes)."""
        return None

    @abstractmethod
    def grid(self, resolution: int, progress: StageProgress | None = None,
             cancelled: CancelPoll | None = None) -> Grid2D:
        """The loss on a grid over :attr:`box` (recorded landscapes have their own grid and
        ignore ``resolution``)."""

    def metadata(self, log_scale: bool | None = None) -> dict[str, Any]:
        """Plain-JSON description of the landscape, for files that store its grid.

        ``log_scale`` is the scale in force when it differs from :attr:`log_scale`.
        """
        return {"kind": self.kind, "landscape": self.name,
                "log_scale": self.log_scale if log_scale is None else bool(log_scale),
                "minima": [[float(v) for v in m.position[:2]] for m in self.minima],
                "axes": list(self.axis_labels)}

    def scale(self, override: bool | None) -> bool:
        """The colour scale in force: the view's ``override``, else the landscape's own."""
        return self.log_scale if override is None else bool(override)


class FunctionLandscape(Landscape):
    """A 2D test function or typed expression: optimizers step on it live."""

    live = True
    equal_aspect = True
    axis_labels = ("x", "y")
    distance_label = "to minimum"

    def __init__(self, function, kind: LandscapeKind = LandscapeKind.FUNCTION,
                 function_id: str | None = None, expression: str | None = None):
        self._function = function
        self.kind = kind
        self.name = function.name
        self.function_id = function_id
        self.expression = expression

    @property
    def objective(self) -> Objective:
        return self._function

    @property
    def box(self) -> tuple[Range, Range]:
        view = self._function.view
        return (float(view.x0), float(view.x1)), (float(view.y0), float(view.y1))

    @property
    def log_scale(self) -> bool:
        return bool(self._function.log_scale)

    @property
    def minima(self) -> tuple[Minimum, ...]:
        return tuple(self._function.minima)

    @property
    def loss_offset(self) -> float | None:
        return self._function.best_known_value

    def grid(self, resolution: int, progress: StageProgress | None = None,
             cancelled: CancelPoll | None = None) -> Grid2D:
        x_range, y_range = self.box
        return evaluate_grid(self._function, x_range, y_range, resolution,
                             progress=progress, cancelled=cancelled)

    def metadata(self, log_scale: bool | None = None) -> dict[str, Any]:
        return {**super().metadata(log_scale), "function": self.function_id,
                "expression": self.expression}
