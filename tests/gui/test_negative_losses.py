"""Losses below zero stay on the log loss axis: f − f_min, in the window and in exports.

The noisy-saddle scene (f = x² + y⁴/4 − y²/2, no known minimum value; its minima at −¼):
exact SGD stops in the saddle (f → 0), noisy SGD and noisy Adam fall into a minimum (f < 0).
On a log axis of f those two left the plot at step ~30 and exact SGD looked like the winner.
"""

from __future__ import annotations

import numpy as np
import pytest

from landscape_app.engine.recording import record_session
from landscape_app.engine.traces import COLUMN
from landscape_app.gui.export.frame_layout import FrameLayout
from landscape_app.gui.export.render import FrameRenderer
from landscape_app.gui.views.curves import LossCurves
from landscape_app.gui.views.lane_feed import draw_curves
from landscape_app.gui.views.loss_floor import MARGIN, floor_offset
from landscape_app.state.scenes import load_scene

STEPS = 150


@pytest.fixture(scope="module")
def recording():
    return record_session(load_scene("noisy-saddle").state, steps=STEPS, device="cpu")


def drawn_last_points(curves: LossCurves, lanes: int) -> list[float]:
    """Each lane's drawn y (log10 of what the axis shows) at its last step."""
    return [float(curves.curves[lane].getData()[1][-1]) for lane in range(lanes)]


def test_the_scenes_losses_do_go_below_zero(recording):
    finals = [lane.rows[-1, COLUMN["loss"]] for lane in recording.lanes]
    assert finals[0] > -1e-6 and finals[1] < -0.2 and finals[2] < -0.2


def test_an_export_draws_every_lane_to_the_end_and_says_what_it_subtracts(qapp, recording):
    with FrameRenderer(recording, FrameLayout(width=640, height=360)) as renderer:
        renderer.render(STEPS)
        curves = renderer.curves
        last = drawn_last_points(curves, len(recording.lanes))
        low, high = curves.plot_item.vb.viewRange()[1]
        label = curves.plot_item.getAxis("left").labelText
    assert np.all(np.isfinite(last)), last
    exact, noisy_sgd, noisy_adam = last
    assert noisy_sgd < exact and noisy_adam < exact  # the noisy lanes win, as the note says
    assert low <= min(last) and max(last) <= high  # inside the fixed axis
    lowest = min(float(np.nanmin(lane.rows[:, COLUMN["loss"]])) for lane in recording.lanes)
    assert curves.offset < lowest and "f_min" in label
    assert f"{curves.offset:.4g}".replace("-", "−") in label


def test_the_window_curves_follow_the_same_rule(qapp, qtbot, recording):
    """LossCurves as the window drives it: f* unknown, the grid's minimum as the floor."""
    curves = LossCurves()
    qtbot.addWidget(curves)
    curves.set_lanes(["#E69F00", "#56B4E9", "#009E73"])
    curves.set_offset(recording.loss_offset, recording.grid.finite_range[0])
    assert recording.loss_offset is None and curves.offset < 0  # from the start, not mid-race
    for step in (10, 40, STEPS):
        draw_curves(curves, [lane.view.upto(step) for lane in recording.lanes], [True] * 3,
                    "steps")
        assert np.all(np.isfinite(drawn_last_points(curves, 3))), step


def test_a_known_minimum_is_still_what_is_subtracted():
    # Rosenbrock-like: f* = 0 known, every loss ≥ 0: f − f* as before
    assert floor_offset(0.0, 0.0, 1e-12, None) is None
    # a negative-minimum function with f* known: nothing below f*, f − f*
    assert floor_offset(-3.0, -2.9, -2.5, None) is None
    # losses below f = 0 with no f*: the lowest, less the margin
    assert floor_offset(None, -0.25, -0.26, None) == pytest.approx(-0.26 - MARGIN)
    # kept while it stays below everything (the axis does not move at each new low)
    assert floor_offset(None, -0.25, -0.2505, -0.2515) == -0.2515
