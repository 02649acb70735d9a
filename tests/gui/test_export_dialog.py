"""File ▸ Export in the window: the animation dialog (progress, cancel), tables, stills."""

import csv
import json

import numpy as np
import pytest
from PIL import Image, ImageSequence
from PySide6.QtCore import Qt

from landscape_app.core.files.grid_npz import read_grid_npz

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(window, qtbot):
    """The animation dialog for adam-vs-sgd, small frames."""
    assert window.scenes.load("adam-vs-sgd")
    qtbot.waitUntil(lambda: window.controller.grid is not None)
    dialog = window.exports.open_dialog()
    dialog.width_box.setValue(320)
    dialog.height_box.setValue(240)
    dialog.fps.setValue(10)
    return dialog


def test_the_dialog_exports_a_gif_with_progress(dialog, window, qtbot, tmp_path):
    assert dialog.isVisible() and dialog.title.text() == "Adam vs SGD on Rosenbrock"
    assert dialog.steps.value() == 1000  # the session's own race length
    target = tmp_path / "race.gif"
    dialog.path.clear()
    qtbot.keyClicks(dialog.path, str(target))
    dialog.steps.setValue(12)
    frames = []
    dialog.frameWritten.connect(lambda done, total: frames.append((done, total)))
    with qtbot.waitSignal(dialog.exportFinished, timeout=60_000) as finished:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert dialog.running and not dialog.export_button.isEnabled()
    assert finished.args[0] == "done", finished.args[1]
    assert frames == [(i, 13) for i in range(1, 14)]
    assert dialog.progress.value() == dialog.progress.maximum()
    assert "13 frames" in dialog.message.text() and not dialog.running
    with Image.open(target) as gif:
        assert gif.size == (320, 240)
        pictures = [np.asarray(frame.convert("RGB")).astype(int)
                    for frame in ImageSequence.Iterator(gif)]
    assert len(pictures) >= 2  # Pillow merges identical consecutive frames
    assert np.abs(pictures[0] - pictures[-1]).mean() > 0.5  # the lanes moved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.gif"]


def test_a_cancelled_export_leaves_nothing(dialog, qtbot, tmp_path):
    dialog.path.setText(str(tmp_path / "race.gif"))
    dialog.steps.setValue(80)
    dialog.frameWritten.connect(lambda done, total: done >= 3 and dialog.cancel())
    with qtbot.waitSignal(dialog.exportFinished, timeout=60_000) as finished:
        assert dialog.start()
    assert finished.args == ["cancelled", "Cancelled: nothing was written."]
    assert list(tmp_path.iterdir()) == []
    assert dialog.export_button.isEnabled() and not dialog.running


def test_the_dialog_refuses_a_bad_request_before_any_work(dialog, tmp_path):
    dialog.path.setText(str(tmp_path / "race.gif"))
    dialog.fps.setValue(60)
    assert not dialog.start()
    assert "fps 60" in dialog.message.text() and not dialog.running
    dialog.fps.setValue(10)
    dialog.path.setText(str(tmp_path / "missing" / "race.gif"))
    assert not dialog.start()
    assert "does not exist" in dialog.message.text()
    assert not dialog.view.model().item(1).isEnabled()  # 3D: no OpenGL offscreen
    dialog.close()
    assert not dialog.isVisible()


def test_tables_surface_and_stills_from_the_window(window, qtbot, tmp_path):
    exports, controller = window.exports, window.controller
    assert window.scenes.load("saddle-trap")
    controller.set_max_steps(30)
    qtbot.waitUntil(lambda: controller.grid is not None
                    and controller.grid.values.shape == (400, 400))
    with qtbot.waitSignal(exports.exported, timeout=30_000):
        assert exports.export_trajectories(tmp_path / "race.csv")
    with open(tmp_path / "race.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    lanes = window.current_session().lanes
    assert len(rows) == len(lanes) * 31
    assert [rows[31 * i]["optimizer"] for i in range(len(lanes))] == [x.label for x in lanes]
    with qtbot.waitSignal(exports.exported, timeout=30_000):
        assert exports.export_trajectories(tmp_path / "race.json")
    assert json.loads((tmp_path / "race.json").read_text())["max_steps"] == 30

    assert exports.export_surface(tmp_path / "surface.npz")
    read = read_grid_npz(tmp_path / "surface.npz")
    grid, metadata = read.grid, read.metadata
    assert np.array_equal(grid.values, controller.grid.values)
    assert metadata["title"] == window.current_session().title and metadata["axes"] == ["x", "y"]

    assert exports.export_image("2d", tmp_path / "plane.png")
    with Image.open(tmp_path / "plane.png") as image:
        ratio = window.views.contour.devicePixelRatioF()
        assert image.size == (round(window.views.contour.width() * ratio),
                              round(window.views.contour.height() * ratio))
        assert np.asarray(image.convert("RGB")).std() > 20
    assert exports.export_image("2d", tmp_path / "plane.svg")
    svg = (tmp_path / "plane.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<path" in svg
    assert exports.export_image("curves", tmp_path / "curves.png")

    assert not exports.export_image("3d", tmp_path / "surface.png")  # no 3D view offscreen
    assert "3D view" in exports.problem.informativeText()
    exports.problem.close()
    assert not exports.export_image("2d", tmp_path / "missing" / "plane.png")
    assert "does not exist" in exports.problem.informativeText()
    exports.problem.close()
    assert not exports.export_image("curves", tmp_path / "curves.jpg")
    exports.problem.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "curves.png", "plane.png", "plane.svg", "race.csv", "race.json", "surface.npz"]
