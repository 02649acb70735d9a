"""File ▸ Open surface…: a surface NPZ shown read-only, its paths replayed; Save refused."""

import numpy as np
import pytest

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
    assert not window.contour.start_marker.isVisible()
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
    window.view_tabs.setCurrentIndex(1)  # the 3D view draws the same grid
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
