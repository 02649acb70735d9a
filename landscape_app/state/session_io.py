"""Session files: a :class:`~landscape_app.state.model.SessionState` as versioned JSON.

A session file (scenes are session files too)::

    {
      "format": "landscape-app-session",
      "version": 1,
      "title": "Adam vs SGD on Rosenbrock",
      "note": "…",
      "landscape": {"kind": "function", "function": "rosenbrock",
                    "expression": "", "x_range": null, "y_range": null, "network": {}},
      "lanes": [
        {"label": "adam", "spec": {"id": "adam", "params": {"lr": 0.05}},
         "color": "#E69F00", "visible": true}
      ],
      "start": [-1.5, 2.0],
      "seed": 0,
      "max_steps": 500,
      "view": {"colormap": "viridis", "log_scale": null, "contours": 12, "resolution": 400,
               "show_internals": false, "x_axis": "steps"},
      "map": null
    }

``map`` (version 2, optional) is described in :mod:`landscape_app.state.map_settings`, ``compare``
(version 3, optional: a comparison of the lanes' optimizers and its figures) in
:mod:`landscape_app.state.compare_record`; a file is written with the lowest version that holds
what it has.

``format``, ``version``, ``landscape`` (with ``kind``) and ``lanes`` are required; everything
else has the :class:`SessionState` default. ``start`` null means the landscape's suggested
start. ``network`` is described in :mod:`landscape_app.state.network_settings`. Unknown fields are
refused (they are usually typos), and so is a newer ``version``.

Loading validates everything — landscape and optimizer ids through the registries, every
hyperparameter through its optimizer's :class:`~landscape_app.core.params.Param`, the start's
length and finiteness, colours — and raises :class:`SessionError` naming the field
(``lanes[1].spec.params.lr: …``). Loading is a pure function: a refused file changes nothing.
Saving is atomic (:func:`~landscape_app.core.atomic.atomic_write`).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from landscape_app.core.atomic import atomic_write, check_writable
from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.catalogue.stochastic_checks import check_lane_landscape, refuse_stochastic
from landscape_app.core.errors import HyperparameterError, LandscapeError
from landscape_app.core.grid import MAX_RESOLUTION
from landscape_app.core.optim.registry import OptimizerSpec, optimizer_class
from landscape_app.core.params import validate_params
from landscape_app.state.colormaps import COLORMAPS
from landscape_app.state.compare_record import COMPARE_KEYS, compare_to_dict, read_compare
from landscape_app.state.json_fields import (
    REQUIRED,
    FieldError,
    Fields,
    join_path,
    number_list,
    value_range,
)
from landscape_app.state.map_settings import MAP_KEYS, map_to_dict, read_map
from landscape_app.state.model import (
    LANDSCAPE_KINDS,
    PALETTE,
    LandscapeSpec,
    Lane,
    SessionState,
    ViewSettings,
)
from landscape_app.state.network_settings import parse_network

SESSION_FORMAT = "landscape-app-session"
#: Version 2 added the optional ``map``, version 3 the optional ``compare`` (a file without
#: them is written as version 1, so it still opens in an app that reads version 1 only).
SESSION_VERSION = 3
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_LANES = 16
MAX_STEPS = 1_000_000
X_AXES = ("steps", "evals", "grad_evals", "time")

_TOP_KEYS = ("format", "version", "title", "note", "landscape", "lanes", "start", "seed",
             "max_steps", "view", "map", "compare")
_LANDSCAPE_KEYS = ("kind", "function", "expression", "x_range", "y_range", "network")
_LANE_KEYS = ("label", "spec", "color", "visible")
_VIEW_KEYS = ("colormap", "log_scale", "contours", "resolution", "show_internals", "x_axis")


class SessionError(LandscapeError, ValueError):
    """A session (or scene) file cannot be read: not JSON, wrong shape, version or values."""


# -- writing ---------------------------------------------------------------------------------
def session_to_dict(state: SessionState) -> dict[str, Any]:
    """The JSON document of ``state`` (plain dicts, lists, numbers and strings)."""
    landscape = state.landscape
    document = {
        "format": SESSION_FORMAT,
        "version": 3 if state.compare is not None else 1 if state.map is None else 2,
        "title": state.title,
        "note": state.note,
        "landscape": {
            "kind": landscape.kind,
            "function": landscape.function,
            "expression": landscape.expression,
            "x_range": None if landscape.x_range is None else list(landscape.x_range),
            "y_range": None if landscape.y_range is None else list(landscape.y_range),
            "network": dict(landscape.network),
        },
        "lanes": [
            {"label": lane.label, "spec": {"id": lane.spec.id, "params": dict(lane.spec.params)},
             "color": lane.color, "visible": lane.visible}
            for lane in state.lanes
        ],
        "start": None if state.start is None else [float(v) for v in state.start],
        "seed": state.seed,
        "max_steps": state.max_steps,
        "view": asdict(state.view),
    }
    if state.map is not None:
        document["map"] = map_to_dict(state.map)
    if state.compare is not None:
        document["compare"] = compare_to_dict(state.compare)
    return document


def session_to_json(state: SessionState) -> str:
    """``state`` as indented JSON text (strict: no NaN)."""
    try:
        return json.dumps(session_to_dict(state), indent=2, ensure_ascii=False,
                          allow_nan=False) + "\n"
    except (TypeError, ValueError) as error:
        raise SessionError(f"this session cannot be saved as JSON: {error}") from None


def save_session(path: str | os.PathLike, state: SessionState) -> Path:
    """Write ``state`` to ``path`` atomically; an existing file is replaced only on success."""
    text = session_to_json(state)
    target = check_writable(path)
    with atomic_write(target, "w") as handle:
        handle.write(text)
    return target


# -- reading ---------------------------------------------------------------------------------
def load_session(path: str | os.PathLike) -> SessionState:
    """Read and validate a session file.

    Raises
    ------
    SessionError
        Naming the file and what is wrong: unreadable, not JSON (with line and column), not a
        session, a newer version, or a bad field (with its path).
    """
    source = Path(path).expanduser()
    try:
        size = source.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SessionError(f"{source}: {size} bytes is too large for a session file")
        data = source.read_bytes()
    except OSError as error:
        raise SessionError(f"cannot open {source}: {error.strerror or error}") from None
    try:
        return session_from_json(data)
    except SessionError as error:
        raise SessionError(f"{source}: {error}") from None


def session_from_json(text: str | bytes) -> SessionState:
    """Parse and validate session JSON text (see :func:`session_from_dict`)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SessionError("not a session file: it is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SessionError(
            f"not a session file: invalid JSON at line {error.lineno}, column {error.colno} "
            f"({error.msg})"
        ) from None
    except RecursionError:
        raise SessionError("not a session file: JSON nested too deeply") from None
    return session_from_dict(data)


