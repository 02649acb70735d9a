"""A one-line progress bar for long commands (standard library only)."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    """One line on stderr, drawn only when stderr is a terminal: the stage, a bar, frames
    done/total, time elapsed and the estimated time left."""

    WIDTH = 28

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self._stage_started: dict[str, float] = {}
        self._shown = ""

    def __call__(self, stage: str, done: float, total: float = 1.0) -> None:
        """Show ``done`` of ``total`` for ``stage`` (a fraction when total is 1)."""
        if not self.enabled:
            return
        now = time.perf_counter()
        begun = self._stage_started.setdefault(stage, now)
        fraction = min(1.0, done / total) if total else 0.0
        filled = int(round(self.WIDTH * fraction))
        line = f"\r{stage:<12} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
        if stage in ("frames", "points"):
            line += f"{int(done)}/{int(total)}"
            if stage == "points" and now > begun:
                line += f"  {done / (now - begun):.3g}/s"
            if done:
                line += f"  ETA {_clock((now - begun) * (total - done) / done)}"
        else:
            line += f"{fraction:4.0%}"
        line += f"  elapsed {_clock(now - self.started)}"
        if line != self._shown:
            self.stream.write(line.ljust(len(self._shown)))
            self.stream.flush()
            self._shown = line

    def close(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\r" + " " * len(self._shown) + "\r")
            self.stream.flush()
            self._shown = ""


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"
