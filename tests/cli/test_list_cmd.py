"""``landscape-app list``: functions with minima, optimizers with their specs, scenes."""

import pytest

from landscape_app.cli import main
from landscape_app.core.functions import all_functions
from landscape_app.core.optim import all_optimizers
from landscape_app.state.scenes import list_scenes


def run_list(capsys, *section):
    code = main(["list", *section])
    captured = capsys.readouterr()
    assert code == 0 and captured.err == ""
    return captured.out


def test_functions_with_descriptions_and_minima(capsys):
    out = run_list(capsys, "functions")
    assert out.startswith("FUNCTIONS")
    for function in all_functions():
        assert f"  {function.id} " in out
    assert "global minimum: f(1, 1) = 0" in out  # Rosenbrock
    assert "A curved, flat-bottomed valley" in out


def test_optimizers_with_hyperparameters_defaults_and_ranges(capsys):
    out = run_list(capsys, "optimizers")
    assert out.startswith("OPTIMIZERS")
    for optimizer_id in all_optimizers():
        assert f"\n  {optimizer_id} " in out
    adam = out.split("\n  adam ")[1].split("\n  adamw ")[0]
    lr_line = next(line for line in adam.splitlines() if line.split()[:1] == ["lr"])
    assert lr_line.split()[1:3] == ["0.01", "(0,"] and "learning rate" in lr_line
    assert "beta2" in adam and "[0, 1)" in adam
    assert out.count("\n      warmup_factor ") == 1  # shared schedule parameters listed once
    assert "+ learning-rate schedule and stochastic gradients (below)" in adam
    assert "cosine" in out
    lbfgs = out.split("\n  lbfgs ")[1].split("\n  newton ")[0]
    assert "+ learning-rate schedule (below)" in lbfgs and "batch_size" not in lbfgs
    assert out.count("\n      batch_size ") == out.count("\n      grad_noise ") == 1
    assert "DataLoader(TensorDataset(inputs, targets), batch_size=B, shuffle=True," in out
    assert "ξ ~ N(0, I)" in out


def test_scenes(capsys):
    out = run_list(capsys, "scenes")
    lines = out.strip().splitlines()
    assert lines[0].startswith("SCENES")
    scenes = list_scenes()
    assert len(lines) == 1 + len(scenes)
    for scene, line in zip(scenes, lines[1:], strict=True):
        assert line.split()[0] == scene.id and line.rstrip().endswith(scene.title)


def test_plain_list_shows_all_three_sections(capsys):
    out = run_list(capsys)
    positions = [out.index(title) for title in ("FUNCTIONS", "OPTIMIZERS", "SCENES")]
    assert positions == sorted(positions)
    assert "adam-vs-sgd" in out


def test_unknown_section_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["list", "colours"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
