"""Scrubbing through a race that has run: the views show exactly the step chosen on the
timeline (table rows of step k, trails of k + 1 points, heads, the curves' cursor); play
replays from there, step moves one step, and step after a drag preview works."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from landscape_app.core.result import Status
from landscape_app.engine.traces import COLUMN
from tests.gui.conftest import drag

pytestmark = pytest.mark.gui

STEPS = 80


def key(qtbot, window, code, modifier=Qt.KeyboardModifier.NoModifier):
    window.activateWindow()
    qtbot.keyClick(window, code, modifier)


def run_to_end(window, qtbot, steps=STEPS):
    window.controls.max_steps.setValue(steps)
    window.controls.max_steps.editingFinished.emit()
    window.controls.speed.setCurrentIndex(window.controls.speed.findData(None))
    window.controls.play_action.setChecked(True)
    qtbot.waitUntil(lambda: window.buffer.snapshot().done, timeout=60_000)
    qtbot.waitUntil(lambda: window.timeline.step == window.buffer.snapshot().furthest_step)


def shows_step(window, k):
    """Whether the table, the trails and the heads show exactly step ``k`` of every lane."""
    lanes = window.buffer.snapshot().lanes
    rows = window.views.table.table_model.rows
    if len(rows) != len(lanes):
        return False
    for index, (lane, row) in enumerate(zip(lanes, rows, strict=True)):
        upto = lane.rows[lane.rows[:, COLUMN["step"]] <= k]
        last = upto[-1]
        ended = len(upto) == len(lane.rows)
        expected = (int(last[0]), int(last[1]), float(last[4]), float(last[5]),
                    lane.status if ended else Status.RUNNING)
        if (row.step, row.evals, row.loss, row.best_loss, row.status) != expected:
            return False
        if window.views.contour.prepared._lanes[index].source != len(upto):
            return False
    return True


def test_scrubbing_to_step_k_shows_the_rows_of_step_k_and_trails_of_k_plus_1_points(window,
                                                                                       qtbot):
    run_to_end(window, qtbot)
    lanes = window.buffer.snapshot().lanes
    assert all(len(lane.rows) == STEPS + 1 for lane in lanes)  # the default race: no lane ends
    key(qtbot, window, Qt.Key.Key_Home)
    assert window.timeline.step == 0
    for _ in range(3):
        key(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    for _ in range(2):
        key(qtbot, window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ShiftModifier)
    k = 23
    assert window.timeline.step == k and window.views.timeline_bar.slider.value() == k
    assert window.views.timeline_bar.readout.text() == f"step {k} / {STEPS}"
    qtbot.waitUntil(lambda: shows_step(window, k), timeout=5_000)
    for index, lane in enumerate(lanes):  # exactly the rows of step k: step, loss, distance
        row = window.views.table.table_model.rows[index]
        assert row.step == k and row.loss == lane.rows[k, COLUMN["loss"]]
        assert row.distance == lane.rows[k, COLUMN["distance"]]
    heads = {lane: (x, y) for lane, x, y in window.views.contour.heads}
    for index, lane in enumerate(lanes):
        assert np.allclose(heads[index], lane.xy[k])
    qtbot.waitUntil(lambda: window.views.curves.cursor_x == k, timeout=5_000)
    # dragging the slider shows the step it is dragged to
    window.views.timeline_bar.slider.setValue(57)
    qtbot.waitUntil(lambda: shows_step(window, 57), timeout=5_000)
    # End: the last step, live again (no cursor)
    key(qtbot, window, Qt.Key.Key_End)
    assert window.timeline.shown_step is None
    qtbot.waitUntil(lambda: shows_step(window, STEPS) and window.views.curves.cursor_x is None,
                    timeout=5_000)


def test_the_shown_step_signal_follows_scrubbing_and_the_menu_reaches_it(window, qtbot):
    run_to_end(window, qtbot, steps=30)
    seen = []
    window.timeline.shownStepChanged.connect(seen.append)
    menu = window.timeline.menu
    assert menu.menuAction() in window.view_menu.actions()
    texts = {action.text(): action for action in menu.actions()}
    texts["F&irst step"].trigger()
    texts["&Next step"].trigger()
    texts[f"&Forward {10} steps"].trigger()
    texts["&Previous step"].trigger()
    assert seen == [0, 1, 11, 10]


def test_play_from_a_scrubbed_step_replays_the_computed_steps_then_plays_on(window, qtbot):
    window.controls.max_steps.setValue(400)
    window.controls.max_steps.editingFinished.emit()
    window.controls.speed.setCurrentIndex(window.controls.speed.findData(None))
    window.controls.play_action.setChecked(True)
    qtbot.waitUntil(lambda: window.buffer.snapshot().furthest_step >= 40, timeout=60_000)
    window.controls.play_action.setChecked(False)
    qtbot.waitUntil(lambda: not window.race_thread.worker.playing)
    qtbot.waitUntil(lambda: not window.race_thread.worker.busy)  # a batch in flight lands
    before = window.buffer.snapshot()
    furthest, rows = before.furthest_step, [lane.rows.copy() for lane in before.lanes]
    window.timeline.scrub(10)
    window.controls.speed.setCurrentIndex(window.controls.speed.findData(60.0))
    steps_seen = []
    window.timeline.shownStepChanged.connect(steps_seen.append)
    window.controls.play_action.setChecked(True)
    assert not window.race_thread.worker.playing  # replaying: the race waits
    qtbot.waitUntil(lambda: window.timeline.step >= 20, timeout=10_000)
    assert window.buffer.snapshot().furthest_step == furthest  # nothing computed meanwhile
    # then the race itself plays on from where it was, its earlier steps kept
    qtbot.waitUntil(lambda: window.buffer.snapshot().furthest_step > furthest + 5,
                    timeout=30_000)
    assert window.timeline.shown_step is None and window.race_thread.worker.playing
    after = window.buffer.snapshot()
    assert after.generation == before.generation
    for lane, old in zip(after.lanes, rows, strict=True):
        assert np.array_equal(lane.rows[:len(old)], old, equal_nan=True)
    assert 10 < steps_seen[0] < 20 and steps_seen == sorted(steps_seen)
    window.controls.play_action.setChecked(False)


def test_step_from_a_scrubbed_step_shows_the_next_one(window, qtbot):
    run_to_end(window, qtbot, steps=30)
    window.timeline.scrub(12)
    key(qtbot, window, Qt.Key.Key_Right)  # the Step button's key
    assert window.timeline.step == 13
    qtbot.waitUntil(lambda: shows_step(window, 13), timeout=5_000)


def test_step_after_a_drag_preview_takes_the_first_step_of_the_race(window, qtbot):
    window.controls.max_steps.setValue(40)
    window.controls.max_steps.editingFinished.emit()
    view, preview = window.views.contour, window.controller.preview
    start = window.controller.start_point()
    path = [(start[0] + 0.05 * i, start[1] - 0.04 * i) for i in range(6)]
    drag(qtbot, view.viewport(), [view.data_to_viewport(*point) for point in path], pace_ms=15)
    qtbot.waitUntil(lambda: preview.on_screen and window.buffer.snapshot().done
                    and preview.shown_result.key == window.controller.model.race_key(),
                    timeout=120_000)
    qtbot.waitUntil(lambda: window.timeline.step == 40, timeout=5_000)
    key(qtbot, window, Qt.Key.Key_Right)  # Step: did nothing after a preview before
    qtbot.waitUntil(lambda: not preview.on_screen
                    and window.buffer.snapshot().furthest_step == 1, timeout=30_000)
    snapshot = window.buffer.snapshot()
    for lane in snapshot.lanes:
        assert len(lane.rows) == 2
        assert np.allclose(lane.xy[0], window.controller.state.start)
    key(qtbot, window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.buffer.snapshot().furthest_step == 2, timeout=30_000)


def test_the_range_marked_with_i_and_o_fills_the_export_dialog(window, qtbot, tmp_path):
    from PIL import Image, ImageSequence

    run_to_end(window, qtbot, steps=30)
    window.timeline.scrub(12)
    key(qtbot, window, Qt.Key.Key_I)
    for _ in range(8):
        key(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    key(qtbot, window, Qt.Key.Key_O)
    assert window.timeline.selection() == (12, 20)
    assert window.views.timeline_bar.range_label.text() == "range 12–20"
    dialog = window.exports.open_dialog()
    assert (dialog.first_step.value(), dialog.steps.value()) == (12, 20)
    dialog.first_step.setValue(0)
    qtbot.mouseClick(dialog.range_button, Qt.MouseButton.LeftButton)
    assert (dialog.first_step.value(), dialog.steps.value()) == (12, 20)
    dialog.width_box.setValue(320)
    dialog.height_box.setValue(240)
    dialog.fps.setValue(10)
    target = tmp_path / "range.gif"
    dialog.path.setText(str(target))
    with qtbot.waitSignal(dialog.exportFinished, timeout=60_000) as finished:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert finished.args[0] == "done", finished.args[1]
    assert "9 frames" in dialog.message.text()  # steps 12 … 20
    with Image.open(target) as gif:
        assert gif.n_frames >= 2 and sum(frame.info.get("duration", 0)
                                         for frame in ImageSequence.Iterator(gif)) == 900
    dialog.close()
    window.timeline.clear_marks()
    dialog = window.exports.open_dialog()
    assert (dialog.first_step.value(), dialog.steps.value()) == (0, 30)
    qtbot.mouseClick(dialog.range_button, Qt.MouseButton.LeftButton)
    assert "No range is marked" in dialog.message.text()
    dialog.close()


def test_the_keyboard_overview_lists_the_timeline_keys(window, qtbot):
    from PySide6.QtGui import QKeySequence

    from landscape_app.gui.keyboard import shortcut_rows

    rows = dict((text, keys) for keys, text in shortcut_rows(window))
    native = QKeySequence.SequenceFormat.NativeText
    for text, keys in (("Previous step", "Left or Shift+Left"), ("Next step", "Shift+Right"),
                       ("Back 10 steps", "Shift+PgUp"), ("Forward 10 steps", "Shift+PgDown"),
                       ("First step", "Home"), ("Last step (live)", "End"),
                       ("Go to step", "Ctrl+G"), ("Mark range start (export)", "I"),
                       ("Mark range end (export)", "O"), ("Play", "Space"),
                       ("Keyboard shortcuts", "F1")):
        assert rows[text] == " or ".join(QKeySequence(one).toString(native)
                                         for one in keys.split(" or "))
    window.help_menu.actions()[0].trigger()
    box = window.findChild(QMessageBox, "keyboard-shortcuts")
    assert box is not None and box.isVisible()
    assert rows["Forward 10 steps"] in box.text() and "Go to step" in box.text()
    box.close()
