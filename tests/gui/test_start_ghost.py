"""A moved start leaves no heads behind (issue 22, item 1): after a click moves the start and
Space runs the race from there, nothing is drawn at the old start any more, on the screen
itself (the window's backing store, which only the repainted parts of the view refresh)."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from landscape_app.gui.export.render import image_to_array
from landscape_app.gui.views.trails import HEAD_RADIUS, RING_STEP

pytestmark = pytest.mark.gui


def on_screen(window) -> np.ndarray:
    """The window's pixels as last drawn (not a fresh render: what the screen shows)."""
    return image_to_array(window.screen().grabWindow(window.winId()).toImage())


def head_pixels(window, image, point, lanes) -> int:
    """How many pixels around ``point`` (data) have one of the lanes' head colours."""
    view = window.views.contour
    centre = view.viewport().mapTo(window, view.data_to_viewport(*point))
    ratio = window.devicePixelRatioF()
    reach = HEAD_RADIUS * (1 + RING_STEP * len(lanes)) * ratio
    ys, xs = np.mgrid[: image.shape[0], : image.shape[1]]
    inside = (xs - centre.x() * ratio) ** 2 + (ys - centre.y() * ratio) ** 2 <= reach**2
    count = 0
    for color in window.views.contour.colors:
        rgb = np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)])
        count += int(np.count_nonzero(inside & np.all(np.abs(image.astype(int) - rgb) <= 12,
                                                       axis=-1)))
    return count


def test_the_heads_leave_the_old_start_when_a_click_moves_it(window, qtbot):
    window.sessions.ask_unsaved = False
    window.scenes.scene_actions["adam-vs-sgd"].trigger()
    worker = window.race_thread.worker
    qtbot.waitUntil(lambda: window.controller.state.start == (-1.5, 2.0)
                    and window.buffer.snapshot().generation == worker.generation
                    and len(window.buffer.snapshot().lanes) == 3, timeout=20_000)
    old = window.controller.state.start
    lanes = window.buffer.snapshot().lanes
    qtbot.waitUntil(lambda: window.room.at_rest  # the rings are there, on screen
                    and head_pixels(window, on_screen(window), old, lanes) > 20,
                    timeout=10_000)
    view = window.views.contour
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.data_to_viewport(0.0, 0.5))
    qtbot.waitUntil(lambda: window.buffer.snapshot().generation == worker.generation)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.buffer.snapshot().furthest_step >= 30, timeout=20_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not worker.playing, timeout=10_000)
    # nothing at the old start (before the fix the rings stayed there until R: this
    # waited in vain)
    qtbot.waitUntil(lambda: head_pixels(window, on_screen(window), old, lanes) == 0,
                    timeout=10_000)
