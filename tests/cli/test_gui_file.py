"""``landscape-app gui FILE``: a file that cannot be shown is refused before the window opens,
in one line with exit status 2 (the files that open: tests/gui/test_surface_file_cmd.py)."""

from __future__ import annotations

import numpy as np
import pytest

from landscape_app.cli import main
from tests.core.malformed_h5 import malformed_h5


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"plain text", "neither a session (JSON) nor a surface file"),
    (b"\x89HDF\r\n\x1a\n" + b"\0" * 64, "not a readable HDF5 file"),
    (b"PK\x03\x04broken", "not a readable NPZ file"),
    (b'{"format": "landscape-app-session", "version": 99}', "version"),
])
def test_gui_file_refuses_a_bad_file_in_one_line(tmp_path, content, message, capsys):
    path = tmp_path / "thing.dat"
    if content is not None:
        path.write_bytes(content)
    assert main(["gui", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_malformed_h5_is_refused_by_gui_file_and_export(tmp_path, capsys):
    path = malformed_h5(tmp_path / "bad.h5", "compound")
    for command in (["gui", str(path)],
                    ["export", "--surface-file", str(path), "--still", str(tmp_path / "v.png")]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "train_loss holds" in err and "not numbers" in err
    assert not (tmp_path / "v.png").exists()


def test_an_all_missing_surface_is_refused(tmp_path, capsys):
    path = tmp_path / "empty.npz"
    np.savez(path, alphas=np.arange(3.0), betas=np.arange(2.0), values=np.full((2, 3), np.inf))
    assert main(["gui", str(path)]) == 2
    assert "every one of its 6 points is missing" in capsys.readouterr().err


def test_gui_file_refuses_race_options_for_a_surface_and_a_second_source(tmp_path, capsys):
    path = tmp_path / "s.npz"
    np.savez(path, alphas=np.arange(3.0), betas=np.arange(2.0), values=np.ones((2, 3)))
    assert main(["gui", str(path), "--function", "rosenbrock"]) == 2
    assert "--function: not for a surface file" in capsys.readouterr().err
    assert main(["gui", str(path), "--scene", "adam-vs-sgd"]) == 2
    assert "not both" in capsys.readouterr().err
