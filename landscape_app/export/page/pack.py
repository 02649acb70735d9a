"""The page's data: a finished race packed as JSON with its arrays as base64 typed arrays.

Qt-free and engine-free: :func:`pack_page` reads a recording by its attributes (``title``,
``grid``, ``log_scale``, ``colormap``, ``contours``, ``minima``, ``loss_offset``,
``equal_aspect``, ``start``, ``steps``, ``lanes``, ``grid_metadata``: see
:class:`landscape_app.engine.recording.Recording`), so this package stays below the engine.

The document the page reads (``window.PAGE_DATA``)::

    {"title", "note", "landscape", "steps", "log_scale", "lut" (128 hex RGB colours),
     "equal_aspect", "axes": [x name, y name], "start": [x, y] | null, "minima": [[x, y]...],
     "loss_offset", "grid": {"xs", "ys", "values"},  # values[j * nx + i] = f(xs[i], ys[j])
     "contours": x, y pairs with NaN pairs between lines (levels as the window draws them),
     "lanes": [{"label", "color", "visible", "status", "message", "step", "evals" (int32),
                "loss", "best_loss" (float32), "x", "y" (float64: exact positions)}],
     "field": null | {"xs", "ys", "steps" (int32, N), "lanes": [lane index...],
                      "paths": [float32 (ny * nx * N * 2) per field lane]},
     "maps": [{"title", "png" (base64 PNG with its legend drawn in),
               "layer" (start maps): {"rgb" (uint8, ny * nx * 3), "nx", "ny", "opacity",
                                      "extent": [x0, x1, y0, y1] (cell centres)}}],
     "model": [[{"step", "png" (base64), "caption"}...] per lane]  # [] off a network}

A typed array is ``{"t": "f4" | "f8" | "i4" | "u1", "b": base64}`` (little-endian).
"""

from __future__ import annotations

import base64
import dataclasses
from dataclasses import dataclass
from typing import Any

import contourpy
import numpy as np

from landscape_app.core.colormap_tables import colormap_hex
from landscape_app.core.grid import color_field

#: How the window names the axes of a network plane.
AXIS_NAMES = {"alpha": "α (direction 1)", "beta": "β (direction 2)"}
_DTYPES = {"f4": "<f4", "f8": "<f8", "i4": "<i4", "u1": "u1"}


@dataclass(frozen=True)
class FieldPaths:
    """Whole paths from a grid of starts, per field lane: ``paths[k][j, i]`` is lane
    ``lanes[k]``'s path from ``(xs[i], ys[j])`` at the steps ``steps`` (``(N, 2)``)."""

    xs: np.ndarray
    ys: np.ndarray
    steps: np.ndarray
    lanes: tuple[int, ...]
    paths: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class PageMap:
    """An outcome map as a picture (PNG bytes, its legend drawn in) and its title; a start
    map also as a layer over the landscape: ``cells`` ``(R1, R0, 3)`` RGB over ``extent``
    ``(x0, x1, y0, y1)`` (cell centres), drawn at ``opacity``."""

    title: str
    png: bytes
    cells: np.ndarray | None = None
    extent: tuple[float, float, float, float] | None = None
    opacity: float = 0.6


@dataclass(frozen=True)
class ModelFrame:
    """The model view's picture of one lane after ``step``: PNG bytes and its caption."""

    step: int
    png: bytes
    caption: str


@dataclass(frozen=True)
class PageExtras:
    """What the page shows beside the recording: the note, the field, the maps, and on a
    network the model view's pictures (``model[k]``: lane ``k``'s, in step order)."""

    note: str = ""
    field: FieldPaths | None = None
    maps: tuple[PageMap, ...] = dataclasses.field(default_factory=tuple)
    model: tuple[tuple[ModelFrame, ...], ...] = ()


def typed(array: np.ndarray, kind: str) -> dict[str, str]:
    """``array`` as ``{"t": kind, "b": base64 of its little-endian bytes}``; float32 values
    beyond its range become ±inf."""
    values = np.asarray(array).ravel()
    if kind == "f4":  # beyond float32's range: ±inf, as the page draws (clips) it
        top = float(np.finfo(np.float32).max)
        values = np.where(np.abs(values) > top, np.copysign(np.inf, values), values)
    data = np.ascontiguousarray(values, dtype=_DTYPES[kind])
    return {"t": kind, "b": base64.b64encode(data.tobytes()).decode("ascii")}


