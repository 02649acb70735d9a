"""Long computations off the UI thread (grids, network surfaces) with progress and cancel.

A :class:`TaskRunner` runs one job at a time in a background thread: submitting a new job
cancels the previous one (its result, if it still arrives, is dropped). A job is a callable
``job(progress, cancelled)``: it reports through ``progress(stage, fraction)`` (the core's
:data:`~landscape_app.core.progress.StageProgress`) and polls
``cancelled()`` between chunks, raising the core's ``CancelledError`` when asked to stop.
Results and errors come back through queued signals, tagged with the job's token.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from landscape_app.core.progress import CancelPoll, StageProgress

Job = Callable[[StageProgress, CancelPoll], object]

_live_task_threads: set[threading.Thread] = set()


def live_task_threads() -> list[threading.Thread]:
    """Task threads still running (tests assert this is empty after a window closes)."""
    return [thread for thread in _live_task_threads if thread.is_alive()]


class TaskRunner(QObject):
    """Runs background jobs one at a time; the newest job wins.

    Signals
    -------
    progress(token, stage, fraction)
    succeeded(token, result)
    failed(token, message)
        The job raised; ``message`` is the error's text (cancellation included).
    """

    progress = Signal(int, str, float)
    succeeded = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self._token = 0
        self._cancel = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def token(self) -> int:
        """The token of the newest job."""
        return self._token

    def submit(self, job: Job) -> int:
        """Cancel the running job, start ``job``; returns its token."""
        self._cancel.set()
        self._cancel = threading.Event()
        self._token += 1
        token, cancel = self._token, self._cancel
        thread = threading.Thread(target=self._run, args=(job, token, cancel),
                                  name=f"{self.name}-{token}", daemon=False)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        _live_task_threads.add(thread)
        thread.start()
        return token

    def cancel(self) -> None:
        """Ask the running job to stop (it raises at its next check)."""
        self._cancel.set()

    def shutdown(self, timeout: float = 30.0) -> None:
        """Cancel and join every job thread."""
        self._cancel.set()
        for thread in self._threads:
            thread.join(timeout)
            if not thread.is_alive():
                _live_task_threads.discard(thread)
        self._threads = [t for t in self._threads if t.is_alive()]

    def _run(self, job: Job, token: int, cancel: threading.Event) -> None:
        try:
            result = job(lambda stage, fraction: self.progress.emit(token, stage,
                                                                    float(fraction)),
                         cancel.is_set)
        except Exception as error:  # noqa: BLE001 - reported to the window as a message
            self.failed.emit(token, str(error) or type(error).__name__)
        else:
            self.succeeded.emit(token, result)
        finally:
            _live_task_threads.discard(threading.current_thread())
