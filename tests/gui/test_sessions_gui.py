"""Sessions from the File menu: save, open in a fresh window, the same race; refusals."""

import json

import numpy as np
import pytest

from landscape_app.engine.traces import COLUMNS
from landscape_app.gui.live.tasks import live_task_threads

pytestmark = pytest.mark.gui

STEPS = 15
#: Every column but wall time must match exactly between two runs.
COMPARED = [i for i, name in enumerate(COLUMNS) if name != "time"]


@pytest.fixture
def fresh_window(qtbot, warm_engine):
    """A second main window, ready, closed at the end."""
    from landscape_app.gui.main_window import MainWindow

    windows = []

    def make():
        window = MainWindow()
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.coreReady, timeout=60_000):
            window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


def run_steps(window, qtbot, steps):
    """Step every lane ``steps`` times from the start; the rows of each lane."""
    worker = window.race_thread.worker
    qtbot.waitUntil(lambda: window.buffer.snapshot().generation == worker.generation
                    and len(window.buffer.snapshot().lanes) > 0)
    for _ in range(steps):
        worker.step_once()
    qtbot.waitUntil(lambda: window.buffer.snapshot().furthest_step == steps, timeout=10_000)
    return [np.array(lane.rows[:, COMPARED]) for lane in window.buffer.snapshot().lanes]


def test_a_saved_session_reopens_identically_and_replays_the_same_race(
        window, fresh_window, qtbot, tmp_path):
    sessions, controller = window.sessions, window.controller
    assert window.scenes.load("adam-vs-sgd")
    window.lane_keys.toggle(1)  # hide the momentum lane
    controller.set_start(-1.2, 1.8)
    window.display_panel.colormap.setCurrentText("magma")
    controller.set_max_steps(200)
    assert window.isWindowModified()
    expected = run_steps(window, qtbot, STEPS)

    path = tmp_path / "race.json"
    assert sessions.save_to(path)
    assert not window.isWindowModified() and "race.json" in window.windowTitle()
    saved = json.loads(path.read_text())
    assert saved["start"] == [-1.2, 1.8] and saved["view"]["colormap"] == "magma"
    assert [lane["visible"] for lane in saved["lanes"]] == [True, False, True]

    other = fresh_window()
    assert other.sessions.open_path(path)
    assert other.current_session() == window.current_session()
    assert other.display_panel.colormap.currentText() == "magma"
    assert not other.optimizer_panel.cards[1].visible_box.isChecked()
    assert other.views.note_panel.isVisible() and "race.json" in other.windowTitle()
    replayed = run_steps(other, qtbot, STEPS)
    assert len(replayed) == len(expected) == 3
    for mine, theirs in zip(expected, replayed, strict=True):
        assert mine.shape == (STEPS + 1, len(COMPARED))
        assert np.array_equal(mine, theirs, equal_nan=True)  # bit for bit (NaN: no batch loss)
    model = other.views.table.table_model
    qtbot.waitUntil(lambda: [row.step for row in model.rows] == [STEPS] * 3)
    loss = COMPARED.index(COLUMNS.index("loss"))
    assert [row.loss for row in model.rows] == [float(rows[-1, loss]) for rows in expected]


BROKEN = [
    ("{ not json", "invalid JSON at line 1"),
    ('{"format": "landscape-app-session", "version": 9, "landscape": {"kind": "function"},'
     ' "lanes": []}', "newer Loss Landscape Lab"),
    ('{"format": "landscape-app-session", "version": 1, "landscape": {"kind": "function",'
     ' "function": "rosenbrock"}, "lanes": [{"label": "a", "spec": {"id": "adamm"}}]}',
     "lanes[0].spec.id"),
    ('{"format": "landscape-app-session", "version": 1, "landscape": {"kind": "function",'
     ' "function": "rosenbrock"}, "lanes": [], "view": {"colormap": "jet"}}',
     "view.colormap: 'jet'"),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_a_broken_file_is_refused_with_a_message_and_the_session_kept(
        window, qtbot, tmp_path, text, message):
    assert window.scenes.load("saddle-trap")
    before, title = window.current_session(), window.windowTitle()
    generation = window.race_thread.worker.generation
    path = tmp_path / "broken.json"
    path.write_text(text)
    assert not window.sessions.open_path(path)
    box = window.sessions.problem
    assert box.isVisible() and message in box.informativeText()
    assert "current one is kept" in box.text()
    assert message in window.statusBar().currentMessage()
    assert window.current_session() == before and window.windowTitle() == title
    assert window.race_thread.worker.generation == generation
    assert window.scenes.current == "saddle-trap" and window.views.note_panel.isVisible()
    box.close()


def test_new_session_and_an_unwritable_save(window, qtbot, tmp_path):
    sessions, controller = window.sessions, window.controller
    assert window.scenes.load("two-moons")
    assert window.current_session().landscape.kind == "network"
    sessions.new()  # while the network is still training: that run is dropped
    state = window.current_session()
    assert state.title == "" and state.landscape.function == "rosenbrock"
    assert "untitled" in window.windowTitle() and not window.isWindowModified()
    qtbot.waitUntil(lambda: live_task_threads() == [], timeout=30_000)
    # the task's end reaches the window as a queued signal
    qtbot.waitUntil(lambda: controller.landscape.live and controller.model.blocked is None)
    assert controller.current_session().landscape.kind == "function"
    assert not sessions.save_to(tmp_path / "missing" / "race.json")
    assert "does not exist" in sessions.problem.informativeText()
    assert not (tmp_path / "missing").exists() and sessions.path is None
    sessions.problem.close()
    assert sessions.save_to(tmp_path / "race.json")
    window.controller.set_max_steps(77)
    assert window.isWindowModified()
    assert sessions.save()  # back to the same file, no dialog
    assert json.loads((tmp_path / "race.json").read_text())["max_steps"] == 77
    assert not window.isWindowModified()
