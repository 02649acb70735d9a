"""A long command's cancel: the first Ctrl-C asks its work to stop, and it says so."""

from __future__ import annotations

import os
import signal
import time

from landscape_app.cli.progress_bar import run_cancellable
from landscape_app.core.errors import CancelledError


def test_ctrl_c_cancels_the_work_and_says_nothing_was_written(capsys):
    before = signal.getsignal(signal.SIGINT)
    polls = []

    def work(progress, cancelled):
        progress("runs", 0.5)
        os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, not an exception
        deadline = time.monotonic() + 10
        while not cancelled() and time.monotonic() < deadline:
            polls.append(1)  # polling the condition the work checks between steps
        if cancelled():
            raise CancelledError("stopped")
        return "finished"

    assert run_cancellable("page", work) is None
    assert capsys.readouterr().err.endswith(
        "landscape-app page: cancelled; nothing was written\n")
    assert signal.getsignal(signal.SIGINT) is before  # the command's own handler is back


def test_work_that_ends_gives_its_result_and_prints_nothing(capsys):
    assert run_cancellable("export", lambda progress, cancelled: (cancelled(), 7)) == (False, 7)
    assert capsys.readouterr().err == ""
