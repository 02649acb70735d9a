"""A bad argument is refused before torch is imported: one line on stderr, exit status 2.

Each case runs the real command line in a fresh interpreter and reports whether torch (or
Qt) was imported by the time it returned.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: An existing model file (the worked example), for the checks after the model file's.
MODEL = str(Path(__file__).resolve().parents[2] / "examples" / "cnn_model.py")

PROBE = """\
import json, sys
from landscape_app.cli import main
code = main(json.loads(sys.argv[1]))
heavy = sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'PySide6', 'pyqtgraph'})
print(json.dumps({'code': code, 'heavy': heavy}))
"""

#: (argv, a fragment of the one-line error). Every subcommand, every kind of check.
CASES = [
    (["run", "--optimizer", "adma"], "unknown optimizer 'adma'"),
    (["run", "--optimizer", "adam:lr=0.01,"], "adam: empty item"),
    (["run", "--optimizer", "adam:lr=abc"], "adam: lr='abc'"),
    (["run", "--optimizer", "sgd:momentum=1"], "sgd: momentum=1 is out of range"),
    (["run", "--optimizer", "adam:beta3=0.5"], "adam has no hyperparameter 'beta3'"),
    (["run", "--optimizer", "nesterov:momentum=0"], "Nesterov momentum needs momentum > 0"),
    (["run", "--optimizer", "lookahead:inner=lbfgs"], "cannot be wrapped"),
    (["run", "--function", "rosenbrok"], "unknown function 'rosenbrok'"),
    (["run", "--start", "1,x"], "--start '1,x'"),
    (["run", "--expr", "x**2", "--range", "1,0,0,1"], "expected X0 < X1"),
    (["run", "--steps", "0"], "--steps 0"),
    (["run", "--out", "race.txt"], "race.txt"),
    (["run", "--out", "/no/such/folder/race.csv"], "/no/such/folder"),
    (["gui", "--optimizer", "adam:lr=-1"], "adam: lr=-1 is out of range"),
    (["gui", "--scene", "no-such-scene"], "unknown scene 'no-such-scene'"),
    (["gui", "--session", "/no/such/session.json"], "no such file"),
    (["gui", "--function", "nope"], "unknown function 'nope'"),
    (["gui", "--optimizer", "adam:batch_size=4"], "adam: batch_size=4 needs a network"),
    (["run", "--optimizer", "sgd:batch_size=8"], "sgd: batch_size=8 needs a network"),
    (["run", "--optimizer", "lbfgs:batch_size=8"], "lbfgs: batch_size is for the gradient"),
    (["run", "--optimizer", "pso:grad_noise=1"], "pso: grad_noise is for the gradient"),
    (["run", "--optimizer", "sgd:grad_noise=-1"], "sgd: grad_noise=-1 is out of range"),
    (["run", "--optimizer", "adam:grad_noise=inf"], "adam: grad_noise=inf: must be a finite"),
    (["run", "--optimizer", "sgd:batch_size=-1"], "sgd: batch_size=-1 is out of range"),
    (["surface", "--optimizer", "sgd:batch_size=257"], "batch_size=257 is larger than the "
                                                       "data set (256 samples)"),
    (["surface", "--model", "seed", "--optimizer", "adam:batch_size=33"], "(32 samples)"),
    (["surface", "--optimizer", "adam:grad_noise=0.1"], "applies to function landscapes"),
    (["surface", "--optimizer", "lookahead:inner=sgd,batch_size=2.5"], "expected a whole"),
    (["surface", "--grid", "5000"], "too large"),
    (["surface", "--model", "mons"], "unknown network model 'mons'"),
    (["surface", "--hidden", "16,x"], "--hidden '16,x'"),
    (["surface", "--activation", "relu6"], "unknown activation 'relu6'"),
    (["surface", "--optimizer", "pso:swarm_size=1"], "pso: swarm_size=1 is out of range"),
    (["surface", "--plane-lane", "3"], "--plane-lane 3"),
    (["surface", "--coverage", "2"], "--coverage 2"),
    (["surface", "--model-file", "nope.py", "--out", "o.npz"], "model file nope.py: no such file"),
    (["surface", "--model-file", "nope.py:build", "--out", "o.npz"], "nope.py: no such file"),
    (["surface", "--model-file", MODEL, "--directions", "pca", "--trajectory", "ckpt_*.pt",
      "--out", "o.npz"], "--trajectory ckpt_*.pt: no such file (a pattern no file matched?)"),
    (["surface", "--model-file", MODEL, "--workers", "0", "--out", "o.npz"], "--workers 0"),
    (["export", "--scene", "adam-vs-sgdd", "--out", "x.gif"], "unknown scene 'adam-vs-sgdd'"),
    (["export", "--scene", "adam-vs-sgd", "--out", "x.gif", "--fps", "0"], "--fps '0'"),
    (["export", "--scene", "adam-vs-sgd", "--out", "x.avi"], "x.avi"),
    (["seed-experiment", "--grid", "1"], "grid resolution must be"),
    (["seed-experiment", "--out", "/tmp/seed.txt"], "--out /tmp/seed.txt"),
    (["seed-experiment", "--inits", "4"], "--inits applies to --fair only"),
    (["seed-experiment", "--fair", "--budget", "1"], "--budget must be from 2"),
    (["seed-experiment", "--fair", "--goal", "nan"], "--goal must be a finite loss"),
    (["seed-experiment", "--fair", "--goal", "-1"], "--goal must be a finite loss >= 0"),
    (["seed-experiment", "--fair", "--out", "seed.npz"], "--out applies to the one-start"),
    (["map", "--starts", "8", "--optimizer", "adma"], "unknown optimizer 'adma'"),
    (["map", "--starts", "8", "--optimizer", "adam:lr=0.01,"], "adam: empty item"),
    (["map", "--starts", "8", "--optimizer", "lbfgs"], "lbfgs cannot be mapped"),
    (["map", "--starts", "8", "--function", "himmelblu"], "unknown function 'himmelblu'"),
    (["map", "--starts", "5000"], "--starts 5000 is too large"),
    (["map", "--starts", "8", "--optimizer", "sgd:batch_size=4"], "needs a network landscape"),
    (["map", "--model", "moons", "--optimizer", "sgd:grad_noise=1", "--sweep", "lr=0.1:1",
      "--sweep", "momentum=0:0.5"], "grad_noise=1 applies to function landscapes"),
    (["map", "--model", "moons", "--optimizer", "sgd", "--sweep", "lr=0.1:1", "--sweep",
      "batch_size=4:300"], "batch_size=300 is larger than the data set (256 samples)"),
    (["map", "--model", "moons", "--optimizer", "sgd", "--sweep", "lr=0.1:1", "--sweep",
      "batch_size=2.5:64"], "expected a whole number"),
    (["map", "--starts", "8", "--steps", "0"], "--steps 0"),
    (["map", "--starts", "8", "--out", "map.txt"], "map.txt"),
    (["map", "--sweep", "lr=0:1:log", "--sweep", "beta1=0:0.9"], "a log axis cannot reach"),
    (["map", "--sweep", "lr=1e-4:1:log", "--sweep", "beta3=0:0.9"],
     "adam has no hyperparameter 'beta3'"),
    (["map", "--sweep", "lr=1e-4:1:log", "--sweep", "beta1=0:1"], "beta1=1 is out of range"),
    (["map", "--sweep", "lr=1e-4:1:log", "--sweep", "gamma=0.1:0.9"], "gamma cannot be swept"),
    (["map", "--optimizer", "nesterov", "--sweep", "lr=1e-4:1", "--sweep", "momentum=0:0.9"],
     "Nesterov momentum needs momentum > 0"),
    (["map", "--sweep", "lr=1e-4:1:log", "--sweep", "beta1=0:0.9", "--res", "1"], "--res 1"),
    (["map", "--model", "mons", "--sweep", "lr=1e-4:1", "--sweep", "lr_last=1e-4:1"],
     "unknown network model 'mons'"),
    (["map", "--sweep", "lr_first=1e-4:1", "--sweep", "lr_last=1e-4:1"],
     "per-layer learning rates apply to networks"),
    (["compare"], "give at least one --optimizer"),
    (["compare", "--sweep", "lr=1e-3:1:log", "--optimizer", "adam"],
     "give the --optimizer it belongs to first"),
    (["compare", "--optimizer", "adma"], "unknown optimizer 'adma'"),
    (["compare", "--optimizer", "adam", "--sweep", "beta9=0:0.9"],
     "adam has no hyperparameter 'beta9'"),
    (["compare", "--optimizer", "adam", "--sweep", "lr=1e-3:1:log:x"], "count K must be"),
    (["compare", "--optimizer", "adam", "--sweep", "lr=1e-3:1:log:4", "--optimizer", "sgd",
      "--sweep", "lr=1e-3:1:log:5"], "same number of settings"),
    (["compare", "--optimizer", "adam:lr=0.1", "--sweep", "lr=1e-3:1"], "both set"),
    (["compare", "--optimizer", "cmaes", "--sweep", "lr=1e-3:1"], "cmaes has no numeric"),
    (["compare", "--optimizer", "adam", "--starts", "1"], "--starts 1"),
    (["compare", "--optimizer", "adam", "--range", "1,0,0,1"], "expected X0 < X1"),
    (["compare", "--model", "seed", "--optimizer", "adam", "--range", "0,1,0,1"],
     "--range sets the starts of a function"),
    (["compare", "--optimizer", "adam", "--png", "compare.jpg"], "compare.jpg"),
]


@pytest.mark.parametrize("argv, fragment", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_a_bad_argument_exits_2_before_torch_is_imported(argv, fragment, tmp_path):
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 2, done.stderr
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 1 and fragment in errors[0], done.stderr
    assert errors[0].startswith(f"landscape-app {argv[0]}: error: ")
    assert result["heavy"] == []


def test_the_probe_sees_torch_when_a_command_does_import_it(tmp_path):
    """The check above can fail: a valid run does import torch, and the probe reports it."""
    argv = ["run", "--steps", "2", "--optimizer", "sgd"]
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"code": 0, "heavy": ["torch"]}, done.stderr
