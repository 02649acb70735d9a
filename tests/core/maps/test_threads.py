"""Small map blocks step on one CPU thread (a fused step's parallel region costs a 64² field
more than it gives on a busy machine); larger blocks and the threads' setting are left alone."""

import threading

import torch

from landscape_app.core.functions import get_function
from landscape_app.core.maps import StartGrid, compute_field, compute_map
from landscape_app.core.maps.threads import ONE_THREAD_ELEMENTS, one_thread


def threads_seen_by(run) -> set[int]:
    seen = set()
    run(lambda _stage, _fraction: seen.add(torch.get_num_threads()))
    return seen


def test_a_field_steps_on_one_thread_and_gives_the_others_back():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        seen = threads_seen_by(lambda told: compute_field(
            get_function("himmelblau"), "adam", StartGrid((-4, 4), (-4, 4), 16), 32,
            device="cpu", progress=told))
        assert seen == {1}
        assert torch.get_num_threads() == 2
        # a block above the limit keeps the threads it has (2 numbers a cell: 2 · 192² > 2¹⁶)
        assert ONE_THREAD_ELEMENTS < 2 * 192**2
        seen = threads_seen_by(lambda told: compute_map(
            get_function("himmelblau"), "sgd", StartGrid((-4, 4), (-4, 4), 192), 16,
            device="cpu", progress=told))
        assert seen == {2}
    finally:
        torch.set_num_threads(before)


def test_overlapping_blocks_restore_the_setting_when_the_last_one_ends():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    inside, release = threading.Event(), threading.Event()

    def other_block():
        with one_thread(100, torch.device("cpu")):
            inside.set()
            release.wait(10)

    try:
        worker = threading.Thread(target=other_block)
        worker.start()
        assert inside.wait(10)
        with one_thread(100, torch.device("cpu")):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
        release.set()
        worker.join(10)
        assert torch.get_num_threads() == 2
        # a thread started after every block ended begins with the threads given back
        after = []
        fresh = threading.Thread(target=lambda: after.append(torch.get_num_threads()))
        fresh.start()
        fresh.join(10)
        assert after == [2]
        with one_thread(ONE_THREAD_ELEMENTS + 1, torch.device("cpu")):
            assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
