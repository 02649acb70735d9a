"""Headless animation export speed: the ``export`` command, end to end, on the adam-vs-sgd scene.

Two workloads (issue 3's benchmark), each the real command in a fresh process (start-up,
imports, the 300-step race, the grid, rendering every frame offscreen and encoding)::

    landscape-app export --scene adam-vs-sgd --out demo.mp4 --size 1280x720 --fps 30 \\
        --steps 300 --frames 300                                      target < 30 s
    landscape-app export --scene adam-vs-sgd --out demo.gif --size 800x600 --fps 30 \\
        --steps 300 --frames 150                                      target < 20 s

The whole process is timed (wall clock); the command's own summary splits it into recording
(race and grid) and rendering with encoding. Each output is decoded afterwards to check its
frame count and size. Targets are for 2 CPU cores; with ``--repeats N`` the fastest run
counts (the machine may be shared).

Usage: python bench/export.py [--repeats N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: (name, output file, extra arguments, frames, (width, height), target seconds)
WORKLOADS = (
    ("MP4 1280x720, 300 frames", "demo.mp4",
     ["--size", "1280x720", "--fps", "30", "--steps", "300", "--frames", "300"], 300,
     (1280, 720), 30.0),
    ("GIF 800x600, 150 frames", "demo.gif",
     ["--size", "800x600", "--fps", "30", "--steps", "300", "--frames", "150"], 150,
     (800, 600), 20.0),
)
SCENE = "adam-vs-sgd"


def run_export(out: Path, extra: list[str]) -> tuple[float, str]:
    """Run the command once; its wall time and its stdout."""
    environment = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM",
                                                                    "offscreen")}
    command = [sys.executable, "-m", "landscape_app", "export", "--scene", SCENE,
               "--out", str(out), *extra]
    started = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True, env=environment,
                              check=False)
    seconds = time.perf_counter() - started
    if finished.returncode != 0:
        raise SystemExit(f"export failed ({finished.returncode}): {finished.stderr.strip()}")
    return seconds, finished.stdout


def decoded_frames(path: Path) -> tuple[int, tuple[int, int]]:
    """Frame count and size of a GIF (Pillow) or MP4 (imageio-ffmpeg)."""
    if path.suffix == ".gif":
        from PIL import Image

        with Image.open(path) as image:
            return image.n_frames, image.size
    import imageio_ffmpeg

    count, _ = imageio_ffmpeg.count_frames_and_secs(str(path))
    probe = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                           capture_output=True, text=True, check=False)
    size = re.search(r"Video: h264.*?, (\d+)x(\d+)[ ,]", probe.stderr)
    return count, (int(size.group(1)), int(size.group(2))) if size else (0, 0)


def split_times(stdout: str) -> str:
    match = re.search(r"recorded in ([\d.]+) s, frames rendered and encoded in ([\d.]+) s",
                      stdout)
    if match is None:
        return ""
    return f"(race+grid {match.group(1)} s, render+encode {match.group(2)} s)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="runs per workload (best counts)")
    parser.add_argument("--keep", default=None, help="write the outputs to this folder")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-export-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"export benchmark: scene {SCENE}, {os.cpu_count()} CPU cores, best of "
          f"{args.repeats}")
    failed = False
    for name, file_name, extra, frames, size, target in WORKLOADS:
        out = folder / file_name
        best, best_stdout = float("inf"), ""
        for _ in range(args.repeats):
            seconds, stdout = run_export(out, extra)
            if seconds < best:
                best, best_stdout = seconds, stdout
        count, decoded_size = decoded_frames(out)
        if (count, tuple(decoded_size)) != (frames, size):
            raise SystemExit(f"{out}: decoded {count} frames of {decoded_size}, expected "
                             f"{frames} of {size}")
        verdict = "ok" if best < target else "SLOWER THAN TARGET"
        failed = failed or best >= target
        print(f"{name:<26} {best:6.1f} s  {frames / best:5.1f} frames/s  "
              f"target < {target:.0f} s: {verdict}  {split_times(best_stdout)}  "
              f"{out.stat().st_size / 1e6:.1f} MB")
    if not args.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
