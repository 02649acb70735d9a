"""View ▸ Sharpness: the panel shown from the menu, its curves equal to the closed form on a
quadratic, the threshold at 2/lr, the table's column, hover and scrub readouts, and the
exported frame's panel.

On ½(x² + 25y²) the Hessian is diag(1, 25) everywhere: λ_max = 25 and the eigenvalues are
(25, 1), exact in float64 (autograd's second derivatives of the polynomial are the exact
integers; ``eigh`` of a diagonal 2×2 matrix returns its entries). The curve is drawn at
log₁₀(value), so 10^y recovers the value within a few ulps (log10 and pow each round once):
rtol 1e-14.
"""

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.engine.traces import COLUMN
from landscape_app.state.lanes import make_lanes
from landscape_app.state.model import LandscapeSpec, SessionState

pytestmark = pytest.mark.gui

STEPS = 30
LR = 0.05  # SGD's threshold 2/lr = 40 > λ_max = 25: stable
RTOL = 1e-14


def quadratic_session() -> SessionState:
    return SessionState(landscape=LandscapeSpec("function", "quadratic"),
                        lanes=make_lanes([OptimizerSpec("sgd", {"lr": LR}),
                                          OptimizerSpec("adam", {"lr": 0.1})]),
                        start=(-4.5, 1.5), max_steps=STEPS)


def click_menu(window, qtbot, menu, action) -> None:
    """Open ``menu`` from the menu bar and click ``action`` in it, with the mouse."""
    bar = window.menuBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.actionGeometry(menu.menuAction()).center())
    qtbot.waitUntil(menu.isVisible, timeout=5_000)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=5_000)


def run_to_end(window, qtbot):
    window.controls.speed.setCurrentIndex(window.controls.speed.findData(None))
    window.controls.play_action.setChecked(True)
    qtbot.waitUntil(lambda: window.buffer.snapshot().done, timeout=60_000)
    qtbot.waitUntil(lambda: window.timeline.step == window.buffer.snapshot().furthest_step)


@pytest.fixture
def sharp_window(window, qtbot, forget_sharpness):
    window.apply_session(quadratic_session())
    qtbot.waitUntil(lambda: window.controller.grid is not None, timeout=30_000)
    return window


def test_the_menu_shows_the_panel_and_the_race_measures(sharp_window, qtbot):
    window = sharp_window
    action = window.sharpness_view.action
    assert action in window.view_menu.actions() and not window.views.sharpness.isVisible()
    click_menu(window, qtbot, window.view_menu, action)
    assert action.isChecked() and window.controller.model.sharpness
    qtbot.waitUntil(window.views.sharpness.isVisible, timeout=5_000)
    assert "every step" in window.views.sharpness.how.text()
    assert not window.views.table.isColumnHidden(7)
    click_menu(window, qtbot, window.view_menu, action)
    qtbot.waitUntil(lambda: not window.views.sharpness.isVisible(), timeout=5_000)
    assert not window.controller.model.sharpness and window.views.table.isColumnHidden(7)


def test_the_curves_equal_the_closed_form_and_the_threshold_is_two_over_lr(sharp_window, qtbot):
    window = sharp_window
    click_menu(window, qtbot, window.view_menu, window.sharpness_view.action)
    run_to_end(window, qtbot)
    plot = window.views.sharpness.plot
    qtbot.waitUntil(lambda: len(plot.points) == 2 and len(plot.curves[0].getData()[0])
                    == STEPS + 1, timeout=5_000)
    x, y = plot.curves[0].getData()
    np.testing.assert_array_equal(x, np.arange(STEPS + 1))
    # both panels' step axes end at the race's step limit (the loss curves ran to 1.5× it)
    qtbot.waitUntil(lambda: window.views.curves.plot_item.vb.viewRange()[0][1] == STEPS)
    np.testing.assert_allclose(10 ** y, 25.0, rtol=RTOL)
    _, threshold = plot.thresholds[0].getData()
    np.testing.assert_allclose(10 ** threshold, 2 / LR, rtol=RTOL)
    # Adam: the preconditioned sharpness against (2 + 2β₁)/((1 − β₁)η) = 38/0.1
    _, adam_threshold = plot.thresholds[1].getData()
    np.testing.assert_allclose(10 ** adam_threshold, 380.0, rtol=RTOL)
    assert "P⁻¹H" in plot.plot_item.getAxis("left").labelText
    # the table's column: the last reading against the threshold
    qtbot.waitUntil(lambda: window.views.table.table_model.rows[0].step == STEPS, timeout=5_000)
    model = window.views.table.table_model
    assert model.data(model.index(0, 7)) == "25.0000 / 40.0000"
    assert model.data(model.index(1, 7)).startswith("P⁻¹H ")


def test_scrub_and_hover_read_out_the_step(sharp_window, qtbot):
    window = sharp_window
    click_menu(window, qtbot, window.view_menu, window.sharpness_view.action)
    run_to_end(window, qtbot)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Home)
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert window.timeline.step == 3
    panel = window.views.sharpness
    qtbot.waitUntil(lambda: panel.plot.cursor.isVisible() and panel.plot.cursor.value() == 3,
                    timeout=5_000)
    panel.lane_box.setCurrentIndex(0)
    text = panel.readout.text()
    assert "step 3" in text and "λ_max = 25.0000" in text and "threshold = 40.0000" in text
    assert "top 2 Hessian eigenvalues: 25.0000, 1.0000" in text and "0 negative" in text
    # hover the SGD curve's point of step 10
    plot = panel.plot
    x, y = plot.curves[0].getData()

    def hovered() -> bool:  # the panel may still be settling: move to where the point is now
        scene = plot.plot_item.vb.mapViewToScene(QPointF(float(x[10]), float(y[10])))
        local = plot.mapFromScene(scene)
        QTest.mouseMove(plot.viewport(), QPoint(round(local.x()), round(local.y())))
        return plot.hover != ""

    qtbot.waitUntil(hovered, timeout=5_000)
    lane = window.buffer.snapshot().lanes[0].label
    assert plot.hover.startswith(lane) and "λ_max = 25.0000" in plot.hover
    assert "threshold = 40.0000" in plot.hover


@pytest.mark.parametrize("size", [(640, 360), (1280, 720)])
def test_an_exported_frame_draws_the_sharpness_panel(qtbot, size):
    from landscape_app.engine.recording import record_session
    from landscape_app.gui.export.frame_layout import FrameLayout
    from landscape_app.gui.export.render import FrameRenderer

    state = replace(quadratic_session(), max_steps=STEPS)
    recording = record_session(state, device="cpu", sharpness=True)
    assert recording.sharpness == 1
    rows = recording.lanes[0].rows
    np.testing.assert_array_equal(rows[:, COLUMN["sharpness"]], 25.0)
    layout = FrameLayout(width=size[0], height=size[1], sharpness=True)
    with FrameRenderer(recording, layout) as renderer:
        frame = renderer.render(STEPS)
        plot = renderer.sharpness
        top_left = plot.mapTo(renderer.root, QPoint(0, 0))
        region = frame[top_left.y():top_left.y() + plot.height(),
                       top_left.x():top_left.x() + plot.width()]
    assert frame.shape == (size[1], size[0], 3)
    for color in renderer.colors:
        rgb = np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)])
        matches = np.all(np.abs(region.astype(int) - rgb) <= 8, axis=2)
        assert matches.sum() >= 20, f"lane colour {color} not in the sharpness panel"
