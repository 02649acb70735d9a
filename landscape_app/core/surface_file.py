"""A surface file opened for viewing: an NPZ the app wrote, or a tomgoldstein/loss-landscape
``.h5`` file, as a recorded :class:`~landscape_app.core.landscape.Landscape`.

Files are told apart by content (an HDF5 signature, a zip archive), not by name. NPZ files
are the app's surfaces (``landscape-app surface``, with or without ``--model-file``, and
``seed-experiment``: :mod:`landscape_app.core.files.surface_npz`, whose paths the window
replays) and grids (the window's File ▸ Export and ``export --surface``:
:mod:`landscape_app.core.files.grid_npz`), made a surface by
:mod:`landscape_app.core.surface_from_npz`; HDF5 files of Li et al.'s reference code are read
by :mod:`landscape_app.core.surface_h5`.

Points a surface lacks (NaN, ±inf; −1 in an ``.h5``: not computed yet) are *holes*, kept as
NaN and counted (:attr:`SurfaceFileLandscape.missing`); the views leave them undrawn.
Descending coordinates are flipped, with their values. A malformed file, or one whose every
point is missing, is refused with a :class:`LandscapeError` of one line.

Nothing here imports a model file: a surface file is data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from landscape_app.core.errors import LandscapeError
from landscape_app.core.grid import Grid2D
from landscape_app.core.landscape import Landscape
from landscape_app.core.objective import Minimum
from landscape_app.core.progress import StageProgress
from landscape_app.core.surface_raw import RawSurface, RecordedPath, numeric

H5_SUFFIXES = (".h5", ".hdf5")
#: The first bytes of an HDF5 file's superblock, and of a zip archive (an NPZ).
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
#: Bytes read to tell a file's kind (HDF5's superblock may start at 2048).
HEAD_BYTES = 2056


@dataclass(frozen=True, eq=False)
class SurfaceFileLandscape(Landscape):
    """A surface read from a file: its grid, its paths (replayed), where it came from.

    ``axes`` name its axes (``alpha``, ``beta`` on a plane; a grid export keeps its
    landscape's); ``marked`` are minima to mark; ``scale`` is the colour scale the file asks
    for (None: log for all-positive losses); ``square`` keeps one unit as long on both axes.
    """

    path: Path
    name: str
    alphas: np.ndarray
    betas: np.ndarray
    values: np.ndarray
    lanes: tuple[RecordedPath, ...] = ()
    details: str = ""
    quantity: str = "loss"
    info: dict[str, Any] = field(default_factory=dict)
    axes: tuple[str, str] = ("alpha", "beta")
    marked: tuple[Minimum, ...] = ()
    scale_hint: bool | None = None
    square: bool = False

    kind = "surface"
    live = False
    distance_label = "off plane"

    @property
    def axis_labels(self) -> tuple[str, str]:  # type: ignore[override]
        return self.axes

    @property
    def equal_aspect(self) -> bool:  # type: ignore[override]
        return self.square

    @property
    def minima(self) -> tuple[Minimum, ...]:
        return self.marked

    @property
    def box(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return ((float(self.alphas[0]), float(self.alphas[-1])),
                (float(self.betas[0]), float(self.betas[-1])))

    @property
    def log_scale(self) -> bool:
        """The file's scale, else log colours for losses that are all positive (not for
        accuracies)."""
        if self.scale_hint is not None:
            return self.scale_hint
        finite = self.values[np.isfinite(self.values)]
        return "acc" not in self.quantity and finite.size > 0 and bool(np.all(finite > 0))

    @property
    def missing(self) -> int:
        """How many grid points the file lacks (holes: NaN, ±inf, −1 in an ``.h5``)."""
        return int(np.count_nonzero(~np.isfinite(self.values)))

    def missing_text(self) -> str:
        """``"181 of 341 points missing"``, or "" when none is."""
        return f"{self.missing} of {self.values.size} points missing" if self.missing else ""

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
        if self.missing:
            parts.append(f"{self.missing_text()} (holes)")
        if self.details:
            parts.append(self.details)
        if self.lanes:
            parts.append(f"{len(self.lanes)} path{'s' if len(self.lanes) > 1 else ''}")
        return " · ".join(parts) + " (read-only)"


def load_surface_file(path: str | Path) -> SurfaceFileLandscape:
    """Read a surface NPZ or HDF5 file, told apart by content (its first bytes), not name.

    Raises
    ------
    LandscapeError
        A missing, unreadable or malformed file, one that holds no surface or whose every
        point is missing, or h5py missing for ``.h5``.
    """
    path = Path(path).expanduser()
    kind = file_kind(path)
    if kind == "h5" or (kind is None and path.suffix.lower() in H5_SUFFIXES):
        from landscape_app.core.surface_h5 import read_h5

        return _build(path, read_h5(path))
    if kind == "json":
        raise LandscapeError(f"{path}: a JSON file, not a surface; open it as a session "
                             "(File ▸ Open session…, or landscape-app gui FILE)")
    from landscape_app.core.surface_from_npz import read_npz

    return _build(path, read_npz(path))


def file_kind(path: Path) -> str | None:
    """``"h5"`` (an HDF5 signature), ``"npz"`` (a zip archive), ``"json"`` (text starting
    with ``{``) or None, from the first bytes of ``path``.

    Raises
    ------
    LandscapeError
        No such file, or one that cannot be read.
    """
    if not path.is_file():
        raise LandscapeError(f"{path}: no such file")
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as error:
        raise LandscapeError(f"{path}: cannot be read ({error.strerror or error})") from None
    # HDF5's superblock sits at 0, 512, 1024, 2048… (a user block may come first).
    if any(head[offset:offset + 8] == HDF5_SIGNATURE for offset in (0, 512, 1024, 2048)):
        return "h5"
    if head[:4] in ZIP_SIGNATURES:
        return "npz"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return "json"
    return None


def _build(path: Path, raw: RawSurface) -> SurfaceFileLandscape:
    alphas, betas, values = _axes_and_values(path, raw)
    return SurfaceFileLandscape(path, raw.name or path.stem, alphas, betas, values, raw.lanes,
                                raw.details, raw.quantity, raw.info, raw.axes, raw.minima,
                                raw.log_scale, raw.equal_aspect)


def _axis(path: Path, name: str, values: Any) -> np.ndarray:
    axis = numeric(path, name, values).ravel()
    if axis.size < 2:
        raise LandscapeError(f"{path}: a surface needs at least 2 × 2 grid points ({name} "
                             f"has {axis.size})")
    if not np.all(np.isfinite(axis)):
        raise LandscapeError(f"{path}: {name} holds non-finite coordinates")
    steps = np.diff(axis)
    if not (np.all(steps > 0) or np.all(steps < 0)):
        raise LandscapeError(f"{path}: {name} must increase or decrease throughout")
    return axis


def _axes_and_values(path: Path, raw: RawSurface) -> tuple[np.ndarray, ...]:
    """Checked coordinates (increasing: descending ones are flipped with their values) and
    values with every missing point (NaN, ±inf) as NaN."""
    x_name, y_name, value_name = raw.names
    alphas, betas = _axis(path, x_name, raw.alphas), _axis(path, y_name, raw.betas)
    values = numeric(path, value_name, raw.values)
    if values.size != alphas.size * betas.size:
        raise LandscapeError(f"{path}: {value_name} holds {values.size} values for a "
                             f"{alphas.size} × {betas.size} grid")
    values = values.reshape(betas.size, alphas.size).copy()
    if alphas[0] > alphas[-1]:
        alphas, values = alphas[::-1].copy(), values[:, ::-1].copy()
    if betas[0] > betas[-1]:
        betas, values = betas[::-1].copy(), values[::-1].copy()
    values[~np.isfinite(values)] = np.nan
    if np.isnan(values).all():
        raise LandscapeError(f"{path}: every one of its {values.size} points is missing "
                             "(NaN, inf or not computed): there is no surface to draw")
    return alphas, betas, values