def session_from_dict(data: Any) -> SessionState:
    """Validate a parsed session document and build its :class:`SessionState`.

    Raises
    ------
    SessionError
        Naming the field and the problem.
    """
    try:
        return _read_session(data)
    except SessionError:
        raise
    except LandscapeError as error:
        raise SessionError(str(error)) from None


def _read_session(data: Any) -> SessionState:
    if not isinstance(data, dict):
        raise SessionError("not a session file: expected a JSON object {...} at the top level")
    marker = data.get("format")
    if marker != SESSION_FORMAT:
        raise SessionError(
            f"not a session file: format is {marker!r}, expected {SESSION_FORMAT!r}"
        )
    _check_version(data.get("version"))
    top = Fields(data, "", _TOP_KEYS)
    lanes_data = top.array("lanes")
    if len(lanes_data) > MAX_LANES:
        raise FieldError("lanes", f"{len(lanes_data)} optimizers; at most {MAX_LANES} can race")
    landscape, dim, samples = _read_landscape(top.object("landscape", _LANDSCAPE_KEYS),
                                              len(lanes_data))
    lanes = tuple(_read_lane(item, join_path("lanes", i)) for i, item in enumerate(lanes_data))
    for index, lane in enumerate(lanes):
        _in_field(join_path(join_path("lanes", index), "spec.params"), check_lane_landscape,
                  lane.spec.id, lane.spec.params, landscape.kind, samples)
    labels = [lane.label for lane in lanes]
    for index, label in enumerate(labels):
        if label in labels[:index]:
            raise FieldError(f"lanes[{index}].label",
                             f"{label!r} is used twice; every optimizer needs its own label")
    start = top.raw("start", None)
    if start is not None:
        start = number_list(start, "start", dim)
    settings = None
    if top.raw("map", None) is not None:
        settings = read_map(top.object("map", MAP_KEYS), lanes,
                            landscape.kind == LandscapeKind.NETWORK)
    return SessionState(
        landscape=landscape,
        lanes=lanes,
        start=start,
        seed=top.integer("seed", 0, low=0, high=2**32 - 1),
        max_steps=top.integer("max_steps", 500, low=1, high=MAX_STEPS),
        view=_read_view(top.object("view", _VIEW_KEYS, {})),
        title=top.string("title", "", max_length=200),
        note=top.string("note", "", max_length=4000),
        map=settings,
        compare=None if top.raw("compare", None) is None
        else read_compare(top.object("compare", COMPARE_KEYS)),
    )


