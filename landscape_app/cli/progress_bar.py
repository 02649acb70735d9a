"""A one-line progress bar for long commands (standard library only)."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    """One line on stderr, drawn only when stderr is a terminal: the stage, a bar, the
    percentage, time elapsed and, while drawing frames, the estimated time left.

    It is a ``progress(stage, fraction)`` callback
    (:data:`~landscape_app.core.progress.StageProgress`).
    """

    WIDTH = 28

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self._stage_started: dict[str, float] = {}
        self._shown = ""

    def __call__(self, stage: str, fraction: float, of: int | None = None) -> None:
        """Show ``fraction`` (0 to 1) of ``stage`` done (of ``of`` items, when given)."""
        if not self.enabled:
            return
        now = time.perf_counter()
        begun = self._stage_started.setdefault(stage, now)
        fraction = min(1.0, max(0.0, fraction))
        filled = int(round(self.WIDTH * fraction))
        line = f"\r{stage:<12} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {fraction:4.0%}"
        if of is not None:  # a count of work items: show them, and their rate
            done = round(fraction * of)
            line += f"  {done}/{of}"
            if now > begun:
                line += f"  {done / (now - begun):.3g}/s"
        if stage in ("frames", "points") and fraction > 0:
            line += f"  ETA {_clock((now - begun) * (1.0 - fraction) / fraction)}"
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
