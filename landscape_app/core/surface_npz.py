"""Surface NPZ files the app writes, read as a :class:`~landscape_app.core.surface_file.
RawSurface` for :func:`~landscape_app.core.surface_file.load_surface_file` to check.

Two kinds: the surfaces of ``landscape-app surface`` (with or without ``--model-file``) and
``seed-experiment`` (``alphas``, ``betas``, ``values`` and the lanes' projected paths, keys of
:mod:`landscape_app.core.nn.arrays`), and the grid the window's File ▸ Export or
``export --surface`` writes (:func:`landscape_app.export.tables.write_grid_npz`: ``xs``,
``ys``, ``values`` and its landscape's metadata: name, axes, minima, colour scale). Nothing is
unpickled; arrays that are not numbers are refused, naming the array.
"""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from landscape_app.core.errors import LandscapeError
from landscape_app.core.objective import Minimum
from landscape_app.core.result import Status
from landscape_app.core.surface_raw import RawSurface, RecordedPath, numeric


def read_npz(path: Path) -> RawSurface:
    """The surface of an NPZ the app wrote (not yet checked for shape or holes).

    Raises
    ------
    LandscapeError
        A file that is not a readable NPZ, holds no surface or has malformed paths.
    """
    try:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, EOFError, TypeError, zipfile.BadZipFile) as error:
        raise LandscapeError(f"{path}: not a readable NPZ file ({error})") from None
    if "values" in arrays and "xs" in arrays and "ys" in arrays and "alphas" not in arrays:
        return _grid_export(path, arrays)
    missing = [key for key in ("values", "alphas", "betas") if key not in arrays]
    if missing and "interp_t" in arrays and "interp_loss" in arrays:
        raise LandscapeError(f"{path}: a line, not a surface (interp_t, interp_loss from "
                             "surface --interpolate); read it with numpy.load(path)")
    if missing:
        raise LandscapeError(f"{path}: not a surface file (no {', '.join(missing)}); open "
                             "an NPZ written by landscape-app (surface, seed-experiment, "
                             "export --surface, File ▸ Export ▸ surface grid)")
    info = _metadata(arrays)
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


def _metadata(arrays: dict) -> dict[str, Any]:
    """The NPZ's ``metadata`` JSON object ({} when absent or not a JSON object)."""
    try:
        info = json.loads(str(arrays["metadata"])) if "metadata" in arrays else {}
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}


def _grid_export(path: Path, arrays: dict) -> RawSurface:
    """A grid the window or ``export --surface`` wrote (:func:`landscape_app.export.tables.
    write_grid_npz`): ``xs``, ``ys``, ``values`` and its landscape's metadata."""
    info = _metadata(arrays)
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
        arrays["xs"], arrays["ys"], arrays["values"], ("xs", "ys", "values"),
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
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            if "interp_t" not in data.files or "interp_loss" not in data.files:
                return None
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, EOFError, TypeError, zipfile.BadZipFile):
        return None
    t = numeric(path, "interp_t", arrays["interp_t"]).ravel().astype(float)
    loss = numeric(path, "interp_loss", arrays["interp_loss"]).ravel().astype(float)
    if len(t) != len(loss) or len(t) < 2:
        raise LandscapeError(f"{path}: interp_t and interp_loss differ in length or hold "
                             "fewer than two points")
    info = _metadata(arrays)
    names = [Path(str(name)).name for name in info.get("checkpoints", ["A", "B"])][:2]
    return {"t": t, "loss": loss, "labels": (names + ["A", "B"])[:2] if len(names) < 2
            else names, "buffers": str(info.get("buffers", "")),
            "title": f"{Path(str(info.get('model_file', path.stem))).name} · loss along "
                     "(1 − t) A + t B"}
