"""A surface file opened for viewing: an NPZ the app wrote, or a tomgoldstein/loss-landscape
``.h5`` file, as a recorded :class:`~landscape_app.core.landscape.Landscape`.

NPZ files (``landscape-app surface``, with or without ``--model-file``, and
``seed-experiment``) share the keys of :mod:`landscape_app.core.nn.arrays`: the grid
(``values[j, i]`` at ``alphas[i]``, ``betas[j]``) and the lanes' projected paths, which the
window replays. HDF5 files of Li et al.'s reference code hold ``xcoordinates``,
``ycoordinates`` and one grid per quantity (``train_loss``, ``train_acc``, ``test_loss``, …;
the first present of those, in that order, is shown); points their crunch had not computed yet
(−1) are holes. Reading ``.h5`` needs h5py (``pip install 'landscape-app[h5]'``).

Nothing here imports torch, and no model file is ever imported: a surface file is data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from landscape_app.core.errors import LandscapeError
from landscape_app.core.grid import Grid2D
from landscape_app.core.landscape import Landscape
from landscape_app.core.progress import StageProgress
from landscape_app.core.result import Status

#: The HDF5 grids shown, in order of preference.
H5_SURFACES = ("train_loss", "test_loss", "train_acc", "test_acc")
H5_SUFFIXES = (".h5", ".hdf5")


@dataclass(frozen=True)
class RecordedPath:
    """One lane of a surface file, in the shape the replay reads
    (:func:`landscape_app.engine.steppers.path_rows`)."""

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


@dataclass(frozen=True, eq=False)
class SurfaceFileLandscape(Landscape):
    """A surface read from a file: its grid, its paths (replayed), where it came from."""

    path: Path
    name: str
    alphas: np.ndarray
    betas: np.ndarray
    values: np.ndarray
    lanes: tuple[RecordedPath, ...] = ()
    details: str = ""
    quantity: str = "loss"
    info: dict[str, Any] = field(default_factory=dict)

    kind = "surface"
    live = False
    equal_aspect = False
    axis_labels = ("alpha", "beta")
    distance_label = "off plane"

    @property
    def box(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return ((float(self.alphas[0]), float(self.alphas[-1])),
                (float(self.betas[0]), float(self.betas[-1])))

    @property
    def log_scale(self) -> bool:
        """Log colours for losses that are all positive (not for accuracies)."""
        finite = self.values[np.isfinite(self.values)]
        return "acc" not in self.quantity and finite.size > 0 and bool(np.all(finite > 0))

    def grid(self, resolution: int | None = None, progress: StageProgress | None = None,
             cancelled: Callable[[], bool] | None = None) -> Grid2D:
        """The file's grid (its own resolution)."""
        return Grid2D(self.alphas, self.betas, self.values)

    def metadata(self, log_scale: bool | None = None) -> dict[str, Any]:
        return {**super().metadata(log_scale), "file": str(self.path),
                "quantity": self.quantity, **self.info}

    def summary(self) -> str:
        """One line for the status bar."""
        rows, columns = self.values.shape
        parts = [f"{self.path.name}: {self.name}", f"{columns}×{rows} grid of {self.quantity}"]
        if self.details:
            parts.append(self.details)
        if self.lanes:
            parts.append(f"{len(self.lanes)} path{'s' if len(self.lanes) > 1 else ''}")
        return " · ".join(parts) + " (read-only)"


