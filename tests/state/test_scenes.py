"""The scene library: every scene loads, 2D scenes run to the end, and the notes hold."""

import functools
import re

import numpy as np
import pytest

from landscape_app.core.errors import UnknownIdError
from landscape_app.core.result import Status
from landscape_app.state.race import session_objective, session_race
from landscape_app.state.scenes import (
    SCENE_ORDER,
    list_scenes,
    load_scene,
    scene_ids,
)
from landscape_app.state.session_io import session_to_json

REQUIRED = ("momentum-overshoot", "adam-vs-sgd", "saddle-trap", "rastrigin-global",
            "lookahead-calm", "adamw-vs-adam", "seed-pca", "two-moons")
FLAT_SCENES = [i for i in scene_ids() if load_scene(i).state.landscape.kind != "network"]
NETWORK_SCENES = [i for i in scene_ids() if i not in FLAT_SCENES]


@functools.cache
def run_scene(scene_id):
    """Run a 2D scene to its step limit once; lanes by label: (final record, positions)."""
    state = load_scene(scene_id).state
    race = session_race(state)
    lanes = {lane.label: lane for lane in race.run().lanes}
    return race.objective, lanes


def final(scene_id, label):
    return run_scene(scene_id)[1][label].records[-1]


def path(scene_id, label):
    return np.array([record.x for record in run_scene(scene_id)[1][label].records])


def test_library_size_order_and_required_scenes():
    ids = scene_ids()
    assert len(ids) >= 10
    assert set(REQUIRED) <= set(ids)
    assert ids[:len(SCENE_ORDER)] == list(SCENE_ORDER)
    assert [info.id for info in list_scenes()] == ids


@pytest.mark.parametrize("scene_id", scene_ids())
def test_scene_loads_with_title_note_and_canonical_file(scene_id):
    from importlib import resources

    scene = load_scene(scene_id)
    assert scene.title and scene.state.lanes
    sentences = re.findall(r"[.!?](?:\s|$)", scene.note)
    assert 2 <= len(sentences) <= 5, scene.note
    assert len(scene.note) <= 600
    text = resources.files("landscape_app").joinpath(f"scenes/{scene_id}.json").read_text(
        encoding="utf-8")
    assert session_to_json(scene.state) == text  # files are in the canonical format
    labels = [lane.label for lane in scene.state.lanes]
    assert len(set(labels)) == len(labels)


def test_unknown_scene_lists_the_known_ones():
    with pytest.raises(UnknownIdError, match="unknown scene 'nope'; known: momentum-overshoot"):
        load_scene("nope")


@pytest.mark.parametrize("scene_id", FLAT_SCENES)
def test_flat_scene_runs_to_its_step_limit(scene_id):
    state = load_scene(scene_id).state
    _, lanes = run_scene(scene_id)
    assert list(lanes) == [lane.label for lane in state.lanes]
    for lane in lanes.values():
        assert lane.status in (Status.FINISHED, Status.CONVERGED, Status.DIVERGED), lane.message
        assert lane.records[-1].step <= state.max_steps
        if lane.status is Status.FINISHED:
            assert lane.records[-1].step == state.max_steps


@pytest.mark.parametrize("scene_id", NETWORK_SCENES)
def test_network_scene_builds_and_steps(scene_id):
    state = load_scene(scene_id).state
    objective = session_objective(state)
    assert objective.dim > 2
    race = session_race(state)
    race.start()
    batch = race.advance(2)
    assert len(batch.updates) == len(state.lanes)


# -- the notes' claims ---------------------------------------------------------------------
def test_momentum_overshoot_note():
    assert path("momentum-overshoot", "momentum 0.9")[:, 0].max() > 2.0
    assert path("momentum-overshoot", "momentum 0.5")[:, 0].max() < 0.0
    sgd_y = path("momentum-overshoot", "SGD")[:, 1]
    assert np.sum(np.diff(np.sign(sgd_y)) != 0) > 100  # zig-zag across the valley

    def arrival(label):
        return int(np.argmax(np.linalg.norm(path("momentum-overshoot", label), axis=1) < 1e-3))

    assert arrival("momentum 0.5") < min(arrival("SGD"), arrival("momentum 0.9"))


def test_adaptive_steps_note():
    for label in ("Adagrad", "RMSprop"):
        y = path("adaptive-steps", label)[:, 1]
        assert np.sum(np.diff(np.sign(y)) != 0) == 0
    arrive = {label: int(np.argmax(np.linalg.norm(path("adaptive-steps", label), axis=1) < 1e-2))
              for label in ("SGD", "Adagrad", "RMSprop", "Adam")}
    assert arrive["SGD"] == min(arrive.values())
    adam_y = path("adaptive-steps", "Adam")[:, 1]
    assert np.sum(np.diff(np.sign(adam_y)) != 0) >= 2


def test_adam_vs_sgd_note():
    objective, _ = run_scene("adam-vs-sgd")
    distance = {label: objective.distance_to_minimum(final("adam-vs-sgd", label).x)
                for label in ("SGD", "momentum", "Adam")}
    assert distance["SGD"] > 1.0
    assert distance["Adam"] < 0.01 < distance["momentum"] < 0.5


def test_lookahead_note():
    _, lanes = run_scene("lookahead-calm")
    assert lanes["SGD"].status is Status.DIVERGED
    assert lanes["Lookahead α=0.8"].status is Status.DIVERGED
    assert lanes["Lookahead α=0.5"].status is not Status.DIVERGED
    assert lanes["Lookahead α=0.5"].records[-1].loss < 1e-4


