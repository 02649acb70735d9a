"""Window speed: repaint rate with 8 optimizers racing on a 400×400 heatmap, and start-up time.

Two measurements, both on Qt's ``offscreen`` platform (real rendering into the window's
backing store, no screen):

1. **Frames.** The full window (engine loaded) with 8 lanes racing at maximum speed on
   Rosenbrock's 400×400 heatmap, the race stepping all along (in the race process, see
   ``landscape_app/engine/race_process.py``; the output says where), the real event loop and its
   60 Hz frame timer running for a few seconds. A frame is measured from the timer's slot
   (``FrameClock.paint``: the latest snapshot pushed into the views) until the changed
   views have repainted (their ``painted`` signal); frames/s counts the frames drawn per
   second, a frame being drawn only when the race published new rows since the last one (the
   timer caps them near 60), and the worst frame time is the longest (curve and table
   refreshes and garbage collection included). Steps per second per lane is what the race
   made meanwhile. The machine's load average is printed too: on a shared machine it moves
   every figure.
2. **Start-up.** A subprocess runs ``python -m landscape_app gui --scene adam-vs-sgd
   --report-startup`` (on Qt's ``offscreen`` platform, or ``--platform xcb`` under Xvfb); the
   time from spawning it to its "landscape-painted" line is the time to the first frame
   showing the scene's landscape (drawn before torch is imported: the line says whether it
   was), to "first-paint" the time to the first painted window, and to "core-ready" the time
   until torch and the panels are loaded (Play then acts; pressed earlier, it was held).

3. **Drag and see.** The window with 4 lanes on Rosenbrock and a 300-step limit; the start
   marker is "dragged" (its ``startDragged`` signal, as a mouse drag emits it) to a new
   position every 16 ms for a few seconds. Printed: moves whose preview was drawn per second
   (partial or whole; stale moves are skipped), the latency from a move to the frame that
   drew that move's preview (p50/p95),
   the frame timer's ticks served per second meanwhile (the window's responsiveness), the
   latency from a move to the frame that painted its exact whole preview (p50/p95; the
   lanes the map engine steps come whole at once, :mod:`landscape_app.engine.preview_lanes`), the
   time from the last move to its whole preview, and, as the baseline measured in the same
   run, the time one whole 4 x 300 race takes to step in this process (race runner) and to be
   computed as the preview computes it. Then the trajectory
   fields (``landscape_app/gui/live/field_lanes.py``): the time the window took to compute them in
   the background, the whole paths (one per field lane) drawn per second while dragging, and
   the latency from a move to the frame that painted its whole field paths (p50/p95; targets
   >= 30 whole paths/s, p95 < 20 ms).

4. **Closing.** The app (``run_app``, as ``landscape-app gui`` runs it) in a subprocess with
   the 8 lanes racing; 2 s after the engine is ready the window is closed. Printed: the time
   ``close()`` took (the window is gone when it returns), the time until the app's process
   exited, and the processes of its session still alive then (race processes, fork server).

Targets: ≥ 60 frames/s, worst frame ≤ 33 ms, first window < 2 s, a 2D scene drawn < 1.5 s;
previews ≥ 10/s, p95 latency < 150 ms, ≥ 30 frames/s while dragging; the window closed in
< 0.5 s, nothing left.
Usage: python bench/ui.py [--seconds S] [--launches N] [--entry cli|app] [--only what]
       [--platform offscreen|xcb]   (start-up on X: xvfb-run -a python bench/ui.py --only
       startup --platform xcb)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the user's settings: the windows this bench opens (here and in the app processes it
# starts, which inherit this) remember their geometry in a folder of its own.
os.environ["LANDSCAPE_APP_SETTINGS"] = tempfile.mkdtemp(prefix="landscape-app-bench-")

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
    window.clock.times.clear()
    steps_before = window.buffer.snapshot().furthest_step
    run_event_loop(seconds)
    times = list(window.clock.times)
    steps = window.buffer.snapshot().furthest_step - steps_before
    remote = window.race_thread.worker.stepping_remotely
    window.close()
    return {"seconds": seconds, "frames": len(times), "fps": len(times) / seconds,
            "mean_ms": 1e3 * statistics.mean(times),
            "p95_ms": 1e3 * sorted(times)[int(0.95 * len(times)) - 1],
            "worst_ms": 1e3 * max(times), "steps_per_s": steps / seconds,
            "stepped_in": "the race process" if remote else "the worker thread"}


PREVIEW_LANES = LANES[:4]
PREVIEW_STEPS = 300


def preview_benchmark(seconds: float) -> dict:
    """Drag the start for ``seconds``; see the module docstring (3)."""
    import numpy as np
    from PySide6.QtCore import QTimer

    from landscape_app.gui.app import LaunchOptions, create_application
    from landscape_app.gui.main_window import MainWindow

    app = create_application([])
    window = MainWindow(LaunchOptions(function="rosenbrock", optimizers=PREVIEW_LANES,
                                      max_steps=PREVIEW_STEPS))
    window.show()
    while window.controller is None or window.controller.grid is None:
        run_event_loop(0.05)
    model, preview = window.controller.model, window.controller.preview
    fields_started = time.perf_counter()
    while not window.fields.complete() and time.perf_counter() - fields_started < 300:
        run_event_loop(0.05)
    fields_s = time.perf_counter() - fields_started
    field_latencies, field_pending = [], [None]
    window.fields.drawn.connect(lambda: field_pending.__setitem__(0, moved_at[0]))
    moved_at = [0.0]
    baseline_started = time.perf_counter()
    stepper = model.race_factory()()
    stepper.start()
    stepper.advance(PREVIEW_STEPS + 1)
    baseline = time.perf_counter() - baseline_started
    engine_started = time.perf_counter()
    model.preview_factory()().start()  # the same race as the preview computes it
    engine = time.perf_counter() - engine_started
    requested: dict[int, float] = {}
    shown: dict[int, tuple[int, bool]] = {}  # generation -> (serial, complete)
    latencies, drawn = [], set()
    whole_latencies, whole_drawn = [], set()  # move -> the frame painting its whole preview
    ticks = []
    complete_at = {}

    def on_shown(result):
        shown[window.race_thread.worker.generation] = (result.serial, result.complete)
        if result.complete:
            complete_at[result.serial] = time.perf_counter()

    def on_painted():
        if field_pending[0] is not None:  # the frame that shows a move's whole field paths
            field_latencies.append(time.perf_counter() - field_pending[0])
            field_pending[0] = None
        key = window.painter._key
        generation = key[0] if key else None
        serial, whole = shown.get(generation, (None, False))
        if serial is not None and serial not in drawn:  # a move's first trails on screen
            drawn.add(serial)
            latencies.append(time.perf_counter() - requested[serial])
        if whole and serial in requested and serial not in whole_drawn:  # its whole preview
            whole_drawn.add(serial)
            whole_latencies.append(time.perf_counter() - requested[serial])

    preview.shown.connect(on_shown)
    window.views.contour.painted.connect(on_painted)
    window.clock.timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    start = model.start_point()
    moves = [0]

    def move():
        moves[0] += 1
        moved_at[0] = time.perf_counter()
        angle = 0.15 * moves[0]
        window.views.contour.startDragged.emit(float(start[0] + 0.4 * np.sin(angle)),
                                         float(start[1] + 0.3 * np.cos(angle)))
        requested[preview.runner.serial] = time.perf_counter()

    driver = QTimer()
    driver.setInterval(16)
    driver.timeout.connect(move)
    run_event_loop(0.5)
    began = time.perf_counter()
    driver.start()
    run_event_loop(seconds)
    driver.stop()
    stopped, last = time.perf_counter(), preview.runner.serial
    while last not in complete_at and time.perf_counter() - stopped < 60:
        run_event_loop(0.02)
    settle = complete_at.get(last, float("nan")) - stopped
    during = [t for t in ticks if began <= t <= stopped]
    window.close()
    app.processEvents()
    latencies.sort()
    count = len(latencies)
    return {"moves": moves[0], "previews_per_s": count / seconds, "seconds": seconds,
            "whole": sum(1 for _, whole in shown.values() if whole),
            "p50_ms": 1e3 * latencies[count // 2] if count else float("nan"),
            "p95_ms": 1e3 * latencies[max(0, int(0.95 * count) - 1)] if count else float("nan"),
            "ticks_per_s": len(during) / seconds, "settle_s": settle, "baseline_s": baseline,
            "engine_s": engine,
            "whole_frames": len(whole_latencies), **_percentiles(whole_latencies, "whole"),
            "fields_s": fields_s, "field_lanes": len(window.fields.lane_keys()),
            "field_frames": len(field_latencies), **_percentiles(field_latencies, "field")}


def _percentiles(latencies: list[float], name: str) -> dict:
    """``{name}_p50_ms``, ``{name}_p95_ms`` of ``latencies`` (seconds)."""
    ordered, count = sorted(latencies), len(latencies)
    if not count:
        return {f"{name}_p50_ms": float("nan"), f"{name}_p95_ms": float("nan")}
    return {f"{name}_p50_ms": 1e3 * ordered[count // 2],
            f"{name}_p95_ms": 1e3 * ordered[max(0, int(0.95 * count) - 1)]}


def run_event_loop(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(1000 * seconds), loop.quit)
    loop.exec()


#: The scene whose start-up is timed: a 2D function (Rosenbrock) with three lanes and a note.
STARTUP_SCENE = "adam-vs-sgd"


def launch_command(entry: str) -> list[str]:
    if entry == "cli":
        return [sys.executable, "-m", "landscape_app", "gui", "--scene", STARTUP_SCENE,
                "--report-startup"]
    return [sys.executable, "-c", "from landscape_app.gui.app import LaunchOptions, run_app; "
            f"run_app(LaunchOptions(scene_id={STARTUP_SCENE!r}, report_startup=True))"]


def launch_benchmark(launches: int, entry: str, platform: str) -> list[dict[str, float]]:
    """Seconds from spawning the app's process to each start-up mark, one dict per launch:
    ``first-paint`` (the window), ``landscape`` (the first paint showing the landscape) and
    ``core-ready`` (the engine loaded); ``torch`` is 1.0 when torch was already imported at
    the landscape's first paint. ``platform`` is Qt's (``xcb`` needs a display)."""
    settings = tempfile.mkdtemp(prefix="landscape-app-bench-")  # never the user's settings
    env = {**os.environ, "QT_QPA_PLATFORM": platform, "XDG_CONFIG_HOME": settings}
    results = []
    for _ in range(launches):
        started = time.perf_counter()
        process = subprocess.Popen(launch_command(entry), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=env)
        marks = {}
        try:
            for line in process.stdout:
                name, _, value = line.strip().partition(" ")
                marks[name] = time.perf_counter() - started
                if name == "landscape-painted":
                    marks["torch"] = float(value == "torch=True")
                if name == "core-ready":
                    break
        finally:
            process.terminate()
            _, errors = process.communicate(timeout=30)
        if "first-paint" not in marks:
            raise SystemExit(f"the window did not start: {errors.strip()[-500:]}")
        marks["landscape"] = marks.pop("landscape-painted", float("nan"))
        marks.setdefault("core-ready", float("nan"))
        results.append(marks)
    return results


def print_startup(launches: list[dict[str, float]], entry: str, platform: str) -> None:
    def median(key: str) -> float:
        return statistics.median(marks[key] for marks in launches)

    landscapes = [marks["landscape"] for marks in launches]
    torch_first = sum(marks.get("torch", 0.0) for marks in launches)
    print(f"start-up of `gui --scene {STARTUP_SCENE}` ({entry}, {platform}, {len(launches)} "
          f"launches), from process start:")
    print(f"  first frame showing the landscape: {min(landscapes):.2f} s best, "
          f"{median('landscape'):.2f} s median (target < 1.5 s); torch imported before it "
          f"in {torch_first:.0f} of {len(launches)}")
    print(f"  first painted window {median('first-paint'):.2f} s median (target < 2 s); "
          f"engine ready (play works) {median('core-ready'):.2f} s median")
    print(f"  machine load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


CLOSE_CHILD = """
import sys, time
from PySide6.QtCore import QTimer
from landscape_app.gui import app as gui_app
LANES = {lanes!r}
opened = gui_app.open_window
def close_later(window):
    def close():
        started = time.perf_counter()
        window.close()
        print("closed-in", time.perf_counter() - started, flush=True)
        print("closed-at", time.time(), flush=True)
    window.controls.play_action.setChecked(True)
    QTimer.singleShot(2000, close)
