"""Scrubbing speed: how long the window takes to show a step chosen on the timeline.

The full window (Qt's ``offscreen`` platform, engine loaded) races 8 optimizers on
Rosenbrock's 400×400 heatmap for ``--steps`` steps (as fast as possible), then the timeline
is moved to ``--moves`` random steps, one after the other, as a drag of its slider does. Each
move is measured from the slider's value change to the frame that drew that step (the 2D
view and the changed views repainted: the window's own frame clock and its ``times``).
Printed: moves shown per second, p50 / p95 / worst move-to-painted latency, and the load
average (on a shared machine it moves every figure).

Target: p95 under 50 ms (a drag of the slider feels immediate).
Usage: python bench/timeline.py [--steps N] [--moves N]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ui import LANES, ready_window, run_event_loop  # noqa: E402


def scrub_benchmark(steps: int, moves: int) -> dict:
    from landscape_app.gui.app import create_application

    app = create_application([])
    window = ready_window(app)
    window.controls.max_steps.setValue(steps)
    window.controls.max_steps.editingFinished.emit()
    window.race_thread.worker.set_speed(None)
    window.controls.play_action.setChecked(True)
    while not window.buffer.snapshot().done:
        run_event_loop(0.1)
    run_event_loop(0.5)
    rng = random.Random(0)
    latencies = []
    started = time.perf_counter()
    for _ in range(moves):
        target = rng.randrange(0, steps)
        window.clock.times.clear()
        moved = time.perf_counter()
        window.views.timeline_bar.slider.setValue(target)
        while not window.clock.times or window.timeline.step != target:
            run_event_loop(0.001)
        latencies.append(time.perf_counter() - moved)
    elapsed = time.perf_counter() - started
    window.close()
    latencies.sort()
    return {"moves/s": moves / elapsed, "p50": statistics.median(latencies),
            "p95": latencies[int(0.95 * (len(latencies) - 1))], "worst": latencies[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--moves", type=int, default=100)
    args = parser.parse_args()
    figures = scrub_benchmark(args.steps, args.moves)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"scrubbing {len(LANES)} lanes x {args.steps} steps: {figures['moves/s']:.1f} moves "
          f"shown/s, move -> painted p50 {1000 * figures['p50']:.0f} ms, p95 "
          f"{1000 * figures['p95']:.0f} ms, worst {1000 * figures['worst']:.0f} ms "
          f"(load average {load:.1f}; target p95 < 50 ms)")


if __name__ == "__main__":
    main()
