"""``surface --model-file --interpolate`` and ``--directions checkpoints`` from the command
line: the line equals independently blended weights; bad checkpoints are one line, exit 2; a
checkpoint plane on ``--workers 2`` equals one process's.

Expected values come from :func:`tests.core.usermodel.test_checkpoints.independent_loss` (the
model file imported afresh, ``load_state_dict``, the plain loop), compared for equality: the
app does the same IEEE operations in the same order.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from landscape_app.cli import main
from tests.core.usermodel.models import metadata, write
from tests.core.usermodel.test_checkpoints import (
    BN_MODEL,
    _blend,
    _checkpoints,
    _state,
    independent_loss,
)


def _interpolate(tmp_path, capsys, *extra) -> tuple[Path, list[Path], dict]:
    model_file = write(tmp_path, "bn_model.py", BN_MODEL)
    paths = _checkpoints(tmp_path, model_file)
    out = tmp_path / "line.npz"
    code = main(["surface", "--model-file", str(model_file), "--interpolate", str(paths[0]),
                 str(paths[1]), "--points", "5", "--t-range", "-0.5,1.5", "--device", "cpu",
                 "--out", str(out),
                 *extra])
    assert code == 0, capsys.readouterr().err
    with np.load(out) as data:
        return model_file, paths, {key: data[key] for key in data.files}


def test_interpolation_equals_independently_blended_weights(tmp_path, capsys):
    model_file, paths, line = _interpolate(tmp_path, capsys)
    assert np.array_equal(line["interp_t"], [-0.5, 0.0, 0.5, 1.0, 1.5])
    a, b = _state(paths[0]), _state(paths[1])
    for t, loss in zip(line["interp_t"], line["interp_loss"], strict=True):
        assert loss == independent_loss(model_file, _blend(a, b, float(t)))
    assert line["interp_loss"][1] == independent_loss(model_file, a)
    assert line["interp_loss"][3] == independent_loss(model_file, b)
    assert metadata(line)["bn_recompute"] is False
    assert main(["export", "--surface-file", str(tmp_path / "line.npz"), "--still",
                 str(tmp_path / "line.png")]) == 2
    assert "a line, not a surface" in capsys.readouterr().err


def test_interpolation_with_bn_recompute(tmp_path, capsys):
    model_file, paths, line = _interpolate(tmp_path, capsys, "--bn-recompute")
    a, b = _state(paths[0]), _state(paths[1])
    for t, loss in zip(line["interp_t"], line["interp_loss"], strict=True):
        assert loss == independent_loss(model_file, _blend(a, b, float(t)), recompute=True)
    assert "re-estimated" in metadata(line)["buffers"]


class Foreign:
    """Not a tensor: a pickle holding one needs this class's code to load."""


def _bad_files(folder: Path, good: Path) -> dict[str, tuple[Path, str]]:
    """Bad checkpoints and the words their one-line refusal must hold."""
    state = torch.load(good, weights_only=True)
    missing = {k: v for k, v in state.items() if k != "1.running_mean"}
    shaped = {**state, "0.weight": torch.zeros(8, 4)}
    unknown = {**state, "extra.weight": torch.zeros(2)}
    cases = {"missing": (missing, "has no '1.running_mean'"),
             "shape": (shaped, "'0.weight' has shape (8, 4), the model's is (8, 3)"),
             "unknown": (unknown, "'extra.weight'"),
             "list": ([1, 2, 3], "not a state dict"),
             "code": ({"w": Foreign()}, "wants code")}
    files = {}
    for name, (content, words) in cases.items():
        torch.save(content, folder / f"{name}.pt")
        files[name] = (folder / f"{name}.pt", words)
    (folder / "text.pt").write_text("not a checkpoint\n")
    files["text"] = (folder / "text.pt", "not a readable torch checkpoint")
    return files


def test_bad_checkpoints_are_one_line_and_exit_2(tmp_path, capsys):
    model_file = write(tmp_path, "bn_model.py", BN_MODEL)
    a, b, c = _checkpoints(tmp_path, model_file)
    out = str(tmp_path / "x.npz")
    for name, (path, words) in _bad_files(tmp_path, a).items():
        for arguments in (["--directions", "checkpoints", "--checkpoints", str(a), str(path),
                           str(c), "--grid", "3"],
                          ["--interpolate", str(path), str(b), "--points", "3"]):
            code = main(["surface", "--model-file", str(model_file), *arguments, "--out", out])
            err = capsys.readouterr().err.strip()
            assert code == 2, (name, err)
            assert len(err.splitlines()) == 1 and words in err and str(path) in err, (name, err)
    assert not Path(out).exists()


def test_checkpoint_options_are_checked(tmp_path, capsys):
    model_file = write(tmp_path, "bn_model.py", BN_MODEL)
    a, b, c = _checkpoints(tmp_path, model_file)
    out = str(tmp_path / "x.npz")
    for arguments, words in (
            (["--directions", "checkpoints", "--checkpoints", str(a), str(b)], "three"),
            (["--checkpoints", str(a), str(b), str(c)], "add --directions checkpoints"),
            (["--bn-recompute"], "--bn-recompute applies"),
            (["--interpolate", str(a), str(b), "--t-range", "1,0"], "--t-range"),
            (["--interpolate", str(a), str(b), "--workers", "2"], "one process")):
        assert main(["surface", "--model-file", str(model_file), *arguments, "--out", out]) == 2
        assert words in capsys.readouterr().err
    assert main(["surface", "--directions", "checkpoints", "--out", out]) == 2
    assert "needs --model-file" in capsys.readouterr().err


def test_checkpoint_plane_on_two_workers_equals_one_process(tmp_path, capsys):
    """The launching process loads the checkpoints and decides (origin θ_A with A's buffers,
    the parameter and buffer directions); the torchrun workers take the decision over."""
    import os
    import subprocess
    import sys

    from tests.core.usermodel.models import REPO

    model_file = write(tmp_path, "bn_model.py", BN_MODEL)
    paths = list(map(str, _checkpoints(tmp_path, model_file)))
    common = ["surface", "--model-file", str(model_file), "--directions", "checkpoints",
              "--checkpoints", *paths, "--grid", "3", "--range", "-1,1,-1,1", "--chunk", "2",
              "--device", "cpu"]
    assert main([*common, "--out", str(tmp_path / "one.npz")]) == 0
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "landscape_app", *common, "--workers", "2",
                           "--out", str(tmp_path / "two.npz")], env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    with np.load(tmp_path / "one.npz") as one, np.load(tmp_path / "two.npz") as two:
        assert np.array_equal(one["values"], two["values"], equal_nan=True)
        assert metadata(two)["processes"] == 2
        assert np.array_equal(two["points"], [[0, 0], [1, 0], [0, 1]])
        assert two["values"][1, 2] == independent_loss(model_file, _state(Path(paths[1])))
