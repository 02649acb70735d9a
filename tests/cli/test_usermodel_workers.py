"""``surface --model-file --workers 2``: the same NPZ as one process; kills resume."""

from __future__ import annotations

import os
import time

import numpy as np

from landscape_app.cli import main
from tests.core.usermodel.models import CNN_EXAMPLE, MLP_DROPOUT, plain_loss, write

ARRAYS = ("values", "alphas", "betas", "origin", "d1", "d2", "initial_loss", "path_coords")


def test_two_workers_give_the_same_npz_as_one_process(tmp_path):
    common = ["surface", "--model-file", str(CNN_EXAMPLE), "--grid", "5", "--chunk", "4",
              "--seed", "3"]
    assert main([*common, "--out", str(tmp_path / "one.npz")]) == 0
    assert main([*common, "--workers", "2", "--out", str(tmp_path / "two.npz")]) == 0
    one, two = np.load(tmp_path / "one.npz"), np.load(tmp_path / "two.npz")
    assert set(one.files) == set(two.files)
    for key in ARRAYS:
        if key != "values":
            np.testing.assert_array_equal(one[key], two[key])  # decided once, handed over
    # The losses: this process evaluates with all threads, the workers with one each, so the
    # float32 sums may round in another order: at most ε(float32) × Σ fan-in × 4, the bound
    # PlaneLoss.tolerance derives (the weights, plane and chunks above are equal).
    bound = cnn_bound()
    np.testing.assert_allclose(two["values"], one["values"], rtol=bound, atol=bound)


def cnn_bound() -> float:
    """PlaneLoss.tolerance of the worked CNN in float32."""
    import torch

    from landscape_app.core.usermodel.contract import load_user_model
    from landscape_app.core.usermodel.evaluate import GROWTH

    model = load_user_model(str(CNN_EXAMPLE), torch.device("cpu")).model
    fan_in = sum(p.numel() // p.shape[0] for p in model.parameters() if p.ndim > 1)
    return float(torch.finfo(torch.float32).eps) * fan_in * GROWTH


def _processes_running(argument: str, seconds: float = 5.0) -> list[int]:
    """Pids of processes whose command line holds ``argument``, once none is left or after
    ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/cmdline", "rb") as handle:
                        if argument.encode() in handle.read():
                            pids.append(int(entry))
                except OSError:
                    continue
        if not pids or time.monotonic() > deadline:
            return pids
        time.sleep(0.1)  # polling for the condition


def test_killed_workers_resume_and_a_changed_grid_is_refused(tmp_path, capsys, killed_run):
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    out = tmp_path / "s.npz"
    command = ["surface", "--model-file", str(model_file), "--grid", "6", "--chunk", "1",
               "--workers", "2", "--out", str(out)]
    chunks = tmp_path / "s.work" / "chunks"
    done = killed_run(command, chunks, 4)
    assert _processes_running(str(model_file)) == []  # the workers died with their agent
    assert 4 <= done < 36 and not out.exists()

    assert main(["surface", "--model-file", str(model_file), "--grid", "7", "--chunk", "1",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "the grid (--grid) changed" in err and "--restart" in err
    assert len(list(chunks.glob("*.npy"))) == done  # nothing touched

    assert main(command) == 0  # the same command again (no slow model this time)
    data = np.load(out)
    assert not chunks.exists()
    origin, d1, d2 = data["origin"], data["d1"], data["d2"]
    expected = [[plain_loss(model_file, origin + a * d1 + b * d2) for a in data["alphas"]]
                for b in data["betas"]]
    np.testing.assert_allclose(data["values"], expected, rtol=2e-5)
