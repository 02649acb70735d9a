"""``landscape-app map``: the issue's commands, the NPZ contract, bad input, the PNG."""

import json

import numpy as np
import pytest
from PIL import Image

from landscape_app.cli import main
from landscape_app.core.functions import get_function
from landscape_app.core.optim import OptimizerSpec
from landscape_app.core.runner import Race, Racer

KEYS = {"kind", "axis0", "axis1", "final", "loss", "best_loss", "steps_to_tolerance", "status",
        "status_names", "basin", "minima", "seconds", "device", "metadata", "format",
        "version"}


def _load(path):
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def test_the_issue_start_map_command(tmp_path, capsys):
    out = tmp_path / "basins.npz"
    command = (f"map --function himmelblau --optimizer adam:lr=0.05 --starts 256 --steps 300 "
               f"--out {out}")
    assert main(command.split()) == 0
    data = _load(out)
    assert set(data) == KEYS
    assert str(data["kind"]) == "starts"
    assert data["loss"].shape == (256, 256) and data["final"].shape == (256, 256, 2)
    view = get_function("himmelblau").view
    assert data["axis0"][0] == view.x0 and data["axis1"][-1] == view.y1
    assert data["minima"].shape == (4, 2)
    # Himmelblau's four minima each collect a large basin under Adam.
    counts = np.bincount(data["basin"][data["basin"] >= 0].ravel(), minlength=4)
    assert counts.min() > 0.15 * data["basin"].size
    # a start whose basin is k ends next to minimum k
    j, i = 10, 200
    k = data["basin"][j, i]
    assert np.linalg.norm(data["final"][j, i] - data["minima"][k]) < 0.05
    assert list(data["status_names"]) == ["running", "converged", "diverged", "non-finite"]
    metadata = json.loads(str(data["metadata"]))
    assert metadata["optimizer"] == "adam:lr=0.05" and metadata["steps"] == 300
    assert "wrote" in capsys.readouterr().out


def test_a_sweep_cell_equals_the_race_with_its_settings(tmp_path):
    out = tmp_path / "lr-momentum.npz"
    command = ("map --function rosenbrock --start -1.5,2 --optimizer momentum "
               "--sweep lr=1e-4:1:log --sweep momentum=0:0.999 --res 16 --steps 100 "
               f"--dtype float64 --device cpu --out {out}")
    assert main(command.split()) == 0
    data = _load(out)
    assert str(data["kind"]) == "sweep"
    np.testing.assert_allclose(data["axis0"], np.geomspace(1e-4, 1, 16))
    np.testing.assert_allclose(data["axis1"], np.linspace(0, 0.999, 16))
    names = list(data["status_names"])
    assert names.index("diverged") in data["status"] or names.index("non-finite") in \
        data["status"]  # large learning rates blow up
    for j, i in [(0, 0), (5, 3), (15, 2)]:
        spec = OptimizerSpec("momentum", {"lr": float(data["axis0"][i]),
                                          "momentum": float(data["axis1"][j])})
        race = Race(get_function("rosenbrock"), [Racer("m", spec)], (-1.5, 2.0), max_steps=100)
        records = race.run().lanes[0].records
        np.testing.assert_allclose(data["final"][j, i], records[-1].x, rtol=1e-10)
        assert data["loss"][j, i] == pytest.approx(records[-1].loss, rel=1e-10)
        assert data["best_loss"][j, i] == pytest.approx(min(r.loss for r in records),
                                                        rel=1e-10)


def test_the_seed_network_map_runs_small(tmp_path):
    out = tmp_path / "seed-map.npz"
    command = ("map --model seed --optimizer momentum --sweep lr=1e-8:1e-4:log "
               f"--sweep momentum=0:0.99 --res 6 --steps 30 --out {out}")
    assert main(command.split()) == 0
    data = _load(out)
    assert data["final"].shape == (6, 6, 10)
    assert (data["basin"] == -1).all() and data["minima"].shape == (0, 2)
    # the smallest learning rate trains, the largest diverges
    assert data["status"][0, 0] == 0 and data["status"][-1, -1] == 3


