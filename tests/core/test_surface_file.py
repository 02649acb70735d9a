"""Surface files as recorded landscapes: the app's NPZ (built-in and model-file surfaces) and
tomgoldstein/loss-landscape HDF5 files."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from landscape_app.cli import main
from landscape_app.core.errors import LandscapeError
from landscape_app.core.surface_file import load_surface_file
from landscape_app.engine.steppers import ReplayStepper
from landscape_app.engine.traces import COLUMN
from tests.core.malformed_h5 import malformed_h5


def builtin_npz(tmp_path):
    out = tmp_path / "builtin.npz"
    assert main(["surface", "--model", "moons", "--optimizer", "adam:lr=0.05", "--optimizer",
                 "sgd:lr=0.1", "--steps", "10", "--grid", "6", "--hidden", "4", "--samples",
                 "32", "--out", str(out)]) == 0
    return out


def test_a_builtin_surface_npz_opens_with_its_paths_replayable(tmp_path):
    out = builtin_npz(tmp_path)
    data = np.load(out)
    land = load_surface_file(out)
    assert not land.live and land.kind == "surface"
    grid = land.grid()
    np.testing.assert_array_equal(grid.values, data["values"])
    np.testing.assert_array_equal(grid.xs, data["alphas"])
    assert land.box == ((data["alphas"][0], data["alphas"][-1]),
                        (data["betas"][0], data["betas"][-1]))
    assert [lane.label for lane in land.lanes] == ["adam:lr=0.05", "sgd:lr=0.1"]
    offsets = data["lane_offsets"]
    np.testing.assert_array_equal(land.lanes[1].coords,
                                  data["path_coords"][offsets[1]:offsets[2]])
    stepper = ReplayStepper(land.lanes)
    chunks = stepper.start() + stepper.advance(1000)
    assert stepper.done
    replayed = np.concatenate([c.rows for c in chunks if c.index == 0])
    xy = slice(COLUMN["x"], COLUMN["y"] + 1)
    np.testing.assert_array_equal(replayed[:, xy], land.lanes[0].coords)
    assert "read-only" in land.summary()


def test_an_h5_surface_of_loss_landscape_opens(tmp_path):
    h5py = pytest.importorskip("h5py")
    x, y = np.linspace(-1, 1, 5), np.linspace(-0.5, 0.5, 3)
    xx, yy = np.meshgrid(x, y)
    loss = (xx**2 + 2 * yy**2 + 0.1).ravel()
    loss[4] = -1  # a point their crunch had not computed yet
    path = tmp_path / "model.h5_[-1.0,1.0,5]x[-0.5,0.5,3].h5"
    with h5py.File(path, "w") as handle:
        handle["xcoordinates"], handle["ycoordinates"] = x, y
        handle["train_loss"] = loss.reshape(len(x), len(y))  # their shape: (len x, len y)
        handle["train_acc"] = np.full((len(x), len(y)), 90.0)
        handle["dir_file"] = "model.h5"
    land = load_surface_file(path)
    grid = land.grid()
    assert grid.values.shape == (3, 5) and land.quantity == "train loss"
    assert np.isnan(grid.values[0, 4])
    assert grid.values[2, 0] == pytest.approx(1 + 2 * 0.25 + 0.1)
    assert land.log_scale and land.lanes == ()
    assert "train_acc" in land.summary()


def test_h5_without_h5py_is_a_clear_message(tmp_path, monkeypatch):
    path = tmp_path / "s.h5"
    path.write_bytes(b"not really")
    monkeypatch.setitem(sys.modules, "h5py", None)  # as if it were not installed
    with pytest.raises(LandscapeError, match="needs h5py.*landscape-app\\[h5\\]"):
        load_surface_file(path)


@pytest.mark.parametrize("content, message", [
    (None, "no such file"), (b"garbage", "not a readable NPZ"),
])
def test_unreadable_files_are_refused(tmp_path, content, message):
    path = tmp_path / "s.npz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(LandscapeError, match=message):
        load_surface_file(path)


def test_an_npz_without_a_surface_is_refused(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, something=np.zeros(3))
    with pytest.raises(LandscapeError, match="not a surface file"):
        load_surface_file(path)


MARKED_MODEL = '''
import pathlib
import torch
from torch import nn
with pathlib.Path(__file__).with_suffix(".imported").open("a") as marker:
    marker.write("imported\\n")

def landscape_model():
    torch.manual_seed(0)
    x = torch.randn(16, 2)
    return {"model": nn.Linear(2, 2), "data": (x, (x[:, 0] > 0).long()),
            "loss": lambda out, y: torch.where(out[0, 0] > 0.3, torch.tensor(float("nan")),
                                               nn.functional.cross_entropy(out, y))}
'''


def test_a_model_file_surface_opens_without_importing_the_model_file(tmp_path, capsys):
    model_file = tmp_path / "marked.py"
    model_file.write_text(MARKED_MODEL)
    out = tmp_path / "mine.npz"
    assert main(["surface", "--model-file", str(model_file), "--grid", "5", "--range",
                 "-3,3,-3,3", "--out", str(out)]) == 0
    marker = model_file.with_suffix(".imported")
    assert marker.read_text() == "imported\n"  # the command ran it, once
    marker.unlink()
    land = load_surface_file(out)
    assert not marker.exists()  # opening the surface never imports the model file
    assert land.name.startswith("marked.py:landscape_model") and land.lanes == ()
    values = land.grid().values
    np.testing.assert_array_equal(values, np.load(out)["values"])
    assert np.isnan(values).any() and np.isfinite(values).any()  # holes, kept as NaN
    assert "non-finite" in capsys.readouterr().err


# -- holes, malformed files, descending coordinates, kinds told by content ------------------
#: An interrupted 2-rank crunch of a 31 × 11 grid: each rank left its last points at −1.
BAND_GRID = (31, 11)
BANDS = ((80, 171), (251, 341))  # flat indices not computed: 91 + 90 = 181 of 341


def write_h5(path, x, y, loss, **extra):
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w") as handle:
        handle["xcoordinates"], handle["ycoordinates"] = x, y
        handle["train_loss"] = loss
        for key, value in extra.items():
            handle[key] = value
    return path


def banded_h5(path):
    """What Li et al.'s crunch leaves when killed: −1 in a band per rank."""
    x, y = np.linspace(-1, 1, BAND_GRID[0]), np.linspace(-1, 1, BAND_GRID[1])
    xx, yy = np.meshgrid(x, y)
    loss = (xx**2 + yy**2 + 0.5).ravel()
    for begin, end in BANDS:
        loss[begin:end] = -1
    return write_h5(path, x, y, loss.reshape(len(x), len(y)))


