"""Trajectory tables (CSV, JSON), written from a real race and read back (the grid NPZ:
tests/core/files/test_grid_npz.py)."""

import csv
import json
import math

import pytest

from landscape_app.core.atomic import ExportError
from landscape_app.core.functions import get_function
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.core.runner import Race, Racer, Status
from landscape_app.export.tables import (
    CSV_COLUMNS,
    summary_lines,
    trajectories_to_dict,
    write_trajectories,
)


@pytest.fixture(scope="module")
def race_result():
    """Adam converging, SGD with a huge rate diverging, PSO (no learning rate)."""
    objective = get_function("rosenbrock")
    racers = [Racer("adam", OptimizerSpec("adam", {"lr": 0.05})),
              Racer("sgd big", OptimizerSpec("sgd", {"lr": 0.5})),
              Racer("pso", OptimizerSpec("pso", {"swarm_size": 8}))]
    race = Race(objective, racers, start=(-1.5, 2.0), seed=3, max_steps=20)
    return objective, race.run()


def test_result_collects_the_race(race_result):
    _, result = race_result
    assert [lane.label for lane in result.lanes] == ["adam", "sgd big", "pso"]
    assert [lane.status for lane in result.lanes] == [
        Status.FINISHED, Status.DIVERGED, Status.FINISHED]
    assert result.start == (-1.5, 2.0) and result.dim == 2 and result.seed == 3
    assert len(result.lanes[0].records) == 21  # step 0 .. 20
    assert result.lanes[0].spec == OptimizerSpec("adam", {"lr": 0.05})


def test_summary_lines(race_result):
    objective, result = race_result
    lines = summary_lines(result, objective)
    assert lines[0].split()[:2] == ["optimizer", "steps"]
    assert lines[1].startswith("adam") and lines[1].rstrip().endswith("finished")
    assert "diverged (" in lines[2]


def test_csv_rows_columns_and_exact_numbers(tmp_path, race_result):
    _, result = race_result
    path = write_trajectories(tmp_path / "race.csv", result)
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == sum(len(lane.records) for lane in result.lanes)
    adam_rows = [r for r in rows if r["optimizer"] == "adam"]
    record = result.lanes[0].records[7]
    row = adam_rows[7]
    assert int(row["step"]) == 7 and int(row["evals"]) == record.evals
    assert float(row["loss"]) == record.loss  # full precision
    assert (float(row["x"]), float(row["y"])) == tuple(record.x)
    assert float(row["lr"]) == 0.05 and float(row["time"]) >= 0
    assert [r["status"] for r in adam_rows[-2:]] == ["running", "finished"]
    sgd_last = [r for r in rows if r["optimizer"] == "sgd big"][-1]
    assert sgd_last["status"] == "diverged"
    pso_row = [r for r in rows if r["optimizer"] == "pso"][3]
    assert pso_row["lr"] == "" and int(pso_row["evals"]) > 8


def test_json_document(tmp_path, race_result):
    _, result = race_result
    path = write_trajectories(tmp_path / "race.json", result)
    data = json.loads(path.read_text())
    assert data["format"] == "landscape-app-trajectories" and data["version"] == 1
    assert data["landscape"] == "Rosenbrock" and data["start"] == [-1.5, 2.0]
    lanes = data["lanes"]
    assert [lane["label"] for lane in lanes] == ["adam", "sgd big", "pso"]
    assert lanes[0]["spec"] == {"id": "adam", "params": {"lr": 0.05}}
    assert lanes[1]["status"] == "diverged" and "step" in lanes[1]["message"]
    first = lanes[0]["records"][0]
    assert set(first) == {"step", "evals", "grad_evals", "time", "lr", "loss", "best_loss",
                          "batch_loss", "x"}
    assert first["x"] == [-1.5, 2.0]
    assert lanes[2]["records"][0]["lr"] is None


def test_non_finite_values_become_null_in_json():
    objective = get_function("rosenbrock")
    race = Race(objective, [Racer("sgd", OptimizerSpec("sgd", {"lr": 5.0}))], start=(-1.5, 2.0),
                max_steps=50)
    result = race.run()
    last = result.lanes[0].records[-1]
    data = trajectories_to_dict(result)
    text = json.dumps(data, allow_nan=False)  # strict JSON
    stored = json.loads(text)["lanes"][0]["records"][-1]
    for key in ("loss", "best_loss"):
        value = getattr(last, key)
        assert stored[key] == (value if math.isfinite(value) else None)


def test_high_dimensional_positions_get_full_columns(tmp_path):
    from landscape_app.core.nn import NetworkConfig, build_network

    objective = build_network(NetworkConfig(model="seed", dtype="float64"), "cpu")
    race = Race(objective, [Racer("adam", OptimizerSpec("adam", {"lr": 0.1}))],
                objective.initial_parameters(), max_steps=3)
    result = race.run()
    path = write_trajectories(tmp_path / "seed.csv", result)
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[-10:] == [f"x{i}" for i in range(10)]
    position = [float(rows[2][f"x{i}"]) for i in range(10)]
    assert position == list(result.lanes[0].records[2].x)
    assert float(rows[2]["x"]) == position[0] and float(rows[2]["y"]) == position[1]


def test_wrong_suffix_and_missing_folder(tmp_path, race_result):
    _, result = race_result
    with pytest.raises(ExportError, match=r"\.csv or \.json"):
        write_trajectories(tmp_path / "race.txt", result)
    with pytest.raises(ExportError, match="does not exist"):
        write_trajectories(tmp_path / "no" / "race.csv", result)
    assert list(tmp_path.iterdir()) == []


def test_summary_leaves_out_the_distance_without_known_minima():
    """An expression has no known minima: no ``to minimum`` column, and never ``nan``."""
    from landscape_app.core.functions.expression import custom_function

    objective = custom_function("x**2 + 3*sin(y)", x_range=(-2, 2), y_range=(-2, 2))
    assert not objective.minima
    race = Race(objective, [Racer("adam", OptimizerSpec("adam", {"lr": 0.05}))],
                start=(1.0, 1.0), seed=0, max_steps=5)
    lines = summary_lines(race.run(), objective)
    assert "to minimum" not in lines[0]
    assert not any("nan" in line for line in lines)
    assert lines[1].split()[-1] == "finished"


def test_summary_keeps_the_distance_with_known_minima(race_result):
    objective, result = race_result
    lines = summary_lines(result, objective)
    assert "to minimum" in lines[0]
    assert "nan" not in lines[1]
