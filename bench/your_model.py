"""Your own model's surface: the worked CNN example (examples/cnn_model.py) on a 31 × 31 grid.

The example is copied to a temporary folder and trained there first (its ``train()``, a few
seconds), so the surface is that of trained weights (loss-landscapes' filter normalization also
divides by zero on the untrained model's zero BatchNorm biases). Measured in the same run, on
the CPU, float32:

1. the app (``surface --model-file``'s engine, one process, torch pinned to 1 thread: the way
   and chunk size its timing chose, vmap chunks or one point at a time) against

   - a plain per-point loop: ``vector_to_parameters`` and a forward per batch of the loader,
     under ``torch.no_grad``, one grid point at a time (what a user would write). Target:
     the app ≥ 1.5× faster;
   - loss-landscapes' per-point ``random_plane(model, Loss(loss_fn, X, y), distance=1,
     steps=31, normalization="filter")`` on the same module (eval mode) and the same 512
     samples. Target: the app faster.

   All three on 1 thread, best of ``--repeats``.
2. ``landscape-app surface --model-file examples/cnn_model.py --grid 31`` with ``--workers 1``
   and with ``--workers 2`` (torchrun's launcher), one thread per process
   (``OMP_NUM_THREADS=1``): the grid's compute time (the NPZ's ``seconds``) and the whole
   command's wall time (start-up, model import and torchrun included). Target: 2 workers ≥
   1.6× one worker on 2 cores (compute time).
3. Where CUDA is present: a ResNet-20-sized model (bench/resnet20_model.py, 0.27 M parameters,
   2048 generated 32 × 32 images) on a 51 × 51 grid on the GPU.

Usage: python bench/your_model.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cnn_model.py"
RESNET = ROOT / "bench" / "resnet20_model.py"
GRID, GPU_GRID, THREADS = 31, 51, 1


def best_times(runs: dict, repeats: int) -> dict[str, float]:
    """Each run's fastest of ``repeats`` timings, the runs interleaved (A, B, C, A, B, C, …)
    so that a shared machine's load falls on every side alike."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def trained_example(folder: Path) -> Path:
    """A copy of the worked example in ``folder``, trained (cnn_model.pt beside it)."""
    import importlib.util
    import shutil

    copy = folder / "cnn_model.py"
    shutil.copy(EXAMPLE, copy)
    spec = importlib.util.spec_from_file_location("bench_cnn_model", copy)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.train()
    return copy


def plain_loop(job) -> None:
    """The baseline a user would write: each grid point's weights into the model, then a
    forward per batch of the loader (``job``'s grid, the same points as the app)."""
    import torch
    from torch.nn.utils import vector_to_parameters

    model = job.user.model.eval()
    saved = [p.detach().clone() for p in model.parameters()]
    evaluator = job.evaluator()
    alphas, betas = np.meshgrid(job.alphas, job.betas)
    with torch.no_grad():
        for theta in evaluator.thetas(alphas.ravel(), betas.ravel()):
            vector_to_parameters(theta, model.parameters())
            total = 0.0
            for inputs, targets in job.user.batches:
                total += float(job.user.loss(model(inputs), targets)) * len(targets)
        for parameter, value in zip(model.parameters(), saved, strict=True):
            parameter.copy_(value)


def app_vs_peer(example: Path, repeats: int) -> tuple[float, float, float, object]:
    """(loss-landscapes s, plain loop s, app s, the job) on ``THREADS`` threads."""
    import torch
    from torch.nn import functional as F

    from landscape_app.core.usermodel import SurfaceRequest, open_job

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from loss_landscapes import random_plane
        from loss_landscapes.metrics import Loss

    torch.set_num_threads(THREADS)
    with tempfile.TemporaryDirectory() as folder:
        job = open_job(SurfaceRequest(str(example), resolution=GRID, device="cpu"),
                       Path(folder) / "work")
        inputs = torch.cat([x for x, _ in job.user.batches])
        targets = torch.cat([y for _, y in job.user.batches])
        model = job.user.model.eval()
        metric = Loss(F.cross_entropy, inputs, targets)
        everything = range(job.chunk_count)

        def peer():
            with torch.no_grad():
                random_plane(model, metric, distance=1, steps=GRID, normalization="filter")

        best = best_times({"app": lambda: job.compute(everything),
                           "plain": lambda: plain_loop(job), "peer": peer}, repeats)
    return best["peer"], best["plain"], best["app"], job


def cli_run(workers: int, out: Path, model: Path, device: str = "cpu",
            grid: int = GRID) -> tuple[float, float]:
    """(compute seconds from the NPZ, wall seconds) of one ``surface --model-file`` run."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "landscape_app", "surface", "--model-file", str(model),
               "--grid", str(grid), "--device", device, "--workers", str(workers),
               "--restart", "--out", str(out)]
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    return float(np.load(out)["seconds"]), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timings per side (default 3)")
    args = parser.parse_args()
    import torch

    scratch = tempfile.TemporaryDirectory()
    example = trained_example(Path(scratch.name))
    peer, plain, app, job = app_vs_peer(example, args.repeats)
    print(f"worked CNN example (examples/cnn_model.py), {GRID}x{GRID} grid, CPU, float32, "
          f"{THREADS} thread, best of {args.repeats}; torch {torch.__version__}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  loss-landscapes random_plane (per point): {peer:8.3f} s")
    print(f"  plain per-point loop (vector_to_parameters + forward per batch): {plain:8.3f} s")
    print(f"  app ({job.mode}, {job.chunk_points} points/chunk, chosen by timing): {app:8.3f} s"
          f"   {plain / app:5.2f}x the plain loop (target >= 1.5x: "
          f"{'ok' if plain >= 1.5 * app else 'MISSED'}), {peer / app:5.2f}x loss-landscapes "
          f"(target > 1x: {'ok' if peer > app else 'MISSED'})")
    with tempfile.TemporaryDirectory() as folder:
        runs = [(cli_run(1, Path(folder) / "one.npz", example),
                 cli_run(2, Path(folder) / "two.npz", example)) for _ in range(args.repeats)]
        one = min((pair[0] for pair in runs), key=lambda timing: timing[0])  # interleaved
        two = min((pair[1] for pair in runs), key=lambda timing: timing[0])
        same = np.array_equal(np.load(Path(folder) / "one.npz")["values"],
                              np.load(Path(folder) / "two.npz")["values"])
    ratio = one[0] / two[0]
    print(f"surface --model-file, {GRID}x{GRID}, one thread per process "
          f"({os.cpu_count()} cores here):")
    print(f"  --workers 1: grid {one[0]:8.3f} s, whole command {one[1]:7.2f} s")
    print(f"  --workers 2: grid {two[0]:8.3f} s, whole command {two[1]:7.2f} s   "
          f"grid {ratio:4.2f}x, command {one[1] / two[1]:4.2f}x  "
          f"(target >= 1.6x: {'ok' if ratio >= 1.6 else 'MISSED'}); same values: {same}")
    if torch.cuda.is_available():
        with tempfile.TemporaryDirectory() as folder:
            seconds, wall = cli_run(1, Path(folder) / "r.npz", RESNET, device="cuda",
                                    grid=GPU_GRID)
        print(f"ResNet-20-sized model (0.27 M parameters, 2048 images), {GPU_GRID}x{GPU_GRID} "
              f"on {torch.cuda.get_device_name()}: grid {seconds:.2f} s, whole command "
              f"{wall:.2f} s")
    else:
        print("no CUDA here: the ResNet-20 51x51 GPU run was not measured")
    scratch.cleanup()


if __name__ == "__main__":
    main()
