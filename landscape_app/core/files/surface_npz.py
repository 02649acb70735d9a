"""A plane's loss surface as NPZ: what ``surface`` (built-in networks, and ``--model-file``)
and ``seed-experiment`` write, and File ▸ Open surface… / ``gui FILE`` open.

Every array loads with ``numpy.load(path)`` (no pickle); :data:`KEYS` says what each holds.
The grid is ``values[j, i] = f(origin + alphas[i] d1 + betas[j] d2)``. The paths of all lanes
lie one after another, lane ``k`` in rows ``lane_offsets[k]:lane_offsets[k + 1]``. The arrays
are built by :func:`landscape_app.core.nn.arrays.landscape_arrays` (built-in networks) and
:func:`landscape_app.core.usermodel.job.surface_arrays` (a model file);
:func:`write_surface_npz` refuses any that strays from :data:`KEYS`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from landscape_app.core.errors import LandscapeError
from landscape_app.core.files.npz import Key, Loaded, NpzKind, load, metadata_of

KEYS: dict[str, Key] = {
    "values": Key("the loss, values[j, i] at (alphas[i], betas[j])", "float", "(R, R)"),
    "alphas": Key("the plane's first coordinate, ascending", "float", "(R,)"),
    "betas": Key("the plane's second coordinate, ascending", "float", "(R,)"),
    "origin": Key("the plane's origin θ₀ (flat parameters)", "float", "(P,)"),
    "d1": Key("the first direction", "float", "(P,)"),
    "d2": Key("the second direction", "float", "(P,)"),
    "method": Key("how the directions were chosen: pca, random or hessian", "str", "()"),
    "explained_variance": Key("PCA's explained variance ratios (NaN otherwise)", "float",
                              "(2,)"),
    "eigenvalues": Key("the Hessian's eigenvalues (NaN otherwise)", "float", "(2,)"),
    "device": Key("where the grid was computed", "str", "()"),
    "seconds": Key("the grid's time in seconds", "float", "()"),
    "initial_loss": Key("the loss at the start", "float", "()"),
    "origin_label": Key("whose weights are the origin", "str", "()"),
    "lane_labels": Key("each lane's label", "str", "(L,)"),
    "lane_specs": Key("each lane's optimizer spec", "str", "(L,)"),
    "lane_status": Key("each lane's final status", "str", "(L,)"),
    "lane_messages": Key("each lane's message", "str", "(L,)"),
    "lane_offsets": Key("where each lane's rows begin (and the last ends)", "int", "(L + 1,)"),
    "path_steps": Key("each path point's step", "int", "(n,)"),
    "path_evals": Key("each path point's function evaluations", "int", "(n,)"),
    "path_coords": Key("each path point projected on the plane", "float", "(n, 2)"),
    "path_losses": Key("the true loss at θ_t", "float", "(n,)"),
    "path_plane_losses": Key("the loss at θ_t's projection", "float", "(n,)"),
    "path_distances": Key("θ_t's distance from the plane", "float", "(n,)"),
    "interp_ts": Key("the points t of the straight line from start (0) to end (1)", "float",
                     "(K,)"),
    "interp_losses": Key("each lane's loss along its straight line", "float", "(L, K)"),
    "metadata": Key("a JSON object: the configuration, the plane, where it was computed",
                    "str", "()"),
    "points": Key("a checkpoint plane's checkpoints A, B, C on the plane", "float", "(k, 2)",
                  required=False),
    "point_labels": Key("each checkpoint's file name", "str", "(k,)", required=False),
    "point_losses": Key("the loss at each checkpoint", "float", "(k,)", required=False),
    "buffer_origin": Key("a checkpoint plane's buffers at A (flat)", "float", "(Q,)",
                         required=False),
    "buffer_d1": Key("the buffers' first direction, B's − A's", "float", "(Q,)",
                     required=False),
    "buffer_d2": Key("the buffers' second direction, C's − A's", "float", "(Q,)",
                     required=False),
    "bn_recompute": Key("whether BatchNorm statistics were re-estimated at every point",
                        "bool", "()", required=False),
    "path_sharpness": Key("λ_max of the full-data loss Hessian at θ_t (NaN: not measured)",
                          "float", "(n,)", required=False),
    "path_sharpness_threshold": Key("the optimizer's stability threshold at θ_t, e.g. 2/η "
                                    "(NaN: none)", "float", "(n,)", required=False),
    "path_preconditioned_sharpness": Key("λ_max(P⁻¹H) of an adaptive method at θ_t (NaN: "
                                         "none)", "float", "(n,)", required=False),
}
KIND = NpzKind("landscape-app-surface", 1, "a surface", KEYS)
#: What a surface needs to be shown; files before versions hold at least these.
GRID_KEYS = ("values", "alphas", "betas")


@dataclass(frozen=True)
class SurfaceFile:
    """A surface NPZ read back: its arrays (only those of :data:`KEYS`; older files may lack
    all but :data:`GRID_KEYS`), its metadata and the file's version."""

    arrays: Mapping[str, np.ndarray]
    metadata: dict[str, Any] = field(default_factory=dict)
    version: int = KIND.version


def write_surface_npz(path: str | os.PathLike, arrays: Mapping[str, np.ndarray]) -> Path:
    """Write a surface's ``arrays`` (exactly :data:`KEYS`) to ``path``, atomically."""
    return KIND.save(path, arrays)


def surface_file(loaded: Loaded) -> SurfaceFile:
    """The surface of a loaded NPZ, or a :class:`LandscapeError` naming what it lacks."""
    arrays = KIND.accept(loaded)
    missing = [key for key in GRID_KEYS if key not in arrays]
    if missing:
        raise LandscapeError(f"{loaded.path}: not a surface file (no {', '.join(missing)}); "
                             "open an NPZ written by landscape-app (surface, seed-experiment, "
                             "export --surface, File ▸ Export ▸ surface grid)")
    return SurfaceFile(arrays, metadata_of(arrays), loaded.version)


def read_surface_npz(path: str | os.PathLike) -> SurfaceFile:
    """Read back what :func:`write_surface_npz` wrote (or a surface written before
    versions)."""
    return surface_file(load(path))
