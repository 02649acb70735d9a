"""The timeline's slider and keys (issue 22.6): a click on the track shows the step under the
cursor, ← steps back as → steps forward, and the slider keeps its length when "(live)" comes
and goes in its readout. Real mouse clicks and key presses."""

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSlider

pytestmark = pytest.mark.gui

STEPS = 80


def key(qtbot, window, code, modifier=Qt.KeyboardModifier.NoModifier):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(QApplication.focusWidget() or window, code, modifier)


def run_to_end(window, qtbot):
    window.controls.max_steps.setValue(STEPS)
    window.controls.max_steps.editingFinished.emit()
    window.controls.speed.setCurrentIndex(window.controls.speed.findData(None))
    key(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.buffer.snapshot().done, timeout=60_000)
    qtbot.waitUntil(lambda: window.timeline.step == STEPS)


def track_point(slider, fraction):
    """The point of the track where the handle's centre stands at ``fraction`` of the
    range (from the style's groove and handle rectangles)."""
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    control = QStyle.ComplexControl.CC_Slider
    groove = slider.style().subControlRect(control, option, QStyle.SubControl.SC_SliderGroove,
                                           slider)
    handle = slider.style().subControlRect(control, option, QStyle.SubControl.SC_SliderHandle,
                                           slider)
    span = groove.width() - handle.width()
    x = round(groove.x() + handle.width() / 2 + fraction * span)
    return QPoint(x, groove.center().y()), span


def test_a_click_on_the_track_shows_the_step_under_the_cursor(window, qtbot):
    run_to_end(window, qtbot)
    key(qtbot, window, Qt.Key.Key_Home)
    slider = window.views.timeline_bar.slider
    assert window.timeline.step == 0 and slider.value() == 0
    point, span = track_point(slider, 0.75)
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=point)
    # One pixel of track is STEPS / span steps; the point is rounded to the nearest pixel.
    tolerance = STEPS / span
    assert abs(window.timeline.step - 0.75 * STEPS) <= tolerance
    assert slider.value() == window.timeline.step
    qtbot.waitUntil(lambda: window.views.table.table_model.rows[0].step == window.timeline.step)
    point, _ = track_point(slider, 0.25)  # and back, past the handle
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=point)
    assert abs(window.timeline.step - 0.25 * STEPS) <= tolerance


def test_left_steps_back_and_right_forward(window, qtbot):
    run_to_end(window, qtbot)
    key(qtbot, window, Qt.Key.Key_Left)
    assert window.timeline.step == STEPS - 1 and window.timeline.shown_step == STEPS - 1
    key(qtbot, window, Qt.Key.Key_Left)
    assert window.timeline.step == STEPS - 2
    key(qtbot, window, Qt.Key.Key_Right)
    assert window.timeline.step == STEPS - 1
    key(qtbot, window, Qt.Key.Key_Home)
    key(qtbot, window, Qt.Key.Key_Left)  # nothing before the first step
    assert window.timeline.step == 0


def test_the_slider_keeps_its_length_when_live_comes_and_goes(window, qtbot):
    """Home, then End: the slider keeps its length as "(live)" comes back, once the window's
    arrangement is settled."""
    run_to_end(window, qtbot)
    bar = window.views.timeline_bar

    def lengths():
        """The readout's width and the slider's share of the bar, once the window's
        arrangement is settled (the panels may still move after the race ends)."""
        qtbot.waitUntil(lambda: window.room.at_rest, timeout=10_000)
        bar.layout().activate()
        return bar.readout.width(), bar.width() - bar.slider.width()

    key(qtbot, window, Qt.Key.Key_Home)
    assert "(live)" not in bar.readout.text()
    before = lengths()
    key(qtbot, window, Qt.Key.Key_End)  # the last step: live again
    qtbot.waitUntil(lambda: bar.readout.text() == f"step {STEPS} / {STEPS} (live)")
    assert lengths() == before


def test_the_readout_keeps_the_planned_race_s_room_from_its_first_step(window, qtbot):
    """A race of 80 steps played at 10 steps/s: its readout reads "step 3 / 3 (live)" early
    on and "step 80 / 80 (live)" at the end, in the same room (the widest text of the
    planned race), so the slider's length does not change as the steps gain a digit."""
    bar = window.views.timeline_bar
    window.controls.max_steps.setValue(STEPS)
    window.controls.max_steps.editingFinished.emit()  # the room of "step 80 / 80 (live)"
    assert bar.readout.minimumWidth() == bar.readout.fontMetrics().horizontalAdvance(
        "step 88 / 88 (live)") + 2
    window.controls.speed.setCurrentIndex(window.controls.speed.findData(10))
    rooms = {}  # the readout's room at each text it showed, every turn of the event loop
    sampler = QTimer()
    sampler.timeout.connect(lambda: rooms.setdefault(bar.readout.text(),
                                                     bar.readout.minimumWidth()))
    sampler.start(0)
    key(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: any(text.endswith(" (live)") and len(text.split()[1]) == 1
                                for text in rooms), timeout=10_000)  # a one-digit step
    window.controls.speed.setCurrentIndex(window.controls.speed.findData(None))
    qtbot.waitUntil(lambda: bar.readout.text() == f"step {STEPS} / {STEPS} (live)",
                    timeout=30_000)
    sampler.stop()
    assert len(set(rooms.values())) == 1, rooms
