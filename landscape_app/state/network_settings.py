"""The ``network`` settings of a network landscape: plain JSON values ⇄ a typed spec.

:attr:`LandscapeSpec.network <landscape_app.state.model.LandscapeSpec>` holds a JSON object
such as::

    {"model": "moons", "hidden": [16, 16], "activation": "tanh", "samples": 256, "seed": 0,
     "dtype": "float32", "directions": "pca", "resolution": 51, "margin": 0.25,
     "plane_lane": null}

Every key is optional (defaults as :class:`~landscape_app.core.nn.NetworkConfig` and
:func:`~landscape_app.core.nn.build_network_landscape`). The first six keys make the
``NetworkConfig`` (for ``"model": "seed"`` only ``dtype`` matters; float64 reproduces the
article); the rest say how the surface is drawn: the plane (``pca``, ``random``,
``hessian``), the grid side, the margin around the paths, and the lane whose path alone
defines a PCA plane (null: all lanes). The number of training steps, the optimizers and the
seed of the race are the session's own ``max_steps``, ``lanes`` and ``seed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from landscape_app.core.errors import LandscapeError
from landscape_app.core.grid import MAX_RESOLUTION
from landscape_app.state.json_fields import FieldError, Fields, join_path

CONFIG_KEYS = ("model", "hidden", "activation", "samples", "seed", "dtype")
SURFACE_KEYS = ("directions", "resolution", "margin", "plane_lane")
NETWORK_KEYS = CONFIG_KEYS + SURFACE_KEYS


@dataclass(frozen=True)
class NetworkSurfaceSpec:
    """A validated network landscape request: the network, then how its surface is drawn.

    ``config`` is a :class:`~landscape_app.core.nn.NetworkConfig`; ``parameter_count`` is the
    dimension of θ (the length a session's ``start`` must have).
    """

    config: Any
    directions: str = "pca"
    resolution: int = 51
    margin: float = 0.25
    plane_lane: int | None = None
    parameter_count: int = 0


def parse_network(network: Mapping[str, Any], path: str = "landscape.network",
                  lane_count: int | None = None) -> NetworkSurfaceSpec:
    """Validate the ``network`` object of a landscape and build its :class:`NetworkSurfaceSpec`.

    Raises
    ------
    FieldError
        Naming the field (``landscape.network.hidden``) and the problem.
    """
    from landscape_app.core.nn import DIRECTION_METHODS, NetworkConfig
    from landscape_app.core.nn.models import build_problem

    fields = Fields(dict(network), path, NETWORK_KEYS)
    defaults = NetworkConfig()
    hidden = fields.array("hidden", list(defaults.hidden))
    for index, width in enumerate(hidden):
        if isinstance(width, bool) or not isinstance(width, int):
            raise FieldError(join_path(fields.at("hidden"), index),
                             f"expected a whole number, got {width!r}")
    config = NetworkConfig(
        model=fields.string("model", defaults.model),
        hidden=tuple(hidden),
        activation=fields.string("activation", defaults.activation),
        samples=fields.integer("samples", defaults.samples),
        seed=fields.integer("seed", defaults.seed, low=0),
        dtype=fields.string("dtype", defaults.dtype),
    )
    try:
        problem = build_problem(config)
    except LandscapeError as error:
        raise FieldError(path, str(error)) from None
    plane_lane = fields.raw("plane_lane", None)
    if plane_lane is not None:
        upper = None if lane_count is None else lane_count - 1
        plane_lane = fields.integer("plane_lane", low=0, high=upper)
    return NetworkSurfaceSpec(
        config=config,
        directions=fields.string("directions", "pca", choices=tuple(DIRECTION_METHODS)),
        resolution=fields.integer("resolution", 51, low=2, high=MAX_RESOLUTION),
        margin=fields.number("margin", 0.25, low=0.0),
        plane_lane=plane_lane,
        parameter_count=problem.parameter_count,
    )
