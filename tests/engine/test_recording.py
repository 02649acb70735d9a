"""A session recorded for export: every step of every lane, deterministic, the rows the window
shows for the same session, and the trajectory tables written from it read back to the rows
it draws. The session (adam-vs-sgd with a hidden lane) and its recording are fixtures of
tests/conftest.py: tests/gui/test_render.py draws its frames from the same."""

from __future__ import annotations

import csv
from dataclasses import replace

import numpy as np
import pytest

from landscape_app.core.errors import LandscapeError
from landscape_app.engine.recording import record_session
from landscape_app.engine.session_model import SessionModel
from landscape_app.engine.traces import COLUMN
from landscape_app.export.tables import write_trajectories
from tests.conftest import RECORDED_STEPS as STEPS

#: Every column but the wall time, which differs from run to run.
SAME = [index for name, index in COLUMN.items() if name != "time"]


def test_recording_holds_every_step_of_every_lane(hidden_lane_recording, hidden_lane_session):
    recording, state = hidden_lane_recording, hidden_lane_session
    assert recording.steps == STEPS and len(recording.lanes) == len(state.lanes)
    for lane in recording.lanes:
        assert lane.rows[0, COLUMN["step"]] == 0 and lane.rows[-1, COLUMN["step"]] == STEPS
        assert len(lane.view.upto(5).rows) == 6 and lane.view.upto(STEPS) is lane.view
    assert recording.start == (-1.5, 2.0) and recording.minima == ((1.0, 1.0),)
    assert [len(lane.records) for lane in recording.result.lanes] == [STEPS + 1] * 4
    assert [(lane.color, lane.visible) for lane in recording.lanes] == [
        (lane.color, lane.visible) for lane in state.lanes]


def test_recording_twice_gives_the_same_rows(hidden_lane_recording, hidden_lane_session):
    recording, state = hidden_lane_recording, hidden_lane_session
    again = record_session(state, steps=STEPS, device="cpu")
    for first, second in zip(recording.lanes, again.lanes, strict=True):
        assert np.array_equal(first.rows[:, SAME], second.rows[:, SAME], equal_nan=True)
    assert np.array_equal(recording.grid.values, again.grid.values)


def test_a_session_without_optimizers_is_refused(hidden_lane_session):
    with pytest.raises(LandscapeError, match="no optimizer"):
        record_session(replace(hidden_lane_session, lanes=()), steps=5)


def test_the_export_draws_the_rows_the_window_shows(hidden_lane_recording, hidden_lane_session):
    """The window's model steps the same session (its worker's stepper) to the same rows."""
    recording, state = hidden_lane_recording, hidden_lane_session
    session = replace(state, max_steps=STEPS)
    model = SessionModel(session)
    model.apply_session(session)
    stepper = model.race_factory()()
    chunks = stepper.start() + stepper.advance(STEPS)
    assert stepper.done
    for index, lane in enumerate(recording.lanes):
        shown = np.concatenate([chunk.rows for chunk in chunks if chunk.index == index])
        np.testing.assert_array_equal(shown[:, SAME], lane.rows[:, SAME])


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_the_trajectory_tables_read_back_to_the_rows_drawn(hidden_lane_recording, tmp_path,
                                                           suffix):
    recording = hidden_lane_recording
    path = write_trajectories(tmp_path / f"race{suffix}", recording.result)
    if suffix == ".csv":
        with path.open(newline="") as handle:
            table = list(csv.DictReader(handle))
        by_label = {lane.label: [row for row in table if row["optimizer"] == lane.label]
                    for lane in recording.lanes}
        read = {label: np.array([[float(row[key]) for key in ("step", "loss", "x", "y")]
                                 for row in rows]) for label, rows in by_label.items()}
    else:
        import json

        document = json.loads(path.read_text(encoding="utf-8"))
        read = {lane["label"]: np.array([[r["step"], r["loss"], *r["x"]]
                                         for r in lane["records"]], dtype=float)
                for lane in document["lanes"]}
    columns = [COLUMN[name] for name in ("step", "loss", "x", "y")]
    for lane in recording.lanes:
        np.testing.assert_array_equal(read[lane.label], lane.rows[:, columns])  # full precision
