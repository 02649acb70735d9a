"""An outcome map as NPZ: what ``landscape-app map --out`` writes, with the trajectory
field's keys under ``--paths``.

Element ``[j, i]`` of a grid-shaped array is axis-1 value ``j``, axis-0 value ``i``; cell
``n = j·R0 + i`` of a field's arrays is the start ``(axis0[i], axis1[j])``. No pickles:
:data:`KEYS` says what each array holds.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from landscape_app.core.catalogue.kinds import MapKind
from landscape_app.core.errors import LandscapeError
from landscape_app.core.files.npz import Key, Loaded, NpzKind, load, metadata_of

if TYPE_CHECKING:
    from landscape_app.core.maps import OutcomeMap, TrajectoryField

MAP_KEYS: dict[str, Key] = {
    "kind": Key("starts (axes are start x and y) or sweep (two hyperparameters)", "str", "()"),
    "axis0": Key("the first axis' values", "float", "(R0,)"),
    "axis1": Key("the second axis' values", "float", "(R1,)"),
    "final": Key("each cell's final position", "float", "(R1, R0, P)"),
    "loss": Key("each cell's final loss", "float", "(R1, R0)"),
    "best_loss": Key("each cell's best loss", "float", "(R1, R0)"),
    "steps_to_tolerance": Key("the first step within the tolerance (−1 never)", "int",
                              "(R1, R0)"),
    "status": Key("each cell's status, an index into status_names", "int", "(R1, R0)"),
    "status_names": Key("the statuses' names", "str", "(S,)"),
    "basin": Key("the minimum each cell reached, an index into minima (−1 none)", "int",
                 "(R1, R0)"),
    "minima": Key("the known minima", "float", "(M, P)"),
    "seconds": Key("the map's time in seconds", "float", "()"),
    "device": Key("where the map was computed", "str", "()"),
    "metadata": Key("a JSON object: the settings, axis_names and the status counts", "str",
                    "()"),
}
FIELD_KEYS: dict[str, Key] = {
    "paths": Key("every start's path, at the kept steps", "float", "(N, K, 2)", False),
    "path_loss": Key("the loss along every path", "float", "(N, K)", False),
    "path_steps": Key("the step of each kept point", "int", "(K,)", False),
    "path_status": Key("each path's status code", "int", "(N,)", False),
    "path_stopped_at": Key("the step each path ended at", "int", "(N,)", False),
}
SHARPNESS_KEY = Key("λ_max of the loss Hessian at each cell's final point (NaN: not finite)",
                    "float", "(R1, R0)", False)
KEYS: dict[str, Key] = {**MAP_KEYS, **FIELD_KEYS, "sharpness": SHARPNESS_KEY}
KIND = NpzKind("landscape-app-map", 1, "an outcome map", KEYS)


@dataclass(frozen=True)
class MapFile:
    """A map NPZ read back: its arrays, its metadata, its kind (``starts``/``sweep``),
    whether it holds a trajectory field, and the file's version."""

    arrays: Mapping[str, np.ndarray]
    metadata: dict[str, Any] = field(default_factory=dict)
    kind: MapKind = MapKind.STARTS
    has_paths: bool = False
    version: int = KIND.version


def map_arrays(result: OutcomeMap) -> dict[str, np.ndarray]:
    """The arrays of :data:`MAP_KEYS` for an outcome map (no objects), and its
    ``sharpness`` when it was measured."""
    sharpness = {} if result.sharpness is None else {"sharpness": result.sharpness}
    return {
        **sharpness,
        "kind": np.array(result.kind), "axis0": result.axis0, "axis1": result.axis1,
        "final": result.final, "loss": result.loss, "best_loss": result.best_loss,
        "steps_to_tolerance": result.steps_to_tolerance, "status": result.status,
        "status_names": np.array(result.status_names), "basin": result.basin,
        "minima": result.minima, "seconds": np.array(result.seconds),
        "device": np.array(result.device),
        "metadata": np.array(json.dumps({**result.settings, "axis_names": result.axis_names,
                                         "counts": result.counts()})),
    }


