"""Maps ▸ Compare optimizers in the window: the dialog runs a small comparison in the
background and the Compare tab shows one curve per lane in its colour; the table's best
setting is the engine's; a click on a point gives the lane that setting; cancel stops the job;
the comparison round-trips through a session file; the tab exports PNG and SVG."""

import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from PySide6.QtCore import Qt

from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.gui.live.tasks import live_task_threads
from landscape_app.gui.views.compare_view import setting_value
from landscape_app.state.lanes import default_session
from landscape_app.state.model import LandscapeSpec, Lane, SessionState
from landscape_app.state.session_io import load_session, save_session

LANES = (Lane("gd", OptimizerSpec("sgd", {"lr": 0.001}), "#E69F00"),
         Lane("momentum", OptimizerSpec("momentum", {"lr": 0.01, "momentum": 0.9}),
              "#56B4E9"))
SESSION = SessionState(landscape=LandscapeSpec("function", "himmelblau"), lanes=LANES,
                       max_steps=60)


def _type(qtbot, box, text: str) -> None:
    """Replace a spin box's text by typing, as a user would."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(box, text)


def _compare(window, qtbot, side="3", steps="40", count="4", wait=True):
    """Maps ▸ Compare optimizers…, the dialog filled in by keys, Compare clicked."""
    actions = window.compare
    actions.compare_action.trigger()
    dialog = actions.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    assert dialog.steps.value() == window.controller.state.max_steps  # the race's limit
    for box, text in ((dialog.side, side), (dialog.steps, steps), (dialog.count, count)):
        _type(qtbot, box, text)
    button = dialog.buttons.buttons()[0]
    assert button.text() == "Compare"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    if wait:
        qtbot.waitUntil(lambda: window.controller.state.compare is not None
                        and not actions.running, timeout=60_000)
    return actions


def test_the_menu_action_shows_one_curve_per_lane_in_its_colour(window, qtbot):
    window.apply_session(SESSION)
    actions = _compare(window, qtbot)
    record = window.controller.state.compare
    panel = actions.panel
    assert window.views.view_tabs.currentWidget() is panel and panel.record is record
    assert record.settings.side == 3 and record.settings.steps == 40
    labels = [lane.label for lane in window.controller.state.lanes]
    assert [lane.label for lane in record.lanes] == labels
    assert len(panel._curves) == 2
    for (success, tuning), lane in zip(panel._curves, LANES, strict=True):
        assert success.opts["pen"].color().name().upper() == lane.color
        assert tuning.opts["pen"].color().name().upper() == lane.color
        assert len(success.xData) == 4 and len(tuning.xData) == 4
    # the x axis is log10 of the learning rates: four decades around each lane's own
    assert np.allclose(panel._x[0], np.log10([1e-5, 1e-5 * 10 ** (4 / 3),
                                              1e-5 * 10 ** (8 / 3), 1e-1]))
    assert not panel.skipped.isVisible()


def test_the_tables_best_setting_is_the_engines(window, qtbot):
    from landscape_app.engine.compare_jobs import plan_compare

    window.apply_session(SESSION)
    actions = _compare(window, qtbot)
    record = window.controller.state.compare
    model = window.controller.model
    result = plan_compare(model.state, model.landscape, record.settings).run()
    table = actions.panel.table
    assert table.rowCount() == 2
    for o, lane in enumerate(record.lanes):
        best = int(result.best[o])
        assert lane.best == best and lane.values == tuple(result.settings[o, :, 0])
        assert lane.success == tuple(result.success[o])
        assert table.item(o, 1).text() == f"lr = {result.settings[o, best, 0]:.4g}"
        assert table.item(o, 2).text() == f"{result.success[o, best]:.0%}"


def test_clicking_a_point_gives_the_lane_that_setting(window, qtbot):
    window.apply_session(SESSION)
    actions = _compare(window, qtbot)
    panel = actions.panel
    lane = panel.record.lanes[1]
    first = window.controller.state.lanes[0].spec
    assert [line.value() for line in panel._current] == pytest.approx([-3.0, -2.0])  # now
    label = window.controller.state.lanes[1].label

    def hovered() -> bool:  # the tab may still be settling: move to where the point is now
        qtbot.mouseMove(panel.plots.viewport(), panel.point_to_viewport(1, 2))
        return panel.readout.text().startswith(f"{label}: lr = ")

    qtbot.waitUntil(hovered, timeout=5_000)
    point = panel.point_to_viewport(1, 2)
    with qtbot.waitSignal(window.controller.lanesReset, timeout=10_000):
        qtbot.mouseClick(panel.plots.viewport(), Qt.MouseButton.LeftButton, pos=point)
    wanted = setting_value(lane.values[2])
    assert abs(wanted / lane.values[2] - 1) < 5e-4  # four significant digits
    spec = window.controller.state.lanes[1].spec
    assert spec.params["lr"] == wanted
    values = window.optimizer_panel.cards[1].values
    assert values["lr"] == wanted and values["momentum"] == 0.9
    assert window.controller.state.lanes[0].spec == first
    assert [line.value() for line in panel._current] == \
        pytest.approx([-3.0, np.log10(wanted)])  # the dashed line moved to the new setting


def test_cancel_stops_the_comparison(window, qtbot):
    window.apply_session(SESSION)
    actions = _compare(window, qtbot, side="48", steps="20000", count="16", wait=False)
    assert actions.running
    running = [t for t in live_task_threads() if t.name.startswith("compare")]
    assert running and all(t.is_alive() for t in running)  # 48² × 16 × 20000: minutes
    actions.cancel_action.trigger()
    assert not actions.running
    assert window.statusBar().currentMessage() == "Comparison cancelled"
    qtbot.waitUntil(lambda: not [t for t in live_task_threads()
                                 if t.name.startswith("compare")], timeout=30_000)
    assert window.controller.state.compare is None and actions.panel.record is None


def test_a_comparison_round_trips_through_a_session_file(window, qtbot, tmp_path):
    window.apply_session(SESSION)
    actions = _compare(window, qtbot)
    record = window.controller.state.compare
    path = save_session(tmp_path / "compare.json", window.current_session())
    loaded = load_session(path)
    assert loaded.compare == record
    window.apply_session(default_session())
    assert actions.panel.record is None and actions.panel.table.rowCount() == 0
    window.apply_session(loaded)
    assert actions.panel.record == record and len(actions.panel._curves) == 2
    assert actions.panel.table.item(0, 1).text() == \
        f"lr = {record.lanes[0].values[record.lanes[0].best]:.4g}"


def test_the_tab_exports_a_png_and_an_svg(window, qtbot, tmp_path, monkeypatch):
    from PIL import Image

    from landscape_app.gui import file_dialogs

    window.apply_session(SESSION)
    actions = _compare(window, qtbot)
    for name in ("compare.png", "compare.svg"):
        target = tmp_path / name
        monkeypatch.setattr(file_dialogs, "ask_save_path", lambda *args, t=target: str(t))
        qtbot.mouseClick(actions.panel.export_button, Qt.MouseButton.LeftButton)
        assert target.exists()
    with Image.open(tmp_path / "compare.png") as image:
        image.load()
        assert image.width >= 400 and image.height >= 150
        colors = {tuple(c[1][:3]) for c in image.convert("RGB").getcolors(1 << 20)}
    assert (0xE6, 0x9F, 0x00) in colors and (0x56, 0xB4, 0xE9) in colors
    svg = (tmp_path / "compare.svg").read_text(encoding="utf-8")
    ElementTree.fromstring(svg)
    assert "#e69f00" in svg.lower() and "#56b4e9" in svg.lower()


def test_a_lane_that_runs_one_start_at_a_time_is_compared_too(window, qtbot):
    lanes = LANES + (Lane("L-BFGS", OptimizerSpec("lbfgs", {}), "#009E73"),)
    window.apply_session(SessionState(landscape=SESSION.landscape, lanes=lanes, max_steps=60))
    actions = _compare(window, qtbot)
    record, panel = window.controller.state.compare, actions.panel
    labels = [lane.label for lane in window.controller.state.lanes]
    # L-BFGS does not map: it runs one start at a time (core/compare/per_start.py), and
    # is compared like the others
    assert [lane.label for lane in record.lanes] == labels
    assert not panel.skipped.isVisible()
