"""Helpers of the CLI tests: ``killed_run``, a model-file command killed (with every process
it started) once enough of its chunk files are on disk."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest


def _wait_for_group_gone(group: int, seconds: float = 10.0) -> None:
    """Wait until the killed command's processes are gone (torchrun's agent among them)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)  # polling for the condition (no Qt here to wait on)


def _settled_count(chunks, seconds: float = 1.0) -> int:
    """The number of chunk files once it has not changed for ``seconds``: torchrun's workers
    live in sessions of their own and die with their agent (die_with_parent), a worker
    inside a system call (a chunk's rename) finishing it first."""
    count, since = len(list(chunks.glob("*.npy"))), time.monotonic()
    while time.monotonic() - since < seconds:
        time.sleep(0.1)  # the condition is a quiet second: no new chunk file
        now = len(list(chunks.glob("*.npy")))
        if now != count:
            count, since = now, time.monotonic()
    return count


def _killed_run(arguments: list[str], chunks, at_least: int) -> int:
    """Run ``landscape-app ARGUMENTS`` with the slow test model (``SLOW_TEST_MODEL``), kill
    its process group with SIGKILL once ``at_least`` chunk files are in ``chunks``, and
    return how many there are once the count has settled."""
    command = [sys.executable, "-m", "landscape_app", *arguments]
    env = {**os.environ, "SLOW_TEST_MODEL": "1"}
    process = subprocess.Popen(command, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and len(list(chunks.glob("*.npy"))) < at_least:
            assert process.poll() is None, "the run ended before it could be killed"
            time.sleep(0.05)  # polling for the condition: enough chunks on disk
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        _wait_for_group_gone(process.pid)
    return _settled_count(chunks)


@pytest.fixture
def killed_run():
    """:func:`_killed_run`."""
    return _killed_run
