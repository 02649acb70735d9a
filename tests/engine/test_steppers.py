"""The worker's row sources: a live race in any batching gives the same rows, and a replay
turns a lane trained ahead (a network's projected path, or a surface file's recorded path)
into the same rows, step by step, with its end state on its last row."""

from __future__ import annotations

import numpy as np
import pytest

from landscape_app.core.functions import get_function
from landscape_app.core.nn.interpolation import Interpolation
from landscape_app.core.nn.network_landscape import LanePath
from landscape_app.core.optim import OptimizerSpec
from landscape_app.core.result import Status
from landscape_app.core.runner import Racer
from landscape_app.core.surface_raw import RecordedPath
from landscape_app.engine.steppers import RaceStepper, ReplayStepper, path_rows
from landscape_app.engine.traces import COLUMN, COLUMNS

#: Every column but the wall time, which differs from run to run.
SAME = [index for name, index in COLUMN.items() if name != "time"]


def all_rows(chunk_lists) -> dict[int, np.ndarray]:
    lanes: dict[int, list[np.ndarray]] = {}
    for chunks in chunk_lists:
        for chunk in chunks:
            lanes.setdefault(chunk.index, []).append(chunk.rows)
    return {index: np.concatenate(parts) for index, parts in lanes.items()}


def test_a_live_race_gives_the_same_rows_in_any_batching():
    racers = [Racer("rmsprop", OptimizerSpec("rmsprop", {"lr": 0.01})),
              Racer("sa", OptimizerSpec("sa", {}))]

    def stepped(batches):
        stepper = RaceStepper(get_function("rastrigin"), racers, (2.2, -1.7), 9, 30)
        chunk_lists = [stepper.start()] + [stepper.advance(b) for b in batches]
        return stepper, all_rows(chunk_lists)

    one, rows_one = stepped([30])
    many, rows_many = stepped([1] * 12 + [5, 100])
    assert one.done and many.done and one.labels == ["rmsprop", "sa"]
    for index, rows in rows_one.items():
        assert np.array_equal(rows[:, COLUMN["step"]], np.arange(31))
        np.testing.assert_array_equal(rows_many[index][:, SAME], rows[:, SAME])


def recorded(label: str, steps: int, status: Status, message: str = "") -> RecordedPath:
    n = steps + 1
    losses = np.linspace(4.0, 1.0, n)
    losses[n // 2] = np.nan  # a non-finite step: the best loss so far passes over it
    coords = np.column_stack([np.arange(n), -np.arange(n)])
    return RecordedPath(label, "sgd", status, message, steps=np.arange(n),
                        evals=2 * np.arange(n), coords=coords,
                        distances=np.linspace(1.0, 0.0, n), losses=losses,
                        plane_losses=losses + 0.5)


def test_path_rows_of_a_recorded_path_and_of_a_network_path_agree():
    """A surface file's :class:`RecordedPath` (no batch losses) and a network's
    :class:`LanePath` (with them) fill the same columns the same way; what neither records
    (gradient evaluations, time) is NaN, never a guess."""
    path = recorded("a", 6, Status.FINISHED)
    rows = path_rows(path)
    assert rows.shape == (7, len(COLUMNS))
    expected = {"step": path.steps, "evals": path.evals, "loss": path.losses,
                "surface_loss": path.plane_losses, "x": path.coords[:, 0],
                "y": path.coords[:, 1], "distance": path.distances,
                "best_loss": [4.0, 3.5, 3.0, 3.0, 2.0, 1.5, 1.0]}
    for name, values in expected.items():
        np.testing.assert_array_equal(rows[:, COLUMN[name]], values, err_msg=name)
    for name in ("grad_evals", "time", "batch_loss"):
        assert np.isnan(rows[:, COLUMN[name]]).all(), name
    batch = np.full(7, 0.25)
    network = LanePath(label=path.label, spec=path.spec, status=path.status,
                       message=path.message, steps=path.steps, evals=path.evals,
                       coords=path.coords, distances=path.distances, losses=path.losses,
                       plane_losses=path.plane_losses, batch_losses=batch,
                       trajectory=np.zeros((7, 3)),
                       interpolation=Interpolation(np.linspace(0, 1, 3), np.ones(3)))
    network_rows = path_rows(network)
    np.testing.assert_array_equal(network_rows[:, COLUMN["batch_loss"]], batch)
    others = [c for c in range(len(COLUMNS)) if c != COLUMN["batch_loss"]]
    np.testing.assert_array_equal(network_rows[:, others], rows[:, others])


def test_a_replay_shows_each_path_step_by_step_and_ends_it_in_its_state():
    paths = [recorded("short", 3, Status.DIVERGED, "overflow"),
             recorded("long", 8, Status.CONVERGED)]
    stepper = ReplayStepper(paths)
    assert stepper.labels == ["short", "long"] and not stepper.offload
    first = stepper.start()
    assert [len(chunk.rows) for chunk in first] == [1, 1]
    batches = [first]
    while not stepper.done:
        batches.append(stepper.advance(3))
    assert len(batches) == 4  # 1 + 3 + 3 + 2 rows of the long path
    for index, path in enumerate(paths):
        chunks = [chunk for batch in batches for chunk in batch if chunk.index == index]
        np.testing.assert_array_equal(np.concatenate([c.rows for c in chunks]),
                                      path_rows(path))
        assert all(c.status is Status.RUNNING and c.message == "" for c in chunks[:-1])
        assert (chunks[-1].status, chunks[-1].message) == (path.status, path.message)
        shown = np.cumsum([len(c.rows) for c in chunks])
        assert [c.distance for c in chunks] == pytest.approx(path.distances[shown - 1])
    again = stepper.start()  # a replay starts over
    assert [len(chunk.rows) for chunk in again] == [1, 1] and not stepper.done
