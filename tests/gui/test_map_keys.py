"""Maps with a key: legends on the start map and the hyperparameter map, the hyperparameter
map's hover readout, clicks that set nice values, plain axis ticks, and a scene built on a
map opening on its map."""

from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from landscape_app.core.maps import SweepAxis
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.state.map_settings import MapSettings
from landscape_app.state.model import LandscapeSpec, Lane, SessionState

LANES = (Lane("gd", OptimizerSpec("sgd", {"lr": 0.01}), "#E69F00"),
         Lane("momentum", OptimizerSpec("momentum", {"lr": 0.01, "momentum": 0.9}), "#56B4E9"))
SWEEP = (SweepAxis("lr", 1e-3, 0.1, log=True), SweepAxis("momentum", 0.0, 0.99))
STARTS = SessionState(landscape=LandscapeSpec("function", "himmelblau"), lanes=LANES,
                      max_steps=60, map=MapSettings(lane=0, steps=40, res=48))
SWEEPS = replace(STARTS, map=MapSettings(lane=1, steps=30, res=16, starts=False, sweep=SWEEP,
                                         color_by="status"))


def _show(window, qtbot, state):
    window.apply_session(state)
    qtbot.waitUntil(lambda: not window.controller.model.map_computing, timeout=60_000)
    # no layout change to come, and the views placed where the last layout put them
    qtbot.waitUntil(lambda: window.room.at_rest, timeout=10_000)


def _to_viewport(view, x, y):
    return view.mapFromScene(view.plot_item.vb.mapViewToScene(QPointF(float(x), float(y))))


def _lab(rgb):
    """CIE L*a*b* (D65) of an sRGB colour given as 0–255 components."""
    c = np.asarray(rgb, dtype=float) / 255
    c = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ c / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_the_start_map_has_a_key_of_distinct_basins_with_their_minima(window, qtbot):
    _show(window, qtbot, STARTS)
    key = window.maps.key
    assert key.isVisible()
    minima = window.controller.model.maps["starts"].minima
    labels = [label for label, _ in key.entries]
    assert labels == [f"minimum {k}: ({x:.3g}, {y:.3g})" for k, (x, y) in enumerate(minima)] \
        + ["no minimum reached"]
    assert "Start map" in key.text() and "(3, 2)" in key.text()
    colors = [_lab([int(c[i:i + 2], 16) for i in (1, 3, 5)]) for _, c in key.entries]
    # Himmelblau's four basins: every pair (and each against "none") at least 25 ΔE*ab apart
    # (about 10 is "clearly different" side by side; the old orange and red were 21).
    gaps = [np.linalg.norm(a - b) for k, a in enumerate(colors) for b in colors[k + 1:]]
    assert min(gaps) >= 25
    window.maps.starts_action.trigger()  # the map off: its key goes with it
    assert not key.isVisible()


def test_the_hyperparameter_map_has_a_key_a_readout_and_plain_ticks(window, qtbot):
    _show(window, qtbot, SWEEPS)
    maps = window.maps
    assert window.views.view_tabs.currentIndex() == maps.tab_index  # a session built on a map
    view = maps.view
    qtbot.waitUntil(lambda: view.key.isVisible(), timeout=5_000)
    result = window.controller.model.maps["sweep"]
    assert [label for label, _ in view.key.entries] == list(result.status_names)
    colors = [_lab([int(c[i:i + 2], 16) for i in (1, 3, 5)]) for _, c in view.key.entries]
    assert min(np.linalg.norm(a - b) for k, a in enumerate(colors) for b in colors[k + 1:]) >= 25
    # hover: a real mouse move over cell (12, 3)
    i, j = 12, 3
    qtbot.mouseMove(view.viewport(), _to_viewport(view, np.log10(result.axis0[i]),
                                                  result.axis1[j]))
    qtbot.waitUntil(view.readout.isVisible, timeout=2_000)
    text = view.readout.text()
    assert text.startswith("lr = 0.04   momentum = 0.2\nloss = ")
    assert result.status_names[int(result.status[j, i])] in text
    # plain ticks: values as they are, no SI prefix in the title
    left, bottom = view.plot_item.getAxis("left"), view.plot_item.getAxis("bottom")
    assert "x0.001" not in left.labelString() and left.labelText == "momentum"
    assert bottom.labelText == "lr (log scale)"
    assert _tick_strings(left) == ["0", "0.2", "0.4", "0.6", "0.8"]
    assert _tick_strings(bottom) == ["0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1"]


