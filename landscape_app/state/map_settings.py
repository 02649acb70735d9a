"""A session's outcome maps, Qt-free: which maps are shown, of which lane, coloured how.

A session's ``map`` (optional) names the lane whose optimizer is mapped and how: a start map
(every start of the 2D view at once; ``starts``) and/or a hyperparameter map (two of the
lane's hyperparameters on the axes; ``sweep``). In a session file::

    "map": {
      "lane": 0, "color_by": "basin", "opacity": 0.6, "steps": 300, "tolerance": 0.001,
      "res": 128, "starts": true, "extent": null,
      "sweep": {"x": {"name": "lr", "low": 0.001, "high": 1.0, "log": true},
                "y": {"name": "momentum", "low": 0.0, "high": 0.99, "log": false}}
    }

``extent`` ``[x0, x1, y0, y1]`` is the start map's region (null: the landscape's view box);
``sweep`` null means no hyperparameter map. Every field is checked against the session (the
lane exists and can be mapped, the swept names are its hyperparameters, in their ranges) and
an error names the field (``map.sweep.x.name: …``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from landscape_app.core.errors import LandscapeError
from landscape_app.core.maps.axes import Sweep, SweepAxis
from landscape_app.state.json_fields import FieldError, Fields, number_list

COLOR_BY = ("basin", "loss", "steps", "status", "sharpness")
#: Side of the quick first pass of a map (then the full ``res``).
COARSE_RES = 64
MAX_MAP_RES = 1024
MAX_MAP_STEPS = 100_000
MAP_KEYS = ("lane", "color_by", "opacity", "steps", "tolerance", "res", "starts", "extent",
             "sweep")
_AXIS_KEYS = ("name", "low", "high", "log")


@dataclass(frozen=True)
class MapSettings:
    """The maps of a session (see the module docstring)."""

    lane: int = 0
    color_by: str = "basin"
    opacity: float = 0.6
    steps: int = 300
    tolerance: float = 1e-3
    res: int = 128
    starts: bool = True
    extent: tuple[float, float, float, float] | None = None
    sweep: tuple[SweepAxis, SweepAxis] | None = None

    def sweep_region(self, res: int, start=None) -> Sweep | None:
        """The hyperparameter map's :class:`~landscape_app.core.maps.Sweep` at ``res``."""
        if self.sweep is None:
            return None
        return Sweep(self.sweep[0], self.sweep[1], res,
                     start=None if start is None else tuple(float(v) for v in start))


def map_to_dict(settings: MapSettings) -> dict[str, Any]:
    """The JSON object of ``settings``."""
    sweep = None
    if settings.sweep is not None:
        sweep = {key: asdict(axis) for key, axis in zip(("x", "y"), settings.sweep, strict=True)}
    return {
        "lane": settings.lane, "color_by": settings.color_by, "opacity": settings.opacity,
        "steps": settings.steps, "tolerance": settings.tolerance, "res": settings.res,
        "starts": settings.starts,
        "extent": None if settings.extent is None else [float(v) for v in settings.extent],
        "sweep": sweep,
    }


