"""A trainability map of your own model: the worked CNN (examples/cnn_model.py), 32² cells × 50
steps of SGD with momentum, lr 1e-3…10 (log) × momentum 0…0.99. Measured in the same run, on
the CPU, float32, torch pinned to 1 thread:

1. the app's batched way (``map --model-file``'s engine: copies stacked, ``vmap`` of
   ``functional_call``, the per-row torch.optim rule, in chunks of as many cells as trained
   fastest when the job was opened) over every cell, against a loop of
   torch.optim runs on copies — what a user would write: for each cell ``copy.deepcopy`` the
   model, ``torch.optim.SGD`` with the cell's values, ``torch.manual_seed``, 50 steps in train
   mode, then the data-set loss in eval mode. The loop is timed on ``--loop-cells`` cells
   spread evenly over the map (every k-th; all 1024 take minutes), after one untimed cell
   (torch's first run of a shape sets up its kernels: over a second here, which the app's
   chunk timing has paid before its clock starts), and compared per cell.
   Target: the app ≥ 5× faster.
2. ``landscape-app map --model-file examples/cnn_model.py`` with ``--workers 1`` and
   ``--workers 2``, one thread per process (``OMP_NUM_THREADS=1``): the map's compute time
   (the NPZ's ``seconds``) and the whole command's wall time. Target: 2 workers ≥ 1.6×.
3. Where CUDA is present: the app's batched way on the GPU, the same map.

It also prints the loop's arithmetic (torch's FLOP counter over one cell) against this thread's
large-matrix peak: how much of the core 5× the loop would need.

Usage: python bench/your_map.py [--res R] [--steps S] [--loop-cells N] [--skip-workers]
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cnn_model.py"
OPTIMIZER, SWEEPS = "momentum", ("lr=1e-3:10:log", "momentum=0:0.99")


def app_map(res: int, steps: int, device: str, work: Path):
    """The app's batched map over every cell: (seconds, job, cells)."""
    from landscape_app.core.usermodel.evaluate import BATCHED
    from landscape_app.core.usermodel.mapjob import MapRequest, open_map_job

    request = MapRequest(str(EXAMPLE), OPTIMIZER, SWEEPS, res=res, steps=steps,
                         device=device, mode=BATCHED)
    job = open_map_job(request, work, restart=True)
    started = time.perf_counter()
    job.compute(job.missing())
    if device == "cuda":
        import torch

        torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    return seconds, job, job.merged()


def plain_loop(job, cells: np.ndarray, steps: int) -> np.ndarray:
    """The loop a user would write, for the flat cell indices ``cells``: their losses."""
    import torch

    user = job.user
    lrs, momenta = job.cell_values(cells)
    losses = []
    for lr, momentum in zip(lrs, momenta, strict=True):
        model = copy.deepcopy(user.model)
        optimizer = torch.optim.SGD(model.parameters(), lr=float(lr), momentum=float(momentum))
        torch.manual_seed(0)
        model.train()
        loss = None
        for step in range(steps):
            inputs, targets = user.batches[step % len(user.batches)]
            optimizer.zero_grad()
            loss = user.loss(model(inputs), targets)
            if not torch.isfinite(loss):
                break
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            total = sum(float(user.loss(model(x), y)) * len(y) for x, y in user.batches)
        losses.append(total / user.samples if torch.isfinite(loss) else float("nan"))
    return np.array(losses)


def arithmetic(job, cell: np.ndarray, steps: int) -> float:
    """Floating-point operations of one cell of the loop (its convolutions and matrix
    products, as torch's FLOP counter counts them: 2 per multiply-add)."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        plain_loop(job, cell, steps)
    return float(counter.get_total_flops())


def matmul_peak(side: int = 1024, seconds: float = 1.0) -> float:
    """FLOP/s of a ``side``² float32 matrix product on this thread: the most this core does."""
    import torch

    a, b = torch.randn(side, side), torch.randn(side, side)
    a @ b
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        a @ b
        count += 1
    return 2 * side**3 * count / (time.perf_counter() - started)


def workers_run(res: int, steps: int, workers: int, folder: Path) -> tuple[float, float]:
    """(the NPZ's compute seconds, the command's wall seconds) of ``--workers workers``."""
    out = folder / f"workers{workers}.npz"
    command = [sys.executable, "-m", "landscape_app", "map", "--model-file", str(EXAMPLE),
               "--optimizer", OPTIMIZER, "--sweep", SWEEPS[0], "--sweep", SWEEPS[1],
               "--res", str(res), "--steps", str(steps), "--device", "cpu",
               "--workers", str(workers), "--out", str(out)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    with np.load(out) as data:
        return float(data["seconds"]), wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--res", type=int, default=32)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--loop-cells", type=int, default=64)
    parser.add_argument("--skip-workers", action="store_true")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        seconds, job, cells = app_map(args.res, args.steps, "cpu", folder / "app.work")
        total = args.res ** 2
        sample = np.linspace(0, total - 1, min(args.loop_cells, total)).round().astype(int)
        plain_loop(job, sample[:1], args.steps)
        started = time.perf_counter()
        looped = plain_loop(job, sample, args.steps)
        loop_seconds = time.perf_counter() - started
        app_per_cell, loop_per_cell = seconds / total, loop_seconds / len(sample)
        finite = np.isfinite(looped) & np.isfinite(cells[sample, 0])
        deviations = (np.abs(cells[sample, 0][finite] - looped[finite])
                      / np.abs(looped[finite])) if finite.any() else np.zeros(1)
        print(f"map: {args.res}x{args.res} cells x {args.steps} steps, {job.mode}, "
              f"{job.chunk_points} cells per chunk, 1 thread")
        print(f"app: {seconds:.2f} s for {total} cells = {1e3 * app_per_cell:.2f} ms per cell")
        print(f"torch.optim loop on copies: {loop_seconds:.2f} s for {len(sample)} cells = "
              f"{1e3 * loop_per_cell:.2f} ms per cell")
        print(f"speed-up: {loop_per_cell / app_per_cell:.2f}x (target >= 5x); the sampled "
              f"cells' relative deviation: median {np.median(deviations):.2g}, largest "
              f"{deviations.max():.2g} (cells near the edge of trainability amplify rounding "
              f"differences step by step; diverged: {int((cells[:, 1] >= 0).sum())} of "
              f"{total})")
        flops, peak = arithmetic(job, sample[:1], args.steps), matmul_peak()
        achieved = flops / loop_per_cell
        print(f"the loop's arithmetic: {flops / 1e6:.0f} MFLOP per cell in convolutions and "
              f"matrix products, {achieved / 1e9:.1f} GFLOP/s; 5x the loop needs "
              f"{5 * achieved / 1e9:.1f} GFLOP/s = {5 * achieved / peak:.0%} of this thread's "
              f"1024² matmul ({peak / 1e9:.1f} GFLOP/s)")
        if not args.skip_workers:
            one = workers_run(args.res, args.steps, 1, folder)
            two = workers_run(args.res, args.steps, 2, folder)
            print(f"--workers 1: map {one[0]:.2f} s (command {one[1]:.1f} s); --workers 2: "
                  f"map {two[0]:.2f} s (command {two[1]:.1f} s): {one[0] / two[0]:.2f}x "
                  "(target >= 1.6x)")
        if torch.cuda.is_available():
            gpu, _, _ = app_map(args.res, args.steps, "cuda", folder / "gpu.work")
            print(f"GPU ({torch.cuda.get_device_name()}): {gpu:.2f} s for {total} cells = "
                  f"{1e3 * gpu / total:.3f} ms per cell")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
