"""File ▸ Open surface…: a surface NPZ shown read-only, its paths replayed; Save refused."""

import numpy as np
import pytest

from tests.core.malformed_h5 import malformed_h5
from tests.core.test_surface_file import builtin_npz

pytestmark = pytest.mark.gui


def test_an_opened_surface_is_drawn_and_its_paths_replay(window, qtbot, tmp_path):
    out = builtin_npz(tmp_path)
    data = np.load(out)
    assert window.surfaces.open_action in window.file_menu.actions()
    assert window.surfaces.open_path(out)
    controller = window.controller
    np.testing.assert_array_equal(window.shown_grid.values, data["values"])
    assert controller.model.blocked is None and not controller.landscape.live
    assert "read-only" in window.windowTitle()
    assert not window.views.contour.start_marker.isVisible()
    window.controls.speed.setCurrentIndex(window.controls.speed.findData(None))
    window.controls.play_action.setChecked(True)
    qtbot.waitUntil(lambda: window.buffer.snapshot().done, timeout=30_000)
    snapshot = window.buffer.snapshot()
    assert [lane.label for lane in snapshot.lanes] == list(data["lane_labels"])
    offsets = data["lane_offsets"]
    for index, lane in enumerate(snapshot.lanes):
        np.testing.assert_allclose(lane.xy, data["path_coords"][offsets[index]:
                                                               offsets[index + 1]])
    qtbot.waitUntil(lambda: not window.controls.play_action.isChecked())
    window.views.view_tabs.setCurrentIndex(1)  # the 3D view draws the same grid
    assert not window.sessions.save_to(tmp_path / "s.json")
    assert not (tmp_path / "s.json").exists()
    assert "surface file" in window.sessions.problem.text() + \
        window.sessions.problem.informativeText()
    window.sessions.problem.close()


def test_a_bad_surface_file_is_refused_and_the_screen_kept(window, tmp_path):
    before = window.controller.landscape
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"nope")
    assert not window.surfaces.open_path(bad)
    assert "not a readable NPZ" in window.surfaces.problem.informativeText() + \
        window.surfaces.problem.text()
    window.surfaces.problem.close()
    assert window.controller.landscape is before


def test_a_surface_with_holes_says_how_many_points_are_missing(window, tmp_path):
    from tests.core.test_surface_file import banded_h5

    assert window.surfaces.open_path(banded_h5(tmp_path / "run.h5"))
    assert "181 of 341 points missing" in window.statusBar().currentMessage()
    assert np.isnan(window.views.contour.image.image).sum() == 181  # drawn as holes
    assert window.views.contour.holes.isVisible()


def test_the_windows_own_grid_export_opens_as_a_surface(window, tmp_path):
    out = tmp_path / "grid.npz"
    assert window.exports.export_surface(out)
    shown = window.shown_grid.values.copy()
    assert window.surfaces.open_path(out)  # before: "not a surface file (no alphas, betas)"
    np.testing.assert_array_equal(window.shown_grid.values, shown)
    assert window.surfaces.problem is None


def test_a_malformed_h5_is_a_message_in_the_window(window, tmp_path):
    bad = malformed_h5(tmp_path / "bad.h5", "group")
    before = window.controller.landscape
    assert not window.surfaces.open_path(bad)
    text = window.surfaces.problem.text() + window.surfaces.problem.informativeText()
    assert "train_loss is a group, not a dataset of numbers" in text
    window.surfaces.problem.close()
    assert window.controller.landscape is before


def test_gui_file_opens_the_surface_in_a_new_window(qtbot, warm_engine, tmp_path):
    from landscape_app.cli import build_parser
    from landscape_app.cli.gui_cmd import launch_options
    from landscape_app.gui.main_window import MainWindow
    from tests.core.test_surface_file import banded_h5

    options = launch_options(build_parser().parse_args(["gui", str(banded_h5(
        tmp_path / "run.h5"))]))
    main = MainWindow(options)
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.coreReady, timeout=60_000):
        main.show()
    assert main.controller.model.surface_file is options.surface
    assert "run.h5" in main.windowTitle()
    assert "181 of 341 points missing" in main.statusBar().currentMessage()
    main.close()


def test_the_hover_readout_over_a_hole_says_it_is_missing(window, qtbot, tmp_path):
    """A real mouse over a hole of an interrupted .h5 run reads "missing", never "nan"."""
    from PySide6.QtCore import QPointF

    from tests.core.test_surface_file import banded_h5

    assert window.surfaces.open_path(banded_h5(tmp_path / "run.h5"))
    grid = window.shown_grid
    row, column = np.argwhere(np.isnan(grid.values))[len(grid.ys) // 2]
    contour, label = window.views.contour, window.readouts.plane.label
    scene = contour.plot_item.vb.mapViewToScene(QPointF(grid.xs[column], grid.ys[row]))
    qtbot.mouseMove(contour.viewport(), contour.mapFromScene(scene))
    qtbot.waitUntil(label.isVisible)
    assert "missing" in label.text() and "nan" not in label.text()
