"""``surface --model-file --workers 2``: the same NPZ as one process; kills resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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


def _wait_for_group_gone(group: int, seconds: float = 10.0) -> None:
    """Wait until the killed command's processes are gone (torchrun's agent among them)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)  # polling for the condition (no Qt here to wait on)


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


def _settled_count(chunks, seconds: float = 1.0) -> int:
    """The number of chunk files once it has not changed for ``seconds``: torchrun's workers
    live in sessions of their own and die with their agent (die_with_parent), a worker
    inside a system call (a chunk's rename) finishing it first."""
    count, since = len(list(chunks.glob("*.npy"))), time.monotonic()
    while time.monotonic() - since < seconds:
        time.sleep(0.1)  # the condition is a quiet second: no new chunk file
        now = len(list(chunks.glob("*.npy")))
        if now != count:
            count, since = now, time.monotonic()
    return count


def test_killed_workers_resume_and_a_changed_grid_is_refused(tmp_path, capsys):
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    out = tmp_path / "s.npz"
    command = [sys.executable, "-m", "landscape_app", "surface", "--model-file",
               str(model_file), "--grid", "6", "--chunk", "1", "--workers", "2",
               "--out", str(out)]
    chunks = tmp_path / "s.work" / "chunks"
    env = {**os.environ, "SLOW_TEST_MODEL": "1"}
    process = subprocess.Popen(command, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and len(list(chunks.glob("*.npy"))) < 4:
            assert process.poll() is None, "the run ended before it could be killed"
            time.sleep(0.05)  # polling for the condition: four chunks on disk
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        _wait_for_group_gone(process.pid)
    done = _settled_count(chunks)
    assert _processes_running(str(model_file)) == []  # the workers died with their agent
    assert 4 <= done < 36 and not out.exists()

    assert main(["surface", "--model-file", str(model_file), "--grid", "7", "--chunk", "1",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "the grid (--grid) changed" in err and "--restart" in err
    assert len(list(chunks.glob("*.npy"))) == done  # nothing touched

    assert main(command[3:]) == 0  # the same command again (no slow model this time)
    data = np.load(out)
    assert not chunks.exists()
    origin, d1, d2 = data["origin"], data["d1"], data["d2"]
    expected = [[plain_loss(model_file, origin + a * d1 + b * d2) for a in data["alphas"]]
                for b in data["betas"]]
    np.testing.assert_allclose(data["values"], expected, rtol=2e-5)
