"""Network surface speed: the app's batched plane grid vs ``loss-landscapes``' random_plane.

Three workloads (float32, the same ``nn.Module``, data and grid size for both sides, measured
in the same run, torch pinned to 2 threads):

- the seed article's 10-parameter identity net, 32 samples (MSE);
- an MLP 2-16-16-2 (tanh) on 256 two-moons points (cross-entropy);
- an MLP 2-32-32-2 (tanh) on 1024 two-moons points (cross-entropy).

The peer, ``loss_landscapes.random_plane(model, Loss(loss_fn, X, y), distance=1, steps=R,
normalization="filter")``, evaluates the R² grid points one forward pass at a time (it moves
the model's weights in place between them). The app evaluates the same number of points on a
plane of filter-normalized random directions with
:func:`landscape_app.core.nn.evaluate_plane` (batched; see ``core/nn/plane_eval.py``).

OpenMP's wait policy decides a lot on a shared 2-core machine: with libgomp's default
spin-waiting, a 2-thread run whose cores are also busy with other work stalls at every parallel
region (measured: 8–12 s instead of 0.5 s for a 71×71 grid of the 2-32-32-2), while passive
waiting makes the peer's many tiny operations 1.5× slower. The policy is fixed when torch is
loaded, so the measurements run in two child processes, one per policy (libgomp's default and
``OMP_WAIT_POLICY=PASSIVE``), each timing both sides REPEATS times; each side's fastest time
under either policy counts. Targets: ≥ 40× (seed), ≥ 5× (2-16-16-2), ≥ 1.5× (2-32-32-2).
Where CUDA is present, the 201×201 grid of the 2-32-32-2 is also timed on the GPU (target
< 0.1 s); ``--gpu-only`` times only that (``bench/gpu.py`` uses it).

Usage: python bench/surface.py [--repeats N] [--gpu-only]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import warnings
from functools import partial

THREADS = 2
GRIDS = (51, 101)
POLICIES = ("default", "PASSIVE")
#: (name, NetworkConfig keyword arguments, target ratio)
WORKLOADS = (
    ("seed net 2-2-2, 32 samples", {"model": "seed"}, 40.0),
    ("MLP 2-16-16-2, 256 samples", {"model": "moons", "hidden": (16, 16), "samples": 256}, 5.0),
    ("MLP 2-32-32-2, 1024 samples", {"model": "moons", "hidden": (32, 32), "samples": 1024},
     1.5),
)
CUDA_GRID = 201


def best_time(run, repeats: int) -> float:
    """The fastest of ``repeats`` wall-clock timings of ``run()``."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def measure_cuda(repeats: int) -> tuple[str, float]:
    """The GPU timing: the 201×201 grid of the 2-32-32-2 (float32), best of ``repeats``."""
    import torch

    from landscape_app.core.nn import NetworkConfig, build_network, evaluate_plane, make_plane

    gpu = build_network(NetworkConfig(dtype="float32", **WORKLOADS[2][1]), "cuda")
    gpu_plane = make_plane(gpu, "random", origin=gpu.initial_parameters())
    surface = evaluate_plane(gpu, gpu_plane, CUDA_GRID)  # warm-up

    def on_gpu():
        evaluate_plane(gpu, gpu_plane, CUDA_GRID)
        torch.cuda.synchronize()

    return surface.device, best_time(on_gpu, repeats)


def measure(repeats: int) -> dict:
    """Child process: time both sides on every workload and grid; returns plain numbers."""
    import torch
    import torch.nn.functional as F

    from landscape_app.core.device import describe_device
    from landscape_app.core.nn import NetworkConfig, build_network, evaluate_plane, make_plane

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from loss_landscapes import random_plane
        from loss_landscapes.metrics import Loss

    torch.set_num_threads(THREADS)
    cpu = torch.device("cpu")
    result = {"device": describe_device(cpu), "torch": torch.__version__,
              "threads": torch.get_num_threads(), "timings": {}}
    for name, options, _ in WORKLOADS:
        objective = build_network(NetworkConfig(dtype="float32", **options), cpu)
        loss_fn = F.mse_loss if objective.loss_kind == "mse" else F.cross_entropy
        metric = Loss(loss_fn, objective.inputs, objective.targets)
        plane = make_plane(objective, "random", origin=objective.initial_parameters())
        evaluate_plane(objective, plane, 5)  # warm-up: first-call allocations
        for resolution in GRIDS:
            peer = best_time(partial(random_plane, objective.module(), metric, distance=1,
                                     steps=resolution, normalization="filter"), repeats)
            app = best_time(partial(evaluate_plane, objective, plane, resolution), repeats)
            result["timings"][f"{name}|{resolution}"] = (peer, app)
    if torch.cuda.is_available():
        result["cuda"] = measure_cuda(repeats)
    return result


def run_child(policy: str, repeats: int) -> dict:
    environment = dict(os.environ)
    environment.pop("OMP_WAIT_POLICY", None)
    if policy != "default":
        environment["OMP_WAIT_POLICY"] = policy
    completed = subprocess.run(
        [sys.executable, __file__, "--child", "--repeats", str(repeats)],
        env=environment, capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timings per side (default 3)")
    parser.add_argument("--gpu-only", action="store_true",
                        help=f"time only the {CUDA_GRID}x{CUDA_GRID} grid on the GPU")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.repeats)))
        return
    if args.gpu_only:
        import torch

        if not torch.cuda.is_available():
            print("CUDA: not available here; nothing to time")
            return
        device, seconds = measure_cuda(args.repeats)
        print_cuda(device, seconds)
        return
    results = {policy: run_child(policy, args.repeats) for policy in POLICIES}
    first = results[POLICIES[0]]
    print(f"device: {first['device']}, torch {first['torch']}, {first['threads']} threads, "
          f"float32; best of {args.repeats} per side and OpenMP wait policy")
    print(f"{'workload':<28} {'grid':>7} {'loss-landscapes':>24} {'app':>18} {'ratio':>7} "
          f"{'target':>7}")
    for name, _, target in WORKLOADS:
        for resolution in GRIDS:
            key = f"{name}|{resolution}"
            peer, peer_policy = min((results[p]["timings"][key][0], p) for p in POLICIES)
            app, app_policy = min((results[p]["timings"][key][1], p) for p in POLICIES)
            ratio = peer / app
            verdict = "ok" if ratio >= target else "MISSED"
            print(f"{name:<28} {resolution:>3}x{resolution:<3} {peer:>10.4f} s ({peer_policy:>7})"
                  f" {app:>8.4f} s ({app_policy:>7}) {ratio:>6.1f}x {target:>5.1f}x {verdict}")
    cuda = [results[p]["cuda"] for p in POLICIES if "cuda" in results[p]]
    if cuda:
        print_cuda(cuda[0][0], min(entry[1] for entry in cuda))
    else:
        print("CUDA: not available here; the 201x201 GPU timing is skipped")


def print_cuda(device: str, seconds: float) -> None:
    verdict = "ok" if seconds < 0.1 else "MISSED"
    print(f"{device}: {CUDA_GRID}x{CUDA_GRID} of MLP 2-32-32-2 (1024 samples, float32) in "
          f"{seconds:.4f} s (target < 0.1 s) {verdict}")


if __name__ == "__main__":
    main()
