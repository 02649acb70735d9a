"""``landscape-app compare``: the README's command at a smaller scale, the NPZ, the table,
the picture, and a network's initialisations."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from PIL import Image

from landscape_app.cli import main
from landscape_app.core.compare.comparison import PER_START_MODULE
from landscape_app.core.files.compare_npz import KEYS, read_compare_npz
from landscape_app.core.functions import get_function
from landscape_app.core.optim import OptimizerSpec
from landscape_app.core.runner import Race, Racer


def test_the_readme_command_writes_the_table_npz_and_png(tmp_path, capsys):
    out, png = tmp_path / "compare.npz", tmp_path / "compare.png"
    command = ("compare --function himmelblau --optimizer adam --optimizer sgd --optimizer "
               "momentum --optimizer rmsprop --starts 4 --steps 100 --dtype float64 "
               f"--out {out} --png {png}")
    assert main(command.split()) == 0
    printed = capsys.readouterr().out
    for name in ("adam", "sgd", "momentum", "rmsprop", "best setting", "tuning k=1/4/32"):
        assert name in printed
    data = read_compare_npz(out).arrays
    assert set(KEYS) <= set(data)
    assert data["final_loss"].shape == (4, 32, 16) and data["tuning_curve"].shape == (4, 32)
    assert data["sweep_name"].tolist() == ["lr"] * 4
    np.testing.assert_allclose(data["sweep_values"][0], np.geomspace(1e-4, 1.0, 32),
                               rtol=1e-12)  # adam's default lr 0.01: four decades around it
    # one run, from the NPZ's own start and setting, against `run`
    o, setting, start = 1, 12, 5
    spec = OptimizerSpec("sgd", {"lr": float(data["sweep_values"][o, setting])})
    lane = Race(get_function("himmelblau"), [Racer("sgd", spec)], data["starts"][start],
                max_steps=100).run().lanes[0]
    assert data["final_loss"][o, setting, start] == pytest.approx(lane.final_loss, rel=1e-10)
    with Image.open(png) as picture:
        assert picture.size == (1200, 560)
        colours = {picture.getpixel((x, y)) for x in range(0, 1200, 3) for y in range(60, 480, 3)}
    assert (0xE6, 0x9F, 0x00) in colours and (0x56, 0xB4, 0xE9) in colours  # lanes 1 and 2


def test_a_network_compares_initialisations(tmp_path, capsys):
    out = tmp_path / "seed.npz"
    command = ("compare --model seed --optimizer sgd --sweep lr=1e-9:1e-5:log:4 --optimizer "
               f"adam --sweep lr=1e-3:10:log:4 --starts 2 --steps 20 --tolerance 4 --seed 41 "
               f"--out {out}")
    assert main(command.split()) == 0
    data = read_compare_npz(out).arrays
    assert data["starts"].tolist() == [41, 42, 43, 44]
    assert data["final_loss"].shape == (2, 4, 4)


def test_an_optimizer_run_one_start_at_a_time_is_refused_in_one_line_until_it_can(capsys):
    if importlib.util.find_spec(PER_START_MODULE) is not None:
        pytest.skip("the per-start runner is part of this build")
    assert main(["compare", "--optimizer", "lbfgs", "--starts", "2", "--steps", "5"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "lbfgs runs one start at a time" in error[0]
