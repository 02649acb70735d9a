"""Exports with the model view: "the landscape and the decision boundary, side by side"."""

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from landscape_app.cli import main
from landscape_app.core.errors import LandscapeError
from landscape_app.engine.recording import record_session
from landscape_app.gui.export.frame_layout import FrameLayout
from landscape_app.gui.export.render import FrameRenderer
from landscape_app.state.scenes import load_scene
from landscape_app.state.session_io import save_session

pytestmark = pytest.mark.gui


def small_moons():
    """The two-moons scene with a network small enough for a test."""
    state = load_scene("two-moons").state
    network = dict(state.landscape.network, hidden=[6], samples=64, resolution=11)
    return replace(state, landscape=replace(state.landscape, network=network), max_steps=30)


@pytest.fixture(scope="module")
def recording():
    return record_session(small_moons(), device="cpu")


def test_frames_show_the_model_panel_changing_as_the_lane_trains(qapp, recording):
    layout = FrameLayout(view="2d", width=640, height=360, model=True, model_lane=2)
    with FrameRenderer(recording, layout) as renderer:
        panel = renderer.model
        assert panel is not None and panel.track.label == recording.lanes[2].label
        first = renderer.render(0).copy()
        assert panel.label.text().startswith(f"{panel.track.label} · step 0 · accuracy")
        last = renderer.render(recording.steps)
        box = panel.plot.geometry().translated(panel.mapTo(renderer.root, panel.rect().topLeft()))
        contour = renderer.contour.geometry()
        assert box.left() > contour.left()  # beside the landscape
        region = (slice(box.top(), box.bottom()), slice(box.left(), box.right()))
        assert np.abs(first[region].astype(int) - last[region].astype(int)).max() > 60
        theta = recording.result.lanes[2].records[-1].x
        np.testing.assert_array_equal(panel.plot.picture.classes,
                                      panel.probe.decision_regions(theta).classes)


def test_cli_exports_landscape_and_model_side_by_side(tmp_path, capsys):
    session = tmp_path / "moons.json"
    save_session(session, small_moons())
    out = tmp_path / "moons.gif"
    assert main(["export", "--session", str(session), "--model", "--model-lane", "3",
                 "--out", str(out),
                 "--size", "640x360", "--fps", "10", "--frames", "5"]) == 0
    with Image.open(out) as image:
        assert image.size == (640, 360) and image.n_frames == 5
        image.seek(0)
        first = np.asarray(image.convert("RGB")).astype(int)
        image.seek(4)
        last = np.asarray(image.convert("RGB")).astype(int)
    # the model panel: the right half of the panels' row (the curves run along the bottom)
    panel = (slice(60, 220), slice(360, 630))
    assert np.abs(first[panel] - last[panel]).max() > 60
    assert "wrote" in capsys.readouterr().out
    for lane, message in (("0", "--model-lane '0': must be above 0"),
                          ("4", "--model-lane 4: the session has 3 lanes")):
        assert main(["export", "--session", str(session), "--model", "--model-lane", lane,
                     "--out", str(tmp_path / "x.gif")]) == 2
        assert message in capsys.readouterr().err


def test_model_view_of_a_2d_landscape_is_refused(tmp_path, capsys):
    assert main(["export", "--scene", "adam-vs-sgd", "--model",
                 "--out", str(tmp_path / "x.gif")]) == 2
    assert "--model shows a network's model" in capsys.readouterr().err
    assert not (tmp_path / "x.gif").exists()
    with pytest.raises(LandscapeError, match="not a lane number"):
        FrameLayout(model=True, model_lane=-1)


def test_export_dialog_offers_the_model_view_on_network_sessions(qtbot):
    from landscape_app.gui.export.dialog import ExportDialog

    dialog = ExportDialog()
    qtbot.addWidget(dialog)
    dialog.prepare(load_scene("adam-vs-sgd").state)
    assert not dialog.model_view.isEnabled() and not dialog.request().layout.model
    dialog.prepare(small_moons())
    assert dialog.model_view.isEnabled()
    dialog.model_view.setChecked(True)
    dialog.model_lane.setCurrentIndex(2)
    layout = dialog.request().layout
    assert layout.model and layout.model_lane == 2