def _check_version(version: Any) -> None:
    if isinstance(version, bool) or not isinstance(version, int):
        raise FieldError("version", f"expected a whole number, got {version!r}")
    if version > SESSION_VERSION:
        raise SessionError(
            f"this file has session format version {version}, written by a newer Loss "
            f"Landscape Lab; this version reads version {SESSION_VERSION} — update the app"
        )
    if version < 1:
        raise FieldError("version", f"unknown version {version}")


def _read_landscape(fields: Fields, lane_count: int) -> tuple[LandscapeSpec, int, int | None]:
    """The landscape spec, its dimension (2, or the network's parameter count) and the size
    of its data set (networks; None for functions)."""
    kind = fields.string("kind", choices=LANDSCAPE_KINDS)
    spec = LandscapeSpec(
        kind=kind,
        function=fields.string("function", "rosenbrock" if kind != "function" else REQUIRED),
        expression=fields.string("expression", "" if kind != "expression" else REQUIRED),
        x_range=value_range(fields.raw("x_range", None), fields.at("x_range")),
        y_range=value_range(fields.raw("y_range", None), fields.at("y_range")),
        network=fields.object("network", default={} if kind != "network" else REQUIRED).data,
    )
    if kind == "function":
        from landscape_app.core.functions import get_function

        _in_field(fields.at("function"), get_function, spec.function)
        return spec, 2, None
    if kind == "expression":
        from landscape_app.core.functions.expression import custom_function

        _in_field(fields.at("expression"), custom_function, spec.expression, spec.x_range,
                  spec.y_range)
        return spec, 2, None
    network = parse_network(spec.network, fields.at("network"), lane_count)
    return spec, network.parameter_count, network.config.sample_count


def _in_field(path: str, function, *args) -> Any:
    """Call ``function``; a :class:`LandscapeError` it raises becomes a FieldError at ``path``."""
    try:
        return function(*args)
    except FieldError:
        raise
    except LandscapeError as error:
        raise FieldError(path, str(error)) from None


def _read_lane(data: Any, path: str) -> Lane:
    fields = Fields(data, path, _LANE_KEYS)
    label = fields.string("label", nonempty=True, max_length=60)
    spec_fields = fields.object("spec", ("id", "params"))
    optimizer_id = spec_fields.string("id")
    cls = _in_field(spec_fields.at("id"), optimizer_class, optimizer_id)
    params_fields = spec_fields.object("params", None, {})
    given = params_fields.data
    _in_field(params_fields.path, refuse_stochastic, cls.id, given)
    allowed = _in_field(params_fields.path, cls.param_spec, given)
    try:
        values = validate_params(allowed, given, cls.id)
    except HyperparameterError as error:
        path = params_fields.path if error.name is None else join_path(params_fields.path,
                                                                        error.name)
        raise FieldError(path, str(error)) from None
    spec = OptimizerSpec(cls.id, {name: values[name] for name in given})
    _in_field(params_fields.path, spec.create)
    color = fields.color("color", PALETTE[0])
    return Lane(
        label=label,
        spec=spec,
        color=color,
        visible=fields.boolean("visible", True),
    )


def _read_view(fields: Fields) -> ViewSettings:
    defaults = ViewSettings()
    colormap = fields.string("colormap", defaults.colormap)
    if colormap not in COLORMAPS:
        raise FieldError(fields.at("colormap"),
                         f"{colormap!r} is not a colormap; use one of {', '.join(COLORMAPS)}")
    return ViewSettings(
        colormap=colormap,
        log_scale=fields.optional_boolean("log_scale"),
        contours=fields.integer("contours", defaults.contours, low=0, high=100),
        resolution=fields.integer("resolution", defaults.resolution, low=2, high=MAX_RESOLUTION),
        show_internals=fields.boolean("show_internals", defaults.show_internals),
        x_axis=fields.string("x_axis", defaults.x_axis, choices=X_AXES),
    )
