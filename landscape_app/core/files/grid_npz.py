"""A 2D loss grid as NPZ: what the window's File ▸ Export ▸ surface grid and
``export --surface`` write, and File ▸ Open surface… opens.

``values[j, i] = f(xs[i], ys[j])``; ``metadata`` is a JSON string (landscape id, name, kind,
axes, minima, log scale…), so ``np.load(path)`` needs no ``allow_pickle``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from landscape_app.core.atomic import ExportError, check_writable
from landscape_app.core.errors import LandscapeError
from landscape_app.core.files.npz import Key, Loaded, NpzKind, load, metadata_of
from landscape_app.core.grid import Grid2D

KEYS: dict[str, Key] = {
    "xs": Key("the x coordinates, ascending", "float64", "(C,)"),
    "ys": Key("the y coordinates, ascending", "float64", "(R,)"),
    "values": Key("the loss, values[j, i] at (xs[i], ys[j])", "float64", "(R, C)"),
    "metadata": Key("the landscape's metadata as a JSON object", "str", "()"),
}
KIND = NpzKind("landscape-app-grid", 1, "a grid", KEYS)


@dataclass(frozen=True)
class GridFile:
    """A grid NPZ read back: the grid, its metadata and the file's version."""

    grid: Grid2D
    metadata: dict[str, Any] = field(default_factory=dict)
    version: int = KIND.version


def write_grid_npz(path: str | os.PathLike, grid: Grid2D,
                   metadata: Mapping[str, Any] | None = None) -> Path:
    """Write ``grid`` and ``metadata`` (JSON-serialisable) to ``path``, atomically.

    Raises
    ------
    ExportError
        ``path`` cannot be written, or ``metadata`` is not plain JSON.
    """
    target = check_writable(path, suffixes=(".npz",))
    try:
        meta_text = json.dumps(dict(metadata or {}), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ExportError(f"cannot write {target}: metadata is not plain JSON ({error})") from None
    return KIND.save(target, {"xs": np.asarray(grid.xs, dtype=float),
                              "ys": np.asarray(grid.ys, dtype=float),
                              "values": np.asarray(grid.values, dtype=float),
                              "metadata": np.array(meta_text)})


def holds_grid(loaded: Loaded) -> bool:
    """Whether ``loaded`` is a grid: it says so, or (unversioned) it has ``xs``, ``ys``,
    ``values`` and no surface's ``alphas``."""
    if loaded.format is not None:
        return loaded.format == KIND.format
    return {"xs", "ys", "values"} <= set(loaded.arrays) and "alphas" not in loaded.arrays


def grid_file(loaded: Loaded) -> GridFile:
    """The grid of a loaded NPZ (:func:`holds_grid`), or a :class:`LandscapeError`."""
    arrays = KIND.accept(loaded)
    missing = [key for key in ("xs", "ys", "values") if key not in arrays]
    if missing or not holds_grid(loaded):
        why = f"no {', '.join(missing)}" if missing else "a surface's alphas"
        raise LandscapeError(f"{loaded.path}: not a grid file ({why})")
    return GridFile(Grid2D(arrays["xs"], arrays["ys"], arrays["values"]), metadata_of(arrays),
                    loaded.version)


def read_grid_npz(path: str | os.PathLike) -> GridFile:
    """Read back what :func:`write_grid_npz` wrote (or a grid written before versions)."""
    return grid_file(load(path))