def test_the_points_an_interrupted_h5_run_lacks_are_holes_and_counted(tmp_path):
    land = load_surface_file(banded_h5(tmp_path / "run.h5"))
    values = land.grid().values
    flat = values.ravel()
    for begin, end in BANDS:
        assert np.isnan(flat[begin:end]).all()
    assert np.isfinite(flat[:80]).all() and np.isfinite(flat[171:251]).all()
    assert land.missing == 181 and values.size == 341
    assert "181 of 341 points missing" in land.summary()
    assert land.log_scale  # the scale comes from the points present, never from the holes


def test_nan_and_inf_in_an_npz_are_holes(tmp_path):
    path = tmp_path / "s.npz"
    values = np.arange(12, dtype=float).reshape(3, 4) + 1
    values[0, 0], values[1, 2], values[2, 3] = np.nan, np.inf, -np.inf
    np.savez(path, alphas=np.arange(4.0), betas=np.arange(3.0), values=values)
    land = load_surface_file(path)
    assert np.isnan(land.values).sum() == 3 and land.missing == 3
    assert land.missing_text() == "3 of 12 points missing"


def test_descending_coordinates_are_flipped_with_their_values(tmp_path):
    x, y = np.linspace(1, -1, 5), np.linspace(0.5, -0.5, 3)  # their --x=1:-1:5
    xx, yy = np.meshgrid(x, y)
    loss = 3 * xx + yy + 10
    land = load_surface_file(write_h5(tmp_path / "down.h5", x, y, loss.reshape(5, 3)))
    np.testing.assert_array_equal(land.alphas, x[::-1])
    np.testing.assert_array_equal(land.betas, y[::-1])
    gx, gy = np.meshgrid(land.alphas, land.betas)
    np.testing.assert_array_equal(land.values, 3 * gx + gy + 10)  # each value at its point
    assert land.box == ((-1.0, 1.0), (-0.5, 0.5))


