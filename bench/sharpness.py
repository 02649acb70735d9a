"""What measuring sharpness costs a race: off, every step, and every K steps (the default).

A measurement is a Lanczos run on Hessian-vector products (up to 80 of them, each about two
gradients' work) plus, for Adam, a second one on the preconditioned Hessian; the default
interval K (:data:`~landscape_app.core.sharpness_probe.DEFAULT_NETWORK_EVERY`) is chosen so a
race costs at most about 1.5× the race without sharpness. Printed: the whole race's wall time
(two lanes, sgd and adam, ``--steps`` steps each) on the two-moons MLP 2-16-16-2 and on an MLP
2-32-32-2 (256 points, float32, CPU, one thread), best of ``--repeats`` (the machine may be
shared: ratios hold better than times), and the ratio to sharpness off.

Usage: python bench/sharpness.py [--steps N] [--repeats N]
"""

from __future__ import annotations

import argparse
import time

import torch

from landscape_app.core.nn import NetworkConfig, build_network
from landscape_app.core.optim import parse_optimizer_spec
from landscape_app.core.runner import Race, Racer
from landscape_app.core.sharpness_probe import DEFAULT_NETWORK_EVERY

LANES = ("sgd:lr=0.3", "adam:lr=0.01")
NETWORKS = (("two moons 2-16-16-2", (16, 16)), ("MLP 2-32-32-2", (32, 32)))


def race_seconds(objective, steps: int, repeats: int, every: int | None) -> float:
    """The best wall time of a whole race of :data:`LANES` measured every ``every`` steps."""
    best = float("inf")
    racers = [Racer(text, parse_optimizer_spec(text)) for text in LANES]
    for _ in range(repeats):
        race = Race(objective, racers, objective.default_start(), seed=0, max_steps=steps,
                    sharpness_every=every)
        started = time.perf_counter()
        race.run()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"{'network':<22} {'sharpness':<18} {'race s':>8} {'× off':>7}")
    for name, hidden in NETWORKS:
        objective = build_network(NetworkConfig(model="moons", hidden=hidden, samples=256), "cpu")
        race_seconds(objective, 5, 1, 1)  # warm-up (torch's first calls), not timed
        off = race_seconds(objective, args.steps, args.repeats, None)
        print(f"{name:<22} {'off':<18} {off:>8.3f} {1.0:>7.2f}")
        for label, every in (("every step", 1), (f"every {DEFAULT_NETWORK_EVERY} (default)",
                                                 DEFAULT_NETWORK_EVERY)):
            seconds = race_seconds(objective, args.steps, args.repeats, every)
            print(f"{name:<22} {label:<18} {seconds:>8.3f} {seconds / off:>7.2f}")


if __name__ == "__main__":
    main()
