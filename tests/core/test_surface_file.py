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