@pytest.mark.parametrize("case, message", [
    ("group", "train_loss is a group"),
    ("compound", "train_loss holds .* values, not numbers"),
    ("text", "xcoordinates holds .* values, not numbers"),
    ("shape", "train_loss has shape \\(7,\\)"),
    ("3d", "train_loss has shape \\(4, 3, 2\\)"),
    ("all missing", "every one of its 12 points is missing"),
    ("unsorted", "xcoordinates must increase or decrease"),
    ("coordinate group", "ycoordinates is a group"),
])
def test_a_malformed_h5_is_refused_with_one_line(tmp_path, case, message):
    path = malformed_h5(tmp_path / "bad.h5", case)
    with pytest.raises(LandscapeError, match=message) as caught:
        load_surface_file(path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("values, message", [
    (np.full((3, 4), np.nan), "every one of its 12 points is missing"),
    (np.array([["a"] * 4] * 3), "values holds <U1 values, not numbers"),
    (np.zeros((2, 4)), "values holds 8 values for a 4 × 3 grid"),
])
def test_a_malformed_npz_is_refused(tmp_path, values, message):
    path = tmp_path / "bad.npz"
    np.savez(path, alphas=np.arange(4.0), betas=np.arange(3.0), values=values)
    with pytest.raises(LandscapeError, match=message):
        load_surface_file(path)


def test_files_are_told_apart_by_content_not_name(tmp_path):
    h5_named_npz = banded_h5(tmp_path / "really-h5.npz")
    assert load_surface_file(h5_named_npz).info["source"] == "h5"
    npz_named_h5 = tmp_path / "really-npz.h5"
    with npz_named_h5.open("wb") as handle:
        np.savez(handle, alphas=np.arange(3.0), betas=np.arange(2.0), values=np.ones((2, 3)))
    assert load_surface_file(npz_named_h5).info["source"] == "npz"
    session = tmp_path / "s.npz"
    session.write_text('{"format": "landscape-app-session"}')
    with pytest.raises(LandscapeError, match="a JSON file, not a surface"):
        load_surface_file(session)


def test_the_windows_grid_export_opens_as_a_surface(tmp_path):
    from landscape_app.core.files.grid_npz import write_grid_npz
    from landscape_app.core.grid import Grid2D

    xs, ys = np.linspace(-2, 2, 9), np.linspace(-1, 3, 7)
    values = np.add.outer(ys, xs) ** 2
    values[3, 4] = np.nan
    path = write_grid_npz(tmp_path / "grid.npz", Grid2D(xs, ys, values),
                          {"kind": "function", "landscape": "Rosenbrock", "log_scale": True,
                           "minima": [[1.0, 1.0]], "axes": ["x", "y"], "title": "A race"})
    land = load_surface_file(path)
    np.testing.assert_array_equal(land.values, values)
    assert land.name == "A race" and land.axis_labels == ("x", "y")
    assert [m.position for m in land.minima] == [(1.0, 1.0)]
    assert land.log_scale and land.equal_aspect and land.missing == 1