def open_window(options):
    window = opened(options)
    window.coreReady.connect(lambda: close_later(window))
    return window
gui_app.open_window = open_window
if __name__ == "__main__":
    sys.exit(gui_app.run_app(gui_app.LaunchOptions(function="rosenbrock", optimizers=LANES)))
"""


def close_benchmark() -> dict:
    """Close the racing window of a real app process; how long it took, what is left."""
    child = CLOSE_CHILD.format(lanes=LANES)
    process = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    marks = {}
    for line in process.stdout:  # until the app's process and everything it started end
        name, _, value = line.partition(" ")
        marks[name] = float(value)
        if name == "closed-at":
            break
    process.wait()
    exited = time.time()
    left = _session_processes(process.pid)
    while left and time.time() < exited + 10:
        time.sleep(0.02)
        left = _session_processes(process.pid)
    return {"close_s": marks["closed-in"], "exit_s": exited - marks["closed-at"],
            "all_gone_s": time.time() - marks["closed-at"], "left": left}


def _session_processes(session: int) -> list[str]:
    return subprocess.run(["ps", "-o", "pid=,args=", "-s", str(session)],
                          capture_output=True, text=True).stdout.strip().splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="racing time measured")
    parser.add_argument("--speed", default="max",
                        help='steps per second per lane while measuring, or "max" (default)')
    parser.add_argument("--launches", type=int, default=3)
    parser.add_argument("--entry", choices=("cli", "app"), default="cli",
                        help="start through the command line (default) or run_app directly")
    parser.add_argument("--only", choices=("all", "startup", "preview", "close"),
                        default="all", help='"startup": only the start-up times; "preview": '
                        'only the drag-and-see measurement; "close": only closing the window')
    parser.add_argument("--platform", choices=("offscreen", "xcb"), default="offscreen",
                        help="Qt platform of the launches timed (xcb needs an X display: run "
                        "under `xvfb-run -a`)")
    args = parser.parse_args()
    if args.only == "startup":
        print_startup(launch_benchmark(args.launches, args.entry, args.platform), args.entry,
                      args.platform)
        return
    if args.only == "preview":
        print_preview(preview_benchmark(args.seconds))
        return
    if args.only == "close":
        print_close(close_benchmark())
        return
    launches = launch_benchmark(args.launches, args.entry, args.platform)
    speed = None if args.speed == "max" else float(args.speed)
    result = frame_benchmark(args.seconds, speed)
    print(f"repaint, 8 lanes racing at {args.speed} speed on a 400x400 heatmap, "
          f"{result['seconds']:g} s ({result['steps_per_s']:.0f} steps/s per lane, stepped in "
          f"{result['stepped_in']}):")
    print(f"  {result['fps']:.1f} frames/s painted by the 60 Hz frame timer (target >= 60)")
    print(f"  frame time (timer slot to views painted): mean {result['mean_ms']:.1f} ms, p95 "
          f"{result['p95_ms']:.1f} ms, worst {result['worst_ms']:.1f} ms (target <= 33 ms); "
          f"capacity {1e3 / result['mean_ms']:.0f} frames/s")
    print_startup(launches, args.entry, args.platform)
    print_preview(preview_benchmark(args.seconds))
    print_close(close_benchmark())
    print(f"machine load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


def print_close(result: dict) -> None:
    print(f"closing the window with {len(LANES)} lanes racing: window gone in "
          f"{result['close_s']:.3f} s (target < 0.5 s); the app's process exited "
          f"{result['exit_s']:.2f} s after, every process it started gone "
          f"{result['all_gone_s']:.2f} s after; left 10 s later: {len(result['left'])}"
          + "".join(f"\n    {line}" for line in result["left"]))


def print_preview(result: dict) -> None:
    print(f"drag and see, {len(PREVIEW_LANES)} lanes x {PREVIEW_STEPS} steps on Rosenbrock, "
          f"start dragged for {result['seconds']:g} s ({result['moves']} moves):")
    print(f"  {result['previews_per_s']:.1f} moves previewed/s (target >= 10), "
          f"{result['whole']} of them whole")
    print(f"  move -> trails drawn: p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} "
          f"ms (target < 150 ms)")
    print(f"  frame timer served {result['ticks_per_s']:.1f} ticks/s meanwhile (target >= 30)")
    print(f"  move -> its exact whole preview painted ({result['whole_frames']} moves): p50 "
          f"{result['whole_p50_ms']:.0f} ms, p95 {result['whole_p95_ms']:.0f} ms (target < 300 "
          f"ms)")
    print(f"  last move -> its whole preview: {result['settle_s']:.2f} s; baseline: one whole "
          f"race stepped in this process {result['baseline_s']:.2f} s (race runner), "
          f"{result['engine_s']:.2f} s (as the preview computes it)")
    lanes, frames = result["field_lanes"], result["field_frames"]
    print(f"  trajectory fields ({lanes} lanes, 64x64 starts) computed in the background in "
          f"{result['fields_s']:.2f} s; {lanes * frames / result['seconds']:.1f} whole paths "
          f"drawn/s ({frames / result['seconds']:.1f} frames/s with every field lane's whole "
          f"path; target >= 30 paths/s)")
    print(f"  move -> whole field paths painted: p50 {result['field_p50_ms']:.1f} ms, p95 "
          f"{result['field_p95_ms']:.1f} ms (target < 20 ms)")
    print(f"  machine load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
