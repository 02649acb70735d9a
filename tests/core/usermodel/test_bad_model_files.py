"""Bad model files: one clear line naming the file and the problem, exit 2."""

from __future__ import annotations

import pytest

from landscape_app.cli import main
from tests.core.usermodel.models import write

GOOD_DATA = "import torch\nfrom torch import nn\nX = torch.randn(8, 2)\nY = torch.zeros(8).long()\n"

CASES = {
    "syntax": ("def landscape_model(:\n", "syntax error on line 1"),
    "nofunction": ("x = 1\n", "has no function 'landscape_model'"),
    "notmapping": ("def landscape_model():\n    return 3\n", "must return a mapping"),
    "notmodule": (GOOD_DATA + "def landscape_model():\n    return {'model': 1, 'data': (X, Y)}\n",
                  "'model' must be a torch.nn.Module"),
    "nodata": (GOOD_DATA + "def landscape_model():\n    return {'model': nn.Linear(2, 2)}\n",
               "has no 'data'"),
    "raises": (GOOD_DATA + "class M(nn.Module):\n    def __init__(self):\n"
               "        super().__init__()\n        self.l = nn.Linear(2, 2)\n"
               "    def forward(self, x):\n        raise RuntimeError('boom')\n"
               "def landscape_model():\n    return {'model': M(), 'data': (X, Y)}\n",
               "raised on forward: RuntimeError: boom (line 10)"),
    "badloss": (GOOD_DATA + "def landscape_model():\n    return {'model': nn.Linear(2, 2), "
                "'data': (X, Y), 'loss': lambda o, y: o}\n", "'loss' must return one number"),
    "callraises": ("def landscape_model():\n    return 1 / 0\n",
                   "calling it raised ZeroDivisionError"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_model_file_is_one_clear_line_and_exit_2(tmp_path, capsys, case):
    text, expected = CASES[case]
    model_file = write(tmp_path, f"{case}.py", text)
    code = main(["surface", "--model-file", str(model_file), "--grid", "2", "--out",
                 str(tmp_path / "o.npz")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and f"{case}.py" in err and expected in err, err
    assert not (tmp_path / "o.npz").exists()


def test_missing_file_and_missing_function_name(tmp_path, capsys):
    assert main(["surface", "--model-file", str(tmp_path / "nope.py"), "--out",
                 str(tmp_path / "o.npz")]) == 2
    assert "nope.py: no such file" in capsys.readouterr().err
    model_file = write(tmp_path, "m.py", "def other():\n    pass\n")
    assert main(["surface", "--model-file", f"{model_file}:build", "--out",
                 str(tmp_path / "o.npz")]) == 2
    assert "m.py: has no function 'build'" in capsys.readouterr().err


def test_model_file_needs_out(tmp_path, capsys):
    model_file = write(tmp_path, "m.py", "x = 1\n")
    assert main(["surface", "--model-file", str(model_file)]) == 2
    assert "--out" in capsys.readouterr().err