def test_a_map_coloured_by_sharpness_keys_it_and_reads_it_out(window, qtbot):
    """A hyperparameter map coloured by sharpness: its key is λ_max's colour bar and the
    hover readout of a cell adds the cell's λ_max (issue 25)."""
    _show(window, qtbot, replace(SWEEPS, map=replace(SWEEPS.map, color_by="sharpness")))
    view = window.maps.view
    qtbot.waitUntil(lambda: view.key.isVisible(), timeout=5_000)
    result = window.controller.model.maps["sweep"]
    assert result.sharpness is not None
    assert [label.split(":")[0] for label, _ in view.key.entries][:2] == ["log10 lambda_max"] * 2
    i, j = 9, 6  # not the cell the test above hovers: the cursor may still be there
    qtbot.mouseMove(view.viewport(), _to_viewport(view, np.log10(result.axis0[i]),
                                                  result.axis1[j]))
    qtbot.waitUntil(view.readout.isVisible, timeout=2_000)
    assert view.readout.text().endswith(f"λ_max = {float(result.sharpness[j, i]):.4g}")


def test_a_click_on_a_cell_sets_nice_values_and_the_card_shows_its_whole_title(window, qtbot):
    _show(window, qtbot, SWEEPS)
    view = window.maps.view
    result = window.controller.model.maps["sweep"]
    i, j = 13, 8  # lr 0.0541…, momentum 0.528
    assert not np.isclose(result.axis0[i], 0.054) and not np.isclose(result.axis1[j], 0.53)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=_to_viewport(view, np.log10(result.axis0[i]), result.axis1[j]))
    qtbot.waitUntil(lambda: window.controller.state.lanes[1].spec.params["lr"] == 0.054,
                    timeout=5_000)
    assert window.controller.state.lanes[1].spec.params["momentum"] == 0.53
    card = window.optimizer_panel.cards[1]
    title = card.title
    assert "lr=0.054" in title.full_text and "momentum=0.53" in title.full_text
    qtbot.waitUntil(lambda: title.height() >= title.heightForWidth(title.width()),
                    timeout=2_000)  # every line of the title is shown


def test_no_plot_of_the_window_scales_its_ticks_with_an_si_prefix(window, qtbot):
    window.views.view_tabs.setCurrentIndex(window.maps.tab_index)
    plots = window.findChildren(pg.PlotWidget)
    assert len(plots) >= 3  # the 2D view, the loss curves, the hyperparameter map
    for plot in plots:
        for side in ("left", "bottom"):
            assert not plot.getPlotItem().getAxis(side).autoSIPrefix, (plot, side)
    colorbar = window.views.contour.colorbar.axis
    assert not colorbar.autoSIPrefix
    # a plane-sized range: the 2D view's x axis reads −0.004 … 0.004, not "(x0.001)"
    window.views.contour.plot_item.setRange(xRange=(-0.005, 0.005), padding=0.0)
    axis = window.views.contour.plot_item.getAxis("bottom")
    assert "x0.001" not in axis.labelString()
    assert "0.004" in _tick_strings(axis)


def test_a_scene_built_on_a_map_opens_on_its_map_tab(window, qtbot):
    scenes = window.scenes
    assert scenes.load("seed-fractal-edge")
    assert window.views.view_tabs.currentIndex() == window.maps.tab_index
    window.controller.cancel_maps()
    assert scenes.load("adam-vs-sgd")
    assert window.views.view_tabs.currentIndex() == 0


def _tick_strings(axis) -> list[str]:
    """The labels ``axis`` draws for its current range (as pyqtgraph's paint computes them)."""
    low, high = axis.range
    size = axis.geometry().width() if axis.orientation in ("top", "bottom") else \
        axis.geometry().height()
    levels = axis.tickValues(min(low, high), max(low, high), size)
    values = sorted({round(v, 12) for spacing, ticks in levels[:1] for v in ticks})
    spacing = levels[0][0]
    return axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)
