"""Outcome-map speed: a batched start map against the race runner, one start at a time.

Same run, 2 CPU threads: a 512 x 512 start map of Adam (lr 0.01) on Rosenbrock for 300 steps
in float32 (torch.optim.Adam's fused implementation, as the map engine steps start maps),
against (a) the same trajectories through the app's race runner
(:class:`~landscape_app.core.runner.Race`, one start at a time: a sample is timed and
extrapolated) and (b) a plain batched ``torch.optim.Adam`` loop on the stacked starts (the
bar: the arithmetic alone), and (c) the minimal fused loop — ``torch.optim.Adam([p],
fused=True)``, then per step ``zero_grad(); rosenbrock(p).sum().backward(); step()`` — with
the map's time as a ratio of it (target ≤ 1.5x). Then a trajectory field: 64 x 64 starts x 300
steps for 4 lanes (every path kept; target < 0.3 s) beside its floor (the same lanes' steps
and path copies with none of the map engine's book-keeping), the seed network's 128 x 128 lr x
momentum map (200 steps), and, where CUDA is present, a 2048 x 2048 start map x 1000 steps.
Compare figures only within one run (a shared machine's load moves them all).

The map and the plain loop are each run three times, alternately, and the fastest of each is
reported (the machine's other work only ever adds time).

Run: ``PYTHONPATH=. .venv/bin/python bench/maps.py`` (``--quick`` for a smaller map,
``--gpu-only`` for the CUDA map alone, ``--only field`` for the trajectory field alone).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from landscape_app.core.functions import get_function  # noqa: E402
from landscape_app.core.maps import StartGrid, Sweep, SweepAxis, compute_map  # noqa: E402
from landscape_app.core.nn import NetworkConfig  # noqa: E402
from landscape_app.core.optim import OptimizerSpec  # noqa: E402
from landscape_app.core.runner import Race, Racer  # noqa: E402

SPEC = OptimizerSpec("adam", {"lr": 0.01})
REPEATS = 3


def plain_loop(starts: torch.Tensor, steps: int, fused: bool | None = None) -> float:
    """A bare batched torch.optim.Adam loop on Rosenbrock: the bar (torch's default
    implementation; ``fused``: its one-kernel one, which the map engine steps with)."""
    objective = get_function("rosenbrock")
    param = starts.clone().requires_grad_(True)
    opt = torch.optim.Adam([param], lr=0.01, fused=fused)
    began = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        objective.evaluate(param).sum().backward()
        opt.step()
    if param.is_cuda:
        torch.cuda.synchronize()
    return time.perf_counter() - began


def race_rate(grid: StartGrid, steps: int, sample: int) -> float:
    """Start-steps per second of the race runner, one start at a time (a sample of starts)."""
    objective = get_function("rosenbrock")
    starts = grid.starts()[:: max(1, len(grid.starts()) // sample)][:sample]
    Race(objective, [Racer("adam", SPEC)], starts[0], max_steps=5).run()  # warm-up
    began = time.perf_counter()
    done = 0
    for start in starts:
        race = Race(objective, [Racer("adam", SPEC)], start, max_steps=steps)
        done += len(race.run().lanes[0].records) - 1
    return done / (time.perf_counter() - began)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Compare figures only within one run.")
    parser.add_argument("--quick", action="store_true", help="a smaller map and field")
    parser.add_argument("--gpu-only", action="store_true", help="the CUDA map alone")
    parser.add_argument("--only", choices=["field"],
                        help="field: the trajectory field (and its floor) alone")
    return parser.parse_args()


def main() -> None:
    options = arguments()
    torch.set_num_threads(2)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    if options.only == "field":
        field_lanes(options.quick)
        return
    if not options.gpu_only:
        cpu_maps(options.quick)
    gpu_map()


def cpu_maps(quick: bool) -> None:
    """The start map against the race runner and the plain loops; the seed-net map."""
    res, steps = (128, 300) if quick else (512, 300)
    grid = StartGrid((-2.0, 2.0), (-1.0, 3.0), res)
    work = res * res * steps
    compute_map(get_function("rosenbrock"), SPEC, StartGrid((-2, 2), (-1, 3), 8), 5,
                device="cpu")  # warm-up
    starts = torch.as_tensor(grid.starts(), dtype=torch.float32)
    bars, fused, maps = [], [], []
    for _ in range(REPEATS):
        bars.append(plain_loop(starts, steps))
        fused.append(plain_loop(starts, steps, fused=True))
        maps.append(compute_map(get_function("rosenbrock"), SPEC, grid, steps, device="cpu"))
    bar = min(bars)
    result = min(maps, key=lambda outcome: outcome.seconds)
    single = race_rate(grid, steps, sample=8 if quick else 16)
    print(f"start map {res}x{res} x {steps} steps, Adam on Rosenbrock, float32, CPU:")
    print(f"  map engine        {result.seconds:8.3f} s  {work / result.seconds:12.4g} "
          f"start-steps/s  (runs: {', '.join(f'{m.seconds:.3f}' for m in maps)})")
    print(f"  plain Adam loop   {bar:8.3f} s  {work / bar:12.4g} start-steps/s  (the bar; "
          f"runs: {', '.join(f'{b:.3f}' for b in bars)})")
    print(f"  minimal fused loop{min(fused):8.3f} s  {work / min(fused):12.4g} start-steps/s  "
          "(torch.optim.Adam(fused=True): zero_grad, backward, step; runs: "
          f"{', '.join(f'{b:.3f}' for b in fused)})")
    print(f"  race runner       {work / single:8.1f} s  {single:12.4g} start-steps/s  "
          "(extrapolated)")
    print(f"  map / race ratio  {work / result.seconds / single:8.0f}x;  "
          f"map / plain loop {result.seconds / bar:.2f}x the time, "
          f"/ plain fused loop {result.seconds / min(fused):.2f}x")
    print(f"  map / minimal fused loop: {result.seconds / min(fused):.2f}x (target <= 1.5x, "
          "same run)")
    print(f"  status {result.counts()}")
    field_lanes(quick)
    seed_res = 32 if quick else 128
    seed = compute_map(NetworkConfig(model="seed"), "momentum",
                       Sweep(SweepAxis("lr", 1e-7, 1e-4, log=True),
                             SweepAxis("momentum", 0.0, 0.99), seed_res), 200, device="cpu")
    print(f"seed net {seed_res}x{seed_res} lr x momentum map x 200 steps, CPU: "
          f"{seed.seconds:.3f} s ({seed_res**2 * 200 / seed.seconds:.4g} cell-steps/s), "
          f"status {seed.counts()}")


#: The lanes of the field benchmark (a race's four optimizers).
FIELD_LANES = ("adam:lr=0.01", "sgd:lr=0.001", "momentum:lr=0.001", "rmsprop:lr=0.01")


def minimal_field(objective, lanes: tuple[str, ...], starts: torch.Tensor, steps: int) -> float:
    """The floor of a field: the same lanes' steps with none of the engine's book-keeping —
    per lane torch.optim as the map builds it (fused where torch has a fused kernel), the
    closed-form loss and gradient, and each step's positions and losses copied into fresh
    float64 ``(steps + 1, rows, ·)`` buffers, kept as a field's are; one thread, as a 64²
    field steps."""
    from landscape_app.core.optim.registry import parse_optimizer_spec

    kept = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    began = time.perf_counter()
    for lane in lanes:
        param = starts.clone().requires_grad_(True)
        optimizer = parse_optimizer_spec(lane).create().make_torch_optimizer([param],
                                                                             fused=True)
        positions = torch.from_numpy(np.empty((steps + 1, len(starts), 2)))
        losses = torch.from_numpy(np.empty((steps + 1, len(starts))))
        loss, param.grad = objective.value_and_grad(param.detach())
        positions[0].copy_(param.detach())
        losses[0].copy_(loss)
        for step in range(1, steps + 1):
            optimizer.step()
            loss, param.grad = objective.value_and_grad(param.detach())
            positions[step].copy_(param.detach())
            losses[step].copy_(loss)
        kept.append((positions, losses))
    seconds = time.perf_counter() - began
    torch.set_num_threads(threads)
    return seconds


def field_lanes(quick: bool) -> None:
    """Trajectory fields of 64 x 64 starts x 300 steps (every path kept) for four lanes, and
    their floor (:func:`minimal_field`), alternately, three times each."""
    from landscape_app.core.maps import compute_field

    objective = get_function("rosenbrock")
    res = 32 if quick else 64
    grid = StartGrid((-2.0, 2.0), (-1.0, 3.0), res)
    starts = torch.as_tensor(grid.starts(), dtype=torch.float32)
    compute_field(objective, FIELD_LANES[0], grid, 5, device="cpu")  # warm-up
    minimal_field(objective, FIELD_LANES, starts, 5)
    times, cpu, floors = [], [], []
    for _ in range(REPEATS):
        began, began_cpu = time.perf_counter(), time.process_time()
        fields = [compute_field(objective, lane, grid, 300, device="cpu", dtype="float32")
                  for lane in FIELD_LANES]
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        floors.append(minimal_field(objective, FIELD_LANES, starts, 300))
    size = sum(f.paths.nbytes for f in fields) >> 20
    print(f"trajectory field {res}x{res} starts x 300 steps, {len(FIELD_LANES)} lanes, float32, "
          f"CPU: {min(times):.3f} s (target < 0.3 s; runs: {', '.join(f'{t:.3f}' for t in times)}"
          f"; the process's CPU time: {', '.join(f'{t:.3f}' for t in cpu)}), {size} MiB of "
          "paths")
    print(f"  minimal field loop {min(floors):.3f} s (fused step, closed-form gradient, copies "
          f"into fresh float64 buffers; runs: {', '.join(f'{t:.3f}' for t in floors)}); the "
          f"field / it: {min(times) / min(floors):.2f}x")


def gpu_map() -> None:
    """The 2048 x 2048 start map x 1000 steps on CUDA, where there is one."""
    if torch.cuda.is_available():
        big = StartGrid((-2.0, 2.0), (-1.0, 3.0), 2048)
        compute_map(get_function("rosenbrock"), SPEC, StartGrid((-2, 2), (-1, 3), 64), 10,
                    device="cuda")
        gpu = compute_map(get_function("rosenbrock"), SPEC, big, 1000, device="cuda")
        starts = torch.as_tensor(big.starts(), dtype=torch.float32, device="cuda")
        plain_loop(starts, 10)  # warm-up
        bar = plain_loop(starts, 1000)
        print(f"CUDA start map 2048x2048 x 1000 steps on {gpu.device}: {gpu.seconds:.3f} s "
              f"({2048**2 * 1000 / gpu.seconds:.4g} start-steps/s), target < 2 s; plain "
              f"batched Adam loop {bar:.3f} s; status {gpu.counts()}")
    else:
        print("CUDA: not present here (the 2048x2048 x 1000 steps map is skipped)")


if __name__ == "__main__":
    main()