@pytest.mark.parametrize("arguments, fragment", [
    ("--optimizer adam --sweep lrr=1e-3:1:log --sweep beta1=0:0.9", "no hyperparameter 'lrr'"),
    ("--optimizer momentum --sweep lr=1e-3:1:log --sweep momentum=0:1.5", "out of range"),
    ("--optimizer momentum --sweep lr=-1:1:log --sweep momentum=0:0.9", "cannot reach or cross"),
    ("--sweep lr=1e-3:1:log --sweep beta1=0:0.9 --sweep beta2=0.9:0.99", "give exactly two"),
    ("--sweep lr=1e-3:1:log --sweep beta1=0:0.9 --res 5000", "at most 4096"),
    ("--starts 9999", "at most 4096"),
    ("--optimizer lbfgs --starts 8", "lbfgs cannot be mapped"),
    ("--optimizer pso --starts 8", "pso cannot be mapped"),
    ("--optimizer cmaes --starts 8", "cmaes cannot be mapped"),
    ("--optimizer sgd --sweep lr=1e-3:1 --sweep step_size=1:10", "cannot be swept"),
    ("--starts 8 --sweep lr=1e-3:1", "choose one"),
    ("--model seed --starts 8", "no start map"),
    ("--sweep lr=1e-3:1:log --sweep lr_first=1e-3:1", "networks (--model) only"),
    # paths: their length depends on the steps, given last (the later --steps wins)
    ("--sweep lr=1e-3:1:log --sweep beta1=0:0.9 --paths --steps 300", "give --starts N"),
    ("--starts 8 --thin 10 --steps 300", "give --paths too"),
    ("--starts 8 --paths --thin 1 --steps 300", "at least 2 points"),
    ("--starts 4096 --paths --steps 300", "fewer points per path"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, arguments, fragment):
    out = tmp_path / "map.npz"
    assert main(["map", "--steps", "5", *arguments.split(), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert fragment in error and error.count("\n") == 1
    assert not out.exists()


def test_png_has_axes_and_legend_beside_the_map(tmp_path):
    png = tmp_path / "map.png"
    command = (f"map --function himmelblau --optimizer adam:lr=0.05 --starts 24 --steps 50 "
               f"--range -5,5,-5,5 --png {png} --color-by status")
    assert main(command.split()) == 0
    image = np.asarray(Image.open(png).convert("RGB")).astype(int)
    from landscape_app.core.functions import get_function
    from landscape_app.core.maps import StartGrid, compute_map
    from landscape_app.core.optim import parse_optimizer_spec
    from landscape_app.export.map_image import STILL_SIZE, colorize, still_drawing

    assert image.shape == (STILL_SIZE[1], STILL_SIZE[0], 3)
    result = compute_map(get_function("himmelblau"), parse_optimizer_spec("adam:lr=0.05"),
                         StartGrid((-5, 5), (-5, 5), 24), 50, device="cpu")
    # The square of cells holds exactly the status colours, cell by cell.
    cells = still_drawing(result, "status").cells
    rgb, legend, _bar = colorize(result, "status")
    step = cells.side / 24
    for j in range(24):
        for i in range(24):
            x = int(cells.x + (i + 0.5) * step)
            y = int(cells.y + cells.side - (j + 0.5) * step)
            np.testing.assert_array_equal(image[y, x], rgb[j, i])
    # Right of the cells: the legend's dark text and its swatches in the status colours.
    right = image[:, int(cells.x + cells.side) + 4:]
    assert (right.sum(axis=2) < 200).any()
    for _label, colour in legend:
        assert (np.abs(right - np.array(colour)).sum(axis=2) == 0).any()


def test_help_lists_the_npz_keys(capsys):
    with pytest.raises(SystemExit):
        main(["map", "--help"])
    text = capsys.readouterr().out
    for key in KEYS:
        assert key in text


FIELD_KEYS = {"paths", "path_loss", "path_steps", "path_status", "path_stopped_at"}


def test_paths_write_the_trajectory_field_and_read_back(tmp_path, capsys):
    out = tmp_path / "field.npz"
    command = ("map --function himmelblau --optimizer sgd:lr=0.01 --starts 5 --range -9,9,-9,9 "
               f"--steps 60 --paths --thin 13 --dtype float64 --device cpu --out {out}")
    assert main(command.split()) == 0
    data = _load(out)
    assert set(data) == KEYS | FIELD_KEYS
    steps = data["path_steps"]
    assert steps[0] == 0 and steps[-1] == 60 and len(steps) <= 13
    assert data["paths"].shape == (25, len(steps), 2)
    assert data["path_loss"].shape == (25, len(steps))
    np.testing.assert_array_equal(data["path_status"], data["status"].ravel())
    early = data["path_stopped_at"] < 60
    assert early.any() and (data["path_status"][early] != 0).all()  # stopped: never running
    # each start's kept points are its race's positions at those steps (plain SGD: the single
    # run's own multiply-add, equal to the bit); a stopped path repeats its last point
    objective = get_function("himmelblau")
    for n, (x, y) in enumerate(np.stack(np.meshgrid(data["axis0"], data["axis1"]), -1)
                               .reshape(-1, 2)):
        lane = Race(objective, [Racer("a", OptimizerSpec("sgd", {"lr": 0.01}))],
                    np.array([x, y]), max_steps=60).run().lanes[0]
        records = lane.records
        expected = np.array([records[min(s, len(records) - 1)].x for s in steps])
        np.testing.assert_array_equal(data["paths"][n], expected, err_msg=f"start {n}")
        assert data["path_stopped_at"][n] == records[-1].step
    assert "paths: 25 starts x" in capsys.readouterr().out


def test_help_lists_the_field_keys(capsys):
    with pytest.raises(SystemExit):
        main(["map", "--help"])
    text = capsys.readouterr().out
    assert "--paths" in text and "--thin N" in text
    for key in FIELD_KEYS:
        assert key in text
