"""A one-line progress bar for long commands, and Ctrl-C as their cancel (standard library
and the app's errors only)."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from landscape_app.core.errors import CancelledError

T = TypeVar("T")


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


class CtrlC:
    """While active, the first Ctrl-C asks the work to stop cleanly (``requested`` is set);
    a second one interrupts at once."""

    def __init__(self):
        self.requested = threading.Event()
        self._previous = None

    def __enter__(self) -> CtrlC:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        self.requested.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def run_cancellable(command: str, work: Callable[[ProgressBar, Callable[[], bool]], T]
                    ) -> T | None:
    """``work(progress, cancelled)`` with a :class:`ProgressBar` on stderr, the first Ctrl-C
    turning ``cancelled()`` True (:class:`CtrlC`); None when the work stopped on it, after
    ``landscape-app COMMAND: cancelled; nothing was written`` on stderr."""
    bar = ProgressBar()
    try:
        with CtrlC() as interrupt:
            return work(bar, interrupt.requested.is_set)
    except CancelledError:
        bar.close()  # the message on a line of its own
        print(f"landscape-app {command}: cancelled; nothing was written", file=sys.stderr)
        return None
    finally:
        bar.close()


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"
