"""``landscape-app surface`` and ``landscape-app seed-experiment`` end to end (in-process)."""

import json

import numpy as np
import pytest
import torch

from landscape_app.cli import main
from landscape_app.core.catalogue.networks import ACTIVATION_IDS
from landscape_app.core.device import pick_device
from landscape_app.core.nn import ACTIVATIONS

NPZ_KEYS = {
    "values", "alphas", "betas", "origin", "d1", "d2", "method", "explained_variance",
    "eigenvalues", "device", "seconds", "initial_loss", "origin_label", "lane_labels",
    "lane_specs", "lane_status", "lane_messages", "lane_offsets", "path_steps", "path_evals",
    "path_coords", "path_losses", "path_plane_losses", "path_distances", "interp_ts",
    "interp_losses", "metadata", "format", "version",
}


def test_every_catalogued_activation_is_built():
    assert tuple(ACTIVATIONS) == ACTIVATION_IDS


def test_surface_writes_a_valid_npz_with_the_documented_keys(tmp_path, capsys):
    out = tmp_path / "surface.npz"
    code = main(["surface", "--model", "moons", "--optimizer", "adam:lr=0.05", "--optimizer",
                 "sgd:lr=0.1", "--steps", "12", "--directions", "pca", "--grid", "9",
                 "--device", "auto", "--hidden", "4", "--samples", "32", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr()
    assert "PCA plane" in printed.out and f"wrote {out}" in printed.out
    assert printed.err == ""  # no progress bar when stderr is not a terminal
    data = np.load(out)
    assert set(data.files) == NPZ_KEYS
    assert data["values"].shape == (9, 9)
    # auto: whatever this machine chose for float32 (CPU here, CUDA (…) on a GPU machine)
    chosen = pick_device("auto", torch.float32).description
    assert str(data["method"]) == "pca" and str(data["device"]) == chosen
    assert f"device: {chosen}" in printed.out
    assert list(data["lane_labels"]) == ["adam:lr=0.05", "sgd:lr=0.1"]
    offsets = data["lane_offsets"]
    assert offsets.tolist() == [0, 13, 26]
    assert data["path_coords"].shape == (26, 2) and data["path_distances"].shape == (26,)
    assert np.all(np.isfinite(data["explained_variance"]))
    assert data["interp_losses"].shape == (2, len(data["interp_ts"]))
    assert json.loads(str(data["metadata"]))["config"]["model"] == "moons"
    assert [p.name for p in tmp_path.iterdir()] == ["surface.npz"]  # no temporary left


@pytest.mark.parametrize("arguments, fragment", [
    (["--model", "mnist"], "unknown network model 'mnist'"),
    (["--grid", "5000"], "too large"),
    (["--hidden", "16,x"], "--hidden '16,x'"),
    (["--optimizer", "bogus"], "unknown optimizer 'bogus'"),
    (["--out", "/nonexistent-folder/s.npz"], "does not exist"),
    (["--out", "surface.txt"], "must end in .npz"),
    (["--steps", "0"], "--steps 0"),
    (["--plane-lane", "2"], "--plane-lane 2"),
])
def test_bad_input_gives_one_line_and_exit_2(arguments, fragment, capsys):
    code = main(["surface", "--grid", "5", "--steps", "2", *arguments])
    err = capsys.readouterr().err
    assert code == 2
    assert fragment in err and err.count("\n") == 1


def test_seed_experiment_prints_both_tables_and_writes_its_files(tmp_path, capsys):
    assert main(["seed-experiment", "--grid", "5", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for name in ("Adam", "SLSQP", "PSO", "CMA-ES", "SA"):
        assert name in out
    assert "91.856" in out and "307,090" in out
    data = np.load(tmp_path / "seed_experiment.npz")
    assert data["values"].shape == (5, 5) and list(data["lane_labels"])[0] == "Adam"
    runs = json.loads((tmp_path / "seed_experiment.json").read_text())
    assert [row["method"] for row in runs["table"]] == ["Adam", "SLSQP", "PSO", "CMA-ES", "SA"]
    assert round(runs["table"][0]["app"], 3) == 91.856
    assert main(["seed-experiment", "--out", str(tmp_path / "x.txt")]) == 2
