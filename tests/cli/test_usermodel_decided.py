"""``surface --model-file --workers 2`` on a model file that computes its own weights.

One process decides the origin weights and buffers, the plane and the data's digest; the
torchrun workers take them over, whatever their thread count gives them; a worker whose data
differ is refused, naming what differs. Real torchrun processes and gloo groups throughout.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from tests.core.usermodel.models import (
    MLP_DROPOUT,
    RANK_DATA,
    REPO,
    SELF_TRAINING,
    UNSEEDED,
    metadata,
    plain_loss,
    write,
)

#: Grid values against a plain per-point evaluation in float32: both sum the same terms in
#: other orders (vmap, threads). A float32 sum of n terms in another order differs by at most
#: n·ε relative (growth factor 1: terms of like size); the longest sums here are a Linear
#: layer's 16 and 64 products and a batch mean of 512 losses: (16 + 64 + 512)·ε ≈ 7.1e-5.
RTOL = (16 + 64 + 512) * float(np.finfo(np.float32).eps)


def _env(threads: str | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("OMP_NUM_THREADS", None)
    if threads is not None:
        env["OMP_NUM_THREADS"] = threads
    return env


def _surface(model_file, out, *extra, threads: str | None = None, launcher=()):
    command = [sys.executable, *launcher, "-m", "landscape_app", "surface", "--model-file",
               str(model_file), "--grid", "3", "--chunk", "3", "--out", str(out), *extra]
    return subprocess.run(command, env=_env(threads), capture_output=True, text=True,
                          timeout=600, check=False)


def _default_threads() -> str:
    """Torch's thread count in a process without OMP_NUM_THREADS (this one may have it)."""
    return subprocess.run([sys.executable, "-c", "import torch; print(torch.get_num_threads())"],
                          env=_env(None), capture_output=True, text=True, check=True).stdout


def _check_values(model_file, data, threads: str | None = None) -> None:
    """Every value against :func:`plain_loss`, which imports the model file here with the
    deciding process's thread count: its BatchNorm statistics are then the decided ones. (Five
    Adam steps amplify a last-bit difference: a first step is ±lr whatever the gradient's size,
    so statistics trained with another thread count differ by ~1e-3 — what a worker keeping
    its own buffers would give.)"""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(int(threads or _default_threads()))
    try:
        origin, d1, d2 = data["origin"], data["d1"], data["d2"]
        expected = [[plain_loss(model_file, origin + a * d1 + b * d2) for a in data["alphas"]]
                    for b in data["betas"]]
    finally:
        torch.set_num_threads(before)
    np.testing.assert_allclose(data["values"], expected, rtol=RTOL)


@pytest.mark.parametrize("threads", [None, "1", "2"], ids=["threads-unset", "1", "2"])
def test_a_model_file_that_trains_itself_runs_on_two_workers(tmp_path, threads):
    """The parent's OMP_NUM_THREADS: unset (all cores; each worker gets one), 1, 2."""
    model_file = write(tmp_path, "selftrain.py", SELF_TRAINING)
    out = tmp_path / "s.npz"
    done = _surface(model_file, out, "--workers", "2", threads=threads)
    assert done.returncode == 0, done.stderr
    assert "note:" not in done.stderr  # rank 0 took the decision over; it did not re-decide
    data = np.load(out)
    assert metadata(data)["processes"] == 2
    _check_values(model_file, data, threads)
    assert not (tmp_path / "s.work").exists()


def test_a_resumed_run_keeps_the_weights_it_started_with(tmp_path):
    """A partial run in this process; the rerun's model file gives other weights (unseeded:
    every process differs): the work directory's weights are the run's, and it says so."""
    import torch

    from landscape_app.core.usermodel import SurfaceRequest, open_job

    model_file = write(tmp_path, "unseeded.py", UNSEEDED)
    work = tmp_path / "s.work"
    started = open_job(SurfaceRequest(str(model_file), resolution=3, chunk=3), work)
    started.compute([0])
    out = tmp_path / "s.npz"
    done = _surface(model_file, out, "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert "the run goes on with the weights it started with" in done.stderr
    data = np.load(out)
    np.testing.assert_array_equal(data["origin"], started.plane.origin)
    np.testing.assert_array_equal(data["d1"], started.plane.d1)
    np.testing.assert_array_equal(data["values"][0], started.computed[0])  # chunk 0 kept
    assert float(data["initial_loss"]) == started.initial_loss
    _check_values(model_file, data, str(torch.get_num_threads()))  # as it started here


def test_data_that_differ_between_workers_are_refused_naming_what_differs(tmp_path):
    model_file = write(tmp_path, "rankdata.py", RANK_DATA)
    out = tmp_path / "r.npz"
    done = _surface(model_file, out, "--workers", "2")
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert "rankdata.py" in last and "rank 1's data differ from the launching process's" in last
    assert "batch 1's inputs hash" in last and "250 vs 256 samples" in last, last
    assert not out.exists()


def test_under_torchrun_rank_0_decides_and_names_a_rank_whose_data_differ(tmp_path):
    model_file = write(tmp_path, "rankdata.py", RANK_DATA)
    out = tmp_path / "r.npz"
    done = _surface(model_file, out, launcher=("-m", "torch.distributed.run", "--standalone",
                                               "--nproc-per-node=2"))
    assert done.returncode != 0
    assert "rank 1's data differ from rank 0's: batch 1's inputs hash" in done.stderr
    assert "250 vs 256 samples" in done.stderr
    assert not out.exists()


#: One torchrun rank on each of two "machines": every rank's work directory is its own.
SEPARATE_DIRS = '''
import sys
import numpy as np
from landscape_app.core.usermodel import SurfaceRequest, run_distributed, torchrun_rank

base, model_file = sys.argv[1], sys.argv[2]
rank = torchrun_rank()
request = SurfaceRequest(model_file, resolution=3, chunk=1)
job, values, _ = run_distributed(request, f"{base}/machine{rank.rank}", rank)
if values is not None:
    np.savez(f"{base}/merged.npz", values=values, origin=job.plane.origin, d1=job.plane.d1,
             d2=job.plane.d2, alphas=job.alphas, betas=job.betas)
'''


def test_under_torchrun_no_shared_work_dir_is_needed(tmp_path):
    """Rank 1's work directory is not rank 0's: it gets the decision by broadcast and its
    chunks reach rank 0 through the group."""
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    script = write(tmp_path, "separate.py", SEPARATE_DIRS)
    done = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone",
                           "--nproc-per-node=2", str(script), str(tmp_path), str(model_file)],
                          env=_env(None), capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "machine1").exists()  # rank 1 wrote nothing of its own
    assert len(list((tmp_path / "machine0" / "chunks").glob("*.npy"))) == 9
    _check_values(model_file, np.load(tmp_path / "merged.npz"), "1")
