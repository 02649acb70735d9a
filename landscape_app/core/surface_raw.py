"""What a surface-file reader returns (:mod:`landscape_app.core.surface_from_npz`,
:mod:`landscape_app.core.surface_h5`) for :func:`landscape_app.core.surface_file.load_surface_file`
to check: the raw surface, its recorded paths, and the one check that an array holds numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from landscape_app.core.errors import LandscapeError
from landscape_app.core.objective import Minimum
from landscape_app.core.result import Status


@dataclass(frozen=True)
class RecordedPath:
    """A lane on a plane, in the shape the replay reads
    (:func:`landscape_app.engine.steppers.path_rows`): its steps and evaluation counts,
    coordinates ``(n, 2)``, off-plane ``distances``, true ``losses`` and ``plane_losses`` at
    the drawn points. A surface file's lanes are these; a trained network's are
    :class:`~landscape_app.core.nn.network_landscape.LanePath` (these and the full path).
    """

    label: str
    spec: str
    status: Status
    message: str
    steps: np.ndarray
    evals: np.ndarray
    coords: np.ndarray
    distances: np.ndarray
    losses: np.ndarray
    plane_losses: np.ndarray
    batch_losses: np.ndarray | None = None  # the minibatch loss of each step (NaN: none)
    #: The race's sharpness readings, one row per step (columns
    #: :data:`~landscape_app.core.sharpness_reading.READING_COLUMNS`, NaN where not measured);
    #: None when the race measured none.
    sharpness: np.ndarray | None = None


@dataclass(frozen=True)
class RawSurface:
    """A surface as read, before its axes are checked: the coordinates, the values (any
    shape holding ``len(alphas) · len(betas)`` numbers, ``values[j, i]`` at ``alphas[i]``,
    ``betas[j]`` once reshaped), how the file names things and what else it holds."""

    alphas: Any
    betas: Any
    values: Any
    names: tuple[str, str, str]
    name: str = ""
    details: str = ""
    quantity: str = "loss"
    info: dict[str, Any] = field(default_factory=dict)
    lanes: tuple[RecordedPath, ...] = ()
    axes: tuple[str, str] = ("alpha", "beta")
    minima: tuple[Minimum, ...] = ()
    log_scale: bool | None = None
    equal_aspect: bool = False


def numeric(path: Path, name: str, array: Any) -> np.ndarray:
    """``array`` as floats, or a :class:`LandscapeError` naming ``name`` when it is not a
    plain array of numbers (text, a compound record, objects)."""
    array = np.asarray(array)
    if array.dtype.kind not in "biuf" or array.dtype.names is not None:
        raise LandscapeError(f"{path}: {name} holds {array.dtype} values, not numbers")
    return array.astype(float)
