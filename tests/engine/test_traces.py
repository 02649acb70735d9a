"""The trace buffer, the hand-over from the worker to the window: its rows are the race's
steps, stale generations are dropped, and batches merge in order."""

from __future__ import annotations

import numpy as np

from landscape_app.core.functions import get_function
from landscape_app.core.optim import OptimizerSpec
from landscape_app.core.result import Status
from landscape_app.core.runner import Race, Racer
from landscape_app.engine.steppers import RaceStepper
from landscape_app.engine.traces import COLUMN, COLUMNS, LaneChunk, TraceBuffer, merge_chunks

RACERS = (Racer("adam", OptimizerSpec("adam", {"lr": 0.1})),
          Racer("nesterov", OptimizerSpec("nesterov", {"lr": 0.002})),
          Racer("pso", OptimizerSpec("pso", {})))
START, SEED, STEPS = (-1.0, 1.0), 4, 40


def record_values(record) -> dict[str, float]:
    """What a core step record says, by the trace's column names."""
    return {"step": record.step, "evals": record.evals, "grad_evals": record.grad_evals,
            "loss": record.loss, "best_loss": record.best_loss, "surface_loss": record.loss,
            "x": record.x[0], "y": record.x[1]}


def test_a_traces_rows_are_the_runners_steps():
    """A race stepped into the buffer in uneven batches holds, row for row, the records of the
    same race run to the end in one go by the core runner (every column but the wall time;
    the distance is the objective's own)."""
    objective = get_function("himmelblau")
    result = Race(objective, RACERS, START, seed=SEED, max_steps=STEPS).run()
    stepper = RaceStepper(objective, RACERS, START, SEED, STEPS)
    buffer = TraceBuffer()
    buffer.reset(1, stepper.labels)
    assert buffer.publish(1, stepper.start())
    for batch in (1, 7, 3, 100):
        assert buffer.publish(1, stepper.advance(batch))
    snapshot = buffer.snapshot()
    assert stepper.done and snapshot.done
    for lane, run in zip(snapshot.lanes, result.lanes, strict=True):
        assert lane.label == run.label and lane.status is run.status
        assert len(lane.rows) == len(run.records)
        for row, record in zip(lane.rows, run.records, strict=True):
            for name, value in record_values(record).items():
                assert row[COLUMN[name]] == value, (run.label, record.step, name)
            assert row[COLUMN["distance"]] == objective.distance_to_minimum(record.x)
        assert lane.distance == objective.distance_to_minimum(run.records[-1].x)


def test_trace_buffer_grows_and_drops_stale_generations():
    buffer = TraceBuffer()
    buffer.reset(3, ["a", "b"])
    rows = np.arange(200 * len(COLUMNS), dtype=float).reshape(200, len(COLUMNS))
    assert buffer.publish(3, [LaneChunk(0, rows[:100], Status.RUNNING)])
    before = buffer.snapshot()
    assert buffer.publish(3, [LaneChunk(0, rows[100:], Status.CONVERGED, distance=0.5)])
    assert not buffer.publish(2, [LaneChunk(1, rows, Status.RUNNING)])
    after = buffer.snapshot()
    assert len(before.lanes[0].rows) == 100 and len(after.lanes[0].rows) == 200
    assert np.array_equal(after.lanes[0].rows, rows) and len(after.lanes[1].rows) == 0
    assert not after.lanes[0].rows.flags.writeable
    assert after.lanes[0].status is Status.CONVERGED and after.lanes[0].distance == 0.5
    assert after.furthest_step == rows[-1, 0] and not after.done


def test_merged_batches_keep_the_rows_in_order_and_the_last_state():
    def rows(first, count):
        block = np.zeros((count, len(COLUMNS)))
        block[:, COLUMN["step"]] = np.arange(first, first + count)
        return block

    chunks = [LaneChunk(0, rows(0, 2), Status.RUNNING, internals="at 1"),
              LaneChunk(1, rows(0, 1), Status.RUNNING),
              LaneChunk(0, rows(2, 3), Status.RUNNING, distance=2.0),
              LaneChunk(0, rows(5, 1), Status.DIVERGED, "overflow", 3.0)]
    merged = {chunk.index: chunk for chunk in merge_chunks(chunks)}
    assert list(merged) == [0, 1]
    first = merged[0]
    assert np.array_equal(first.rows[:, COLUMN["step"]], np.arange(6))
    assert (first.status, first.message, first.distance) == (Status.DIVERGED, "overflow", 3.0)
    assert first.internals == "at 1"  # the last internals any batch carried
    assert merged[1].rows.shape == (1, len(COLUMNS)) and merged[1].internals is None
    # publishing the merged chunk equals publishing the batches one by one
    one, each = TraceBuffer(), TraceBuffer()
    for buffer in (one, each):
        buffer.reset(1, ["a", "b"])
    one.publish(1, merge_chunks(chunks))
    for chunk in chunks:
        each.publish(1, [chunk])
    for a, b in zip(one.snapshot().lanes, each.snapshot().lanes, strict=True):
        assert np.array_equal(a.rows, b.rows) and a.status is b.status