def load_surface_file(path: str | Path) -> SurfaceFileLandscape:
    """Read a surface NPZ or HDF5 file.

    Raises
    ------
    LandscapeError
        A missing or unreadable file, one that holds no surface, or h5py missing for ``.h5``.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise LandscapeError(f"{path}: no such file")
    if path.suffix.lower() in H5_SUFFIXES:
        return _load_h5(path)
    return _load_npz(path)


def _axes_and_values(path: Path, alphas, betas, values) -> tuple[np.ndarray, ...]:
    alphas = np.asarray(alphas, dtype=float).ravel()
    betas = np.asarray(betas, dtype=float).ravel()
    values = np.asarray(values, dtype=float)
    if alphas.size < 2 or betas.size < 2:
        raise LandscapeError(f"{path}: a surface needs at least 2 × 2 grid points")
    if values.size != alphas.size * betas.size:
        raise LandscapeError(f"{path}: {values.size} values for a {alphas.size} × "
                             f"{betas.size} grid")
    if not (np.all(np.diff(alphas) > 0) and np.all(np.diff(betas) > 0)):
        raise LandscapeError(f"{path}: the grid's coordinates must increase")
    values = values.reshape(betas.size, alphas.size).copy()
    values[~np.isfinite(values)] = np.nan
    return alphas, betas, values


def _load_npz(path: Path) -> SurfaceFileLandscape:
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, EOFError) as error:
        raise LandscapeError(f"{path}: not a readable NPZ file ({error})") from None
    missing = [key for key in ("values", "alphas", "betas") if key not in arrays]
    if missing:
        raise LandscapeError(f"{path}: not a surface file (no {', '.join(missing)}); open "
                             "an NPZ written by landscape-app surface or seed-experiment")
    alphas, betas, values = _axes_and_values(path, arrays["alphas"], arrays["betas"],
                                             arrays["values"])
    info: dict[str, Any] = {}
    if "metadata" in arrays:
        try:
            info = json.loads(str(arrays["metadata"]))
        except ValueError:
            info = {}
    name = str(info.get("description") or path.stem)
    details = str(info.get("plane", ""))
    if "device" in arrays and "seconds" in arrays:
        details += f"{' · ' if details else ''}computed on {arrays['device']} in " \
                   f"{float(arrays['seconds']):.2f} s"
    return SurfaceFileLandscape(path, name, alphas, betas, values, _npz_lanes(path, arrays),
                                details, "loss",
                                {"source": "npz", "plane": info.get("plane")})


def _npz_lanes(path: Path, arrays: dict) -> tuple[RecordedPath, ...]:
    labels = arrays.get("lane_labels")
    offsets = arrays.get("lane_offsets")
    if labels is None or offsets is None or "path_coords" not in arrays:
        return ()
    coords = np.asarray(arrays["path_coords"], dtype=float).reshape(-1, 2)
    count = len(coords)

    def column(key: str, fallback: np.ndarray) -> np.ndarray:
        values = arrays.get(key)
        return np.asarray(values, dtype=float) if values is not None and len(values) == count \
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
    for index, label in enumerate(labels):
        begin, end = int(offsets[index]), int(offsets[index + 1])
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


def _load_h5(path: Path) -> SurfaceFileLandscape:
    try:
        import h5py
    except ImportError:
        raise LandscapeError(f"{path}: opening .h5 surfaces needs h5py, which is not "
                             "installed (pip install 'landscape-app[h5]')") from None
    try:
        with h5py.File(path, "r") as handle:
            keys = set(handle.keys())
            if "xcoordinates" not in keys:
                raise LandscapeError(f"{path}: not a loss-landscape surface file (no "
                                     "xcoordinates)")
            if "ycoordinates" not in keys:
                raise LandscapeError(f"{path}: a 1D surface (no ycoordinates); the app shows "
                                     "2D surfaces")
            quantity = next((key for key in H5_SURFACES if key in keys), None)
            if quantity is None:
                raise LandscapeError(f"{path}: no surface in it (none of "
                                     f"{', '.join(H5_SURFACES)})")
            x = handle["xcoordinates"][()]
            y = handle["ycoordinates"][()]
            raw = np.asarray(handle[quantity][()], dtype=float)
            others = sorted(keys & set(H5_SURFACES) - {quantity})
    except LandscapeError:
        raise
    except (OSError, KeyError, ValueError) as error:
        raise LandscapeError(f"{path}: not a readable HDF5 file ({error})") from None
    raw = np.where(raw == -1.0, np.nan, raw)  # their crunch fills points not computed with -1
    alphas, betas, values = _axes_and_values(path, x, y, raw.ravel())
    details = "tomgoldstein/loss-landscape file"
    if others:
        details += f" (also holds {', '.join(others)})"
    return SurfaceFileLandscape(path, path.stem, alphas, betas, values, (), details,
                                quantity.replace("_", " "), {"source": "h5"})
