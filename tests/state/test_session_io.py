"""Session files: exact round trips, identical re-runs, and a table of refused files."""

import copy
import json
import os

import numpy as np
import pytest

from landscape_app.core.atomic import ExportError, atomic_write
from landscape_app.core.errors import LandscapeError
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.state.model import LandscapeSpec, Lane, SessionState, ViewSettings
from landscape_app.state.race import session_race
from landscape_app.state.session_io import (
    SessionError,
    load_session,
    save_session,
    session_from_dict,
    session_from_json,
    session_to_dict,
    session_to_json,
)

STATE = SessionState(
    landscape=LandscapeSpec(kind="function", function="himmelblau", x_range=(-5.0, 5.0)),
    lanes=(
        Lane("adam", OptimizerSpec("adam", {"lr": 0.05, "schedule": "cosine", "t_max": 40}),
             "#E69F00"),
        Lane("pso", OptimizerSpec("pso", {"swarm_size": 12}), "#56B4E9", visible=False),
        Lane("annealing", OptimizerSpec("sa", {"t0": 5.0}), "#009E73"),
        Lane("cma", OptimizerSpec("cmaes", {"sigma0": 0.2}), "#0072B2"),
        Lane("lookahead", OptimizerSpec("lookahead", {"inner": "sgd", "lr": 0.01,
                                                      "momentum": 0.5}), "#D55E00"),
    ),
    start=(-0.3, -0.9),
    seed=7,
    max_steps=40,
    view=ViewSettings(colormap="magma", log_scale=True, contours=20, resolution=300,
                      show_internals=True, x_axis="evals"),
    title="Test session",
    note="A note, with ünïcode: η, θ, ½.",
)

EXPRESSION_STATE = SessionState(
    landscape=LandscapeSpec(kind="expression", expression="x**2 + 3*sin(y)",
                            x_range=(-3.0, 3.0), y_range=(-2.0, 4.0)),
    lanes=(Lane("sgd", OptimizerSpec("sgd", {"lr": 0.1}), "#E69F00"),),
)


def run_records(state):
    return session_race(state).run()


def assert_same_runs(first, second):
    for lane_a, lane_b in zip(first.lanes, second.lanes, strict=True):
        assert (lane_a.status, lane_a.message) == (lane_b.status, lane_b.message)
        assert len(lane_a.records) == len(lane_b.records)
        for a, b in zip(lane_a.records, lane_b.records, strict=True):
            assert np.array_equal(a.x, b.x) and a.loss == b.loss and a.evals == b.evals


@pytest.mark.parametrize("state", [STATE, EXPRESSION_STATE, SessionState()])
def test_dict_and_json_round_trips_are_exact(state):
    assert session_from_dict(session_to_dict(state)) == state
    assert session_from_json(session_to_json(state)) == state
    assert session_to_dict(state)["format"] == "landscape-app-session"
    assert session_to_dict(state)["version"] == 1


def test_file_round_trip_reproduces_identical_trajectories(tmp_path):
    path = save_session(tmp_path / "session.json", STATE)
    loaded = load_session(path)
    assert loaded == STATE
    assert_same_runs(run_records(STATE), run_records(loaded))


def test_expression_session_reruns_identically(tmp_path):
    loaded = load_session(save_session(tmp_path / "expr.json", EXPRESSION_STATE))
    assert_same_runs(run_records(EXPRESSION_STATE), run_records(loaded))


def test_optional_fields_take_defaults():
    minimal = {"format": "landscape-app-session", "version": 1,
               "landscape": {"kind": "function", "function": "booth"},
               "lanes": [{"label": "a", "spec": {"id": "adam"}}]}
    state = session_from_dict(minimal)
    assert state.start is None and state.seed == 0 and state.view == ViewSettings()
    assert state.lanes[0].spec == OptimizerSpec("adam", {})


def test_values_are_coerced_to_their_parameter_types():
    data = session_to_dict(STATE)
    data["lanes"][0]["spec"]["params"]["lr"] = 1  # an int for a float parameter
    state = session_from_dict(data)
    assert state.lanes[0].spec.params["lr"] == 1.0
    assert isinstance(state.lanes[0].spec.params["lr"], float)


def _document():
    return session_to_dict(STATE)


def _edit(change):
    def build():
        data = copy.deepcopy(_document())
        change(data)
        return json.dumps(data)
    return build


def _set(path, value):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        data[last] = value
    return change


def _delete(key):
    return lambda data: data.pop(key)


