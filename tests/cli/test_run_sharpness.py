"""``landscape-app run --sharpness``: the sharpness columns of the trajectories CSV/JSON equal
the core measurement at the recorded positions (issue 25)."""

import csv
import json

import numpy as np
import pytest

from landscape_app.cli import main
from landscape_app.core.sharpness import hessian_spectrum
from landscape_app.state.model import LandscapeSpec, build_objective

COMMAND = ("run --function rosenbrock --start -1.5,2 --steps 30 --sharpness "
           "--optimizer sgd:lr=0.0002 --optimizer adam:lr=0.01 --optimizer lbfgs "
           "--out {out}")


def rosenbrock_lambda_max(x: float, y: float) -> float:
    objective = build_objective(LandscapeSpec(kind="function", function="rosenbrock"))
    return hessian_spectrum(objective.evaluate, objective.as_tensor(np.array([x, y]))).top


def test_csv_columns_equal_the_core_measurement(tmp_path):
    out = tmp_path / "race.csv"
    assert main(COMMAND.format(out=out).split()) == 0
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        # The CSV writes repr(float): the same float64 round-trips exactly.
        assert float(row["sharpness"]) == rosenbrock_lambda_max(float(row["x"]), float(row["y"]))
    sgd = [r for r in rows if r["optimizer"] == "sgd:lr=0.0002"]
    adam = [r for r in rows if r["optimizer"] == "adam:lr=0.01"]
    lbfgs = [r for r in rows if r["optimizer"] == "lbfgs"]
    assert {float(r["sharpness_threshold"]) for r in sgd} == {2 / 0.0002}
    assert all(r["preconditioned_sharpness"] == "" for r in sgd + lbfgs)
    assert all(r["sharpness_threshold"] == "" for r in lbfgs)
    adam_threshold = (2 + 2 * 0.9) / ((1 - 0.9) * 0.01)  # 38/η, as stability.py computes it
    assert {float(r["sharpness_threshold"]) for r in adam} == {adam_threshold}
    assert adam[0]["preconditioned_sharpness"] == ""  # no second moments before a step
    assert all(float(r["preconditioned_sharpness"]) > 0 for r in adam[1:])


def test_every_k_leaves_the_other_steps_empty_and_json_carries_the_same(tmp_path):
    out = tmp_path / "race.json"
    command = COMMAND.format(out=out).replace("--sharpness", "--sharpness --sharpness-every 4")
    assert main(command.split()) == 0
    lanes = json.loads(out.read_text())["lanes"]
    for record in lanes[0]["records"]:
        if record["step"] % 4:
            assert record["sharpness"] is None and record["hessian_eigenvalues"] is None
        else:
            assert record["sharpness"] == rosenbrock_lambda_max(*record["x"])
            assert record["hessian_eigenvalues"][0] == record["sharpness"]
            assert len(record["hessian_eigenvalues"]) == 2


def test_without_sharpness_the_columns_are_absent(tmp_path):
    out = tmp_path / "race.csv"
    assert main(COMMAND.format(out=out).replace(" --sharpness", "").split()) == 0
    assert "sharpness" not in out.read_text().splitlines()[0]


@pytest.mark.parametrize(("extra", "message"), [
    ("--sharpness --sharpness-every 0", "--sharpness-every 0: must be at least 1"),
    ("--sharpness-every 3", "--sharpness-every needs --sharpness"),
])
def test_bad_sharpness_arguments_exit_2(extra, message, capsys):
    assert main(["run", "--steps", "5", *extra.split()]) == 2
    assert message in capsys.readouterr().err
