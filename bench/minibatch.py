"""What minibatches and gradient noise cost per step, against the exact full-batch lane.

A minibatch step evaluates the batch's loss and gradient (what the optimizer steps on) and the
full data set's loss and gradient (what the record shows), and draws the batch through a real
``DataLoader``; a noisy step draws one normal vector. Printed: steps per second of a lane on
the two-moons MLP (2-16-16-2, 256 points, float32, CPU) and on Rosenbrock, best of
``--repeats`` runs (the machine may be shared).

Usage: python bench/minibatch.py [--steps N] [--repeats N]
"""

from __future__ import annotations

import argparse
import time

import torch

from landscape_app.core.functions import get_function
from landscape_app.core.nn import NetworkConfig, build_network
from landscape_app.core.optim import parse_optimizer_spec
from landscape_app.core.runner import Race, Racer

NETWORK_LANES = ("sgd:lr=0.3", "sgd:lr=0.3,batch_size=256", "sgd:lr=0.3,batch_size=32",
                 "sgd:lr=0.3,batch_size=4", "adam:lr=0.01,batch_size=32")
FUNCTION_LANES = ("sgd:lr=0.001", "sgd:lr=0.001,grad_noise=1")


def steps_per_second(objective, text: str, steps: int, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        race = Race(objective, [Racer(text, parse_optimizer_spec(text))],
                    objective.default_start(), seed=0, max_steps=steps)
        started = time.perf_counter()
        race.run()
        best = min(best, time.perf_counter() - started)
    return steps / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    network = build_network(NetworkConfig(model="moons", hidden=(16, 16), samples=256), "cpu")
    rosenbrock = get_function("rosenbrock")
    print(f"{'landscape':<12} {'lane':<30} {'steps/s':>10}")
    for objective, name, lanes in ((network, "moons MLP", NETWORK_LANES),
                                   (rosenbrock, "rosenbrock", FUNCTION_LANES)):
        for text in lanes:
            rate = steps_per_second(objective, text, args.steps, args.repeats)
            print(f"{name:<12} {text:<30} {rate:>10.0f}")


if __name__ == "__main__":
    main()
