"""What the window draws before torch is loaded: a 2D scene's landscape, lanes, start and note.

A test function's landscape needs nothing from torch (its formula computes on NumPy arrays,
:mod:`landscape_app.core.catalogue.function_forms`), nor do the lanes' names and colours, the
start and the teaching note: :func:`first_frame` reads them from the launch options (a scene's
file, read as plain JSON; a session already loaded; the default race) so that the window can
draw them at once, while torch and the optimizers load in the background. The engine then
presents the same session, validated, and takes over.

Torch-free and Qt-free: nothing here imports either (a test checks it).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape_app.core.catalogue.function_forms import FORMS, grid_values
from landscape_app.core.grid import Grid2D
from landscape_app.state.palette import PALETTE

#: The default race's lane names (``state.lanes.DEFAULT_LANES`` as ``lane_title`` names them:
#: a test holds them equal) and the default view (``state.model.ViewSettings``).
DEFAULT_LABELS = ("SGD (lr=0.001)", "SGD + momentum (lr=0.0003)", "Adam (lr=0.05)", "RMSprop")
DEFAULT_VIEW = {"colormap": "viridis", "log_scale": None, "contours": 12, "resolution": 400}


@dataclass(frozen=True)
class FirstFrame:
    """A 2D function scene as it looks at step 0: everything the views draw first."""

    title: str
    note: str
    grid: Grid2D
    log_scale: bool
    colormap: str
    contours: int
    minima: tuple[tuple[float, float], ...]
    lanes: tuple[tuple[str, str], ...]  # (label, colour) of the visible lanes, in order
    start: tuple[float, float]
    start_loss: float
    start_distance: float
    loss_offset: float | None


def first_frame(options) -> FirstFrame | None:
    """The first frame of the session ``options`` (a :class:`~landscape_app.gui.app.
    LaunchOptions`, or None) will show, or None when it needs torch (an expression, a network,
    a recorded plane) or cannot be read: the window then waits for the engine."""
    try:
        source = _source(options)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # the engine reads it again, validated, and says what is wrong
    if options is not None:
        source = _with_options(source, options)
    landscape = source["landscape"]
    form = FORMS.get(landscape.get("function")) if landscape.get("kind") == "function" else None
    if form is None:
        return None
    view = {**DEFAULT_VIEW, **source["view"]}
    xs = np.linspace(form.view.x0, form.view.x1, int(view["resolution"]))
    ys = np.linspace(form.view.y0, form.view.y1, int(view["resolution"]))
    grid = Grid2D(xs, ys, grid_values(form, xs, ys))
    start = tuple(float(v) for v in (source["start"] or form.start))[:2]
    minima = tuple(tuple(position) for position, _ in form.minima)
    distances = [math.dist(start, position) for position in minima]
    log_scale = form.log_scale if view["log_scale"] is None else bool(view["log_scale"])
    return FirstFrame(
        title=source["title"], note=source["note"], grid=grid, log_scale=log_scale,
        colormap=view["colormap"], contours=int(view["contours"]), minima=minima,
        lanes=tuple(source["lanes"]), start=start,
        start_loss=float(grid_values(form, np.array([start[0]]), np.array([start[1]]))[0, 0]),
        start_distance=min(distances) if distances else float("nan"),
        loss_offset=min((value for _, value in form.minima), default=None),
    )


def _source(options) -> dict[str, Any]:
    """The session to show as plain values: from a loaded session, a scene file or the
    default race."""
    state = getattr(options, "session", None)
    if state is not None:
        view = state.view
        return {"title": state.title, "note": state.note, "start": state.start,
                "landscape": {"kind": state.landscape.kind,
                              "function": state.landscape.function},
                "lanes": [(lane.label, lane.color) for lane in state.lanes if lane.visible],
                "view": {"colormap": view.colormap, "log_scale": view.log_scale,
                         "contours": view.contours, "resolution": view.resolution}}
    scene_id = getattr(options, "scene_id", None)
    if scene_id is not None:
        return _scene_source(scene_id)
    return {"title": "", "note": "", "start": None,
            "lanes": list(zip(DEFAULT_LABELS, PALETTE, strict=False)),
            "landscape": {"kind": "function", "function": "rosenbrock"}, "view": {}}


def _scene_source(scene_id: str) -> dict[str, Any]:
    from landscape_app.state.scene_files import scene_files

    data = json.loads(scene_files()[scene_id].read_text(encoding="utf-8"))
    lanes = [(str(lane.get("label") or lane["spec"]["id"]), str(lane["color"]))
             for lane in data.get("lanes", []) if lane.get("visible", True)]
    view = data.get("view") or {}
    return {"title": str(data.get("title", "")), "note": str(data.get("note", "")),
            "start": data.get("start"), "landscape": dict(data["landscape"]), "lanes": lanes,
            "view": {key: view[key] for key in DEFAULT_VIEW if key in view}}


def _with_options(source: dict[str, Any], options) -> dict[str, Any]:
    """The command line's changes: another function or start; new lanes are named later."""
    source = dict(source)
    if options.expression:
        source["landscape"] = {"kind": "expression"}
    elif options.function:
        source["landscape"] = {"kind": "function", "function": options.function}
    if options.optimizers:
        source["lanes"] = []
    if options.start is not None:
        source["start"] = options.start
    return source
