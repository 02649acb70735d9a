"""The race process: live races are stepped in a child process, not in the window's.

Stepping an optimizer is Python code (torch calls, records, status rules). In a thread of the
window's process it would hold the GIL that painting needs at every call from Qt into Python
(a pyqtgraph frame makes hundreds), so frames and steps would slow each other down. In a child
process both run at full speed on their own core; the window's worker thread only waits on a
pipe (without the GIL) and publishes the rows it receives.

:class:`RaceProcess` owns the child (started with the ``forkserver`` method on Linux, whose
server preloads :mod:`landscape_app.engine.race_child` once, so that a race process starts in
milliseconds; ``spawn`` elsewhere) and makes requests to it; :class:`RemoteStepper` speaks the
worker's stepper protocol (``labels``, ``start()``, ``advance(steps)``, ``done``) through it.
:class:`~landscape_app.core.runner.Race` stays the one race implementation: the child runs
the same :class:`~landscape_app.engine.steppers.RaceStepper` the worker would.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
from collections.abc import Callable

from landscape_app.core.errors import CancelledError
from landscape_app.engine.protocol import (
    AdvanceRequest,
    FailureReply,
    LoadRequest,
    RaceProcessError,
)

#: How often a wait for the race process checks for cancellation and for its death.
POLL_SECONDS = 0.05
#: How long :meth:`RaceProcess.close` waits for the child to exit before terminating it.
CLOSE_SECONDS = 2.0
CHILD_MODULE = "landscape_app.engine.race_child"


def start_method() -> str:
    """``forkserver`` on Linux, ``spawn`` elsewhere (never a plain fork of a Qt process)."""
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if sys.platform.startswith("linux") and "forkserver" in methods \
        else "spawn"


def prewarm() -> None:
    """Start the fork server now (in the background) so that it has imported torch and the
    optimizers by the time the window asks for a race process."""
    if start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload([CHILD_MODULE])
    forkserver.ensure_running()


def stop_forkserver() -> None:
    """End the fork server (at the app's exit, after the race processes were closed).

    Left alone it lingers, with torch loaded, until it notices the app is gone and then
    finalises slowly (seconds on a busy machine), holding the app's terminal output open all
    the while; a SIGTERM ends it at once (it forks race processes only, it holds no state).
    """
    if start_method() != "forkserver":
        return
    import os
    import signal
    from multiprocessing import forkserver

    server = forkserver._forkserver  # the standard library's one server per process
    pid = getattr(server, "_forkserver_pid", None)
    if pid is None:
        return
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)
    server._forkserver_pid = None
    server._forkserver_address = None
    if getattr(server, "_forkserver_alive_fd", None) is not None:
        with contextlib.suppress(OSError):
            os.close(server._forkserver_alive_fd)
        server._forkserver_alive_fd = None


class RaceProcess:
    """One child process answering race requests; started on demand, restarted if it died."""

    def __init__(self):
        self._process = None
        self._connection = None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def start(self) -> None:
        """Start the child if it is not running (blocks until the fork server forked it).

        Raises
        ------
        RaceProcessError
            The process could not be started.
        """
        if self.alive:
            return
        self.close()
        from landscape_app.engine.race_child import serve

        context = multiprocessing.get_context(start_method())
        mine, theirs = context.Pipe()
        process = context.Process(target=serve, args=(theirs,), name="race-process",
                                  daemon=True)
        try:
            prewarm()
            process.start()
        except (OSError, ValueError, RuntimeError, AssertionError) as error:
            # AssertionError: multiprocessing refuses children to a daemonic process
            mine.close()
            raise RaceProcessError(f"the race process could not start: {error}") from error
        finally:
            theirs.close()
        self._process, self._connection = process, mine

    def request(self, message, cancelled: Callable[[], bool]):
        """Send ``message`` and wait for the reply.

        Raises
        ------
        CancelledError
            ``cancelled()`` became true while waiting (the child is closed, terminated if
            busy: its reply will never be read).
        RaceProcessError
            The child answered with a failure, or stopped.
        """
        self.start()
        try:
            self._connection.send(message)
            while not self._connection.poll(POLL_SECONDS):
                if cancelled():  # its answer is not wanted: no need to wait for it
                    self.close(timeout=POLL_SECONDS)
                    raise CancelledError("the race was cancelled")
                if not self._process.is_alive():
                    break
            reply = self._connection.recv()
        except (EOFError, OSError) as error:
            code = self._process.exitcode
            self.close()
            raise RaceProcessError(f"the race process stopped (exit code {code})") from error
        if isinstance(reply, FailureReply):
            raise RaceProcessError(reply.message)
        return reply

    def close(self, timeout: float = CLOSE_SECONDS) -> None:
        """Ask the child to exit and join it (terminated if it does not exit in time)."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if connection is not None:
            with contextlib.suppress(EOFError, OSError):  # already gone: just join it below
                connection.send(None)
            connection.close()
        if process is None:
            return
        process.join(timeout)
        if process.is_alive():
            process.terminate()
            process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join()
        process.close()


class RemoteStepper:
    """A race stepped in a :class:`RaceProcess`: the worker's stepper protocol by request."""

    remote = True

    def __init__(self, process: RaceProcess, payload: bytes, cancelled: Callable[[], bool]):
        self._process = process
        self._payload = payload
        self._cancelled = cancelled
        self.labels: list[str] = []
        self.done = False

    def start(self) -> list:
        reply = self._process.request(LoadRequest(self._payload), self._cancelled)
        self.labels, self.done = list(reply.labels), reply.done
        return reply.chunks

    def advance(self, steps: int) -> list:
        reply = self._process.request(AdvanceRequest(int(steps)), self._cancelled)
        self.done = reply.done
        return reply.chunks
