"""Model view speed: milliseconds per picture, what bounds how often the window can redraw it.

The model view (:mod:`landscape_app.core.nn.model_picture`) recomputes its picture at most every
100 ms while a race plays (``gui/views/model_view.py``); a picture must take a small part of
that so the window keeps painting. Timed on the CPU with torch pinned to 2 threads, for the
scenes' networks: the two-moons scene's 2-8-8-2 on 256 points (96² decision image), a
2-32-32-2 on 1024 points, the sine regression (96-point curve) and the seed network.
Target: under 10 ms per picture for every one (best of the repeats; the median says what a
busy machine does). OpenMP waits passively, as in the app (``landscape_app.cli`` sets
``OMP_WAIT_POLICY=PASSIVE``): with libgomp's spin-waiting on a loaded 2-core machine a
picture of the two-moons net took 200–500 ms instead of 5.

Usage: python bench/model_view.py [--repeats N]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch, as the app's launcher

import argparse  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

from landscape_app.core.nn import NetworkConfig, build_network  # noqa: E402
from landscape_app.core.nn.model_picture import ModelProbe  # noqa: E402

CASES = {
    "two-moons 2-8-8-2, 256 points": NetworkConfig(model="moons", hidden=(8, 8), samples=256),
    "moons 2-32-32-2, 1024 points": NetworkConfig(model="moons", hidden=(32, 32),
                                                  samples=1024),
    "sine 1-16-16-1, 256 points": NetworkConfig(model="sine", hidden=(16, 16), samples=256),
    "seed net (10 parameters)": NetworkConfig(model="seed"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(2)
    print(f"{'network':34} {'median ms':>10} {'best ms':>8}")
    for name, config in CASES.items():
        probe = ModelProbe.from_config(config)
        theta = build_network(config, "cpu").initial_parameters()
        probe.picture(theta)  # warm up
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            probe.picture(theta)
            times.append(1e3 * (time.perf_counter() - started))
        times.sort()
        print(f"{name:34} {times[len(times) // 2]:10.2f} {times[0]:8.2f}")


if __name__ == "__main__":
    main()
