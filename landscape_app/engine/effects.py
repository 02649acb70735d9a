"""What the window model's edits ask the window to do (:class:`Effects`), and the
background jobs they name: Qt-free, shared by :mod:`~landscape_app.engine.session_model` and
its map edits (:mod:`~landscape_app.engine.session_maps`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from landscape_app.core.landscape import Landscape
from landscape_app.core.runner import Racer
from landscape_app.engine.map_jobs import MapJob


class Phase(StrEnum):
    """Where the session's landscape stands."""

    READY = "ready"  #: built; the race (live or replayed) can run
    PREPARING = "preparing"  #: being computed (a network is training)
    UNAVAILABLE = "unavailable"  #: computing failed or was cancelled: nothing to race on


@dataclass(frozen=True)
class GridJob:
    """Evaluate ``landscape`` on a ``resolution``² grid (2D functions)."""

    landscape: Landscape
    resolution: int


@dataclass(frozen=True, eq=False)
class NetworkJob:
    """Train ``racers`` on the network ``spec`` and evaluate its plane (the keyword arguments
    of :func:`~landscape_app.core.nn.build_network_landscape`; ``sharpness_every`` None
    measures no sharpness)."""

    spec: Any  # a parsed :class:`~landscape_app.state.network_settings.NetworkSurfaceSpec`
    racers: tuple[Racer, ...]
    steps: int
    seed: int
    sharpness_every: int | None = None


@dataclass(frozen=True)
class Effects:
    """What an edit asks the window to do, in this order (``SessionModel`` is
    :class:`~landscape_app.engine.session_model.SessionModel`).

    cancel_grid, cancel_network : stop that background job (its result will be dropped).
    grid : evaluate this grid in the background, then call :meth:`SessionModel.grid_done`.
    train : train this network in the background, then call
        :meth:`SessionModel.network_done` (or ``network_failed``).
    race : load :meth:`SessionModel.race_factory` into the worker (the race restarts).
    redraw : draw :attr:`SessionModel.grid` (clear the landscape when it is None).
    cancel_maps : stop the map jobs of these kinds (``"starts"``, ``"sweep"``).
    maps : compute these maps in the background, then call :meth:`SessionModel.map_done`.
    redraw_maps : draw :attr:`SessionModel.maps` again (settings, colours or results changed).
    messages : things to tell the user.
    """

    cancel_grid: bool = False
    cancel_network: bool = False
    grid: GridJob | None = None
    train: NetworkJob | None = None
    race: bool = False
    redraw: bool = False
    cancel_maps: tuple[str, ...] = ()
    maps: tuple[MapJob, ...] = ()
    redraw_maps: bool = False
    messages: tuple[str, ...] = field(default=())


NOTHING = Effects()
