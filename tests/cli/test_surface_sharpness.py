"""``surface --sharpness``: λ_max along every lane in the surface NPZ, built-in networks and a
model file's ``--trajectory`` checkpoints (issue 25), read back and equal to the dense
Hessian's top eigenvalue at those points."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from landscape_app.cli import main
from landscape_app.core.catalogue.networks import NetworkConfig
from landscape_app.core.files.surface_npz import read_surface_npz
from landscape_app.core.nn import train_race
from landscape_app.core.nn.network_objective import build_network
from landscape_app.core.usermodel import SurfaceRequest, open_job
from landscape_app.core.usermodel.user_planes import DataSetLoss, checkpoint_vectors
from tests.core.rounding import EPS32
from tests.core.usermodel.models import MLP_DROPOUT, write

# Lanczos (full reorthogonalization) in float64 stops at residual 1e-8·‖H‖, and a Ritz value
# lies within its residual of an eigenvalue: 1e-6 of λ_max (the bound) holds with room.
NETWORK_RTOL = 1e-6
SPECS = ["sgd:lr=0.5", "adam:lr=0.01"]
STEPS, EVERY = 6, 2


def dense_top(evaluate, theta: torch.Tensor) -> float:
    return float(torch.linalg.eigvalsh(torch.autograd.functional.hessian(evaluate, theta))[-1])


def test_surface_npz_carries_each_lanes_sharpness_at_its_points(tmp_path, capsys):
    out = tmp_path / "sharp.npz"
    args = ["surface", "--model", "moons", "--hidden", "4", "--samples", "32", "--dtype",
            "float64", "--steps", str(STEPS), "--grid", "3", "--sharpness",
            "--sharpness-every", str(EVERY), "--device", "cpu", "--out", str(out)]
    for spec in SPECS:
        args += ["--optimizer", spec]
    assert main(args) == 0
    assert "sharpness" in capsys.readouterr().out  # the summary's last reading per lane
    arrays = read_surface_npz(out).arrays
    # the same race without the probe: measuring does not move the lanes
    config = NetworkConfig(model="moons", hidden=(4,), samples=32, dtype="float64")
    objective = build_network(config, "cpu")
    lanes = train_race(objective, SPECS, STEPS).lanes
    offsets = arrays["lane_offsets"]
    for k, lane in enumerate(lanes):
        rows = slice(offsets[k], offsets[k + 1])
        steps = arrays["path_steps"][rows]
        sharp = arrays["path_sharpness"][rows]
        threshold = arrays["path_sharpness_threshold"][rows]
        preconditioned = arrays["path_preconditioned_sharpness"][rows]
        measured = steps % EVERY == 0
        assert np.isnan(sharp[~measured]).all() and measured.sum() == STEPS // EVERY + 1
        for row in np.flatnonzero(measured):
            theta = objective.as_tensor(lane.trajectory[row])
            assert sharp[row] == pytest.approx(dense_top(objective.evaluate, theta),
                                               rel=NETWORK_RTOL)
        if k == 0:  # sgd: 2/η, no preconditioner
            np.testing.assert_array_equal(threshold[measured], 2 / 0.5)
            assert np.isnan(preconditioned).all()
        else:  # Adam: (2 + 2β₁)/((1 − β₁)η) = 38/η; P exists from its first step on
            np.testing.assert_allclose(threshold[measured], 38 / 0.01, rtol=1e-12)
            assert np.isnan(preconditioned[0])
            assert np.isfinite(preconditioned[measured][1:]).all()


def test_without_sharpness_the_npz_has_no_sharpness_keys(tmp_path):
    out = tmp_path / "plain.npz"
    assert main(["surface", "--model", "moons", "--hidden", "4", "--samples", "32", "--steps",
                 "3", "--grid", "3", "--device", "cpu", "--out", str(out)]) == 0
    assert not {key for key in read_surface_npz(out).arrays if "sharpness" in key}


@pytest.mark.parametrize("args, message", [
    (["--sharpness-every", "5"], "--sharpness-every needs --sharpness"),
    (["--sharpness", "--sharpness-every", "0"], "must be at least 1"),
])
def test_bad_sharpness_options_are_one_line(tmp_path, capsys, args, message):
    assert main(["surface", "--model", "moons", "--out", str(tmp_path / "x.npz"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def _trajectory(tmp_path, model_file, count=3):
    import importlib.util

    spec = importlib.util.spec_from_file_location("sharp_source", model_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    base = module.landscape_model()["model"].state_dict()
    torch.manual_seed(3)
    paths = []
    for step in range(count):
        path = tmp_path / f"ckpt_{step:03d}.pt"
        torch.save({k: v + 0.1 * step * torch.randn_like(v) for k, v in base.items()}, path)
        paths.append(str(path))
    return paths


def test_model_file_surface_carries_sharpness_at_the_trajectory_checkpoints(tmp_path):
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    paths = _trajectory(tmp_path, model_file)
    out = tmp_path / "pca.npz"
    assert main(["surface", "--model-file", str(model_file), "--directions", "pca",
                 "--trajectory", *paths, "--grid", "3", "--sharpness", "--out",
                 str(out)]) == 0
    arrays = read_surface_npz(out).arrays
    job = open_job(SurfaceRequest(str(model_file), directions="pca", trajectory=tuple(paths),
                                  resolution=3), tmp_path / "check.work")
    loss = DataSetLoss(job.user)
    points = checkpoint_vectors(job.user, paths)
    dense = [dense_top(loss.evaluate, loss.as_tensor(point)) for point in points]
    # float32: Lanczos stops at residual 64·eps32·‖H‖ (core/sharpness.tolerance); the dense
    # Hessian and the Hessian-vector products each round their sums of at most P + samples
    # (< 1000) float32 terms in their own order: ≤ 1000·eps32 relative to ‖H‖ between them.
    bound = (64 + 1000) * EPS32
    np.testing.assert_allclose(arrays["path_sharpness"], dense, rtol=bound)
    # the checkpoints do not say which optimizer trained them: no threshold
    assert np.isnan(arrays["path_sharpness_threshold"]).all()
    assert np.isnan(arrays["path_preconditioned_sharpness"]).all()


def test_model_file_sharpness_needs_a_trajectory(tmp_path, capsys):
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    assert main(["surface", "--model-file", str(model_file), "--sharpness", "--out",
                 str(tmp_path / "x.npz")]) == 2
    assert "--trajectory" in capsys.readouterr().err


def test_workers_are_asked_for_the_same_sharpness(tmp_path):
    """--workers K: rank 0 of the workers writes the NPZ, so its command carries --sharpness."""
    from landscape_app.cli import build_parser
    from landscape_app.cli.usermodel_cmd import worker_command

    parser = build_parser()
    args = parser.parse_args(["surface", "--model-file", "m.py", "--directions", "pca",
                              "--trajectory", "a.pt", "b.pt", "--sharpness",
                              "--sharpness-every", "3", "--workers", "2", "--out", "s.npz"])
    command = worker_command(args, str(tmp_path / "work"))
    worker = parser.parse_args(command[command.index("landscape_app") + 1:])
    assert (worker.sharpness, worker.sharpness_every) == (True, 3)
    assert worker.trajectory == ["a.pt", "b.pt"]
