"""The timeline's state (which step is shown, replaying, the export range) and cutting a race
at a step, on a real race's rows."""

import numpy as np
import pytest

from landscape_app.core.functions import get_function
from landscape_app.core.optim import OptimizerSpec
from landscape_app.core.result import Status
from landscape_app.core.runner import Racer
from landscape_app.engine.steppers import RaceStepper
from landscape_app.engine.timeline import BIG_STEP, MAX_REPLAY_SPEED, Plan, Timeline
from landscape_app.engine.traces import COLUMN, TraceBuffer, merge_chunks


def test_scrubbing_shows_a_step_and_the_last_step_is_live():
    timeline = Timeline()
    timeline.follow(1, 100)
    assert timeline.live and timeline.step == 100
    assert timeline.show(40) == 40 and not timeline.live
    assert timeline.move(-BIG_STEP) == 30
    assert timeline.move(-1000) == 0 and timeline.first() == 0
    timeline.follow(1, 120)  # the race grows: the scrubbed step stays
    assert timeline.step == 0
    assert timeline.last() == 120 and timeline.live
    timeline.show(500)  # clamped to the end: live again
    assert timeline.live and timeline.step == 120
    timeline.show(10)
    timeline.follow(2, 0)  # a new race is shown live
    assert timeline.live and timeline.step == 0


def test_play_and_step_plans():
    timeline = Timeline()
    timeline.follow(1, 50)
    assert timeline.play_plan(done=False, preview=False) is Plan.LIVE
    assert timeline.play_plan(done=True, preview=False) is Plan.RESTART
    assert timeline.play_plan(done=True, preview=True) is Plan.RESTART
    assert timeline.step_plan(done=False, preview=False) is Plan.LIVE
    assert timeline.step_plan(done=True, preview=False) is Plan.NOTHING
    # a preview has no step left to take: step rebuilds the real race and takes its first
    assert timeline.step_plan(done=True, preview=True) is Plan.RESTART
    timeline.show(20)
    assert timeline.play_plan(done=True, preview=True) is Plan.REPLAY
    assert timeline.step_plan(done=False, preview=False) is Plan.REPLAY


def test_replay_advances_at_the_speed_and_ends_live():
    timeline = Timeline()
    timeline.follow(1, 100)
    timeline.show(10)
    assert timeline.advance(1.0, 30.0) == 0  # not replaying: nothing moves
    timeline.replaying = True
    assert timeline.advance(0.05, 30.0) == 1  # 1.5 steps: one now, half carried over
    assert timeline.advance(0.05, 30.0) == 2 and timeline.step == 13
    assert timeline.advance(0.01, None) == round(0.01 * MAX_REPLAY_SPEED)
    assert timeline.advance(10.0, 30.0) == 100 - 19
    assert timeline.live and not timeline.replaying


def test_the_export_range_is_marked_at_the_shown_step():
    timeline = Timeline()
    timeline.follow(1, 300)
    assert timeline.selection() is None
    timeline.show(40)
    assert timeline.set_in() == 40
    assert timeline.selection() == (40, 300)  # an unmarked end is the race's end
    timeline.show(120)
    timeline.set_out()
    assert timeline.selection() == (40, 120)
    timeline.show(10)
    timeline.set_out()  # marked the other way round: still a range
    assert timeline.selection() == (10, 40)
    timeline.set_in()
    assert timeline.selection() is None  # one step is not a range
    timeline.clear_marks()
    assert timeline.selection() is None


@pytest.fixture(scope="module")
def race_buffer():
    """A real race's rows published batch by batch, as the worker does."""
    function = get_function("rosenbrock")
    racers = [Racer("Adam", OptimizerSpec("adam", {"lr": 0.05})),
              Racer("SGD", OptimizerSpec("sgd", {"lr": 0.001})),
              Racer("SGD fast", OptimizerSpec("sgd", {"lr": 0.01}))]  # diverges at step 5
    stepper = RaceStepper(function, racers, np.array([-1.5, 2.0]), seed=0, max_steps=60)
    buffer = TraceBuffer()
    buffer.reset(1, stepper.labels)
    buffer.publish(1, stepper.start())
    while not stepper.done:
        buffer.publish(1, merge_chunks(stepper.advance(1)))
    return buffer, function


def test_a_snapshot_cut_at_step_k_has_the_rows_of_steps_0_to_k(race_buffer):
    buffer, function = race_buffer
    whole = buffer.snapshot()
    assert whole.furthest_step == 60 and whole.done
    diverged = whole.lanes[2]
    assert diverged.status is Status.DIVERGED and len(diverged.rows) < 20
    for k in (0, 1, 25, 59):
        cut = whole.at(k)
        if k > 20:  # a lane that stopped before k is shown as it ended
            assert cut.lanes[2] is diverged
        for lane, full in zip(cut.lanes[:2], whole.lanes[:2], strict=True):
            assert len(lane.rows) == k + 1
            assert np.array_equal(lane.rows, full.rows[:k + 1], equal_nan=True)
            assert lane.status is Status.RUNNING and lane.message == ""
            x = lane.rows[-1, COLUMN["x"]:COLUMN["y"] + 1]
            assert lane.distance == pytest.approx(function.distance_to_minimum(x))
            # every step of a race published one step at a time keeps its internals
            assert lane.internals is not None
            assert np.array_equal(lane.internals.velocity, lane.history[k].velocity)
    assert whole.at(60) is not whole and whole.at(None) is whole
    assert [lane.status for lane in whole.at(60).lanes] == [lane.status for lane in whole.lanes]


def test_each_row_carries_the_distance_the_table_shows(race_buffer):
    buffer, function = race_buffer
    for lane in buffer.snapshot().lanes:
        xy = lane.xy
        expected = [function.distance_to_minimum(point) for point in xy]
        assert np.allclose(lane.column("distance"), expected)
        assert lane.distance == pytest.approx(expected[-1])