def untyped(entry: dict[str, str]) -> np.ndarray:
    """The array :func:`typed` packed (for tests and tools)."""
    return np.frombuffer(base64.b64decode(entry["b"]), dtype=_DTYPES[entry["t"]])


def contour_points(xs: np.ndarray, ys: np.ndarray, scalar: np.ndarray, levels: int) -> np.ndarray:
    """``levels`` iso-lines of ``scalar`` evenly spaced between its extremes (as the window
    draws them), as ``(n, 2)`` points with NaN rows between lines."""
    masked = np.ma.masked_invalid(scalar)
    if masked.count() == 0 or levels <= 0 or not float(masked.max()) > float(masked.min()):
        return np.empty((0, 2))
    generator = contourpy.contour_generator(xs, ys, masked, line_type="ChunkCombinedNan")
    pieces = []
    for level in np.linspace(float(masked.min()), float(masked.max()), levels + 2)[1:-1]:
        for chunk in generator.lines(level)[0]:
            if chunk is not None and len(chunk):
                pieces += [chunk, np.full((1, 2), np.nan)]
    return np.concatenate(pieces) if pieces else np.empty((0, 2))


def _lane(drawing, columns: dict[str, int]) -> dict[str, Any]:
    rows = np.asarray(drawing.rows, dtype=float).reshape(-1, len(columns))
    column = {name: rows[:, index] for name, index in columns.items()}
    return {"label": drawing.label, "color": drawing.color, "visible": bool(drawing.visible),
            "status": drawing.lane.status.value, "message": drawing.lane.message,
            "step": typed(column["step"], "i4"), "evals": typed(column["evals"], "i4"),
            "loss": typed(column["loss"], "f4"), "best_loss": typed(column["best_loss"], "f4"),
            "x": typed(column["x"], "f8"), "y": typed(column["y"], "f8")}


def _field(paths: FieldPaths | None) -> dict[str, Any] | None:
    if paths is None or not paths.lanes:
        return None
    return {"xs": typed(paths.xs, "f8"), "ys": typed(paths.ys, "f8"),
            "steps": typed(paths.steps, "i4"), "lanes": [int(k) for k in paths.lanes],
            "paths": [typed(p, "f4") for p in paths.paths]}


def _map(picture: PageMap) -> dict[str, Any]:
    packed = {"title": picture.title, "png": base64.b64encode(picture.png).decode("ascii")}
    if picture.cells is not None:
        cells = np.clip(np.round(picture.cells), 0, 255)
        packed["layer"] = {"rgb": typed(cells, "u1"), "nx": int(cells.shape[1]),
                           "ny": int(cells.shape[0]), "opacity": float(picture.opacity),
                           "extent": [float(v) for v in picture.extent]}
    return packed


def pack_page(recording, columns: dict[str, int], extras: PageExtras) -> dict[str, Any]:
    """The page document (module docstring) of ``recording``; ``columns`` names the columns
    of its lanes' rows (:data:`landscape_app.engine.traces.COLUMN`)."""
    grid = recording.grid
    scalar = color_field(grid.values, recording.log_scale)
    axes = tuple(recording.grid_metadata.get("axes", ("x", "y")))
    contours = contour_points(np.asarray(grid.xs), np.asarray(grid.ys), scalar,
                              recording.contours)
    return {
        "title": recording.title or recording.landscape, "note": extras.note,
        "landscape": recording.landscape, "steps": int(recording.steps),
        "log_scale": bool(recording.log_scale), "lut": colormap_hex(recording.colormap),
        "equal_aspect": bool(recording.equal_aspect),
        "axes": [AXIS_NAMES.get(name, name) for name in axes],
        "start": None if recording.start is None else [float(v) for v in recording.start],
        "minima": [[float(x), float(y)] for x, y in recording.minima],
        "loss_offset": recording.loss_offset,
        "grid": {"xs": typed(grid.xs, "f8"), "ys": typed(grid.ys, "f8"),
                 "values": typed(grid.values, "f4"), "scalar": typed(scalar, "f4")},
        "contours": typed(contours, "f4"),
        "lanes": [_lane(drawing, columns) for drawing in recording.lanes],
        "field": _field(extras.field),
        "maps": [_map(m) for m in extras.maps],
        "model": [[{"step": int(frame.step), "caption": frame.caption,
                    "png": base64.b64encode(frame.png).decode("ascii")} for frame in frames]
                  for frames in extras.model],
    }
