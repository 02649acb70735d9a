"""``map --model-file``: the built-in sweeps' NPZ, --workers 2 equal to one process, a killed
run resumed to the same values, and bad input answered in one line with exit status 2.

Runs compare in float64: the processes of --workers train with one thread each and this one
with all, so sums round in another order; in float64 a cell's loss after 6 steps of this small
model moves by at most ε64 × Σ fan-in × a growth of a few per step (≈ 2.2e-16 × 70 × 4⁶ ≈
6e-11), below the 1e-10 the map is held to.
"""

from __future__ import annotations

import numpy as np
import pytest

from landscape_app.cli import main
from landscape_app.core.files.map_npz import MAP_KEYS, read_map_npz
from tests.core.usermodel.models import MLP_DROPOUT, write

RTOL = 1e-10


def _command(model_file, out, *extra):
    return ["map", "--model-file", str(model_file), "--optimizer", "momentum",
            "--sweep", "lr=0.01:1:log", "--sweep", "momentum=0:0.9", "--res", "4",
            "--steps", "6", "--dtype", "float64", "--device", "cpu", "--chunk", "2",
            "--out", str(out), *extra]


def test_the_npz_has_the_built_in_keys_and_two_workers_equal_one(tmp_path, capsys):
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    one, two = tmp_path / "one.npz", tmp_path / "two.npz"
    assert main(_command(model_file, one, "--png", str(tmp_path / "one.png"))) == 0
    printed = capsys.readouterr().out
    assert "map: 4x4 cells x 6 steps of momentum" in printed and "wrote" in printed
    assert (tmp_path / "one.png").stat().st_size > 0
    assert not (tmp_path / "one.work").exists()
    loaded = read_map_npz(one)
    assert set(MAP_KEYS) <= set(loaded.arrays) and loaded.kind == "sweep"
    assert loaded.arrays["loss"].shape == (4, 4)
    np.testing.assert_allclose(loaded.arrays["axis0"], np.geomspace(0.01, 1, 4))
    assert loaded.metadata["axis_names"] == ["lr", "momentum"]
    assert "torch.manual_seed(0)" in loaded.metadata["seeding"]

    assert main([*_command(model_file, two), "--workers", "2"]) == 0
    other = read_map_npz(two)
    assert other.metadata["processes"] == 2
    np.testing.assert_array_equal(other.arrays["status"], loaded.arrays["status"])
    np.testing.assert_allclose(other.arrays["loss"], loaded.arrays["loss"], rtol=RTOL)


def test_a_killed_map_resumes_to_the_same_values(tmp_path, killed_run):
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    out, fresh = tmp_path / "m.npz", tmp_path / "fresh.npz"
    done = killed_run(_command(model_file, out), tmp_path / "m.work" / "chunks", 2)
    assert 2 <= done < 8 and not out.exists()
    assert main(_command(model_file, out)) == 0  # the same command again
    assert main(_command(model_file, fresh)) == 0  # and a run from scratch
    resumed, whole = read_map_npz(out).arrays, read_map_npz(fresh).arrays
    np.testing.assert_array_equal(resumed["status"], whole["status"])
    np.testing.assert_allclose(resumed["loss"], whole["loss"], rtol=RTOL)


@pytest.mark.parametrize(("change", "message"), [
    ({"--sweep": "colour=0:1"}, "colour"),
    ({"--sweep": "batch_size=4:64:log"}, "batch_size: a model file's map"),
    ({"--optimizer": "lbfgs"}, "lbfgs cannot map a model file"),
    ({"--optimizer": "sgd:schedule=cosine"}, "constant"),
    ({"--model-file": "missing.py"}, "no such file"),
    ({"--model-file": "raises.py"}, "calling it raised RuntimeError: no data"),
    ({"--res": "1"}, "--res"),
])
def test_bad_sweeps_and_model_files_are_one_line_and_exit_2(tmp_path, capsys, change,
                                                            message):
    write(tmp_path, "raises.py", "def landscape_model():\n    raise RuntimeError('no data')\n")
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    arguments = _command(model_file, tmp_path / "m.npz")
    for option, value in change.items():
        index = arguments.index(option)
        arguments[index + 1] = (str(tmp_path / value) if option == "--model-file" else value)
    assert main(arguments) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert not (tmp_path / "m.npz").exists()


def test_options_of_a_model_file_map_need_one(capsys):
    assert main(["map", "--function", "himmelblau", "--starts", "4", "--workers", "2"]) == 2
    assert "--workers needs --model-file" in capsys.readouterr().err
