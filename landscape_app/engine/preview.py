"""Previews: a whole race computed ahead, off the UI thread, while the user drags a setting.

While the start point or a hyperparameter slider is dragged, every lane's trajectory up to
the step limit is recomputed for each new position. :class:`PreviewRunner` does that in a
thread of its own (which only waits on a pipe) and, where it can, in a process of its own (a
second :class:`~landscape_app.engine.race_process.RaceProcess`, so the window's painting and
the live race never wait for it). Only the latest request matters:

* a request replaces any request not started yet (stale requests are dropped unseen);
* a preview being computed is abandoned, between two chunks of steps, when a newer request
  waits and it has already delivered something (so a continuous drag still shows trails);
* results are delivered in chunks (a partial preview first, the whole one last), each
  carrying its request's serial number: the receiver draws only a serial at least as new
  as the one it drew last.

The same :class:`~landscape_app.engine.steppers.RaceStepper` (hence the core
:class:`~landscape_app.core.runner.Race`) computes previews, so a preview is exactly the race
that ``landscape-app run`` makes with the same settings. :class:`ShownStepper` hands a
delivered preview to the race worker as a race that has already run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from landscape_app.core.errors import CancelledError
from landscape_app.core.portable import dumps_factory
from landscape_app.engine.protocol import RaceProcessError
from landscape_app.engine.race_process import RaceProcess, RemoteStepper
from landscape_app.engine.traces import LaneChunk, merge_chunks

#: Time one chunk of preview steps aims at (the first partial preview arrives after about
#: this long; later chunks are delivered together at most this often).
CHUNK_SECONDS = 0.04
FIRST_CHUNK_STEPS = 4
MAX_CHUNK_STEPS = 4096


@dataclass(frozen=True)
class PreviewResult:
    """The rows of a preview so far: ``chunks`` (one merged :class:`LaneChunk` per lane, all
    rows from step 0), ``complete`` once every lane stopped; ``error`` when it failed."""

    serial: int
    key: Any
    labels: tuple[str, ...]
    chunks: tuple[LaneChunk, ...]
    complete: bool
    error: str = ""


class ShownStepper:
    """A race that has already run (a preview): :meth:`start` gives all its rows at once."""

    offload = False

    def __init__(self, result: PreviewResult):
        self.result = result
        self.labels = list(result.labels)
        self.done = True

    def start(self) -> list[LaneChunk]:
        return list(self.result.chunks)

    def advance(self, steps: int) -> list[LaneChunk]:
        return []


class PreviewRunner:
    """Computes the latest requested preview in a background thread; see the module docstring.

    Parameters
    ----------
    deliver : callable
        Called (in the runner's thread) with each :class:`PreviewResult`.
    use_process : bool
        Step previews in a process of their own (the default); False steps them in the
        runner's thread (also the fallback when the process cannot start).
    """

    def __init__(self, deliver: Callable[[PreviewResult], None], use_process: bool = True):
        self._deliver = deliver
        self._cond = threading.Condition()
        self._pending: tuple[int, Any, Callable] | None = None
        self._serial = 0
        self._quit = False
        self._process = RaceProcess() if use_process else None
        self._thread = threading.Thread(target=self._run, name="preview", daemon=True)
        self._thread.start()

    @property
    def serial(self) -> int:
        """The serial number of the latest request."""
        return self._serial

    def request(self, factory: Callable, key: Any = None) -> int:
        """Compute ``factory()``'s race to its end (replacing any waiting request); its
        serial number."""
        with self._cond:
            self._serial += 1
            self._pending = (self._serial, key, factory)
            self._cond.notify_all()
            return self._serial

    def cancel(self) -> int:
        """Drop the waiting request and make any running one stale; the new serial."""
        with self._cond:
            self._serial += 1
            self._pending = None
            self._cond.notify_all()
            return self._serial

    def close(self, timeout: float = 5.0) -> None:
        """Stop the thread (and the preview process) and join it."""
        with self._cond:
            self._quit = True
            self._cond.notify_all()
        self._thread.join(timeout)

    # -- the runner's thread ------------------------------------------------------------
    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    while self._pending is None and not self._quit:
                        self._cond.wait()
                    if self._quit:
                        return
                    job, self._pending = self._pending, None
                self._compute(*job)
        finally:
            if self._process is not None:
                self._process.close()

    def _newer_waiting(self, serial: int) -> bool:
        return self._quit or self._serial != serial

    def _stepper(self, factory: Callable):
        if self._process is not None:
            try:
                self._process.start()
            except RaceProcessError:
                self._process = None  # step here instead
        if self._process is not None:
            payload = dumps_factory(factory)
            if payload is not None:
                return RemoteStepper(self._process, payload, lambda: self._quit)
        return factory()

    def _compute(self, serial: int, key: Any, factory: Callable) -> None:
        labels: tuple[str, ...] = ()
        try:
            stepper = self._stepper(factory)
            chunks = stepper.start()
            labels = tuple(stepper.labels)
            delivered, steps = False, FIRST_CHUNK_STEPS
            last_delivery = time.perf_counter()
            while not stepper.done:
                if delivered and self._newer_waiting(serial):
                    return  # abandoned: a newer position waits
                started = time.perf_counter()
                chunks = merge_chunks(chunks + stepper.advance(steps))
                elapsed = time.perf_counter() - started
                steps = max(1, min(MAX_CHUNK_STEPS,
                                   round(steps * CHUNK_SECONDS / max(elapsed, 1e-6))))
                if not delivered or time.perf_counter() - last_delivery >= CHUNK_SECONDS:
                    self._deliver(PreviewResult(serial, key, labels, tuple(chunks), False))
                    delivered, last_delivery = True, time.perf_counter()
        except CancelledError:
            return
        except (RaceProcessError, Exception) as error:  # noqa: BLE001 - shown, runner lives on
            self._deliver(PreviewResult(serial, key, labels, (), True,
                                        str(error) or type(error).__name__))
            return
        self._deliver(PreviewResult(serial, key, labels, tuple(merge_chunks(chunks)), True))
