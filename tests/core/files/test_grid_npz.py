"""A 2D loss grid's NPZ (:mod:`landscape_app.core.files.grid_npz`), written from a real grid
and read back by its one reader."""

import numpy as np
import pytest

from landscape_app.core.atomic import ExportError
from landscape_app.core.errors import LandscapeError
from landscape_app.core.files.grid_npz import KEYS, read_grid_npz, write_grid_npz
from landscape_app.core.functions import get_function
from landscape_app.core.grid import evaluate_grid


def test_grid_npz_round_trip(tmp_path):
    objective = get_function("rosenbrock")
    grid = evaluate_grid(objective, (-2, 2), (-1, 3), 21)
    metadata = {"function": "rosenbrock", "log_scale": True, "minima": [[1.0, 1.0]]}
    path = write_grid_npz(tmp_path / "surface.npz", grid, metadata)
    with np.load(path, allow_pickle=False) as data:
        assert set(data.files) == {*KEYS, "format", "version"}
        assert data["values"].shape == (21, 21)
    read = read_grid_npz(path)
    assert np.array_equal(read.grid.values, grid.values)
    assert np.array_equal(read.grid.xs, grid.xs) and np.array_equal(read.grid.ys, grid.ys)
    assert read.metadata == metadata and read.version == 1
    with pytest.raises(ExportError, match="plain JSON"):
        write_grid_npz(tmp_path / "bad.npz", grid, {"when": object()})
    with pytest.raises(ExportError, match="must end in .npz"):
        write_grid_npz(tmp_path / "grid.txt", grid)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["surface.npz"]


def test_a_surface_is_not_a_grid(tmp_path):
    path = tmp_path / "old.npz"
    np.savez(path, xs=np.arange(3.0), ys=np.arange(2.0), values=np.ones((2, 3)),
             alphas=np.arange(3.0))
    with pytest.raises(LandscapeError, match="not a grid file \\(a surface's alphas\\)"):
        read_grid_npz(path)
    np.savez(path, xs=np.arange(3.0))
    with pytest.raises(LandscapeError, match="not a grid file \\(no ys, values\\)"):
        read_grid_npz(path)
