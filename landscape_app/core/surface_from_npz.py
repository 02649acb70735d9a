"""The app's NPZ files that show a surface, as a :class:`~landscape_app.core.surface_raw.
RawSurface` for :func:`~landscape_app.core.surface_file.load_surface_file` to check.

Two kinds, each read by its module of :mod:`landscape_app.core.files`: the surfaces of
``landscape-app surface`` (with or without ``--model-file``) and ``seed-experiment``
(:mod:`~landscape_app.core.files.surface_npz`: ``alphas``, ``betas``, ``values`` and the
lanes' projected paths), and the grid the window's File ▸ Export or ``export --surface``
writes (:mod:`~landscape_app.core.files.grid_npz`: ``xs``, ``ys``, ``values`` and its
landscape's metadata: name, axes, minima, colour scale). Nothing is unpickled; arrays that
are not numbers are refused, naming the array.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from landscape_app.core.errors import LandscapeError
from landscape_app.core.files.grid_npz import GridFile, grid_file, holds_grid
from landscape_app.core.files.line_npz import holds_line, line_file
from landscape_app.core.files.npz import load
from landscape_app.core.files.surface_npz import surface_file
from landscape_app.core.objective import Minimum
from landscape_app.core.result import Status
from landscape_app.core.surface_raw import RawSurface, RecordedPath, numeric


def read_npz(path: Path) -> RawSurface:
    """The surface of an NPZ the app wrote (not yet checked for shape or holes).

    Raises
    ------
    LandscapeError
        A file that is not a readable NPZ, holds no surface or has malformed paths, or one
        of a newer version than this app reads.
    """
    loaded = load(path)
    if holds_grid(loaded):
        return _grid_export(path, grid_file(loaded))
    if holds_line(loaded):
        raise LandscapeError(f"{path}: a line, not a surface (interp_t, interp_loss from "
                             "surface --interpolate): File ▸ Open surface… draws it")
    surface = surface_file(loaded)
    arrays, info = surface.arrays, surface.metadata
    details = str(info.get("plane", ""))
    if info.get("buffers"):
        details += f" · {info['buffers']}"
    if "device" in arrays and "seconds" in arrays:
        details += f"{' · ' if details else ''}computed on {arrays['device']} in " \
                   f"{float(numeric(path, 'seconds', arrays['seconds']).ravel()[0]):.2f} s"
    return RawSurface(
        arrays["alphas"], arrays["betas"], arrays["values"], ("alphas", "betas", "values"),
        str(info.get("description") or path.stem), details, "loss",
        {"source": "npz", "plane": info.get("plane")},
        _npz_lanes(path, arrays) + _point_lanes(path, arrays))


def _grid_export(path: Path, grid: GridFile) -> RawSurface:
    """A grid the window or ``export --surface`` wrote: its landscape's name, axes, minima
    and colour scale from the metadata."""
    info = grid.metadata
    axes = info.get("axes")
    axes = tuple(str(a) for a in axes) if isinstance(axes, list) and len(axes) == 2 else \
        ("x", "y")
    minima = []
    for point in info.get("minima") or ():
        try:
            minima.append(Minimum(tuple(float(v) for v in point[:2]), math.nan))
        except (TypeError, ValueError, IndexError):
            continue
    log_scale = info.get("log_scale")
    landscape = str(info.get("landscape") or "")
    return RawSurface(
        grid.grid.xs, grid.grid.ys, grid.grid.values, ("xs", "ys", "values"),
        str(info.get("title") or landscape or path.stem),
        f"grid of {landscape}" if landscape else "exported grid", "loss",
        {"source": "grid"}, (), axes, tuple(minima),
        log_scale if isinstance(log_scale, bool) else None,
        info.get("kind") in ("function", "expression"))


def _npz_lanes(path: Path, arrays: dict) -> tuple[RecordedPath, ...]:
    """The lanes' recorded paths, or a :class:`LandscapeError` when they are malformed."""
    try:
        return _read_lanes(path, arrays)
    except (TypeError, ValueError, IndexError) as error:
        raise LandscapeError(f"{path}: its paths are malformed ({error})") from None


