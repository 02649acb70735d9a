"""The exact drag preview comes whole, from the map engine, and is what Space then plays.

Real mouse events drag the start marker and release it; the preview shown for the last
position must arrive whole in one delivery (the lanes the map engine steps are computed at
once: no partial trails), and after Space (a real key event to the focused widget) the real
race, stepped by the race runner, must draw the very same rows — every column but the wall
time — with the same status, message and last internals.
"""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from landscape_app.engine.preview_lanes import PreviewStepper
from landscape_app.engine.traces import COLUMN
from tests.gui.conftest import drag
from tests.gui.test_keys import press
from tests.gui.test_whatif import preview_settled

pytestmark = pytest.mark.gui

STEPS = 60
#: Every column but ``time`` (wall time: different on every run).
COMPARED = [i for name, i in COLUMN.items() if name != "time"]


def _drag_and_release(window, qtbot):
    view = window.views.contour
    start = window.controller.start_point()
    path = [(start[0] + 0.06 * i, start[1] - 0.05 * i) for i in range(10)]
    drag(qtbot, view.viewport(), [view.data_to_viewport(*point) for point in path],
         pace_ms=15, release=False)
    with qtbot.waitSignal(view.startMoved, timeout=5_000):
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton,
                           pos=view.data_to_viewport(*path[-1]))
    qtbot.waitUntil(lambda: preview_settled(window), timeout=120_000)


def _lanes(window):
    return [(lane.rows.copy(), lane.status, lane.message, lane.internals)
            for lane in window.buffer.snapshot().lanes]


@pytest.mark.parametrize("with_lbfgs", [False, True])
def test_the_exact_preview_is_whole_at_once_and_is_what_space_plays(window, qtbot,
                                                                    with_lbfgs):
    from dataclasses import replace

    from landscape_app.core.optim import OptimizerSpec

    window.controls.max_steps.setValue(STEPS)
    window.controls.max_steps.editingFinished.emit()
    if with_lbfgs:  # a lane the engine cannot batch: raced beside the batched ones
        state = window.controller.state
        window.controller.set_lanes((replace(state.lanes[0], spec=OptimizerSpec("lbfgs", {})),
                                     *state.lanes[1:]))
    assert window.controller.model.preview_factory().func is PreviewStepper
    preview = window.controller.preview
    shown = []
    preview.shown.connect(shown.append)
    _drag_and_release(window, qtbot)
    final = [result for result in shown if result.serial == preview.shown_result.serial]
    assert final[0].complete is not with_lbfgs  # all batched: the first delivery is whole
    drawn = _lanes(window)
    assert len(drawn) == 4 and all(status.stopped for _, status, _, _ in drawn)
    # Space plays the real race (the race runner) from step 0; it draws the same rows.
    generation = window.race_thread.worker.generation
    window.race_thread.worker.set_speed(None)
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.race_thread.worker.generation > generation
                    and not preview.on_screen and window.buffer.snapshot().done,
                    timeout=120_000)
    played = _lanes(window)
    for (rows, status, message, internals), (real, real_status, real_message, real_int) in \
            zip(drawn, played, strict=True):
        np.testing.assert_array_equal(rows[:, COMPARED], real[:, COMPARED])
        assert (status, message) == (real_status, real_message)
        np.testing.assert_array_equal(internals.gradient, real_int.gradient)
        np.testing.assert_array_equal(internals.velocity, real_int.velocity)
