"""The race process: factories sent as recipes, the same rows as in-thread stepping, failures,
cancellation, clean shutdown (the worker's in-thread fallback: tests/gui/test_worker.py)."""

from functools import partial

import numpy as np
import pytest

from landscape_app.core.errors import CancelledError
from landscape_app.core.portable import dumps_factory
from landscape_app.engine.race_process import RaceProcess, RaceProcessError, RemoteStepper
from landscape_app.engine.traces import COLUMN

#: Every column but the wall time, which differs from run to run.
SAME_COLUMNS = [index for name, index in COLUMN.items() if name != "time"]


def race_factory(objective, start=(-1.0, 1.0), steps=40):
    from landscape_app.core.optim.registry import OptimizerSpec
    from landscape_app.core.runner import Racer
    from landscape_app.engine.steppers import RaceStepper

    racers = [Racer("adam", OptimizerSpec("adam", {"lr": 0.1})),
              Racer("pso", OptimizerSpec("pso", {}))]
    return partial(RaceStepper, objective, racers, start, 3, steps)


def rows_of(chunks_list):
    lanes = {}
    for chunks in chunks_list:
        for chunk in chunks:
            lanes.setdefault(chunk.index, []).append(chunk.rows)
    return {index: np.concatenate(parts) for index, parts in lanes.items()}


@pytest.fixture
def process():
    race = RaceProcess()
    yield race
    race.close()
    assert not race.alive


def test_catalog_functions_and_expressions_travel_as_recipes():
    import pickle

    from landscape_app.core.functions import get_function
    from landscape_app.core.functions.expression import custom_function
    from landscape_app.core.portable import same_values

    catalog = pickle.loads(dumps_factory(race_factory(get_function("himmelblau"))))
    assert catalog.args[0] is get_function("himmelblau")
    original = custom_function("sin(x) * y**2 + 0.1 * x^2", (-3, 3), (-2, 2))
    rebuilt = pickle.loads(dumps_factory(race_factory(original))).args[0]
    assert rebuilt is not original and same_values(original, rebuilt)
    assert vars(rebuilt).keys() == vars(original).keys() and rebuilt.start == original.start


def test_what_cannot_travel_is_refused():
    from landscape_app.core.functions import get_function
    from landscape_app.core.functions.expression import custom_function

    lookalike = custom_function("x**2 + y**2")
    lookalike.formula = get_function("himmelblau").formula  # its text no longer says what it is
    assert dumps_factory(race_factory(lookalike)) is None
    assert dumps_factory(lambda: None) is None


def test_the_process_steps_exactly_like_the_worker_thread(process):
    from landscape_app.core.functions import get_function

    factory = race_factory(get_function("rosenbrock"))
    local = factory()
    remote = RemoteStepper(process, dumps_factory(factory), lambda: False)
    assert process.alive is False
    local_rows = rows_of([local.start(), local.advance(15), local.advance(25)])
    remote_rows = rows_of([remote.start(), remote.advance(15), remote.advance(25)])
    assert remote.labels == local.labels and remote.done == local.done
    for index, rows in local_rows.items():
        assert np.array_equal(remote_rows[index][:, SAME_COLUMNS], rows[:, SAME_COLUMNS],
                              equal_nan=True)  # batch_loss is NaN without minibatches


def test_failures_are_reported_and_the_process_lives_on(process):
    from landscape_app.core.functions import get_function

    bad = race_factory(get_function("himmelblau"), start=(1.0, 2.0, 3.0))
    with pytest.raises(RaceProcessError, match="3 coordinates"):
        RemoteStepper(process, dumps_factory(bad), lambda: False).start()
    good = RemoteStepper(process, dumps_factory(race_factory(get_function("himmelblau"))),
                         lambda: False)
    assert len(good.start()) == 2 and process.alive


def test_a_dead_process_is_reported_then_replaced(process):
    from landscape_app.core.functions import get_function

    payload = dumps_factory(race_factory(get_function("himmelblau")))
    stepper = RemoteStepper(process, payload, lambda: False)
    stepper.start()
    process._process.kill()
    with pytest.raises(RaceProcessError, match="stopped"):
        stepper.advance(5)
    assert len(RemoteStepper(process, payload, lambda: False).start()) == 2


def test_cancelling_a_wait_closes_the_process(process):
    from landscape_app.core.functions import get_function

    cancelled = []
    stepper = RemoteStepper(process, dumps_factory(race_factory(get_function("himmelblau"),
                                                                steps=10**6)),
                            lambda: bool(cancelled))
    stepper.start()
    cancelled.append(True)
    with pytest.raises(CancelledError):
        stepper.advance(10**6)  # minutes of work, abandoned at once
    assert not process.alive


def test_the_app_ends_its_fork_server_when_it_exits():
    """run_app's last act: the fork server (torch loaded) would otherwise outlive the app."""
    import subprocess
    import sys

    script = (
        "import os\n"
        "from multiprocessing import forkserver\n"
        "from landscape_app.engine.race_process import prewarm, stop_forkserver\n"
        "prewarm()\n"
        "pid = forkserver._forkserver._forkserver_pid\n"
        "os.kill(pid, 0)\n"
        "stop_forkserver()\n"
        "try:\n"
        "    os.kill(pid, 0)\n"
        "except ProcessLookupError:\n"
        "    print('gone')\n"
        "stop_forkserver()  # a second call does nothing\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "gone"