def test_adamw_note():
    objective, _ = run_scene("adamw-vs-adam")
    assert objective.distance_to_minimum(final("adamw-vs-adam", "Adam").x) < 0.05
    # minimum of f + ¼‖θ‖² for Booth: 10.5x + 8y = 34, 8x + 10.5y = 38
    regularised = np.linalg.solve([[10.5, 8.0], [8.0, 10.5]], [34.0, 38.0])
    assert np.allclose(final("adamw-vs-adam", "Adam + L2").x, regularised, atol=0.02)
    adamw = final("adamw-vs-adam", "AdamW").x
    assert np.all(np.abs(adamw) < 2.0) and objective.distance_to_minimum(adamw) > 1.0


def test_lr_schedules_note():
    objective, _ = run_scene("lr-schedules")
    assert objective.distance_to_minimum(final("lr-schedules", "SGD η=0.01").x) > 4.0
    assert final("lr-schedules", "SGD η=0.2").loss > 1.0
    for label in ("SGD η=0.2 cosine", "SGD η=0.2 exponential"):
        assert objective.distance_to_minimum(final("lr-schedules", label).x) < 0.05


def test_saddle_note():
    for label in ("SGD", "momentum", "Adam"):
        record = final("saddle-trap", label)
        assert abs(record.loss) < 1e-6 and np.linalg.norm(record.x) < 0.01
        assert np.all(path("saddle-trap", label)[:, 1] == 0.0)
    annealing = final("saddle-trap", "annealing")
    assert annealing.best_loss < -0.2 and abs(abs(annealing.x[1]) - 1) < 0.2


def test_himmelblau_note():
    assert np.allclose(final("himmelblau-basins", "SGD").x, (-3.7793, -3.2832), atol=1e-3)
    assert np.allclose(final("himmelblau-basins", "momentum").x, (-3.7793, -3.2832), atol=1e-3)
    assert np.allclose(final("himmelblau-basins", "Adam").x, (-2.8051, 3.1313), atol=1e-3)
    assert np.allclose(final("himmelblau-basins", "RMSprop").x, (-2.8051, 3.1313), atol=1e-3)
    first_step = path("himmelblau-basins", "Adam")[1] - path("himmelblau-basins", "Adam")[0]
    assert abs(abs(first_step[0]) - abs(first_step[1])) < 1e-6


def test_rastrigin_note():
    objective, _ = run_scene("rastrigin-global")
    gradient = [objective.distance_to_minimum(final("rastrigin-global", label).x)
                for label in ("Adam", "momentum")]
    population = [objective.distance_to_minimum(final("rastrigin-global", label).x)
                  for label in ("PSO", "annealing", "CMA-ES")]
    assert max(population) < 0.1 < 3.0 < min(gradient)
    assert final("rastrigin-global", "Adam").loss == pytest.approx(17.9, abs=0.1)


def test_steps_vs_evaluations_note():
    _, lanes = run_scene("steps-vs-evaluations")
    for label in ("Newton", "L-BFGS"):
        assert lanes[label].status is Status.CONVERGED and lanes[label].records[-1].step < 60
    assert lanes["Adam"].status is Status.FINISHED and lanes["Adam"].records[-1].loss > 1e-8
    lbfgs = lanes["L-BFGS"].records[-1]
    assert lbfgs.evals > lbfgs.step + 1
    pso = lanes["PSO"].records[-1]
    assert pso.evals > 20_000 and pso.evals >= 30 * pso.step
    cma = lanes["CMA-ES"].records[-1]
    assert cma.evals > 5 * cma.step


def test_fair_race_note():
    """The one-start race's winner (Adam) is not the tuned winner (SGD), with the note's
    numbers: each optimizer's start map (the map engine: every cell equals the single run) at
    each learning rate of its sweep, 12 × 12 starts over the view, 100 steps."""
    from landscape_app.core.maps import compute_map
    from landscape_app.core.maps.axes import StartGrid
    from landscape_app.core.optim import parse_optimizer_spec

    note = load_scene("fair-race").note
    objective, lanes = run_scene("fair-race")
    one_start = {label: lane.records[-1].loss for label, lane in lanes.items()}
    assert one_start["Adam"] < one_start["SGD"]
    assert f"Adam (lr 0.1) ends 100 steps at loss {one_start['Adam']:.3f}" in note
    assert f"SGD (lr 0.001) at {one_start['SGD']:.1f}" in note
    view = objective.view
    grid = StartGrid((view.x0, view.x1), (view.y0, view.y1), 12)
    sweeps = {"SGD": ("sgd", (0.001, 0.003, 0.01, 0.03)),
              "Adam": ("adam", (0.03, 0.1, 0.3, 1.0))}
    successes = {}
    for label, (optimizer, rates) in sweeps.items():
        successes[label] = {
            rate: int(np.sum(compute_map(objective, parse_optimizer_spec(f"{optimizer}:lr={rate}"),
                                         grid, 100, tolerance=1e-3, device="cpu",
                                         dtype="float64").loss <= 1e-3))
            for rate in rates}
    best = {label: max(rates, key=rates.get) for label, rates in successes.items()}
    assert best == {"SGD": 0.01, "Adam": 0.3}
    assert successes["SGD"][0.01] == 144 > successes["Adam"][0.3] == 63
    assert "SGD at lr 0.01 ends within 0.001 of a minimum from all 144" in note
    assert "Adam at its best (lr 0.3) from only 63" in note
