"""The sharpness readout's top 5 Hessian eigenvalues on a network are computed in the
background: the readout says "computing…" while the event loop keeps running, then shows
values equal to the synchronous computation, and never the values of another step.

Equality: the background job calls the same deterministic Lanczos (seeded start vector, same
point, same float64 network, same process and thread settings) as the test does here, so the
values agree to the last bit; rtol 1e-12 leaves room only for a different reduction order
across threads (80 Lanczos steps × a few ulps each ≪ 1e-12).
"""

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from landscape_app.core.nn import build_network
from landscape_app.core.sharpness import hessian_spectrum
from landscape_app.gui.sharpness_panel import COMPUTING
from landscape_app.gui.views.table import format_number
from tests.gui.test_model_view import build_small_network, play_to_end
from tests.gui.test_sharpness_gui import click_menu

pytestmark = pytest.mark.gui

STEPS = 60  # readings at steps 0 and 50 (every DEFAULT_NETWORK_EVERY = 50)
HIDDEN = "48,48"  # 2,642 parameters: the 80 Lanczos steps take many turns of the event loop
RTOL = 1e-12


def synchronous(land, lane: int, step: int) -> np.ndarray:
    objective = build_network(land.config, "cpu")
    row = int(np.flatnonzero(np.asarray(land.lanes[lane].steps) == step)[0])
    point = objective.as_tensor(np.asarray(land.lanes[lane].trajectory[row], dtype=float))
    return hessian_spectrum(objective.evaluate, point, 5).eigenvalues


def listed(values) -> str:
    return ", ".join(format_number(v) for v in values)


def test_top_eigenvalues_arrive_from_the_background(window, qtbot):
    from PySide6.QtCore import QSettings

    from landscape_app.gui.sharpness_panel import SETTINGS_KEY

    click_menu(window, qtbot, window.view_menu, window.sharpness_view.action)
    try:
        land = build_small_network(window, qtbot, steps=STEPS, hidden=HIDDEN)
        play_to_end(window, qtbot)
        panel = window.views.sharpness
        qtbot.waitUntil(lambda: "step 50" in panel.readout.text(), timeout=10_000)
        seen: list[str] = []  # the readout at every turn of the event loop
        ticker = QTimer()
        ticker.timeout.connect(lambda: seen.append(panel.readout.text()))
        ticker.start(0)
        # another lane, chosen with the keyboard: its eigenvalues are not known yet
        assert panel.lane_box.currentIndex() == 0
        QTest.keyClick(panel.lane_box, Qt.Key.Key_Down)
        assert panel.lane_box.currentIndex() == 1
        assert f"top 5 Hessian eigenvalues: {COMPUTING}" in panel.readout.text()
        qtbot.waitUntil(lambda: COMPUTING not in panel.readout.text(), timeout=30_000)
        label = land.lanes[1].label
        expected = synchronous(land, 1, 50)
        np.testing.assert_allclose(window.sharpness_view.spectrum(label, 50), expected,
                                   rtol=RTOL)
        assert f"top 5 Hessian eigenvalues: {listed(expected)}" in panel.readout.text()
        waiting = [text for text in seen if COMPUTING in text]
        assert waiting, "the event loop did not run while the eigenvalues were computed"
        # back to step 0: computing again, never step 50's values beside step 0
        seen.clear()
        window.activateWindow()
        qtbot.keyClick(window, Qt.Key.Key_Home)
        qtbot.waitUntil(lambda: "step 0 " in panel.readout.text()
                        and COMPUTING not in panel.readout.text(), timeout=30_000)
        at_zero = synchronous(land, 1, 0)
        assert f"top 5 Hessian eigenvalues: {listed(at_zero)}" in panel.readout.text()
        assert not any("step 0 " in text and listed(expected) in text for text in seen)
        ticker.stop()
    finally:
        QSettings().remove(SETTINGS_KEY)
