"""Comparison speed: every optimizer × every learning rate × every start, batched.

Himmelblau, 4 optimizers (adam, sgd, momentum, rmsprop) × 32 learning rates × 32² starts ×
300 steps in float32 on 2 CPU threads (≈ 3.9 M runs of 300 steps; target < 5 s), against
(a) the race runner one run at a time (a sample of runs timed and extrapolated) and (b) a
plain batched ``torch.optim`` loop: per optimizer one torch.optim optimizer with a parameter
group per learning rate, each the stacked starts, stepped ``zero_grad(); f(θ).sum()
.backward(); step()`` — the arithmetic alone, with no stopping, counting or success test.
Then the seed network, 4 optimizers × 16 settings × 64 initialisations × 200 steps, and the
first workload on CUDA where a GPU is present (``--device cuda``). The comparison and the
plain loop run three times alternately; the fastest of each is reported. Compare figures
only within one run (a shared machine's load moves them all).

Run: ``PYTHONPATH=. .venv/bin/python bench/compare.py`` (``--quick``: 16² starts;
``--device cuda``: the CUDA figure only).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from landscape_app.core.catalogue.compare_sweeps import CompareSweep  # noqa: E402
from landscape_app.core.compare import compare, grid_starts, seed_starts  # noqa: E402
from landscape_app.core.functions import get_function  # noqa: E402
from landscape_app.core.nn import NetworkConfig  # noqa: E402
from landscape_app.core.optim import OptimizerSpec  # noqa: E402
from landscape_app.core.runner import Race, Racer  # noqa: E402

#: optimizer id → (torch.optim class, its keyword arguments but lr); every one sweeps lr.
OPTIMIZERS = {
    "adam": (torch.optim.Adam, {}),
    "sgd": (torch.optim.SGD, {}),
    "momentum": (torch.optim.SGD, {"momentum": 0.9}),
    "rmsprop": (torch.optim.RMSprop, {}),
}
SWEEP = CompareSweep("lr", 1e-4, 1.0, True, 32)
STEPS = 300
REPEATS = 3


def plain_loop(starts: torch.Tensor, steps: int) -> float:
    """Every optimizer, a parameter group per learning rate: the bar."""
    objective = get_function("himmelblau")
    began = time.perf_counter()
    for cls, options in OPTIMIZERS.values():
        params = [starts.clone().requires_grad_(True) for _ in SWEEP.values()]
        opt = cls([{"params": [p], "lr": lr} for p, lr in zip(params, SWEEP.values(),
                                                              strict=True)], **options)
        for _ in range(steps):
            opt.zero_grad(set_to_none=True)
            sum(objective.evaluate(p).sum() for p in params).backward()
            opt.step()
    if starts.is_cuda:
        torch.cuda.synchronize()
    return time.perf_counter() - began


def race_rate(starts, steps: int, sample: int) -> float:
    """Run-steps per second of the race runner, one run at a time (a sample of runs)."""
    objective = get_function("himmelblau")
    spec = OptimizerSpec("adam", {"lr": 0.01})
    Race(objective, [Racer("a", spec)], starts[0], max_steps=5).run()  # warm-up
    began, done = time.perf_counter(), 0
    for index in range(sample):
        lr = SWEEP.values()[index * 7 % SWEEP.count]
        opt = list(OPTIMIZERS)[index % len(OPTIMIZERS)]
        race = Race(objective, [Racer("a", OptimizerSpec(opt, {"lr": lr}))],
                    starts[index * 37 % len(starts)], max_steps=steps)
        done += len(race.run().lanes[0].records) - 1
    return done / (time.perf_counter() - began)


def function_figures(side: int, device: str) -> None:
    objective = get_function("himmelblau")
    starts = grid_starts((-5.0, 5.0), (-5.0, 5.0), side)
    plan = [(name, [SWEEP]) for name in OPTIMIZERS]
    compare(objective, plan, starts[:4], 5, 1e-3, device=device)  # warm-up
    tensor = torch.as_tensor(starts, dtype=torch.float32, device=device)
    runs, bars = [], []
    for _ in range(REPEATS):
        runs.append(compare(objective, plan, starts, STEPS, 1e-3, device=device))
        if device == "cpu":
            bars.append(plain_loop(tensor, STEPS))
    best = min(runs, key=lambda result: result.seconds)
    work = len(OPTIMIZERS) * SWEEP.count * len(starts) * STEPS
    print(f"himmelblau: {len(OPTIMIZERS)} optimizers x {SWEEP.count} lr x {side}^2 starts x "
          f"{STEPS} steps, float32, {best.metadata['device']}:")
    print(f"  compare           {best.seconds:8.3f} s  {work / best.seconds:12.4g} run-steps/s "
          f"(runs: {', '.join(f'{r.seconds:.3f}' for r in runs)}; target < 5 s)")
    if device == "cpu":
        bar = min(bars)
        single = race_rate(starts, STEPS, 16)
        print(f"  plain torch.optim {bar:8.3f} s  {work / bar:12.4g} run-steps/s  "
              f"(a group per lr; runs: {', '.join(f'{b:.3f}' for b in bars)})")
        print(f"  race runner       {work / single:8.1f} s  {single:12.4g} run-steps/s  "
              "(one run at a time, extrapolated from 16 runs)")
        print(f"  compare / plain loop {best.seconds / bar:.2f}x the time; "
              f"compare / race runner {work / best.seconds / single:.0f}x faster")
    print("  best lr (success): " + ", ".join(
        f"{name} {best.settings[o, best.best[o], 0]:.3g} ({best.success[o].max():.2f})"
        for o, name in enumerate(best.optimizers)))


def network_figures(device: str) -> None:
    config = NetworkConfig(model="seed")
    sweeps = {"sgd": CompareSweep("lr", 1e-9, 1e-5, True, 16),
              "momentum": CompareSweep("lr", 1e-10, 1e-6, True, 16),
              "adam": CompareSweep("lr", 1e-3, 10.0, True, 16),
              "rmsprop": CompareSweep("lr", 1e-3, 10.0, True, 16)}
    plan = [(name, [sweep]) for name, sweep in sweeps.items()]
    seeds = seed_starts(0, 8)
    compare(config, plan, seeds[:2], 5, 4.0, device=device)  # warm-up
    result = min((compare(config, plan, seeds, 200, 4.0, device=device)
                  for _ in range(REPEATS)), key=lambda r: r.seconds)
    work = len(plan) * 16 * len(seeds) * 200
    print(f"seed network: 4 optimizers x 16 lr x {len(seeds)} initialisations x 200 steps, "
          f"float32, {result.metadata['device']}: {result.seconds:.3f} s "
          f"({work / result.seconds:.4g} run-steps/s); best success: " + ", ".join(
              f"{name} {result.success[o].max():.2f}"
              for o, name in enumerate(result.optimizers)))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="16 learning rates, not 32")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                        help="where the comparisons run (default: cpu)")
    return parser.parse_args()


def main() -> None:
    options = arguments()
    torch.set_num_threads(2)
    device = options.device
    if device == "cuda" and not torch.cuda.is_available():
        print("no CUDA device: nothing to measure")
        return
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, load average "
          f"{os.getloadavg()[0]:.1f}")
    function_figures(16 if options.quick else 32, device)
    network_figures(device)


if __name__ == "__main__":
    main()
