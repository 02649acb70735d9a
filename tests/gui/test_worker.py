"""The race worker in its thread: play, pause, single steps, pacing, reloads, failures, and
stepping in the thread a race that cannot be sent to the race process."""

import time
from functools import partial

import numpy as np
import pytest

from landscape_app.core.result import Status
from landscape_app.engine.traces import TraceBuffer
from landscape_app.gui.live.worker import RaceThread, live_threads

pytestmark = pytest.mark.gui


@pytest.fixture
def race(qtbot, warm_engine):
    from landscape_app.core.functions import get_function
    from landscape_app.core.optim.registry import OptimizerSpec
    from landscape_app.core.runner import Racer
    from landscape_app.engine.steppers import RaceStepper

    buffer = TraceBuffer()
    thread = RaceThread(buffer)
    thread.start()
    racers = [Racer("adam", OptimizerSpec("adam", {"lr": 0.1})),
              Racer("sgd", OptimizerSpec("sgd", {"lr": 0.01}))]
    factory = partial(RaceStepper, get_function("himmelblau"), racers, (-1.0, 1.0), 0, 60)
    yield thread, buffer, factory
    assert thread.close()
    assert live_threads() == []


def loaded(qtbot, thread, buffer, factory):
    generation = thread.worker.load(factory)
    qtbot.waitUntil(lambda: buffer.snapshot().generation == generation
                    and len(buffer.snapshot().lanes) == 2, timeout=30_000)
    return generation


def test_single_steps_and_pacing(race, qtbot):
    thread, buffer, factory = race
    loaded(qtbot, thread, buffer, factory)
    for expected in (1, 2, 3):  # (the load's own signal, step 0, may still be on its way)
        with qtbot.waitSignal(thread.advanced, check_params_cb=lambda _, step: step > 0):
            thread.worker.step_once()
        assert buffer.snapshot().furthest_step == expected
    assert [len(lane.rows) for lane in buffer.snapshot().lanes] == [4, 4]
    thread.worker.set_speed(20)
    started = time.monotonic()
    thread.worker.play()
    qtbot.waitUntil(lambda: buffer.snapshot().furthest_step >= 3 + 6)
    moved = buffer.snapshot().furthest_step - 3
    elapsed = time.monotonic() - started
    thread.worker.pause()
    # Never faster than 20 steps/s: the first step at once, at most 0.1 s of catching up.
    assert moved <= 1 + 20 * (elapsed + 0.1)
    qtbot.waitUntil(lambda: not thread.worker.busy)  # a batch asked for before the pause lands
    moved = buffer.snapshot().furthest_step
    qtbot.wait(200)  # the behaviour itself: a paused race stays put (4 steps' time at 20/s)
    assert buffer.snapshot().furthest_step == moved


def test_race_to_the_end_stops_playing(race, qtbot):
    thread, buffer, factory = race
    generation = loaded(qtbot, thread, buffer, factory)
    thread.worker.set_speed(None)
    with qtbot.waitSignals([thread.raceFinished, thread.playingChanged], timeout=20_000):
        thread.worker.play()
    qtbot.waitUntil(lambda: not thread.worker.playing)
    snapshot = buffer.snapshot()
    assert snapshot.generation == generation and snapshot.done
    assert {lane.status for lane in snapshot.lanes} <= {Status.FINISHED, Status.CONVERGED}
    assert all(lane.rows[-1, 0] <= 60 for lane in snapshot.lanes)


def test_reload_drops_the_old_race(race, qtbot):
    thread, buffer, factory = race
    first = loaded(qtbot, thread, buffer, factory)
    # Paced, so that the first race (60 steps: 3 s at 20 steps/s) is still playing when the
    # second replaces it; as fast as possible, one batch could finish it first, and a
    # finished race stops playing (CI's red run on a fast machine).
    thread.worker.set_speed(20)
    thread.worker.play()
    qtbot.waitUntil(lambda: buffer.snapshot().furthest_step >= 5)
    assert thread.worker.playing
    second = loaded(qtbot, thread, buffer, factory)
    assert second == first + 1
    assert thread.worker.playing  # playing goes on with the new race
    qtbot.waitUntil(lambda: buffer.snapshot().furthest_step >= 3)
    thread.worker.pause()
    snapshot = buffer.snapshot()
    assert snapshot.generation == second
    for lane in snapshot.lanes:  # the new race's rows alone, from its step 0
        assert np.array_equal(lane.rows[:, 0], np.arange(len(lane.rows)))


def test_a_race_that_cannot_be_built_is_reported(race, qtbot):
    thread, buffer, factory = race
    bad = partial(factory.func, *factory.args[:2], (1.0, 2.0, 3.0), 0, 60)
    with qtbot.waitSignal(thread.raceFailed) as failed:
        generation = thread.worker.load(bad)
    assert failed.args[0] == generation and "3 coordinates" in failed.args[1]
    loaded(qtbot, thread, buffer, factory)  # the worker lives on


def test_speed_must_be_positive(race):
    with pytest.raises(ValueError, match="positive"):
        race[0].worker.set_speed(0)


def test_an_unsendable_race_is_stepped_in_the_worker_thread(qtbot, warm_engine):
    from landscape_app.core.functions.function2d import Box, Function2D
    from landscape_app.core.objective import Minimum
    from landscape_app.core.optim.registry import OptimizerSpec
    from landscape_app.core.portable import dumps_factory
    from landscape_app.core.runner import Racer
    from landscape_app.engine.steppers import RaceStepper

    bowl = Function2D("bowl", "Bowl", lambda x, y: x**2 + y**2, Box(-2, 2, -2, 2),
                      Box(-2, 2, -2, 2), (Minimum((0.0, 0.0), 0.0),), (1.0, 1.0), "a bowl")
    racers = [Racer("adam", OptimizerSpec("adam", {"lr": 0.1})),
              Racer("pso", OptimizerSpec("pso", {}))]
    factory = partial(RaceStepper, bowl, racers, (1.0, 1.0), 3, 30)
    assert dumps_factory(factory) is None
    buffer = TraceBuffer()
    thread = RaceThread(buffer)
    thread.start()
    try:
        generation = thread.worker.load(factory)
        thread.worker.set_speed(None)
        with qtbot.waitSignal(thread.raceFinished, timeout=20_000):
            thread.worker.play()
        snapshot = buffer.snapshot()
        assert snapshot.generation == generation and snapshot.done
        assert all(lane.rows[-1, 0] <= 30 for lane in snapshot.lanes)
    finally:
        assert thread.close()
    assert live_threads() == []
