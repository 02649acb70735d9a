"""Previews: the latest request's whole race, computed off the caller's thread, equal to the
core Race with the same settings; requests overtaken before they started are never computed."""

import threading
from dataclasses import replace

import numpy as np
import pytest

from landscape_app.core.runner import Race, Racer
from landscape_app.engine.preview import PreviewRunner, ShownStepper
from landscape_app.engine.session_model import SessionModel
from landscape_app.engine.traces import COLUMN
from landscape_app.state.lanes import default_session


@pytest.fixture
def model():
    state = replace(default_session(), max_steps=60)
    model = SessionModel(state)
    model.apply_session(state)
    return model


class Collector:
    def __init__(self):
        self.results = []
        self.done = threading.Event()

    def __call__(self, result):
        self.results.append(result)
        if result.complete:
            self.done.set()


def core_paths(model, start, lanes=None):
    lanes = model.state.lanes if lanes is None else lanes
    race = Race(model.landscape.objective, [Racer(lane.label, lane.spec) for lane in lanes],
                start, seed=model.state.seed, max_steps=model.state.max_steps)
    return [lane.trajectory for lane in race.run().lanes]


def xy(chunk):
    return chunk.rows[:, COLUMN["x"]:COLUMN["y"] + 1]


def test_the_last_request_is_computed_whole_and_equals_the_core_race(model):
    collector = Collector()
    runner = PreviewRunner(collector, use_process=False)  # the process: tests/gui/test_whatif
    try:
        starts = [(-1.0 + 0.1 * i, 1.5 - 0.05 * i) for i in range(6)]
        serials = [runner.request(model.preview_factory(start=s), model.preview_key(start=s))
                   for s in starts]
        assert collector.done.wait(120)
        while collector.results[-1].serial != serials[-1] or not collector.results[-1].complete:
            collector.done.clear()
            assert collector.done.wait(120)
    finally:
        runner.close()
    last = collector.results[-1]
    assert last.error == ""
    assert last.key == model.preview_key(start=starts[-1])
    expected = core_paths(model, np.array(starts[-1]))
    assert [chunk.index for chunk in last.chunks] == list(range(len(expected)))
    for chunk, path in zip(last.chunks, expected, strict=True):
        assert np.array_equal(xy(chunk), path)
    # Serials only grow, and requests overtaken while waiting were never computed.
    seen = [result.serial for result in collector.results]
    assert seen == sorted(seen)
    assert len(set(seen)) < len(serials)


def test_a_preview_of_other_lanes_and_its_shown_stepper(model):
    lanes = tuple(replace(lane, spec=replace(lane.spec, params={**dict(lane.spec.params),
                                                                "lr": 0.01}))
                  if lane.spec.id == "adam" else lane for lane in model.state.lanes)
    collector = Collector()
    runner = PreviewRunner(collector, use_process=False)
    try:
        runner.request(model.preview_factory(lanes=lanes), model.preview_key(lanes=lanes))
        assert collector.done.wait(120)
    finally:
        runner.close()
    result = collector.results[-1]
    assert result.key != model.race_key()
    stepper = ShownStepper(result)
    assert stepper.done and stepper.labels == [lane.label for lane in lanes]
    expected = core_paths(model, model.start_point(), lanes)
    for chunk, path in zip(stepper.start(), expected, strict=True):
        assert np.array_equal(xy(chunk), path)
    assert stepper.advance(5) == []


def test_nothing_to_preview_without_a_live_landscape():
    from landscape_app.state.scenes import load_scene

    model = SessionModel(load_scene("two-moons").state)
    model.apply_session(model.state)
    assert model.preview_factory(start=(0.0, 0.0)) is None
    assert model.race_key() is None
