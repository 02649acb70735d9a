"""tomgoldstein/loss-landscape ``.h5`` surfaces, read with h5py and checked before use.

Li et al.'s ``plot_surface.py`` writes ``xcoordinates``, ``ycoordinates`` and one grid per
quantity (``train_loss``, ``train_acc``, ``test_loss``, …; the first present of
:data:`H5_SURFACES` is shown). Its grid is filled with −1 before the crunch, each MPI rank
writing its share of the points as it goes, so an interrupted run leaves −1 in bands (one per
rank): those points are holes. The flat order of the grid is ``meshgrid(x, y)``'s (rows are
y), whatever shape the dataset declares. Its parser accepts descending coordinates
(``--x=1:-1:31``); :func:`landscape_app.core.surface_file.load_surface_file` flips them.

A file the reference code did not write (a group where a dataset belongs, a compound or text
dtype, a 3D grid) is refused with one line, never a traceback. Reading needs h5py
(``pip install 'landscape-app[h5]'``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from landscape_app.core.errors import LandscapeError
from landscape_app.core.surface_raw import RawSurface, numeric

#: The HDF5 grids shown, in order of preference.
H5_SURFACES = ("train_loss", "test_loss", "train_acc", "test_acc")
#: What the reference code's crunch fills points not computed yet with.
NOT_COMPUTED = -1.0


def read_h5(path: Path) -> RawSurface:
    """The surface of a loss-landscape ``.h5`` file (not yet checked for shape or holes).

    Raises
    ------
    LandscapeError
        h5py missing, a file that is not HDF5 or is malformed, or one with no 2D surface.
    """
    try:
        import h5py
    except ImportError:
        raise LandscapeError(f"{path}: opening .h5 surfaces needs h5py, which is not "
                             "installed (pip install 'landscape-app[h5]')") from None
    try:
        with h5py.File(path, "r") as handle:
            return _read(path, handle, h5py)
    except LandscapeError:
        raise
    except (OSError, KeyError, ValueError, TypeError, AttributeError, RuntimeError) as error:
        reason = (str(error).splitlines() or [type(error).__name__])[0]
        raise LandscapeError(f"{path}: not a readable HDF5 file ({reason})") from None


def _dataset(path: Path, handle, name: str, h5py) -> np.ndarray:
    """The numbers of dataset ``name``, or a :class:`LandscapeError` saying what it is."""
    item = handle.get(name)
    if not isinstance(item, h5py.Dataset):
        what = "a group" if isinstance(item, h5py.Group) else type(item).__name__
        raise LandscapeError(f"{path}: {name} is {what}, not a dataset of numbers")
    return numeric(path, name, item[()])


def _read(path: Path, handle, h5py) -> RawSurface:
    keys = set(handle.keys())
    if "xcoordinates" not in keys:
        raise LandscapeError(f"{path}: not a loss-landscape surface file (no xcoordinates)")
    if "ycoordinates" not in keys:
        raise LandscapeError(f"{path}: a 1D surface (no ycoordinates); the app shows 2D "
                             "surfaces")
    quantity = next((key for key in H5_SURFACES if key in keys), None)
    if quantity is None:
        raise LandscapeError(f"{path}: no surface in it (none of {', '.join(H5_SURFACES)})")
    x = _dataset(path, handle, "xcoordinates", h5py)
    y = _dataset(path, handle, "ycoordinates", h5py)
    values = _dataset(path, handle, quantity, h5py)
    if values.ndim != 2 or values.size != x.size * y.size:
        raise LandscapeError(f"{path}: {quantity} has shape {values.shape}; a {x.size} × "
                             f"{y.size} grid needs ({x.size}, {y.size})")
    values = np.where(values == NOT_COMPUTED, np.nan, values).ravel()
    others = sorted(keys & set(H5_SURFACES) - {quantity})
    details = "tomgoldstein/loss-landscape file"
    if others:
        details += f" (also holds {', '.join(others)})"
    return RawSurface(x, y, values, ("xcoordinates", "ycoordinates", quantity), path.stem,
                      details, quantity.replace("_", " "), {"source": "h5"})