BROKEN = [
    ("not json", lambda: '{"format": "landscape-app-session",\n "version": 1,,}',
     "invalid JSON at line 2, column 15"),
    ("empty", lambda: "", "invalid JSON at line 1, column 1"),
    ("binary", lambda: b"\xff\xfe\x00garbage", "not UTF-8"),
    ("array", lambda: "[1, 2, 3]", "expected a JSON object"),
    ("wrong format", _edit(_set(["format"], "landscape-app-scene")),
     "format is 'landscape-app-scene'"),
    ("no format", _edit(_delete("format")), "format is None"),
    ("version 99", _edit(_set(["version"], 99)), "version 99, written by a newer"),
    ("version text", _edit(_set(["version"], "1")), "version: expected a whole number"),
    ("missing landscape", _edit(_delete("landscape")), "landscape: missing"),
    ("unknown kind", _edit(_set(["landscape", "kind"], "fractal")),
     "landscape.kind: 'fractal' is not one of"),
    ("unknown function", _edit(_set(["landscape", "function"], "rosenbrok")),
     "landscape.function: unknown function 'rosenbrok'"),
    ("bad expression", _edit(lambda d: d["landscape"].update(
        kind="expression", expression="__import__('os')")),
     "landscape.expression: '__import__' is not an allowed function"),
    ("bad range", _edit(_set(["landscape", "x_range"], [3, -3])),
     "landscape.x_range: expected [low, high] with low < high"),
    ("lanes not a list", _edit(_set(["lanes"], {"adam": 1})), "lanes: expected an array"),
    ("unknown optimizer", _edit(_set(["lanes", 1, "spec", "id"], "adamax")),
     "lanes[1].spec.id: unknown optimizer 'adamax'"),
    ("lr = -1", _edit(_set(["lanes", 0, "spec", "params", "lr"], -1)),
     "lanes[0].spec.params.lr: lr=-1 is out of range"),
    ("lr text", _edit(_set(["lanes", 0, "spec", "params", "lr"], "fast")),
     "lanes[0].spec.params.lr: lr='fast': expected a number"),
    ("unknown hyperparameter", _edit(_set(["lanes", 0, "spec", "params", "learning_rate"], 1)),
     "lanes[0].spec.params.learning_rate: adam has no hyperparameter"),
    ("bad choice", _edit(_set(["lanes", 4, "spec", "params", "inner"], "lbfgs")),
     "lanes[4].spec.params: lookahead: inner='lbfgs' cannot be wrapped"),
    ("missing label", _edit(lambda d: d["lanes"][2].pop("label")), "lanes[2].label: missing"),
    ("duplicate label", _edit(_set(["lanes", 1, "label"], "adam")), "'adam' is used twice"),
    ("colour blue?", _edit(_set(["lanes", 0, "color"], "blue?")),
     "lanes[0].color: 'blue?' is not a colour"),
    ("unknown colormap", _edit(_set(["view", "colormap"], "rainbow")),
     "view.colormap: 'rainbow' is not a colormap; use one of viridis"),
    ("visible text", _edit(_set(["lanes", 0, "visible"], "yes")),
     "lanes[0].visible: expected true or false"),
    ("start wrong length", _edit(_set(["start"], [1.0, 2.0, 3.0])),
     "start: expected 2 numbers, got 3"),
    ("start NaN", lambda: json.dumps({**_document(), "start": [float("nan"), 0.0]}),
     "start[0]: must be a finite number"),
    ("start text", _edit(_set(["start"], ["0", 1])), "start[0]: expected a number"),
    ("seed negative", _edit(_set(["seed"], -1)), "seed: -1 is out of range"),
    ("max_steps float", _edit(_set(["max_steps"], 10.5)), "max_steps: expected a whole number"),
    ("max_steps zero", _edit(_set(["max_steps"], 0)), "max_steps: 0 is out of range"),
    ("view x_axis", _edit(_set(["view", "x_axis"], "epochs")), "view.x_axis: 'epochs'"),
    ("view resolution", _edit(_set(["view", "resolution"], 10**6)), "view.resolution"),
    ("unknown field", _edit(_set(["colour_scheme"], "dark")), "colour_scheme: unknown field"),
    ("network bad model", _edit(lambda d: d.update(
        landscape={"kind": "network", "network": {"model": "mnist"}}, start=None)),
     "landscape.network: unknown network model 'mnist'"),
    ("network start length", _edit(lambda d: d.update(
        landscape={"kind": "network", "network": {"model": "seed"}}, start=[0.1, 0.2])),
     "start: expected 10 numbers, got 2"),
    ("negative noise", _edit(_set(["lanes", 0, "spec", "params", "grad_noise"], -0.5)),
     "lanes[0].spec.params.grad_noise: grad_noise=-0.5 is out of range"),
    ("batch on a function", _edit(_set(["lanes", 0, "spec", "params", "batch_size"], 8)),
     "lanes[0].spec.params: adam: batch_size=8 needs a network landscape"),
    ("batch on pso", _edit(_set(["lanes", 1, "spec", "params", "batch_size"], 8)),
     "lanes[1].spec.params: pso: batch_size is for the gradient methods"),
    ("batch beyond the data", _edit(lambda d: d.update(
        landscape={"kind": "network", "network": {"model": "seed"}}, start=None,
        lanes=[{"label": "sgd", "spec": {"id": "sgd", "params": {"batch_size": 40}}}])),
     "lanes[0].spec.params: sgd: batch_size=40 is larger than the data set (32 samples)"),
    ("noise on a network", _edit(lambda d: d.update(
        landscape={"kind": "network", "network": {"model": "seed"}}, start=None,
        lanes=[{"label": "sgd", "spec": {"id": "sgd", "params": {"grad_noise": 0.1}}}])),
     "grad_noise=0.1 applies to function landscapes"),
    ("network plane lane", _edit(lambda d: d.update(
        landscape={"kind": "network", "network": {"model": "seed", "plane_lane": 9}},
        start=None)), "landscape.network.plane_lane: 9 is out of range"),
]


