"""Exact previews on the map engine: every row equals the race runner's, column by column.

The batched lanes step the single run's own arithmetic (torch.optim's single-tensor code on a
``(1, 2)`` row, the same gradient, the same stopping rules), so everything but the wall time
is held to equality — positions, losses, counts, best losses, distances, status, message and
the last row's internals — over lanes that finish, converge, diverge and go non-finite.
"""

from __future__ import annotations

import numpy as np
import pytest

from landscape_app.core.functions import get_function
from landscape_app.core.functions.expression import custom_function
from landscape_app.core.optim.registry import parse_optimizer_spec
from landscape_app.core.result import Status
from landscape_app.core.runner import Racer
from landscape_app.engine.preview_lanes import BATCHED, PreviewStepper, batched_lane
from landscape_app.engine.steppers import RaceStepper
from landscape_app.engine.traces import COLUMN, merge_chunks

#: Every column but ``time`` (wall time: different on every run).
COMPARED = [i for name, i in COLUMN.items() if name != "time"]

#: (landscape, optimizer, start, steps): every batched optimizer, a schedule, gradient
#: noise, weight decay, and lanes that stop every way a lane stops.
CASES = [
    ("rosenbrock", "sgd:lr=0.001", (-1.2, 1.0), 300),
    ("rosenbrock", "momentum:lr=0.0003", (-1.2, 1.0), 300),
    ("rosenbrock", "nesterov:lr=0.0003", (-1.2, 1.0), 300),
    ("rosenbrock", "adam:lr=0.05", (-1.2, 1.0), 300),
    ("rosenbrock", "adamw:lr=0.05,weight_decay=0.1", (-1.2, 1.0), 200),
    ("rosenbrock", "radam:lr=0.05", (0.5, -0.5), 200),
    ("himmelblau", "adagrad:lr=0.5", (1.0, 1.0), 200),
    ("himmelblau", "rmsprop:lr=0.01,centered=true", (-4.0, 4.0), 200),
    ("rosenbrock", "heun:lr=0.001", (-1.2, 1.0), 150),
    ("rosenbrock", "adam:lr=0.05,schedule=cosine,warmup=10", (-1.2, 1.0), 200),
    ("himmelblau", "sgd:lr=0.01,grad_noise=0.5", (0.0, 0.0), 200),
    ("himmelblau", "sgd:lr=0.05", (-9.0, 9.0), 100),  # leaves the domain
    ("sphere", "sgd:lr=0.5", (1.0, -2.0), 100),  # lands on the minimum: converges
    ("rastrigin", "momentum:lr=0.2", (3.0, 3.0), 100),
]


def race_chunks(objective, specs, start, steps, stepper=RaceStepper):
    racers = [Racer(f"lane {i}", spec) for i, spec in enumerate(specs)]
    run = stepper(objective, racers, np.asarray(start, dtype=float), 3, steps)
    chunks = run.start()
    while not run.done:
        chunks += run.advance(64)
    return sorted(merge_chunks(chunks), key=lambda chunk: chunk.index)


def assert_same_lane(got, expected, where):
    np.testing.assert_array_equal(got.rows[:, COMPARED], expected.rows[:, COMPARED],
                                  err_msg=where)
    assert (got.status, got.message) == (expected.status, expected.message), where
    np.testing.assert_array_equal(got.distance, expected.distance, err_msg=where)
    for name in ("gradient", "velocity", "anchor"):
        np.testing.assert_array_equal(getattr(got.internals, name),
                                      getattr(expected.internals, name), err_msg=where)


@pytest.mark.parametrize(("function", "optimizer", "start", "steps"), CASES)
def test_a_batched_lane_is_its_race(function, optimizer, start, steps):
    objective = get_function(function)
    spec = parse_optimizer_spec(optimizer)
    assert spec.id in BATCHED
    (expected,) = race_chunks(objective, [spec], start, steps)
    got = batched_lane(objective, spec, np.asarray(start), 3, steps)
    assert_same_lane(got, expected, f"{optimizer} on {function} from {start}")


def test_the_cases_stop_every_way():
    endings = set()
    for function, optimizer, start, steps in CASES:
        lane = batched_lane(get_function(function), parse_optimizer_spec(optimizer),
                            np.asarray(start), 3, steps)
        endings.add(lane.status)
    assert endings == {Status.FINISHED, Status.CONVERGED, Status.DIVERGED}


def test_a_non_finite_loss_stops_the_lane_as_the_race_does():
    objective = custom_function("log(x) + y**2")  # NaN left of x = 0
    spec = parse_optimizer_spec("sgd:lr=0.5")
    (expected,) = race_chunks(objective, [spec], (0.3, 1.0), 50)
    assert expected.status is Status.DIVERGED and "loss became" in expected.message
    assert_same_lane(batched_lane(objective, spec, np.array([0.3, 1.0]), 3, 50), expected,
                     "log(x) + y**2")


def test_a_mixed_preview_is_the_race_lane_by_lane():
    """Batched lanes and race-runner lanes (L-BFGS, Lookahead, Newton) together, in order."""
    objective = get_function("rosenbrock")
    specs = [parse_optimizer_spec(text) for text in
             ("lbfgs", "adam:lr=0.05", "lookahead", "sgd:lr=0.001", "newton", "pso")]
    expected = race_chunks(objective, specs, (-1.2, 1.0), 120)
    got = race_chunks(objective, specs, (-1.2, 1.0), 120, stepper=PreviewStepper)
    stepper = PreviewStepper(objective, [Racer("a", s) for s in specs], (-1.2, 1.0), 3, 120)
    assert [index for index, _ in stepper.batched] == [1, 3]
    assert [chunk.index for chunk in got] == list(range(len(specs)))
    for spec, mine, theirs in zip(specs, got, expected, strict=True):
        assert_same_lane(mine, theirs, spec.to_text())


def test_with_the_sharpness_measured_every_lane_is_raced():
    objective = get_function("rosenbrock")
    racers = [Racer("a", parse_optimizer_spec("adam"))]
    assert PreviewStepper(objective, racers, (-1.2, 1.0), 0, 50).batched
    assert not PreviewStepper(objective, racers, (-1.2, 1.0), 0, 50, sharpness_every=1).batched