def _read_lanes(path: Path, arrays: dict) -> tuple[RecordedPath, ...]:
    labels = arrays.get("lane_labels")
    offsets = arrays.get("lane_offsets")
    if labels is None or offsets is None or "path_coords" not in arrays:
        return ()
    coords = numeric(path, "path_coords", arrays["path_coords"]).reshape(-1, 2)
    count = len(coords)

    def column(key: str, fallback: np.ndarray) -> np.ndarray:
        values = arrays.get(key)
        return numeric(path, key, values) if values is not None and len(values) == count \
            else fallback

    nan = np.full(count, np.nan)
    steps = column("path_steps", np.arange(count, dtype=float))
    evals = column("path_evals", steps)
    losses = column("path_losses", nan)
    plane_losses = column("path_plane_losses", losses)
    distances = column("path_distances", nan)
    texts = {key: [str(v) for v in arrays.get(key, [""] * len(labels))]
             for key in ("lane_specs", "lane_status", "lane_messages")}
    lanes = []
    for index, label in enumerate(np.atleast_1d(labels)):
        begin, end = int(np.atleast_1d(offsets)[index]), int(np.atleast_1d(offsets)[index + 1])
        if not 0 <= begin < end <= count:
            continue
        part = slice(begin, end)
        try:
            status = Status(texts["lane_status"][index] or "finished")
        except ValueError:  # a status this app does not know: the path still replays
            status = Status.FINISHED
        lanes.append(RecordedPath(str(label), texts["lane_specs"][index], status,
                                  texts["lane_messages"][index], steps[part], evals[part],
                                  coords[part], distances[part], losses[part],
                                  plane_losses[part]))
    return tuple(lanes)


def _point_lanes(path: Path, arrays: dict) -> tuple[RecordedPath, ...]:
    """A checkpoint plane's named points (``points``, ``point_labels``, ``point_losses``), one
    single-point lane each, so that the window marks and names them: ``A: ckpt_000.pt``."""
    if "points" not in arrays:
        return ()
    try:
        points = numeric(path, "points", arrays["points"]).reshape(-1, 2)
        labels = [str(label) for label in np.atleast_1d(arrays.get("point_labels", []))]
        losses = numeric(path, "point_losses", arrays.get("point_losses",
                                                          np.full(len(points), np.nan)))
        lanes = []
        for index, point in enumerate(points):
            name = labels[index] if index < len(labels) else ""
            letter = chr(ord("A") + index) if index < 26 else str(index)
            loss = np.array([float(losses[index])])
            lanes.append(RecordedPath(f"{letter}: {name}" if name else letter, "checkpoint",
                                      Status.FINISHED, "", np.zeros(1), np.zeros(1),
                                      point[None, :], np.zeros(1), loss, loss))
        return tuple(lanes)
    except (TypeError, ValueError, IndexError) as error:
        raise LandscapeError(f"{path}: its points are malformed ({error})") from None


def read_interpolation(path: str | Path) -> dict[str, Any] | None:
    """The line of an NPZ ``surface --interpolate`` wrote (``t``, ``loss``, ``labels`` of A and
    B, ``buffers``: how the buffers were set), or None when ``path`` is not one (a surface,
    or not an NPZ at all: :func:`read_npz` then says what it is)."""
    path = Path(path)
    try:
        loaded = load(path)
    except LandscapeError:
        return None
    if not holds_line(loaded):
        return None
    line = line_file(loaded)
    info = line.metadata
    names = [Path(str(name)).name for name in info.get("checkpoints", ["A", "B"])][:2]
    return {"t": line.t, "loss": line.loss, "labels": (names + ["A", "B"])[:2]
            if len(names) < 2 else names, "buffers": str(info.get("buffers", "")),
            "title": f"{Path(str(info.get('model_file', path.stem))).name} · loss along "
                     "(1 − t) A + t B"}