@pytest.mark.parametrize(("build", "fragment"), [case[1:] for case in BROKEN],
                         ids=[case[0] for case in BROKEN])
def test_broken_session_files_are_refused_and_left_untouched(tmp_path, build, fragment):
    content = build()
    path = tmp_path / "broken.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    with pytest.raises(SessionError) as caught:
        load_session(path)
    message = str(caught.value)
    assert fragment in message, message
    assert message.startswith(str(path))
    assert "\n" not in message and "Traceback" not in message
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert isinstance(caught.value, LandscapeError)


def test_stochastic_settings_round_trip_and_rerun_identically(tmp_path):
    noisy = SessionState(
        landscape=LandscapeSpec(kind="function", function="saddle"),
        lanes=(Lane("noisy", OptimizerSpec("momentum", {"lr": 0.01, "grad_noise": 0.5}),
                    "#E69F00"),),
        start=(1.5, 0.0), seed=3, max_steps=30)
    minibatch = SessionState(
        landscape=LandscapeSpec(kind="network", network={"model": "seed", "dtype": "float64"}),
        lanes=(Lane("sgd", OptimizerSpec("sgd", {"lr": 1e-7, "batch_size": 8}), "#E69F00"),),
        seed=2, max_steps=6)
    for state in (noisy, minibatch):
        path = tmp_path / "stochastic.json"
        save_session(path, state)
        loaded = load_session(path)
        assert loaded == state
        assert_same_runs(run_records(state), run_records(loaded))


def test_the_broken_table_is_large():
    assert len(BROKEN) >= 10


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(SessionError, match="cannot open .*No such file"):
        load_session(tmp_path / "absent.json")
    with pytest.raises(SessionError, match="cannot open"):
        load_session(tmp_path)


def test_refusal_keeps_the_callers_state(tmp_path):
    current = load_session(save_session(tmp_path / "good.json", STATE))
    (tmp_path / "bad.json").write_text("[]")
    with pytest.raises(SessionError):
        current = load_session(tmp_path / "bad.json")
    assert current == STATE


def test_failing_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = save_session(tmp_path / "session.json", STATE)
    before = path.read_bytes()
    broken = SessionState(start=(float("nan"), 0.0))
    with pytest.raises(SessionError, match="cannot be saved"):
        save_session(path, broken)
    with pytest.raises(ExportError), atomic_write(path, "w") as handle:  # fails half-way
        handle.write(session_to_json(STATE)[:50])
        raise OSError("disk full")
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["session.json"]


def test_save_into_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        save_session(tmp_path / "nope" / "session.json", STATE)


def test_saved_file_is_readable_json(tmp_path):
    path = save_session(tmp_path / "session.json", STATE)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["lanes"][1]["visible"] is False
    assert data["view"]["x_axis"] == "evals"
    assert data["note"] == STATE.note
