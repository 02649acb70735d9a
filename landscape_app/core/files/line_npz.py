"""A loss along a straight line between two checkpoints, as NPZ: what ``surface --model-file
--interpolate A B`` writes and File ▸ Open surface… draws as a curve.

``interp_loss[k]`` is the loss at ``(1 − interp_t[k]) θ_A + interp_t[k] θ_B`` (buffers blended
the same way, or re-estimated: the metadata's ``buffers`` says which); ``metadata`` is a JSON
string (model file, checkpoints, buffers), so ``np.load(path)`` needs no ``allow_pickle``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from landscape_app.core.errors import LandscapeError
from landscape_app.core.files.npz import Key, Loaded, NpzKind, load, metadata_of

KEYS: dict[str, Key] = {
    "interp_t": Key("the blend t of each point, (1 − t) θ_A + t θ_B", "float64", "(K,)"),
    "interp_loss": Key("the loss at each point (NaN where non-finite)", "float64", "(K,)"),
    "metadata": Key("a JSON object: model file, checkpoints, how buffers were set", "str",
                    "()"),
}
KIND = NpzKind("landscape-app-line", 1, "a line", KEYS)


@dataclass(frozen=True)
class LineFile:
    """A line NPZ read back: the blends, their losses, the metadata and the file's version."""

    t: np.ndarray
    loss: np.ndarray
    metadata: dict[str, Any] = field(default_factory=dict)
    version: int = KIND.version


def write_line_npz(path: str | os.PathLike, t: np.ndarray, loss: np.ndarray,
                   metadata: Mapping[str, Any]) -> Path:
    """Write the line ``(t, loss)`` and its ``metadata`` (plain JSON) to ``path``,
    atomically."""
    return KIND.save(path, {"interp_t": np.asarray(t, dtype=float),
                            "interp_loss": np.asarray(loss, dtype=float),
                            "metadata": np.array(json.dumps(dict(metadata)))})


def holds_line(loaded: Loaded) -> bool:
    """Whether ``loaded`` is a line: it says so, or (unversioned) it has ``interp_t`` and
    ``interp_loss`` and no surface's ``values``."""
    if loaded.format is not None:
        return loaded.format == KIND.format
    return {"interp_t", "interp_loss"} <= set(loaded.arrays) and "values" not in loaded.arrays


def line_file(loaded: Loaded) -> LineFile:
    """The line of a loaded NPZ (:func:`holds_line`), or a :class:`LandscapeError` of one
    line."""
    arrays = KIND.accept(loaded)
    if not holds_line(loaded) or not {"interp_t", "interp_loss"} <= set(arrays):
        raise LandscapeError(f"{loaded.path}: not a line file (no interp_t, interp_loss)")
    try:
        t = np.asarray(arrays["interp_t"], dtype=float).ravel()
        loss = np.asarray(arrays["interp_loss"], dtype=float).ravel()
    except (TypeError, ValueError):
        raise LandscapeError(f"{loaded.path}: interp_t and interp_loss must hold numbers") \
            from None
    if len(t) != len(loss) or len(t) < 2:
        raise LandscapeError(f"{loaded.path}: interp_t and interp_loss differ in length or "
                             "hold fewer than two points")
    return LineFile(t, loss, metadata_of(arrays), loaded.version)


def read_line_npz(path: str | os.PathLike) -> LineFile:
    """Read back what :func:`write_line_npz` wrote (or a line written before versions)."""
    return line_file(load(path))
