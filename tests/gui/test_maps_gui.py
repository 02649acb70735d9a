"""Outcome maps in the window: the layer toggles, a click races from a cell, a hyperparameter
cell sets the lane, a session with a map round-trips, and the race keeps painting."""

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt

from landscape_app.core.maps import SweepAxis
from landscape_app.core.nice_numbers import cell_value
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.state.map_settings import MapSettings
from landscape_app.state.model import LandscapeSpec, Lane, SessionState
from landscape_app.state.session_io import load_session, save_session

LANES = (Lane("gd", OptimizerSpec("sgd", {"lr": 0.01}), "#E69F00"),
         Lane("momentum", OptimizerSpec("momentum", {"lr": 0.01, "momentum": 0.9}), "#56B4E9"))
SESSION = SessionState(landscape=LandscapeSpec("function", "himmelblau"), lanes=LANES,
                       max_steps=60, map=MapSettings(lane=0, steps=40, res=64))


def _show(window, qtbot, state=SESSION):
    window.apply_session(state)
    qtbot.waitUntil(lambda: not window.controller.model.map_computing, timeout=60_000)


def test_the_start_map_layer_toggles_from_the_menu_and_lies_under_the_trails(window, qtbot):
    maps = window.maps
    assert not maps.starts_action.isChecked() and not maps.layer.shown
    maps.starts_action.trigger()
    qtbot.waitUntil(lambda: maps.layer.shown, timeout=60_000)
    result = window.controller.model.maps["starts"]
    assert result.kind == "starts" and window.controller.state.map.starts
    assert maps.layer.image.zValue() < window.views.contour.trails.zValue()
    rgba = maps.layer.image.image
    assert rgba.shape == (*result.shape, 4) and rgba[0, 0, 3] == round(255 * 0.6)
    maps.color_actions["status"].trigger()
    assert window.controller.state.map.color_by == "status"
    maps.starts_action.trigger()
    assert not maps.layer.shown and not window.controller.state.map.starts


def test_clicking_a_map_pixel_races_from_that_cell(window, qtbot):
    _show(window, qtbot)
    result = window.controller.model.maps["starts"]
    i, j = 30, 40
    x, y = result.axis0[i] + 0.01, result.axis1[j] - 0.01
    point = window.views.contour.data_to_viewport(x, y)
    qtbot.mouseClick(window.views.contour.viewport(), Qt.MouseButton.LeftButton, pos=point)
    expected = (float(result.axis0[i]), float(result.axis1[j]))
    qtbot.waitUntil(lambda: window.controller.state.start == expected, timeout=5_000)
    assert np.allclose(window.controller.start_point(), expected)
    qtbot.waitUntil(lambda: window.race_thread.worker.playing, timeout=5_000)
    qtbot.waitUntil(lambda: window.buffer.snapshot().furthest_step > 0, timeout=20_000)
    first = window.buffer.snapshot().lanes[0]
    assert np.allclose(first.xy[0], expected)


def test_a_hyperparameter_cell_sets_the_lanes_values(window, qtbot):
    sweep = (SweepAxis("lr", 1e-3, 0.1, log=True), SweepAxis("momentum", 0.0, 0.99))
    _show(window, qtbot, replace(SESSION, map=MapSettings(lane=1, steps=30, res=16,
                                                          starts=False, sweep=sweep)))
    maps = window.maps
    assert maps.sweep_action.isChecked() and maps.view.layer.shown
    result = window.controller.model.maps["sweep"]
    assert maps.view.cross_x.isVisible()
    assert np.isclose(maps.view.cross_x.value(), np.log10(0.01))
    i, j = 12, 3
    assert maps.view.click_at(np.log10(result.axis0[i]), result.axis1[j])
    lane = window.controller.state.lanes[1]
    # the cell's values, rounded to the fewest digits that stay in the cell
    lr, momentum = cell_value(result.axis0, i, True), cell_value(result.axis1, j, False)
    assert lane.spec.params["lr"] == lr and lane.spec.params["momentum"] == momentum
    assert window.optimizer_panel.cards[1].values["momentum"] == momentum
    qtbot.waitUntil(lambda: np.isclose(maps.view.cross_x.value(), np.log10(lr)),
                    timeout=5_000)


def test_a_session_with_a_map_round_trips_through_the_window(window, qtbot, tmp_path):
    sweep = (SweepAxis("lr", 1e-3, 0.1, log=True), SweepAxis("momentum", 0.0, 0.99))
    state = replace(SESSION, map=MapSettings(lane=1, color_by="steps", opacity=0.75, steps=30,
                                             res=16, extent=(-5.0, 0.0, -5.0, 0.0),
                                             sweep=sweep))
    _show(window, qtbot, state)
    path = save_session(tmp_path / "maps.json", window.current_session())
    assert load_session(path).map == state.map == window.current_session().map
    assert window.maps.opacity_actions[0.75].isChecked()
    assert window.maps.color_actions["steps"].isChecked()


