"""``landscape-app run`` and the command line's contracts: exit codes, messages, fast help."""

import csv
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from landscape_app.cli import main
from landscape_app.core.functions import get_function

ISSUE_COMMAND = ("run --function rosenbrock --start -1.5,2 --steps 500 --optimizer adam:lr=0.01 "
                 "--optimizer sgd:lr=0.001,momentum=0.9 --seed 0 --out {out}")


def test_the_issue_command_writes_every_step_and_equals_torch(tmp_path, capsys):
    out = tmp_path / "race.csv"
    assert main(ISSUE_COMMAND.format(out=out).split()) == 0
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    for column in ("optimizer", "step", "evals", "grad_evals", "loss", "best_loss", "x", "y",
                   "status"):
        assert column in rows[0]
    adam = [r for r in rows if r["optimizer"] == "adam:lr=0.01"]
    assert len(adam) == 501 and len(rows) == 1002
    assert adam[-1]["status"] == "finished"
    p = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.01)
    for _ in range(500):
        opt.zero_grad()
        get_function("rosenbrock").evaluate(p).backward()
        opt.step()
    last = np.array([float(adam[-1]["x"]), float(adam[-1]["y"])])
    np.testing.assert_allclose(last, p.detach().numpy(), atol=1e-12, rtol=0)
    assert "wrote" in capsys.readouterr().out


def test_json_output_and_expression(tmp_path):
    out = tmp_path / "race.json"
    args = ["run", "--expr", "(x-1)**2 + (y+2)**2", "--range", "-4,4,-4,4", "--start", "3,3",
            "--optimizer", "newton", "--steps", "20", "--out", str(out)]
    assert main(args) == 0
    data = json.loads(out.read_text())
    text = json.dumps(data)
    assert "newton" in text and "converged" in text


@pytest.mark.parametrize("args, fragment", [
    (["run", "--function", "nope"], "unknown function 'nope'"),
    (["run", "--optimizer", "adam:lr=-1"], "lr=-1 is out of range"),
    (["run", "--optimizer", "adamm"], "unknown optimizer 'adamm'"),
    (["run", "--optimizer", "adam:betas=0.9"], "has no hyperparameter 'betas'"),
    (["run", "--expr", "__import__('os')"], "not an allowed function"),
    (["run", "--start", "1,2,3"], "expected 2 finite comma-separated numbers"),
    (["run", "--start", "nan,1"], "expected 2 finite"),
    (["run", "--steps", "0"], "must be at least 1"),
    (["run", "--range", "0,1,0,1"], "--range applies to --expr only"),
    (["run", "--out", "/nonexistent-folder/race.csv"], "does not exist"),
    (["run", "--out", "race.txt"], ".csv"),
])
def test_bad_arguments_give_one_line_and_exit_2(args, fragment, capsys, tmp_path,
                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_help_does_not_import_torch_or_qt():
    code = ("import sys\nfrom landscape_app.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('torch', 'PySide6', 'pyqtgraph', 'numpy') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert "HEAVY []" in result.stdout
    for command in ("gui", "run", "surface", "export", "list", "seed-experiment"):
        assert command in result.stdout


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "landscape_app", "run", "--help"],
                            capture_output=True, text=True, check=True)
    assert "--optimizer" in result.stdout and "examples:" in result.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland check is Linux's")
def test_the_window_without_a_display_is_refused_not_aborted(monkeypatch, capsys):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert main(["gui"]) == 2
    assert "no display" in capsys.readouterr().err