def read_map(fields: Fields, lanes, network: bool) -> MapSettings:
    """Validate a session's ``map`` object against its ``lanes`` (FieldError names the field)."""
    from landscape_app.core.catalogue.map_checks import check_mappable

    defaults = MapSettings()
    lane = fields.integer("lane", defaults.lane, low=0)
    if lane >= len(lanes):
        raise FieldError(fields.at("lane"), f"lane {lane} does not exist; the session has "
                         f"{len(lanes)} optimizer(s), numbered from 0")
    spec = lanes[lane].spec
    try:
        check_mappable(spec.id)
    except LandscapeError as error:
        raise FieldError(fields.at("lane"), str(error)) from None
    opacity = fields.number("opacity", defaults.opacity, low=0.0)
    if opacity > 1:
        raise FieldError(fields.at("opacity"), f"{opacity:g} is out of range: allowed [0, 1]")
    starts = fields.boolean("starts", defaults.starts)
    if starts and network:
        raise FieldError(fields.at("starts"), "a network has no start map; set it to false "
                         "and map two hyperparameters (sweep)")
    extent = fields.raw("extent", None)
    if extent is not None:
        extent = number_list(extent, fields.at("extent"), 4)
        if not (extent[0] < extent[1] and extent[2] < extent[3]):
            raise FieldError(fields.at("extent"), "expected [x0, x1, y0, y1] with x0 < x1 "
                             "and y0 < y1")
    sweep = None
    if fields.raw("sweep", None) is not None:
        sweep_fields = fields.object("sweep", ("x", "y"))
        sweep = tuple(_read_axis(sweep_fields.object(key, _AXIS_KEYS), spec, network)
                      for key in ("x", "y"))
        if sweep[0].name == sweep[1].name:
            raise FieldError(sweep_fields.at("y"), f"both axes are {sweep[0].name}; choose "
                             "two different hyperparameters")
    return MapSettings(
        lane=lane,
        color_by=fields.string("color_by", defaults.color_by, choices=COLOR_BY),
        opacity=opacity,
        steps=fields.integer("steps", defaults.steps, low=1, high=MAX_MAP_STEPS),
        tolerance=fields.number("tolerance", defaults.tolerance, low=0.0),
        res=fields.integer("res", defaults.res, low=2, high=MAX_MAP_RES),
        starts=starts, extent=extent, sweep=sweep,
    )


def _read_axis(fields: Fields, spec, network: bool) -> SweepAxis:
    from landscape_app.core.catalogue.map_checks import check_axis

    axis = SweepAxis(fields.string("name", nonempty=True), fields.number("low"),
                     fields.number("high"), fields.boolean("log", False))
    if axis.low >= axis.high:
        raise FieldError(fields.at("high"), f"{axis.high:g} must be above low {axis.low:g}")
    if axis.log and axis.low <= 0:
        raise FieldError(fields.at("low"), "a log axis cannot reach or cross zero")
    try:
        check_axis(spec.id, spec.params, axis, network)
    except LandscapeError as error:
        raise FieldError(fields.at("name"), str(error)) from None
    if not math.isfinite(axis.low * axis.high):
        raise FieldError(fields.path, "the range must be finite")
    return axis


def sweepable_names(spec, network: bool = False) -> list[str]:
    """The hyperparameters of ``spec``'s optimizer a hyperparameter map can put on an axis."""
    from landscape_app.core.catalogue.map_checks import sweepable_names as names

    return names(spec.id, spec.params, network)


def default_axis(spec, name: str) -> SweepAxis:
    """A sensible axis for hyperparameter ``name`` of ``spec``: learning rates and other
    log-scale values over four decades around the current value, the rest over their range."""
    from landscape_app.core.catalogue.optimizer_specs import param_spec

    if name == "batch_size":  # small batches to a moderate one (a data set has at least 4)
        return SweepAxis(name, 4.0, 64.0, log=True)
    params = {p.name: p for p in param_spec(spec.id, dict(spec.params))}
    param = params["lr" if name in ("lr_first", "lr_last") else name]
    value = float(spec.params.get(param.name, param.default))
    if param.log_scale or (param.low is not None and param.low >= 0 and param.high is None):
        centre = value if value > 0 else 1e-2
        low, high = centre / 100, centre * 100
        if param.high is not None:
            high = min(high, param.high)
        return SweepAxis(name, low, high, log=True)
    low = 0.0 if param.low is None else float(param.low)
    high = low + 1.0 if param.high is None else float(param.high)
    span = high - low
    if param.low_open:
        low += 1e-3 * span
    if param.high_open or param.name in ("momentum", "beta1", "beta2", "alpha", "rho"):
        high -= 1e-2 * span
    return SweepAxis(name, low, high)
