"""The race worker: a QObject in its own QThread stepping a race between pause/abort checks.

The window calls :meth:`RaceWorker.load`, :meth:`~RaceWorker.play`, :meth:`~RaceWorker.pause`,
:meth:`~RaceWorker.step_once` and :meth:`~RaceWorker.set_speed` from the UI thread; they only
change a few fields under a condition variable and wake the worker. The worker's loop takes
one job at a time (load a race, or step it), runs it outside the lock, and publishes numpy rows
into the :class:`~landscape_app.engine.traces.TraceBuffer`. It never touches a widget; the window
repaints from the buffer on its own timer, so compute and paint rates are independent.

Where the steps are computed: a live race (a stepper class with ``offload = True`` whose
factory pickles, see :mod:`landscape_app.core.portable`) is stepped in the race process
(:mod:`landscape_app.engine.race_process`), started with the worker: this thread then only waits
on a pipe, without the GIL, and publishes. Anything else (a replay, which only slices arrays,
or a factory that cannot be sent) is stepped here, in this thread.

Pacing at a finite speed ``s`` (steps per second per lane): batches of ``b = ⌈s / 60⌉`` steps,
the next batch due ``b / s`` seconds after the previous one. At "max" speed, batches are sized
so that one takes about :data:`MAX_SPEED_BATCH_SECONDS` (long enough to amortise the
publication, short enough for pause to feel immediate and for every frame to find new rows).
While the window paints a frame it holds the worker (:meth:`RaceWorker.hold`) if the race is
stepped in this thread: both threads share one GIL, and painting is hundreds of short calls
into Qt, each of which would otherwise hand the GIL back to a stepping worker for a whole
switch interval. A race stepped in the race process is never held: it costs painting nothing.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from landscape_app.core.errors import CancelledError
from landscape_app.core.portable import dumps_factory
from landscape_app.engine.race_process import RaceProcess, RaceProcessError, RemoteStepper
from landscape_app.engine.traces import TraceBuffer, merge_chunks

#: Batch duration aimed at when stepping as fast as possible (a batch is cut short when the
#: window wants to paint, so this only bounds how often results are published).
MAX_SPEED_BATCH_SECONDS = 0.010
MAX_BATCH_STEPS = 4096
#: Longest the worker stays parked by :meth:`RaceWorker.hold` (a safety net: a frame takes
#: a few milliseconds, and the window releases the worker as soon as it is painted).
HOLD_LIMIT_SECONDS = 0.05
#: Batches a second at a finite speed (one per frame of a 60 Hz display).
BATCHES_PER_SECOND = 60.0
#: Most ``advanced`` signals a second (each wakes the UI thread, which then has to win the GIL
#: back from the worker; the window paints from the buffer on its own clock anyway).
ADVANCED_SIGNALS_PER_SECOND = 30.0
#: Window of the steps-per-second estimate.
RATE_WINDOW_SECONDS = 0.5

_live_threads: set[QThread] = set()


def live_threads() -> list[QThread]:
    """Worker threads started and not yet joined (tests assert this is empty)."""
    return [thread for thread in _live_threads if thread.isRunning()]


class RaceWorker(QObject):
    """Steps the loaded race; see the module docstring for the protocol.

    Signals
    -------
    advanced(generation, furthest_step)
        After a published batch (at most :data:`ADVANCED_SIGNALS_PER_SECOND` a second, and
        always after a single step and after the last batch).
    playingChanged(playing)
        When play stops by itself (the race ended) or is switched.
    raceFinished(generation)
        Every lane of the race has stopped.
    raceFailed(generation, message)
        The race could not be built (e.g. an invalid hyperparameter combination).
    """

    advanced = Signal(int, int)
    playingChanged = Signal(bool)
    raceFinished = Signal(int)
    raceFailed = Signal(int, str)

    def __init__(self, buffer: TraceBuffer):
        super().__init__()
        self.buffer = buffer
        self._cond = threading.Condition()
        self._quit = False
        self._pending: Callable | None = None
        self._generation = 0
        self._stepper = None
        self._playing = False
        self._single_steps = 0
        self._speed: float | None = 60.0
        self._next_due = 0.0
        self._batch = 1
        self._rate_marks: list[tuple[float, int]] = []
        self._held = False
        self._held_since = 0.0
        self._next_signal = 0.0
        self._busy = False
        self._process = RaceProcess()

    # -- the UI thread's API --------------------------------------------------------------
    def load(self, factory: Callable) -> int:
        """Replace the race with ``factory()`` (called in the worker thread); returns its
        generation. Playing goes on with the new race if it was on."""
        with self._cond:
            self._generation += 1
            self._pending = factory
            self._single_steps = 0
            self._cond.notify_all()
            return self._generation

    def play(self) -> None:
        self._set_playing(True)

    def pause(self) -> None:
        self._set_playing(False)

    def step_once(self) -> None:
        """Pause and advance every running lane by one step."""
        self._set_playing(False)
        with self._cond:
            self._single_steps += 1
            self._cond.notify_all()

    def set_speed(self, steps_per_second: float | None) -> None:
        """Steps per second per lane, or None for as fast as possible."""
        if steps_per_second is not None and not steps_per_second > 0:
            raise ValueError(f"speed must be positive, got {steps_per_second}")
        with self._cond:
            self._speed = steps_per_second
            self._next_due = time.monotonic()
            self._cond.notify_all()

    def hold(self) -> None:
        """Park the worker after its current batch until :meth:`release` (the window holds
        it while painting a frame: the two threads share one GIL, and a stepping worker
        would otherwise take it back at every call the painting makes into Qt)."""
        with self._cond:
            self._held = True
            self._held_since = time.monotonic()

    def release(self) -> None:
        with self._cond:
            self._held = False
            self._cond.notify_all()

    def stop(self) -> None:
        """Make the loop return (the current batch, if any, is finished first)."""
        with self._cond:
            self._quit = True
            self._cond.notify_all()

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def busy(self) -> bool:
        """Whether a job (a load, a batch of steps) is running: a batch asked for before a
        pause is still taken and published; once ``busy`` is False a paused race stays put."""
        return self._busy

    @property
    def stepping_remotely(self) -> bool:
        """Whether the race loaded last is stepped in the race process."""
        return bool(getattr(self._stepper, "remote", False))

    def _set_playing(self, playing: bool) -> None:
        # Emitted with the lock held, so that the order of the (queued) notifications is the
        # order of the changes, whichever thread makes them.
        with self._cond:
            changed = self._playing != playing
            self._playing = playing
            self._next_due = time.monotonic()
            self._rate_marks.clear()
            self._cond.notify_all()
            if changed:
                self.playingChanged.emit(playing)

    # -- the worker thread ---------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        """The loop: wait for a job, run it, publish; until :meth:`stop`. The race process is
        started first (the first race is sent to it) and closed last."""
        try:
            self._start_process()
            while True:
                with self._cond:
                    self._busy = False
                    job = self._next_job()
                    self._busy = job is not None
                if job is None:
                    return
                job()
        finally:
            if self._process is not None:
                self._process.close()

    def _start_process(self) -> None:
        """Start the race process; without one (it could not start), races step here."""
        try:
            self._process.start()
        except RaceProcessError:
            self._process = None

    def _next_job(self) -> Callable | None:
        """The next thing to do (called with the lock held; waits while there is nothing)."""
        while not self._quit:
            if self._held and not getattr(self._stepper, "remote", False):
                held_for = time.monotonic() - self._held_since
                if held_for < HOLD_LIMIT_SECONDS:
                    self._cond.wait(HOLD_LIMIT_SECONDS - held_for)
                    continue
            if self._pending is not None:
                factory, self._pending = self._pending, None
                generation = self._generation
                return lambda: self._load(factory, generation)
            stepper, generation = self._stepper, self._generation
            if stepper is not None and not stepper.done:
                if self._single_steps:
                    self._single_steps -= 1
                    return lambda: self._advance(stepper, generation, 1, single=True)
                if self._playing:
                    steps, wait = self._due_steps()
                    if steps:
                        return lambda: self._advance(stepper, generation, steps)
                    self._cond.wait(wait)
                    continue
            elif self._playing:
                self._playing = False
                self.playingChanged.emit(False)
                continue
            self._single_steps = 0
            self._cond.wait()
        return None

    def _due_steps(self) -> tuple[int, float]:
        """(steps to take now, 0) or (0, seconds to wait) at the current speed."""
        if self._speed is None:
            return self._batch, 0.0
        now = time.monotonic()
        if now < self._next_due:
            return 0, self._next_due - now
        steps = max(1, math.ceil(self._speed / BATCHES_PER_SECOND))
        self._next_due = max(self._next_due, now - 0.1) + steps / self._speed
        return steps, 0.0

    def _load(self, factory: Callable, generation: int) -> None:
        try:
            stepper = self._stepper_for(factory)
            chunks = stepper.start()
        except CancelledError:
            return
        except Exception as error:  # noqa: BLE001 - shown to the user, the worker lives on
            self._stepper = None
            self.buffer.reset(generation, [])  # the old race's rows are not this race's
            self.raceFailed.emit(generation, str(error) or type(error).__name__)
            return
        self._stepper = stepper
        self._rate_marks.clear()
        self.buffer.reset(generation, list(stepper.labels))
        self.buffer.publish(generation, chunks)
        self.advanced.emit(generation, 0)
        self._after_batch(stepper, generation)

    def _stepper_for(self, factory: Callable):
        """The race process's stepper for a factory that may go there, else ``factory()``."""
        kind = getattr(factory, "func", factory)
        offload = self._process is not None and getattr(kind, "offload", False)
        payload = dumps_factory(factory) if offload else None
        if payload is None:
            return factory()
        return RemoteStepper(self._process, payload, lambda: self._quit)

    def _advance(self, stepper, generation: int, steps: int, single: bool = False) -> None:
        """``steps`` steps, then publish them as one batch. A race stepped in this thread
        goes one step at a time, cut short when the window holds the worker (a frame is
        waiting for the GIL); the race process takes them in one request."""
        started = time.perf_counter()
        chunks, taken = [], 0
        remote = getattr(stepper, "remote", False)
        try:
            while taken < steps and not stepper.done and not (taken and self._held):
                count = steps if remote else 1
                chunks.extend(stepper.advance(count))
                taken += count
        except CancelledError:
            return
        except RaceProcessError as error:
            self._stepper = None
            self.raceFailed.emit(generation, str(error))
            self._stop_playing()
            return
        if self._speed is None:
            per_step = (time.perf_counter() - started) / taken
            self._batch = max(1, min(MAX_BATCH_STEPS,
                                     round(MAX_SPEED_BATCH_SECONDS / max(per_step, 1e-6))))
        published = self.buffer.publish(generation, merge_chunks(chunks), self._rate(taken))
        if published:
            now = time.monotonic()
            if single or stepper.done or now >= self._next_signal:
                self._next_signal = now + 1.0 / ADVANCED_SIGNALS_PER_SECOND
                self.advanced.emit(generation, self.buffer.snapshot().furthest_step)
            self._after_batch(stepper, generation)

    def _after_batch(self, stepper, generation: int) -> None:
        if stepper.done:
            self._stop_playing()
            self.raceFinished.emit(generation)

    def _stop_playing(self) -> None:
        with self._cond:
            was_playing, self._playing = self._playing, False
            if was_playing:
                self.playingChanged.emit(False)

    def _rate(self, steps: int) -> float:
        """Steps per second over the last :data:`RATE_WINDOW_SECONDS`, after ``steps`` more."""
        now = time.monotonic()
        total = (self._rate_marks[-1][1] if self._rate_marks else 0) + steps
        self._rate_marks.append((now, total))
        while len(self._rate_marks) > 2 and now - self._rate_marks[0][0] > RATE_WINDOW_SECONDS:
            self._rate_marks.pop(0)
        (t0, n0), (t1, n1) = self._rate_marks[0], self._rate_marks[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0


class RaceThread(QObject):
    """Owns the worker and its QThread: :meth:`start` once, :meth:`close` to stop and join.

    Its signals relay the worker's into the UI thread (queued), so that a receiver that is
    not a QObject (a lambda, a test's signal blocker) never runs in the worker thread.
    """

    advanced = Signal(int, int)
    playingChanged = Signal(bool)
    raceFinished = Signal(int)
    raceFailed = Signal(int, str)

    def __init__(self, buffer: TraceBuffer, parent: QObject | None = None):
        super().__init__(parent)
        self.worker = RaceWorker(buffer)
        self.thread = QThread()
        self.thread.setObjectName("race-worker")
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        queued = Qt.ConnectionType.QueuedConnection
        self.worker.advanced.connect(self._advanced, queued)
        self.worker.playingChanged.connect(self._playing_changed, queued)
        self.worker.raceFinished.connect(self._race_finished, queued)
        self.worker.raceFailed.connect(self._race_failed, queued)

    @Slot(int, int)
    def _advanced(self, generation: int, step: int) -> None:
        self.advanced.emit(generation, step)

    @Slot(bool)
    def _playing_changed(self, playing: bool) -> None:
        self.playingChanged.emit(playing)

    @Slot(int)
    def _race_finished(self, generation: int) -> None:
        self.raceFinished.emit(generation)

    @Slot(int, str)
    def _race_failed(self, generation: int, message: str) -> None:
        self.raceFailed.emit(generation, message)

    def start(self) -> None:
        _live_threads.add(self.thread)
        self.thread.start()

    def close(self, timeout_ms: int = 10_000) -> bool:
        """Stop the loop, quit and join the thread; True when it ended in time."""
        self.worker.stop()
        self.thread.quit()
        ended = self.thread.wait(timeout_ms)
        if ended:
            _live_threads.discard(self.thread)
        return ended
