"""Small batches step on one CPU thread: torch's intra-op threads cost them more than they give.

A row block of a few thousand cells (a 64² trajectory field, a preview's single row) is too
small to share: each fused optimizer step is still a parallel region, and its barrier waits
for the other thread — for a whole scheduler slice when that thread is preempted on a busy
machine, spinning meanwhile (OpenMP's default wait policy, the app's). Measured on this
project's 2-core machine at load average 12: a 64² SGD field's fused step took 21 ms on 2
threads against 0.1 ms on one (a 4-lane 64² × 300 field: 19–25 s against 1.6–2.4 s; the
window computed its fields in 20 s, now 1 s). With ``OMP_WAIT_POLICY=PASSIVE`` (as
``bench/maps.py`` sets) the two cost about the same.

:func:`one_thread` runs such a block on one thread and gives the others back after it.
OpenMP keeps the setting per thread (and a thread started meanwhile begins with the last one
set), so overlapping blocks in several threads each set their own and give back the setting
that held before the first of them began.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import torch

#: Blocks of at most this many elements (rows × parameters) step on one thread: twice
#: torch's grain size (32768, below which its element-wise kernels never split a tensor).
ONE_THREAD_ELEMENTS = 1 << 16

_lock = threading.Lock()
_inside = 0
_saved = 1


@contextmanager
def one_thread(elements: int, device: torch.device) -> Iterator[None]:
    """torch's intra-op threads set to 1 while a CPU block of ``elements`` elements (at most
    :data:`ONE_THREAD_ELEMENTS`) steps; nothing changes for larger blocks or other devices."""
    global _inside, _saved
    if device.type != "cpu" or elements > ONE_THREAD_ELEMENTS:
        yield
        return
    with _lock:
        if _inside == 0:  # the setting to give back (a thread started inside a block reads 1)
            _saved = torch.get_num_threads()
        _inside += 1
    torch.set_num_threads(1)  # this thread's (OpenMP keeps one setting per thread)
    try:
        yield
    finally:
        torch.set_num_threads(_saved)
        with _lock:
            _inside -= 1
