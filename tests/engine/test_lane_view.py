"""One drawing view of a lane: a live race (the worker's stepper into the trace buffer), a drag
preview (computed ahead, handed to the worker whole) and a recording (the exporter's) give the
same :class:`LaneView` for every lane, cut at any step the same way — the arrays the window,
the preview and the export draw are equal."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import pytest

from landscape_app.core.optim import OptimizerSpec
from landscape_app.core.result import Status
from landscape_app.engine.preview import PreviewRunner, ShownStepper
from landscape_app.engine.recording import record_session
from landscape_app.engine.session_model import SessionModel
from landscape_app.engine.traces import COLUMN, LaneView, TraceBuffer
from tests.conftest import RECORDED_STEPS as STEPS

#: Every column but the wall time, which differs from run to run.
SAME = [index for name, index in COLUMN.items() if name != "time"]
#: Steps the views are cut at: 0 and 1 before the wild lane diverges (at step 2: a head),
#: 7 after it (a cross), the last but one and the last.
CUTS = (0, 1, 7, STEPS - 1, STEPS)


@pytest.fixture(scope="module")
def session(hidden_lane_session):
    """adam-vs-sgd (Rosenbrock) with a hidden lane and plain SGD at η = 0.5, which leaves the
    domain at step 2 (its gradient there is in the thousands)."""
    wild = replace(hidden_lane_session.lanes[0], label="wild SGD", color="#d55e00",
                   spec=OptimizerSpec("sgd", {"lr": 0.5}))
    return replace(hidden_lane_session, lanes=(*hidden_lane_session.lanes, wild),
                   max_steps=STEPS)


def buffered(stepper) -> tuple[LaneView, ...]:
    """The stepper's lanes as the window reads them: published into a trace buffer."""
    buffer = TraceBuffer()
    buffer.reset(1, list(stepper.labels))
    buffer.publish(1, stepper.start())
    while not stepper.done:
        buffer.publish(1, stepper.advance(5))
    return buffer.snapshot().lanes


def live_views(session) -> tuple[LaneView, ...]:
    model = SessionModel(session)
    model.apply_session(session)
    return buffered(model.race_factory()())


def preview_views(session) -> tuple[LaneView, ...]:
    model = SessionModel(session)
    model.apply_session(session)
    results, done = [], threading.Event()

    def deliver(result):
        results.append(result)
        if result.complete:
            done.set()

    runner = PreviewRunner(deliver, use_process=False)
    try:
        runner.request(model.preview_factory(), model.preview_key())
        assert done.wait(120)
    finally:
        runner.close()
    assert results[-1].error == ""
    return buffered(ShownStepper(results[-1]))


def test_a_live_race_a_preview_and_a_recording_draw_the_same_lanes(session):
    recorded = tuple(lane.view for lane in record_session(session, device="cpu").lanes)
    sources = {"live": live_views(session), "preview": preview_views(session)}
    assert recorded[-1].status is Status.DIVERGED and recorded[-1].rows[-1, COLUMN["step"]] == 2
    for name, views in sources.items():
        assert [v.label for v in views] == [v.label for v in recorded], name
        for view, expected in zip(views, recorded, strict=True):
            assert view.status is expected.status, (name, view.label)
            for step in CUTS:
                cut, want = view.upto(step), expected.upto(step)
                where = (name, view.label, step)
                np.testing.assert_array_equal(cut.rows[:, SAME], want.rows[:, SAME],
                                              err_msg=str(where))
                np.testing.assert_array_equal(cut.xyz, want.xyz, err_msg=str(where))
                assert cut.status is want.status and cut.diverged == want.diverged, where
                assert cut.distance == pytest.approx(want.distance, nan_ok=True), where


def test_a_finished_lane_is_running_before_its_end_and_crossed_at_it(session):
    """:meth:`LaneView.upto` of a diverged lane: running (a head) before its last row, the
    cross from its last row on; the distance is that of the row shown."""
    rows = np.zeros((4, len(COLUMN)))
    rows[:, COLUMN["step"]] = [0, 1, 2, 3]
    rows[:, COLUMN["distance"]] = [4.0, 3.0, 2.0, 1.0]
    view = LaneView.finished("wild", rows, Status.DIVERGED, "overflow")
    assert view.diverged and view.distance == 1.0 and not view.rows.flags.writeable
    cut = view.upto(2)
    assert (len(cut.rows), cut.status, cut.message, cut.distance) == (3, Status.RUNNING, "", 2.0)
    assert not cut.diverged and view.upto(3) is view and view.upto(10) is view
    assert len(view.upto(-1).rows) == 0 and np.isnan(view.upto(-1).distance)
