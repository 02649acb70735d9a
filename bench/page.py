"""The interactive page in headless Chromium: time to first draw, and frame times while
scrubbing a race of 8 lanes × 2000 steps.

The page is exported (:mod:`landscape_app.engine.page`, field paths included) for eight
gradient methods on Rosenbrock, 2000 steps each, then opened from ``file://`` in Debian's
``chromium`` through Playwright. Reported:

- time to first draw: from navigation start to the end of the first frame's drawing (the
  page's own ``performance.now()``, so it includes parsing the embedded data);
- frame times: the drawing time of each frame (landscape, trails, heads, loss curves, table)
  while the timeline slider is moved to ``SCRUB_FRAMES`` positions, one ``input`` event each
  (as a dragged slider sends them), and the time from each input to its frame being drawn.

Targets (issue 24): first draw < 1 s; p95 frame < 16 ms. Also the page's size.

Run: ``PYTHONPATH=. .venv/bin/python bench/page.py`` (needs ``chromium`` and Playwright).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.engine.page import page_document
from landscape_app.export.page import write_page
from landscape_app.state.lanes import make_lanes
from landscape_app.state.model import LandscapeSpec, SessionState, ViewSettings

STEPS, SCRUB_FRAMES = 2000, 300
CHROMIUM = "/usr/bin/chromium"
SPECS = (OptimizerSpec("sgd", {"lr": 0.001}), OptimizerSpec("momentum", {"lr": 0.0003}),
         OptimizerSpec("nesterov", {"lr": 0.0003}), OptimizerSpec("adam", {"lr": 0.05}),
         OptimizerSpec("adamw", {"lr": 0.05}), OptimizerSpec("rmsprop", {"lr": 0.01}),
         OptimizerSpec("adagrad", {"lr": 0.5}), OptimizerSpec("radam", {"lr": 0.05}))


def session() -> SessionState:
    """Eight lanes on Rosenbrock for STEPS steps, at the window's default resolution."""
    return SessionState(landscape=LandscapeSpec("function", "rosenbrock"),
                        lanes=make_lanes(SPECS), max_steps=STEPS, view=ViewSettings(),
                        title="8 lanes × 2000 steps")


def export(folder: Path) -> tuple[Path, float]:
    started = time.perf_counter()
    path = write_page(folder / "bench.html", page_document(session()))
    return path, time.perf_counter() - started


def measure(path: Path) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(path.as_uri())
        page.wait_for_function("window.__page && window.__page.state().drawn > 0")
        first = page.evaluate("window.__page.timing().firstDraw")
        page.evaluate("window.__page.timing()")
        drawn_before = page.evaluate("window.__page.timing().frameTimes.length")
        latencies = page.evaluate(
            """async (count) => {
                const slider = document.getElementById('slider'), out = [];
                for (let k = 0; k < count; k++) {
                    const target = Math.round((k * 7919) % (+slider.max + 1));
                    const t0 = performance.now();
                    slider.value = String(target);
                    slider.dispatchEvent(new Event('input', {bubbles: true}));
                    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
                    out.push(performance.now() - t0);
                }
                return out;
            }""", SCRUB_FRAMES)
        frames = page.evaluate("window.__page.timing().frameTimes")[drawn_before:]
        browser.close()
    return {"first": first, "frames": np.asarray(frames), "latency": np.asarray(latencies)}


def main() -> int:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    if not Path(CHROMIUM).exists():
        print("bench/page.py needs Debian's chromium (apt-get install chromium)")
        return 1
    with tempfile.TemporaryDirectory() as folder:
        path, seconds = export(Path(folder))
        size = path.stat().st_size
        result = measure(path)
    frames, latency = result["frames"], result["latency"]
    print(f"page: 8 lanes x {STEPS} steps on Rosenbrock, {size / 1e6:.2f} MB, exported in "
          f"{seconds:.1f} s (race, grid, 16x16 field paths of 8 lanes)")
    print(f"time to first draw: {result['first']:.0f} ms (target < 1000 ms)")
    print(f"scrubbing, {len(frames)} frames drawn: draw p50 {np.percentile(frames, 50):.1f} "
          f"ms, p95 {np.percentile(frames, 95):.1f} ms, max {frames.max():.1f} ms "
          "(target p95 < 16 ms)")
    print(f"input to frame drawn: p50 {np.percentile(latency, 50):.1f} ms, "
          f"p95 {np.percentile(latency, 95):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
