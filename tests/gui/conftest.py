"""Fixtures of the window tests: the offscreen platform, a ready window, no leftovers.

Every test here runs on Qt's ``offscreen`` platform (a 2560×1440 screen: :data:`TEST_SCREEN`)
unless ``QT_QPA_PLATFORM`` says otherwise
(the OpenGL tests are run on ``xcb`` under Xvfb, see ``test_surface3d.py``). A test fails if it
leaves a worker thread, a background task thread or an active window timer behind, and (by
pytest-qt's ``qt_log_level_fail``) if Qt logs a warning.
"""

import json
import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The window remembers its geometry (QSettings): keep the tests' out of the user's settings
# and from one another's.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="landscape-app-tests-")
#: The offscreen screen the window tests run on (logical pixels): a desktop wide enough for
#: the window to open with both side panels on their own sides (landscape_app.gui.room; the
#: smaller screens are tests/gui/test_room.py's).
TEST_SCREEN = (2560, 1440)
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    _config = os.path.join(os.environ["XDG_CONFIG_HOME"], "offscreen-screen.json")
    with open(_config, "w", encoding="utf-8") as _file:
        json.dump({"screens": [{"name": "desk", "x": 0, "y": 0, "width": TEST_SCREEN[0],
                                "height": TEST_SCREEN[1], "logicalDpi": 96,
                                "logicalBaseDpi": 96, "dpr": 1}]}, _file)
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_config}"

import pytest  # noqa: E402

#: Qt's offscreen platform logs this whenever a top-level window's size limits change; it is
#: a limitation of that platform plugin, not of the window.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"
#: ...and this when a popup menu opens: it can neither raise it nor grab the keyboard for it.
OFFSCREEN_POPUP_NOISE = "This plugin does not support (raise|grabbing the keyboard)"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/gui" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, OFFSCREEN_POPUP_NOISE))


@pytest.fixture
def forget_sharpness():
    """View ▸ Sharpness is remembered in the settings: forgotten after the test, so the next
    test's window starts without it."""
    yield
    from PySide6.QtCore import QSettings

    from landscape_app.gui.sharpness_panel import SETTINGS_KEY

    QSettings().remove(SETTINGS_KEY)


@pytest.fixture
def opengl(qapp):
    """OpenGL for a test that draws the 3D view: skipped, with the command that runs it, on a
    platform without OpenGL (offscreen); failed where the platform should have it but no
    context can be made."""
    from PySide6.QtGui import QGuiApplication

    from landscape_app.gui.views.surface3d import NO_GL_PLATFORMS, opengl_available

    available, reason = opengl_available()
    if not available:
        platform = QGuiApplication.platformName()
        if platform in NO_GL_PLATFORMS:
            pytest.skip(f"{reason} — run: QT_QPA_PLATFORM=xcb pytest -m gl tests/gui")
        pytest.fail(f"OpenGL should work on the Qt platform '{platform}' but: {reason}")


def shown(qtbot, widget, width: int, height: int):
    """``widget`` at ``width`` × ``height``, on screen (exposed), closed after the test."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def drag(qtbot, widget, points, pace_ms: int = 0, release: bool = True) -> None:
    """A left-button drag with real mouse events through ``points`` (``QPoint``s in
    ``widget``'s pixels): a press on the first, a move to each of the others, a release on
    the last (unless ``release`` is false: the caller releases, e.g. inside ``waitSignal``).
    ``pace_ms`` between moves is a hand's pace, for what the window does while a drag goes
    on (previews); 0 moves as fast as events can go."""
    from PySide6.QtCore import Qt

    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=points[0])
    for point in points[1:]:
        qtbot.mouseMove(widget, pos=point)
        if pace_ms:
            qtbot.wait(pace_ms)  # the pace is the behaviour: the window works between moves
    if release:
        qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=points[-1])


def scene_settled(window, qtbot, title: str) -> None:
    """Wait for the scene titled ``title`` to be on screen (its landscape drawn) and the
    room's layout at rest (its image laid out too)."""
    qtbot.waitUntil(lambda: window.controller.state.title == title
                    and window.controller.grid is not None, timeout=30_000)
    qtbot.waitUntil(lambda: window.room.at_rest, timeout=10_000)


#: quadratic-stable-lr's title, and the scene before it in the Scenes menu's order.
QUADRATIC = "The largest stable learning rate: 2/λ_max"
HIMMELBLAU_MAP = "Himmelblau's four basins, start by start"


def quadratic_by_n(window, qtbot, size: tuple[int, int]) -> None:
    """The teacher's path of issue 22.2: the window at ``size``, himmelblau-map-basins from
    the Scenes menu, then N (a real key press) to quadratic-stable-lr, settled."""
    from PySide6.QtCore import Qt

    window.sessions.ask_unsaved = False
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().toTuple() == size and window.room.settled)
    window.scenes.scene_actions["himmelblau-map-basins"].trigger()
    scene_settled(window, qtbot, HIMMELBLAU_MAP)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_N)  # the next scene: quadratic-stable-lr
    scene_settled(window, qtbot, QUADRATIC)


def pick_from_button_menu(qtbot, button, action) -> None:
    """Click ``button`` and then ``action`` in the menu it pops up, with real mouse events
    (the menu runs modally: the click on it is sent once it is visible)."""
    from PySide6.QtCore import Qt, QTimer

    menu = button.menu()

    def click_once_open():
        if not menu.isVisible():
            QTimer.singleShot(10, click_once_open)
            return
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton,
                         pos=menu.actionGeometry(action).center())
        menu.close()  # already closed by the click; a missed click must not hang the test

    QTimer.singleShot(0, click_once_open)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # opens the menu, returns when it closes


@pytest.fixture(scope="session")
def warm_engine():
    """Import torch, the optimizers and torch.optim's lazy ``torch._dynamo`` once per session
    (a first optimizer step would otherwise spend seconds importing it)."""
    import torch
    import torch._dynamo  # noqa: F401

    from landscape_app.gui.live.loader import import_core

    import_core()
    return torch


@pytest.fixture(autouse=True)
def no_leftover_threads():
    """Fail a test that leaves a race worker or a background task running."""
    yield
    from landscape_app.gui.live.tasks import live_task_threads
    from landscape_app.gui.live.worker import live_threads

    assert live_threads() == [], "a race worker thread was left running"
    assert live_task_threads() == [], "a background task thread was left running"


def active_timers(widget):
    from PySide6.QtCore import QTimer

    return [timer for timer in widget.findChildren(QTimer) if timer.isActive()]


@pytest.fixture
def window(qtbot, warm_engine):
    """A main window, shown, with its engine loaded and its first race published."""
    from PySide6.QtCore import QSettings

    from landscape_app.gui.main_window import MainWindow

    QSettings().remove("window")  # no geometry remembered from an earlier test's window
    main = MainWindow()
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.coreReady, timeout=60_000):
        main.show()
    qtbot.waitUntil(lambda: len(main.buffer.snapshot().lanes) > 0
                    and main.controller.grid is not None, timeout=60_000)
    qtbot.waitUntil(lambda: main.room.settled, timeout=10_000)  # the layout is at rest
    yield main
    main.close()
    left = [f"{type(timer.parent()).__name__}'s {timer.interval()}-ms timer"
            for timer in active_timers(main)]  # whose timer, to find it
    assert left == [], "a window timer was left running"