def test_a_zoom_recomputes_the_region_shown_coarse_first(window, qtbot):
    _show(window, qtbot, replace(SESSION, map=MapSettings(lane=0, steps=20, res=80)))
    model = window.controller.model
    assert model.maps["starts"].shape == (80, 80)
    window.views.contour.plot_item.vb.setRange(xRange=(-4.0, -2.0), yRange=(-4.0, -2.0), padding=0)
    window.views.contour.plot_item.vb.sigRangeChangedManually.emit([True, True])
    qtbot.waitUntil(lambda: model.state.map.extent is not None, timeout=5_000)
    x0, x1, y0, y1 = model.state.map.extent
    assert x0 <= -4.0 and x1 >= -2.0
    qtbot.waitUntil(lambda: not model.map_computing, timeout=60_000)
    assert model.maps["starts"].shape == (80, 80)
    assert np.isclose(model.maps["starts"].axis0[0], x0)


def test_the_window_keeps_painting_while_a_map_is_computed(window, qtbot):
    window.controls.play_action.setChecked(True)
    window.controller.set_map(MapSettings(lane=0, steps=400, res=256))
    assert window.controller.model.map_computing
    frames = []
    window.views.contour.painted.connect(lambda: frames.append(1))
    qtbot.waitUntil(lambda: len(frames) >= 5, timeout=10_000)
    assert window.controller.model.map_computing  # the frames were painted while it ran
    window.maps.cancel_action.trigger()
    assert not window.controller.model.map_computing


def test_the_maps_menu_exports_the_map_over_its_steps(window, qtbot, tmp_path, monkeypatch):
    from PIL import Image

    from landscape_app.gui import file_dialogs

    _show(window, qtbot, replace(SESSION, map=MapSettings(lane=0, steps=20, res=16)))
    target = tmp_path / "basins.gif"
    monkeypatch.setattr(file_dialogs, "ask_save_path", lambda *args: str(target))
    with qtbot.waitSignal(window.exports.exported, timeout=120_000) as written:
        window.maps.animation_action.trigger()
    assert written.args == [str(target)]
    with Image.open(target) as gif:
        assert gif.n_frames == 21 and gif.size == (1280, 720)  # one frame per step


def test_colour_by_sharpness_with_real_clicks_measures_and_keys_it(window, qtbot):
    """Maps ▸ Colour by ▸ Sharpness, clicked: the map is measured (λ_max at every cell's final
    point), drawn by it and keyed with its colour bar (issue 25)."""
    from PySide6.QtTest import QTest

    from landscape_app.gui.views.map_layer import map_rgba

    _show(window, qtbot)
    maps, bar = window.maps, window.menuBar()
    maps_menu = next(a.menu() for a in bar.actions() if a.text().replace("&", "") == "Maps")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.actionGeometry(maps_menu.menuAction()).center())
    qtbot.waitUntil(maps_menu.isVisible, timeout=5_000)
    colour = maps.color_menu
    QTest.mouseMove(maps_menu, maps_menu.actionGeometry(colour.menuAction()).center())
    qtbot.mouseClick(maps_menu, Qt.MouseButton.LeftButton,
                     pos=maps_menu.actionGeometry(colour.menuAction()).center())
    qtbot.waitUntil(colour.isVisible, timeout=5_000)
    sharp = maps.color_actions["sharpness"]
    assert sharp.text() == "Sharpness λ_max at the end"
    qtbot.mouseClick(colour, Qt.MouseButton.LeftButton,
                     pos=colour.actionGeometry(sharp).center())
    qtbot.waitUntil(lambda: window.controller.state.map.color_by == "sharpness",
                    timeout=5_000)
    qtbot.waitUntil(lambda: "starts" in window.controller.model.maps and not
                    window.controller.model.map_computing, timeout=60_000)
    result = window.controller.model.maps["starts"]
    assert result.sharpness is not None and np.isfinite(result.sharpness).any()
    qtbot.waitUntil(lambda: maps.layer.result is result, timeout=5_000)
    expected = map_rgba(result, "sharpness", window.controller.state.map.opacity)
    np.testing.assert_array_equal(maps.layer.image.image, expected)
    assert sharp.isChecked()
    assert any("lambda_max" in label for label, _ in maps.key.entries)


def test_the_maps_menu_exports_the_map_shown_as_a_picture(window, qtbot, tmp_path, monkeypatch):
    from PIL import Image

    from landscape_app.engine.map_export import NO_MAP
    from landscape_app.export.map_image import STILL_SIZE
    from landscape_app.gui import file_dialogs

    target = tmp_path / "basins.png"
    monkeypatch.setattr(file_dialogs, "ask_save_path", lambda *args: str(target))
    window.maps.export_action.trigger()  # no map yet: said in the status bar, nothing asked
    assert window.statusBar().currentMessage() == NO_MAP and not target.exists()
    _show(window, qtbot, replace(SESSION, map=MapSettings(lane=0, steps=20, res=16)))
    window.maps.export_action.trigger()
    assert window.statusBar().currentMessage() == f"Wrote {target}"
    with Image.open(target) as picture:
        assert picture.format == "PNG" and picture.size == STILL_SIZE
