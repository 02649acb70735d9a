"""Scenes in the window and presentation mode: the note, the keys, entering and leaving."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QSplitter, QToolBar

from landscape_app.gui.classroom.presentation import FONT_FACTOR, SIZE_FACTOR, screen_scale
from landscape_app.state.scenes import SCENE_ORDER, load_scene

pytestmark = pytest.mark.gui


def key(qtbot, widget, code):
    """A key press where ``widget`` has the focus (shortcuts are window-wide)."""
    widget.window().activateWindow()
    qtbot.keyClick(widget, code)


def layout_of(window):
    """What presentation mode must put back exactly."""
    return {
        "size": window.size(),
        "full screen": window.isFullScreen(),
        "splitters": [s.sizes() for s in window.centralWidget().findChildren(QSplitter)],
        "docks": [(d.isVisible(), d.width()) for d in window.findChildren(QDockWidget)],
        "toolbars": [t.isVisible() for t in window.findChildren(QToolBar)],
        "menu": window.menuBar().isVisible(),
        "status": window.statusBar().isVisible(),
        "font": window.views.table.font().pointSizeF(),
        "tick font": window.views.contour.plot_item.getAxis("left").style["tickFont"],
        "row height": window.views.table.verticalHeader().defaultSectionSize(),
        "table height": (window.views.table.minimumHeight(), window.views.table.maximumHeight()),
    }


def same_layout(now, before, slack=24):
    """The same layout; the splitters (which the arrangement sizes from the window's size,
    landscape_app.gui.room) to ``slack`` pixels: the timeline bar (about 20 px), hidden while
    presenting, may come back to the landscape's or the table's side of a splitter."""
    plain = [key for key in before if key != "splitters"]
    if any(now[key] != before[key] for key in plain):
        return False
    sizes = sorted(now["splitters"]), sorted(before["splitters"])
    return all(len(a) == len(b) and all(abs(x - y) <= slack for x, y in zip(a, b, strict=True))
               for a, b in zip(*sizes, strict=True))


def test_a_scene_from_the_menu_shows_its_note_and_a_new_session_hides_it(window, qtbot):
    action = window.scenes.scene_actions["saddle-trap"]
    action.trigger()
    scene = load_scene("saddle-trap")
    state = window.current_session()
    assert state.title == scene.title and state.landscape == scene.state.landscape
    assert [lane.spec for lane in state.lanes] == [lane.spec for lane in scene.state.lanes]
    assert window.views.note_panel.isVisible()
    assert window.views.note_panel.title.text() == scene.title
    assert window.views.note_panel.text.text() == scene.note.strip()
    assert action.isChecked() and scene.title in window.windowTitle()
    assert not window.isWindowModified()
    window.sessions.new()
    assert not window.views.note_panel.isVisible()
    assert not any(a.isChecked() for a in window.scenes.scene_actions.values())


def test_n_and_p_step_through_the_scenes_in_teaching_order(window, qtbot):
    key(qtbot, window.views.contour, Qt.Key.Key_N)  # no scene on screen: N opens the first
    assert window.scenes.current == SCENE_ORDER[0]
    key(qtbot, window.views.contour, Qt.Key.Key_N)
    assert window.scenes.current == SCENE_ORDER[1]
    key(qtbot, window.views.contour, Qt.Key.Key_P)
    key(qtbot, window.views.contour, Qt.Key.Key_P)  # wraps around to the last
    assert window.scenes.current == SCENE_ORDER[-1]
    assert window.current_session().title == load_scene(SCENE_ORDER[-1]).title


def test_keys_typed_in_a_text_field_stay_there_in_normal_mode(window, qtbot):
    panel = window.landscape_panel
    panel.tabs.setCurrentIndex(1)
    edit = panel.expression
    edit.setFocus()
    before = window.current_session()
    key(qtbot, edit, Qt.Key.Key_N)
    key(qtbot, edit, Qt.Key.Key_1)
    key(qtbot, edit, Qt.Key.Key_P)
    assert edit.text() == "n1p"
    assert window.scenes.current is None
    assert window.current_session().lanes == before.lanes


def test_presentation_mode_enters_is_driven_by_keys_and_leaves_as_it_was(window, qtbot):
    assert window.scenes.load("adam-vs-sgd")
    window.resize(780, 700)  # a small window (its panels collapsed), so it can come back
    qtbot.waitUntil(lambda: window.size().width() == 780 and window.room.settled)
    before = layout_of(window)
    worker, controller = window.race_thread.worker, window.controller

    key(qtbot, window.views.table, Qt.Key.Key_F11)
    assert window.presentation.active and window.isFullScreen()
    assert not any(d.isVisible() for d in window.findChildren(QDockWidget))
    assert not window.controls.isVisible() and not window.menuBar().isVisible()
    assert not window.statusBar().isVisible() and not window.views.note_panel.isVisible()
    assert window.views.caption.isVisible()
    assert window.views.caption.text.text() == load_scene("adam-vs-sgd").note.strip()
    # Type and lines grow with the screen's height (2× the font at 1080 lines).
    scale = screen_scale(window.screen().geometry().height())
    presentation = window.presentation
    assert presentation.font_factor == pytest.approx(FONT_FACTOR * scale)
    assert presentation.size_factor == pytest.approx(SIZE_FACTOR * scale)
    table_font = window.views.table.font().pointSizeF()
    assert table_font >= 0.95 * presentation.font_factor * before["font"]
    tick_font = window.views.contour.plot_item.getAxis("left").style["tickFont"]
    assert tick_font is not None and tick_font.pixelSize() >= 20 * scale
    assert window.views.curves.line_width > 4 * scale
    assert window.views.contour.trails._size_factor == pytest.approx(presentation.size_factor)
    assert (window.views.table.verticalHeader().defaultSectionSize()
            > 2 * scale * before["row height"])
    assert window.presentation.loss_ticks.active  # decades only: large labels do not overlap

    # The keys work wherever the focus is.
    window.views.table.setFocus()
    key(qtbot, window.views.table, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: worker.playing)
    key(qtbot, window.views.table, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not worker.playing)
    qtbot.waitUntil(lambda: not worker.busy)  # a batch begun before the pause is published
    steps = window.buffer.snapshot().furthest_step
    key(qtbot, window.views.curves, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.buffer.snapshot().furthest_step == steps + 1)
    generation = worker.generation
    key(qtbot, window.views.contour, Qt.Key.Key_R)
    assert worker.generation == generation + 1
    qtbot.waitUntil(lambda: window.buffer.snapshot().generation == worker.generation)
    assert window.buffer.snapshot().furthest_step == 0
    key(qtbot, window.views.contour, Qt.Key.Key_1)
    assert [lane.visible for lane in controller.state.lanes] == [False, True, True]
    assert not window.optimizer_panel.cards[0].visible_box.isChecked()
    key(qtbot, window.views.contour, Qt.Key.Key_1)
    assert controller.state.lanes[0].visible
    key(qtbot, window.views.contour, Qt.Key.Key_Escape)
    assert not window.presentation.active
    qtbot.waitUntil(lambda: window.room.settled and same_layout(layout_of(window), before),
                    timeout=5_000)
    assert not window.views.caption.isVisible() and window.views.note_panel.isVisible()
    assert not window.presentation.loss_ticks.active
    key(qtbot, window.views.contour, Qt.Key.Key_Escape)  # Esc outside presentation: nothing
    assert not window.presentation.active and not window.isFullScreen()


def test_n_loads_the_next_scene_while_presenting(window, qtbot):
    assert window.scenes.load("adam-vs-sgd")
    key(qtbot, window.views.contour, Qt.Key.Key_F5)
    assert window.presentation.active
    key(qtbot, window.views.table, Qt.Key.Key_N)
    following = load_scene(SCENE_ORDER[SCENE_ORDER.index("adam-vs-sgd") + 1])
    assert window.current_session().title == following.title
    assert window.views.caption.title.text() == following.title
    assert window.views.caption.text.text() == following.note.strip()
    assert window.presentation.active and window.isFullScreen()
    assert not window.views.note_panel.isVisible() and not window.menuBar().isVisible()
    key(qtbot, window.views.table, Qt.Key.Key_Escape)
    assert window.menuBar().isVisible() and window.controls.isVisible()
    note = window.views.note_panel
    assert note.isVisible() and note.title.text() == following.title


def test_the_command_line_opens_a_scene_in_presentation_mode(qtbot, warm_engine, capsys,
                                                             tmp_path):
    from landscape_app.cli import build_parser, main
    from landscape_app.cli.gui_cmd import launch_options
    from landscape_app.gui.app import open_window

    assert main(["gui", "--scene", "no-such-scene"]) == 2
    assert "unknown scene 'no-such-scene'" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "landscape-app-session"')
    assert main(["gui", "--session", str(broken)]) == 2
    assert "invalid JSON" in capsys.readouterr().err
    args = build_parser().parse_args(["gui", "--scene", "rastrigin-global", "--presentation",
                                      "--steps", "40"])
    options = launch_options(args)
    assert options.presentation and options.scene_id == "rastrigin-global"
    window = open_window(options)
    qtbot.addWidget(window)
    try:
        assert window.isFullScreen() and window.presentation.active
        qtbot.waitUntil(lambda: window.sessions is not None and window.controller.grid
                        is not None, timeout=60_000)
        state = window.current_session()
        assert state.title == load_scene("rastrigin-global").title and state.max_steps == 40
        assert window.scenes.current == "rastrigin-global"
        assert window.views.caption.isVisible() and not window.views.note_panel.isVisible()
        assert not any(d.isVisible() for d in window.findChildren(QDockWidget))
    finally:
        window.close()
