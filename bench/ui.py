"""Window speed: repaint rate with 8 optimizers racing on a 400×400 heatmap, and start-up time.

Two measurements, both on Qt's ``offscreen`` platform (real rendering into the window's
backing store, no screen):

1. **Frames.** The full window (engine loaded) with 8 lanes racing at maximum speed on
   Rosenbrock's 400×400 heatmap, the race stepping all along (in the race process, see
   ``landscape_app/engine/race_process.py``; the output says where), the real event loop and its
   60 Hz frame timer running for a few seconds. A frame is measured from the timer's slot
   (``MainWindow.paint_frame``: the latest snapshot pushed into the views) until the changed
   views have repainted (their ``painted`` signal); frames/s counts the frames drawn per
   second, a frame being drawn only when the race published new rows since the last one (the
   timer caps them near 60), and the worst frame time is the longest (curve and table
   refreshes and garbage collection included). Steps per second per lane is what the race
   made meanwhile. The machine's load average is printed too: on a shared machine it moves
   every figure.
2. **Start-up.** A subprocess runs ``python -m landscape_app gui --report-startup``; the time
   from spawning it to its "first-paint" line is the time to the first painted window, and
   to "core-ready" the time until torch and the panels are loaded.

Targets: ≥ 60 frames/s, worst frame ≤ 33 ms, first window < 2 s.
Usage: python bench/ui.py [--seconds S] [--launches N] [--entry cli|app]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LANES = ("sgd:lr=0.001", "momentum:lr=0.0003", "nesterov:lr=0.0003", "adam:lr=0.05",
         "rmsprop:lr=0.01", "adagrad:lr=0.5", "radam:lr=0.05", "pso")


def ready_window(app):
    """The window with the bench's race loaded and its grid drawn."""
    from PySide6.QtCore import QEventLoop

    from landscape_app.gui.app import LaunchOptions
    from landscape_app.gui.main_window import MainWindow

    window = MainWindow(LaunchOptions(function="rosenbrock", optimizers=LANES,
                                      max_steps=1_000_000))
    loop = QEventLoop()
    window.coreReady.connect(loop.quit)
    window.show()
    loop.exec()
    while window.controller.grid is None or len(window.buffer.snapshot().lanes) < len(LANES):
        run_event_loop(0.05)
    assert window.controller.grid.values.shape == (400, 400)
    return window


def frame_benchmark(seconds: float, speed: float | None) -> dict:
    from landscape_app.gui.app import create_application

    app = create_application([])
    window = ready_window(app)
    window.race_thread.worker.set_speed(speed)
    window.controls.play_action.setChecked(True)
    run_event_loop(1.0)
    window.frame_times.clear()
    steps_before = window.buffer.snapshot().furthest_step
    run_event_loop(seconds)
    times = list(window.frame_times)
    steps = window.buffer.snapshot().furthest_step - steps_before
    remote = window.race_thread.worker.stepping_remotely
    window.close()
    return {"seconds": seconds, "frames": len(times), "fps": len(times) / seconds,
            "mean_ms": 1e3 * statistics.mean(times),
            "p95_ms": 1e3 * sorted(times)[int(0.95 * len(times)) - 1],
            "worst_ms": 1e3 * max(times), "steps_per_s": steps / seconds,
            "stepped_in": "the race process" if remote else "the worker thread"}


def run_event_loop(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(1000 * seconds), loop.quit)
    loop.exec()


def launch_command(entry: str) -> list[str]:
    if entry == "cli":
        return [sys.executable, "-m", "landscape_app", "gui", "--report-startup"]
    return [sys.executable, "-c", "from landscape_app.gui.app import LaunchOptions, run_app; "
            "run_app(LaunchOptions(report_startup=True))"]


def launch_benchmark(launches: int, entry: str) -> list[tuple[float, float]]:
    """(seconds to the first paint, seconds to the engine ready) of each launch."""
    results = []
    for _ in range(launches):
        started = time.perf_counter()
        process = subprocess.Popen(launch_command(entry), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        marks = {}
        try:
            for line in process.stdout:
                marks[line.strip()] = time.perf_counter() - started
                if "core-ready" in marks:
                    break
        finally:
            process.terminate()
            _, errors = process.communicate(timeout=30)
        if "first-paint" not in marks:
            raise SystemExit(f"the window did not start: {errors.strip()[-500:]}")
        results.append((marks["first-paint"], marks.get("core-ready", float("nan"))))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="racing time measured")
    parser.add_argument("--speed", default="max",
                        help='steps per second per lane while measuring, or "max" (default)')
    parser.add_argument("--launches", type=int, default=3)
    parser.add_argument("--entry", choices=("cli", "app"), default="cli",
                        help="start through the command line (default) or run_app directly")
    args = parser.parse_args()
    launches = launch_benchmark(args.launches, args.entry)
    speed = None if args.speed == "max" else float(args.speed)
    result = frame_benchmark(args.seconds, speed)
    print(f"repaint, 8 lanes racing at {args.speed} speed on a 400x400 heatmap, "
          f"{result['seconds']:g} s ({result['steps_per_s']:.0f} steps/s per lane, stepped in "
          f"{result['stepped_in']}):")
    print(f"  {result['fps']:.1f} frames/s painted by the 60 Hz frame timer (target >= 60)")
    print(f"  frame time (timer slot to views painted): mean {result['mean_ms']:.1f} ms, p95 "
          f"{result['p95_ms']:.1f} ms, worst {result['worst_ms']:.1f} ms (target <= 33 ms); "
          f"capacity {1e3 / result['mean_ms']:.0f} frames/s")
    firsts = [first for first, _ in launches]
    print(f"start-up ({args.entry}, {len(launches)} launches): first painted window "
          f"{min(firsts):.2f} s best, {statistics.median(firsts):.2f} s median "
          f"(target < 2 s); engine ready "
          f"{statistics.median([ready for _, ready in launches]):.2f} s median")
    print(f"machine load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
