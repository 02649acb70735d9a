"""The line kind (``surface --interpolate``): written and read back by its one module; a line
opened as a surface, or a surface as a line, is refused in one line."""

import numpy as np
import pytest

from landscape_app.core.errors import LandscapeError
from landscape_app.core.files.line_npz import KIND, read_line_npz, write_line_npz
from landscape_app.core.files.npz import load
from landscape_app.core.surface_from_npz import read_interpolation, read_npz


def test_a_line_round_trips(tmp_path):
    t, loss = np.linspace(-0.5, 1.5, 5), np.array([2.0, 1.0, np.nan, 1.5, 3.0])
    out = write_line_npz(tmp_path / "line.npz", t, loss, {"checkpoints": ["a.pt", "b.pt"]})
    assert load(out).format == KIND.format
    line = read_line_npz(out)
    np.testing.assert_array_equal(line.t, t)
    np.testing.assert_array_equal(line.loss, loss)
    assert line.metadata == {"checkpoints": ["a.pt", "b.pt"]} and line.version == 1
    assert read_interpolation(out)["labels"] == ["a.pt", "b.pt"]


def test_an_unversioned_line_reads_and_a_line_is_not_a_surface(tmp_path):
    old = tmp_path / "old.npz"
    np.savez(old, interp_t=np.array([0.0, 1.0]), interp_loss=np.array([1.0, 2.0]),
             metadata=np.array("{}"))
    assert read_line_npz(old).version == 1
    with pytest.raises(LandscapeError, match="a line, not a surface"):
        read_npz(old)


def test_a_surface_is_not_a_line(tmp_path):
    surface = tmp_path / "surface.npz"
    np.savez(surface, values=np.zeros((2, 2)), alphas=np.arange(2.0), betas=np.arange(2.0))
    assert read_interpolation(surface) is None
    with pytest.raises(LandscapeError, match="not a line file"):
        read_line_npz(surface)
