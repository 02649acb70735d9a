"""The stochastic scenes: what their notes claim is what the runs do."""

import functools

import numpy as np

from landscape_app.core.result import Status
from landscape_app.state.race import session_race
from landscape_app.state.scenes import load_scene


@functools.cache
def lanes(scene_id):
    return {lane.label: lane for lane in session_race(load_scene(scene_id).state).run().lanes}


def losses(lane):
    return np.array([record.loss for record in lane.records])


def test_noisy_saddle_note():
    note = load_scene("noisy-saddle").note
    assert "grad_noise = 0.5" in note and "within 100 steps" in note
    race = lanes("noisy-saddle")
    exact = race["SGD"]
    # exact gradient descent slides into the saddle and stops there
    assert exact.status is Status.CONVERGED
    assert np.linalg.norm(exact.records[-1].x) < 1e-8 and abs(exact.final_loss) < 1e-12
    assert np.all(exact.trajectory[:, 1] == 0.0)
    for label in ("noisy SGD", "noisy Adam"):
        lane = race[label]
        path = lane.trajectory
        # the kicks leave the line and it falls into a minimum (0, ±1) within 100 steps
        escaped = np.flatnonzero(np.abs(path[:, 1]) > 0.9)
        assert escaped.size and escaped[0] <= 100, label
        end = path[-1]
        assert abs(end[0]) < 0.1 and abs(abs(end[1]) - 1) < 0.1, (label, end)
        # there it keeps jittering: the true loss hovers just above −¼, never reaching it
        tail = losses(lane)[-100:]
        assert np.all(tail > -0.25) and np.all(tail < -0.2), label
        assert abs(tail.mean() + 0.25) < 0.01, label
        assert np.all(np.linalg.norm(np.diff(path[-100:], axis=0), axis=1) > 0), label
        assert lane.status is Status.FINISHED


def test_minibatch_moons_note():
    state = load_scene("minibatch-moons").state
    assert [lane.spec.params.get("batch_size") for lane in state.lanes] == [None, 16, 4]
    assert {lane.spec.params["lr"] for lane in state.lanes} == {0.5}
    race = lanes("minibatch-moons")
    full, b16, b4 = race["full batch"], race["batch 16"], race["batch 4"]
    # the full-batch loss only goes down; with batches of 16 the true loss rises at many steps
    assert np.all(np.diff(losses(full)) <= 0)
    assert np.sum(np.diff(losses(b16)) > 0) >= 50
    assert all(r.batch_loss is None for r in full.records)
    assert all(r.batch_loss is not None for r in b16.records[1:])
    # ... yet it ends in the same low-loss region, below 0.05
    assert full.final_loss < 0.05 and b16.final_loss < 0.05
    # with batches of 4 the loss hovers far higher
    assert losses(b4)[-50:].mean() > 2 * losses(b16)[-50:].mean()
    assert losses(b4)[-50:].mean() > 10 * losses(full)[-50:].mean()
    assert losses(b4)[-50:].min() > 0.05
