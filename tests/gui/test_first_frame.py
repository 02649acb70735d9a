"""A 2D scene is drawn before torch is imported, and Play pressed meanwhile is not lost.

Both run in a fresh interpreter (a subprocess): in this one torch is already imported, and
the engine would load before a key could be pressed.
"""

import json
import os
import subprocess
import sys

from landscape_app.state.first_frame import DEFAULT_LABELS, first_frame

#: A child process: the window of a scene, its first paint checked, Space pressed (a real key
#: event, to the focus widget) before the engine is in, then the race awaited.
CHILD = r"""
import json, sys, time
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from landscape_app.gui.app import LaunchOptions, create_application
from landscape_app.gui.main_window import MainWindow

app = create_application([])
window = MainWindow(LaunchOptions(scene_id="adam-vs-sgd"))
seen = {}
def painted():
    if "torch" not in seen and window.views.contour.image.image is not None:
        seen["torch"] = "torch" in sys.modules
window.views.contour.painted.connect(painted)
window.show()
window.activateWindow()
deadline = time.monotonic() + 20
while "torch" not in seen and time.monotonic() < deadline:
    app.processEvents()
table = window.views.table.model()
seen["rows"] = [table.index(row, 0).data() for row in range(table.rowCount())]
seen["note"] = window.views.note_panel.has_note and window.views.note_panel.isVisible()
seen["engine_before_key"] = window.controller is not None
QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Space)
seen["held"] = window.controls.play_action.isChecked()
loop = QEventLoop()
window.coreReady.connect(loop.quit)
QTimer.singleShot(120_000, loop.quit)
loop.exec()
deadline = time.monotonic() + 60
while time.monotonic() < deadline and window.buffer.snapshot().furthest_step < 5:
    app.processEvents()
seen["steps"] = window.buffer.snapshot().furthest_step
seen["playing"] = window.race_thread.worker.playing
window.close()
print("RESULT " + json.dumps(seen), flush=True)
"""


def test_a_2d_scene_is_drawn_before_torch_and_space_meanwhile_starts_the_race():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                            timeout=240, env=env)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, result.stderr[-2000:]
    seen = json.loads(lines[-1][len("RESULT "):])
    assert seen["torch"] is False  # the landscape was painted with torch not yet imported
    assert seen["rows"] == ["SGD", "momentum", "Adam"]  # the scene's lanes, in the table
    assert seen["note"] is True
    assert seen["engine_before_key"] is False  # the key came while the engine was loading
    assert seen["held"] is True
    assert seen["playing"] is True and seen["steps"] >= 5  # ...and was acted on


def test_the_command_line_reports_the_landscape_painted_before_torch():
    """``gui --scene … --report-startup`` (what ``bench/ui.py`` times): the mark of the first
    paint showing the landscape says torch was not imported yet."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    marks = []
    with subprocess.Popen(
            [sys.executable, "-m", "landscape_app", "gui", "--scene", "adam-vs-sgd",
             "--report-startup"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, env=env) as process:
        try:
            for line in process.stdout:
                marks.append(line.strip())
                if line.startswith(("landscape-painted", "core-ready")):
                    break
        finally:
            process.terminate()
            process.communicate(timeout=30)
    assert "landscape-painted torch=False" in marks


def test_the_default_race_is_named_as_the_engine_names_it(warm_engine):
    from landscape_app.state.lanes import default_session

    lanes = default_session().lanes
    assert tuple(lane.label for lane in lanes) == DEFAULT_LABELS
    assert first_frame(None).lanes == tuple((lane.label, lane.color) for lane in lanes)


def test_the_first_frame_draws_the_grid_the_engine_draws(warm_engine):
    """Same formula, same points: the NumPy grid of the first frame and the torch grid of the
    engine agree to rounding. Tolerance: each formula applies at most ~30 rounded operations
    to values no larger than the grid's largest term; each operation (NumPy's and torch's
    libm-grade cos/sin/exp/sqrt, correct to ≤ 1 ulp) contributes ≤ 1 ulp of that magnitude,
    so |Δ| ≤ 2 × 30 × ε × max|f| (2: two implementations), scaled by 1 + the scene's
    largest amplification of a rounded input by a term (Rastrigin's 10·2π ≈ 63)."""
    import numpy as np

    from landscape_app.core.catalogue.function_forms import FORMS
    from landscape_app.state.model import LandscapeSpec, build_landscape

    for function_id in FORMS:
        frame = first_frame(_options(function=function_id))
        grid = build_landscape(LandscapeSpec("function", function_id)).grid(64)
        ours = first_frame(_options(function=function_id, resolution=64)).grid
        assert frame is not None
        np.testing.assert_array_equal(ours.xs, grid.xs)
        scale = np.nanmax(np.abs(grid.values))
        tolerance = 2 * 30 * np.finfo(float).eps * scale * (1 + 20 * np.pi)
        np.testing.assert_allclose(ours.values, grid.values, rtol=0, atol=tolerance,
                                   err_msg=function_id)


def _options(function, resolution=None):
    from landscape_app.gui.app import LaunchOptions

    if resolution is None:
        return LaunchOptions(function=function)
    from landscape_app.state.model import LandscapeSpec as Spec
    from landscape_app.state.model import SessionState, ViewSettings

    return LaunchOptions(function=function, session=SessionState(
        landscape=Spec("function", function), lanes=(),
        view=ViewSettings(resolution=resolution)))
