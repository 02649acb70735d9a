"""A comparison of optimizers as NPZ: what ``landscape-app compare --out`` writes.

Element ``[o, l, s]`` is optimizer ``o`` at its setting ``l`` from start ``s``. No pickles:
:data:`KEYS` says what each array holds; :func:`read_compare_npz` gives them back.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from landscape_app.core.errors import LandscapeError
from landscape_app.core.files.npz import Key, Loaded, NpzKind, load, metadata_of

if TYPE_CHECKING:
    from landscape_app.core.compare import CompareResult

KEYS: dict[str, Key] = {
    "optimizers": Key("each optimizer's spec (its fixed settings)", "str", "(O,)"),
    "sweep_name": Key("each optimizer's swept hyperparameter", "str", "(O,)"),
    "sweep_values": Key("its value at each setting", "float", "(O, L)"),
    "sweep2_name": Key("the second swept hyperparameter ('' none)", "str", "(O,)"),
    "sweep2_values": Key("its value at each setting (NaN none)", "float", "(O, L)"),
    "starts": Key("the starts: points, or a network's initialisation seeds", "float",
                  "(S, 2) or (S,)"),
    "final_loss": Key("each run's final loss", "float", "(O, L, S)"),
    "success": Key("share of starts ending within the tolerance", "float", "(O, L)"),
    "success_at_budget": Key("share of starts reaching it within the evaluation budget",
                             "float", "(O, L)"),
    "median_loss": Key("median final loss", "float", "(O, L)"),
    "steps_to_tolerance": Key("first step within the tolerance (−1 never)", "int",
                              "(O, L, S)"),
    "evaluations_to_tolerance": Key("function evaluations spent by then (−1 never)", "int",
                                    "(O, L, S)"),
    "evaluations": Key("function evaluations spent by each run", "int", "(O, L, S)"),
    "tuning_curve": Key("expected best success after k = 1…K random settings", "float",
                        "(O, K)"),
    "best": Key("each optimizer's best setting, an index into L", "int", "(O,)"),
    "metadata": Key("a JSON object: target, steps, tolerance, goal, budget, dtype, seed, "
                    "device, seconds, sweeps", "str", "()"),
}
KIND = NpzKind("landscape-app-compare", 1, "a comparison of optimizers", KEYS)


@dataclass(frozen=True)
class CompareFile:
    """A comparison NPZ read back: its arrays, its metadata and the file's version."""

    arrays: Mapping[str, np.ndarray]
    metadata: dict[str, Any] = field(default_factory=dict)
    version: int = KIND.version


def compare_arrays(result: CompareResult) -> dict[str, np.ndarray]:
    """The arrays of :data:`KEYS` for a comparison (no objects)."""
    second = [names[1] if len(names) > 1 else "" for names in result.sweep_names]
    return {
        "optimizers": np.array(result.optimizers),
        "sweep_name": np.array([names[0] for names in result.sweep_names]),
        "sweep_values": result.settings[:, :, 0],
        "sweep2_name": np.array(second), "sweep2_values": result.settings[:, :, 1],
        "starts": result.starts, "final_loss": result.final_loss, "success": result.success,
        "success_at_budget": result.success_at_budget, "median_loss": result.median_loss,
        "steps_to_tolerance": result.steps_to_tolerance,
        "evaluations_to_tolerance": result.evaluations_to_tolerance,
        "evaluations": result.evaluations, "tuning_curve": result.tuning_curve,
        "best": result.best, "metadata": np.array(json.dumps(result.metadata)),
    }


def write_compare_npz(path: str | os.PathLike, result: CompareResult) -> Path:
    """Write a comparison to ``path``, atomically."""
    return KIND.save(path, compare_arrays(result))


def compare_file(loaded: Loaded) -> CompareFile:
    """The comparison of a loaded NPZ, or a :class:`LandscapeError` naming what it lacks."""
    arrays = KIND.accept(loaded)
    missing = [key for key in KEYS if key not in arrays]
    if missing:
        raise LandscapeError(f"{loaded.path}: not a comparison (no {', '.join(missing)})")
    return CompareFile(arrays, metadata_of(arrays), loaded.version)


def read_compare_npz(path: str | os.PathLike) -> CompareFile:
    """Read back what :func:`write_compare_npz` wrote."""
    return compare_file(load(path))
