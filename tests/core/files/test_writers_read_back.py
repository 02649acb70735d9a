"""Every NPZ writer of the command line, its output read back by its kind's one reader
(:mod:`landscape_app.core.files`): ``surface``, ``seed-experiment``, ``surface
--model-file``, ``map`` and ``map --paths``. (The window's grid export and ``export
--surface`` are read back in tests/gui/test_export_dialog.py and tests/gui/test_export_cmd.py.)
"""

import numpy as np

from landscape_app.cli import main
from landscape_app.core.files import map_npz, surface_npz
from landscape_app.core.files.npz import load
from landscape_app.core.files.surface_npz import read_surface_npz
from landscape_app.core.surface_file import load_surface_file
from tests.core.usermodel.models import MLP_DROPOUT, write


def _is_surface(path, lanes: list[str]) -> surface_npz.SurfaceFile:
    """``path`` holds exactly the surface keys, named and versioned, and reads back."""
    loaded = load(path)
    assert (loaded.format, loaded.version) == (surface_npz.KIND.format, surface_npz.KIND.version)
    required = {name for name, key in surface_npz.KEYS.items() if key.required}
    assert set(loaded.arrays) == required  # a checkpoint plane's points: not on these planes
    read = read_surface_npz(path)
    assert list(read.arrays["lane_labels"]) == lanes and read.version == 1
    offsets = read.arrays["lane_offsets"]
    assert len(offsets) == len(lanes) + 1 and offsets[-1] == len(read.arrays["path_coords"])
    assert len(load_surface_file(path).lanes) == len(lanes)  # and the window replays them
    return read


def test_surface_is_read_back(tmp_path, capsys):
    out = tmp_path / "surface.npz"
    assert main(["surface", "--model", "moons", "--optimizer", "adam:lr=0.05", "--optimizer",
                 "sgd:lr=0.1", "--steps", "6", "--grid", "5", "--hidden", "4", "--samples",
                 "32", "--device", "cpu", "--out", str(out)]) == 0, capsys.readouterr().err
    read = _is_surface(out, ["adam:lr=0.05", "sgd:lr=0.1"])
    assert read.arrays["values"].shape == (5, 5) and str(read.arrays["method"]) == "pca"
    assert read.metadata["config"]["samples"] == 32


def test_seed_experiment_is_read_back(tmp_path, capsys):
    assert main(["seed-experiment", "--grid", "5", "--out", str(tmp_path)]) == 0, \
        capsys.readouterr().err
    read = _is_surface(tmp_path / "seed_experiment.npz",
                       ["Adam", "SLSQP", "PSO", "CMA-ES", "SA"])
    assert read.arrays["values"].shape == (5, 5)


def test_a_model_files_surface_is_read_back(tmp_path, capsys):
    out = tmp_path / "mlp.npz"
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    assert main(["surface", "--model-file", str(model_file), "--grid", "3", "--out",
                 str(out)]) == 0, capsys.readouterr().err
    read = _is_surface(out, [])  # random directions: no trajectory
    assert read.arrays["values"].shape == (3, 3) and read.metadata["kind"] == "usermodel"


def _map(tmp_path, capsys, *extra: str) -> map_npz.MapFile:
    out = tmp_path / "map.npz"
    assert main(["map", "--function", "himmelblau", "--optimizer", "sgd:lr=0.01", "--starts",
                 "4", "--steps", "20", "--device", "cpu", *extra, "--out", str(out)]) == 0, \
        capsys.readouterr().err
    loaded = load(out)
    assert (loaded.format, loaded.version) == (map_npz.KIND.format, map_npz.KIND.version)
    return map_npz.read_map_npz(out)


def test_a_map_is_read_back(tmp_path, capsys):
    read = _map(tmp_path, capsys)
    assert set(read.arrays) == set(map_npz.MAP_KEYS) and not read.has_paths
    assert read.kind == "starts" and read.arrays["loss"].shape == (4, 4)
    assert sum(read.metadata["counts"].values()) == 16


def test_a_map_with_paths_and_sharpness_is_read_back(tmp_path, capsys):
    read = _map(tmp_path, capsys, "--paths", "--thin", "5", "--color-by", "sharpness")
    assert set(read.arrays) == set(map_npz.KEYS) and read.has_paths
    assert read.arrays["sharpness"].shape == read.arrays["loss"].shape
    assert read.arrays["paths"].shape == (16, len(read.arrays["path_steps"]), 2)
    np.testing.assert_array_equal(read.arrays["path_status"], read.arrays["status"].ravel())
