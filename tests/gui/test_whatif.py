"""Drag and see: dragging the start marker or a hyperparameter slider previews the whole race
(equal to the core Race that ``landscape-app run`` makes from there), stale previews are
dropped, and release keeps the preview on screen until play animates it."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from landscape_app.core.runner import Race, Racer
from tests.gui.conftest import drag

pytestmark = pytest.mark.gui

STEPS = 40


def core_paths(window):
    model = window.controller.model
    race = Race(model.landscape.objective,
                [Racer(lane.label, lane.spec) for lane in model.state.lanes],
                model.start_point(), seed=model.state.seed, max_steps=model.state.max_steps)
    return [lane.trajectory for lane in race.run().lanes]


def preview_settled(window):
    preview, snapshot = window.controller.preview, window.buffer.snapshot()
    return (preview.on_screen and snapshot.generation == window.race_thread.worker.generation
            and snapshot.done and preview.shown_result.key == window.controller.model.race_key())


def test_dragging_the_start_previews_the_race_from_the_last_position(window, qtbot):
    window.controls.max_steps.setValue(STEPS)
    window.controls.max_steps.editingFinished.emit()
    assert window.controller.state.max_steps == STEPS
    view, preview = window.views.contour, window.controller.preview
    shown = []
    preview.shown.connect(shown.append)
    start = window.controller.start_point()
    path = [(start[0] + 0.05 * i, start[1] - 0.04 * i) for i in range(12)]
    drag(qtbot, view.viewport(), [view.data_to_viewport(*point) for point in path],
         pace_ms=15, release=False)
    with qtbot.waitSignal(view.startMoved, timeout=5_000) as moved:
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton,
                           pos=view.data_to_viewport(*path[-1]))
    assert np.allclose(window.controller.state.start, moved.args)
    assert np.allclose(moved.args, path[-1], atol=0.03)
    qtbot.waitUntil(lambda: preview_settled(window), timeout=120_000)
    assert shown, "no preview was shown while dragging"
    # Stale previews were dropped: what was shown only ever got newer, and what is drawn at
    # the end starts at the final position.
    serials = [result.serial for result in shown]
    assert serials == sorted(serials)
    lanes = window.buffer.snapshot().lanes
    expected = core_paths(window)
    assert len(lanes) == len(expected) == 4
    for lane, path_xy in zip(lanes, expected, strict=True):
        assert np.array_equal(lane.xy, path_xy)
        assert np.allclose(lane.xy[0], window.controller.state.start)
    # The views show it: every trail drawn whole, heads at the lanes' last points.
    contour = window.views.contour
    qtbot.waitUntil(lambda: len(contour.heads) + len(contour.crosses) == 4)
    # Play animates the race from step 0 again.
    generation = window.race_thread.worker.generation
    window.controls.play_action.setChecked(True)
    qtbot.waitUntil(lambda: window.race_thread.worker.generation > generation)
    assert not preview.on_screen
    window.controls.play_action.setChecked(False)


def test_a_learning_rate_slider_previews_while_dragged_and_commits_on_release(window, qtbot):
    window.controls.max_steps.setValue(STEPS)
    window.controls.max_steps.editingFinished.emit()
    assert window.controller.state.max_steps == STEPS
    card = next(c for c in window.optimizer_panel.cards if c.lane.spec.id == "adam")
    card.expand_button.setChecked(True)
    slider = card.form.sliders["lr"]
    assert slider.log and slider.low < 0.05 < slider.high
    assert set(card.form.sliders) >= {"lr", "beta1", "beta2"}
    assert "eps" not in card.form.sliders or card.form.sliders["eps"].log
    previews = []
    window.optimizer_panel.lanesPreviewed.connect(previews.append)
    slider.setSliderDown(True)
    for position in (300, 350, 400):
        slider.setSliderPosition(position)
    assert len(previews) == 3
    qtbot.waitUntil(lambda: window.controller.preview.shown_result is not None, timeout=60_000)
    value = slider.value_at(400)
    assert card.form.editors["lr"].text() == f"{value:g}"
    slider.setSliderDown(False)  # released: committed like a typed value
    adam = next(lane for lane in window.controller.state.lanes if lane.spec.id == "adam")
    assert dict(adam.spec.params)["lr"] == value
    qtbot.waitUntil(lambda: preview_settled(window), timeout=120_000)
    for lane, path_xy in zip(window.buffer.snapshot().lanes, core_paths(window), strict=True):
        assert np.array_equal(lane.xy, path_xy)
    # Typing still works and is validated as before; the slider follows a typed value.
    editor = card.form.editors["lr"]
    editor.setText("0.02")
    editor.commit()
    assert slider.value_at(slider.value()) == pytest.approx(0.02, rel=0.02)
    editor.setText("-1")
    editor.commit()
    assert card.form.errors["lr"].isVisibleTo(card)