def field_arrays(paths: TrajectoryField) -> dict[str, np.ndarray]:
    """The arrays of :data:`FIELD_KEYS` for a trajectory field."""
    return {"paths": paths.paths, "path_loss": paths.path_loss,
            "path_steps": paths.path_steps, "path_status": paths.status,
            "path_stopped_at": paths.stopped_at}


def write_map_npz(path: str | os.PathLike, result: OutcomeMap,
                  paths: TrajectoryField | None = None) -> Path:
    """Write an outcome map (and its trajectory field, if given) to ``path``, atomically."""
    arrays = map_arrays(result)
    if paths is not None:
        arrays.update(field_arrays(paths))
    return KIND.save(path, arrays)


def map_file(loaded: Loaded) -> MapFile:
    """The map of a loaded NPZ, or a :class:`LandscapeError` naming what it lacks."""
    arrays = KIND.accept(loaded)
    missing = [key for key in MAP_KEYS if key not in arrays]
    if missing:
        raise LandscapeError(f"{loaded.path}: not an outcome map (no {', '.join(missing)})")
    kind = str(arrays["kind"])
    if kind not in tuple(MapKind):
        raise LandscapeError(f"{loaded.path}: unknown map kind {kind!r} (known: "
                             f"{', '.join(MapKind)})")
    has_paths = all(key in arrays for key in FIELD_KEYS)
    return MapFile(arrays, metadata_of(arrays), MapKind(kind), has_paths, loaded.version)


def read_map_npz(path: str | os.PathLike) -> MapFile:
    """Read back what :func:`write_map_npz` wrote (or a map written before versions)."""
    return map_file(load(path))


def outcome_of(read: MapFile) -> OutcomeMap:
    """The :class:`~landscape_app.core.maps.OutcomeMap` a map file holds (what the window
    draws and exports): axis names and scales from its metadata (``axis_names``, ``axes``;
    ``x``/``y``, linear, when absent), steps and tolerance likewise. The file keeps no
    stopping step per cell: ``stopped_at`` reads as every step run."""
    from landscape_app.core.maps.outcome import OutcomeMap as Outcome

    arrays, settings = read.arrays, read.metadata
    side = (np.size(arrays["axis1"]), np.size(arrays["axis0"]))
    for key in ("loss", "best_loss", "steps_to_tolerance", "status", "basin"):
        if np.shape(arrays[key]) != side:
            raise LandscapeError(f"a {read.kind} map whose {key} is {np.shape(arrays[key])}, "
                                 f"not {side} (axis1 x axis0)")
    names = settings.get("axis_names") or ["x", "y"]
    axes = settings.get("axes") or [{}, {}]
    loss = np.asarray(arrays["loss"], dtype=float)
    steps = int(settings.get("steps", 0))
    try:
        return Outcome(
            kind=read.kind, axis0=np.asarray(arrays["axis0"], dtype=float),
            axis1=np.asarray(arrays["axis1"], dtype=float),
            axis_names=(str(names[0]), str(names[1])),
            axis_log=(bool(axes[0].get("log", False)), bool(axes[1].get("log", False))),
            final=arrays["final"], loss=loss, best_loss=arrays["best_loss"],
            steps_to_tolerance=arrays["steps_to_tolerance"], status=arrays["status"],
            stopped_at=np.full(loss.shape, steps), basin=arrays["basin"],
            minima=arrays["minima"], seconds=float(arrays["seconds"]),
            device=str(arrays["device"]), steps=steps,
            tolerance=float(settings.get("tolerance", 0.0)), settings=settings)
    except (TypeError, ValueError, IndexError, AttributeError) as error:
        raise LandscapeError(f"a {read.kind} map whose metadata does not describe its axes "
                             f"({error})") from None
