"""Surface files from the shell: ``landscape-app export --surface-file FILE --still …`` draws
one headless, and ``landscape-app gui FILE`` opens one (or a session), told apart by content.
Every NPZ the app writes opens in both: the grid export, ``surface``, ``seed-experiment`` and
a model file's surface."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from PIL import Image

from landscape_app.cli import build_parser, main
from landscape_app.cli.gui_cmd import launch_options
from tests.core.test_surface_file import banded_h5, builtin_npz, write_h5

TINY_MODEL = '''
import torch
from torch import nn

def landscape_model():
    torch.manual_seed(0)
    x = torch.randn(16, 2)
    return {"model": nn.Linear(2, 2), "data": (x, (x[:, 0] > 0).long()),
            "loss": nn.functional.cross_entropy}
'''


def grid_export(folder):
    out = folder / "grid.npz"
    assert main(["export", "--scene", "adam-vs-sgd", "--steps", "3", "--surface",
                 str(out)]) == 0
    return out


def seed_npz(folder):
    out = folder / "seed.npz"
    assert main(["seed-experiment", "--grid", "5", "--out", str(out)]) == 0
    return out


def model_npz(folder):
    model = folder / "tiny.py"
    model.write_text(TINY_MODEL)
    out = folder / "tiny.npz"
    assert main(["surface", "--model-file", str(model), "--grid", "5", "--out", str(out)]) == 0
    return out


def picture(path) -> np.ndarray:
    """The RGB pixels of a PNG, read and closed."""
    with Image.open(path) as image:
        assert image.mode == "RGB"
        return np.asarray(image)


WRITERS = {"grid export": grid_export, "surface": builtin_npz, "seed-experiment": seed_npz,
           "your model": model_npz}


@pytest.fixture(scope="module")
def app_npz(tmp_path_factory):
    """Every kind of NPZ the app writes, made once."""
    folder = tmp_path_factory.mktemp("written")
    return {kind: write(folder) for kind, write in WRITERS.items()}


@pytest.mark.parametrize("kind", list(WRITERS))
def test_every_npz_the_app_writes_exports_as_a_still_of_the_asked_size(app_npz, kind,
                                                                        tmp_path, capsys):
    still = tmp_path / "view.png"
    assert main(["export", "--surface-file", str(app_npz[kind]), "--still", str(still),
                 "--size", "400x300"]) == 0
    pixels = picture(still)
    assert pixels.shape == (300, 400, 3)
    assert pixels.std() > 10  # a picture, not a blank frame
    assert f"wrote {still}: 400x300" in capsys.readouterr().out


@pytest.mark.parametrize("kind", list(WRITERS))
def test_every_npz_the_app_writes_opens_with_gui_file(app_npz, kind):
    options = launch_options(build_parser().parse_args(["gui", str(app_npz[kind])]))
    data = np.load(app_npz[kind])
    assert options.surface is not None and options.session is None
    np.testing.assert_array_equal(options.surface.values, data["values"])


def test_an_h5_with_holes_exports_and_says_how_many_points_are_missing(tmp_path, capsys):
    source = banded_h5(tmp_path / "run.h5")
    svg = tmp_path / "view.svg"
    assert main(["export", "--surface-file", str(source), "--still", str(svg), "--size",
                 "640x480"]) == 0
    out = capsys.readouterr().out
    assert "181 of 341 points missing" in out
    root = ElementTree.parse(svg).getroot()
    assert root.tag.endswith("svg") and root.get("viewBox") == "0 0 640 480"
    png = tmp_path / "view.png"
    assert main(["export", "--surface-file", str(source), "--still", str(png)]) == 0
    assert picture(png).shape == (720, 1280, 3)  # the default --size


def test_a_session_file_opens_with_gui_file(tmp_path):
    from landscape_app.state.lanes import default_session
    from landscape_app.state.session_io import save_session

    session = save_session(tmp_path / "race.data", default_session())  # named any way
    args = build_parser().parse_args(["gui", str(session)])
    options = launch_options(args)
    assert options.surface is None and options.session is not None
    assert options.session_path == str(session)


@pytest.mark.parametrize("args, message", [
    (["--still", "v.gif"], "must end in .png or .svg"),
    (["--still", "v.svg", "--view", "3d"], "an SVG still shows the 2D view only"),
    (["--out", "v.gif"], "--out: not for --surface-file"),
    ([], "--surface-file needs --still"),
    (["--still", "v.png", "--size", "9x9"], "frame width 9 is out of range"),
])
def test_surface_file_exports_refuse_what_does_not_apply(tmp_path, args, message, capsys,
                                                         monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = banded_h5(tmp_path / "run.h5")
    assert main(["export", "--surface-file", str(source), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not list(tmp_path.glob("v.*"))


def test_a_3d_still_without_opengl_is_refused_not_a_crash(tmp_path, capsys):
    from landscape_app.gui.views.surface3d import opengl_available

    if opengl_available()[0]:
        pytest.skip("OpenGL is available here; tests/gui/test_surface3d.py draws 3D stills")
    source = banded_h5(tmp_path / "run.h5")
    assert main(["export", "--surface-file", str(source), "--still",
                 str(tmp_path / "v.png"), "--view", "3d"]) == 2
    assert "the 3D view needs OpenGL" in capsys.readouterr().err
    assert not (tmp_path / "v.png").exists()


@pytest.mark.gl
def test_a_3d_still_of_a_surface_file_under_xvfb(tmp_path):
    source = banded_h5(tmp_path / "run.h5")
    still = tmp_path / "v3.png"
    assert main(["export", "--surface-file", str(source), "--still", str(still), "--view",
                 "3d", "--size", "480x360"]) == 0
    assert picture(still).shape == (360, 480, 3)


def test_descending_h5_coordinates_draw_like_ascending_ones(tmp_path):
    x, y = np.linspace(-1, 1, 9), np.linspace(-1, 1, 7)
    xx, yy = np.meshgrid(x, y)
    loss = (xx - 0.5) ** 2 + yy ** 2 + 1
    up = write_h5(tmp_path / "up.h5", x, y, loss.reshape(9, 7))
    down = write_h5(tmp_path / "down.h5", x[::-1], y[::-1], loss[::-1, ::-1].reshape(9, 7))
    pictures = []
    for source in (up, down):
        still = tmp_path / f"{source.stem}.png"
        assert main(["export", "--surface-file", str(source), "--still", str(still), "--size",
                     "320x240", "--title", ""]) == 0
        pictures.append(picture(still))
    np.testing.assert_array_equal(pictures[0], pictures[1])
