"""Every part of the room stays legible, and the arrangement depends only on the window's size
and what it shows, never on the scenes shown before (issue 22, items 2 and 8).

Before: quadratic-stable-lr reached with N from himmelblau-map-basins got a note of 3 lines
with a scroll bar and loss curves ~50 px tall, lane names cut to "SGD + …", the loss curves'
last tick label off the plot; the model view was ~200 × 115 px in the side panel at 1440 × 900
and stayed the shown tab on function scenes, with only a hint in it.
"""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF

from tests.gui.conftest import QUADRATIC, quadratic_by_n, scene_settled

pytestmark = pytest.mark.gui

#: The teacher's window (logical pixels).
SIZE = (1440, 900)
#: The least legible heights: loss curves (three decades of labels apart and the step axis),
#: the note (its title and four lines), the landscape's views (a map, not a strip).
CURVES_LEAST, NOTE_LINES, VIEWS_LEAST = 150, 4, 240
#: The least width of the optimizer names in a small window ("SGD + momentum (lr…", not
#: "SGD + …").
NAME_LEAST = 130


def note_least(panel) -> int:
    """The note's title and NOTE_LINES lines at its width (all of a shorter note)."""
    margins = panel.layout().contentsMargins()
    lines = (margins.top() + margins.bottom() + panel.title.height()
             + panel.layout().spacing() + NOTE_LINES * panel.text.fontMetrics().lineSpacing())
    return min(lines, panel.heightForWidth(panel.width()))


def tabbed(window) -> bool:
    """Whether the note and the curves are two tabs of the column."""
    return getattr(window.room.plan, "tabbed", False)


def key(qtbot, window, code):
    window.activateWindow()
    qtbot.keyClick(window, code)


def sizes(window) -> dict:
    """The sizes of the parts of the room that the teacher reads."""
    def size(widget):
        return (widget.width(), widget.height()) if widget.isVisible() else None
    return {"note": size(window.views.note_scroll), "curves": size(window.views.curves),
            "views": size(window.views.view_tabs), "table": size(window.views.table),
            "arrangement": window.room.arrangement, "tabbed": tabbed(window)}


def check_legible(window, whole_names: bool = True) -> None:
    """Curves at least CURVES_LEAST tall, the note its title and NOTE_LINES lines (or the
    two as tabs), whole lane names (or at least NAME_LEAST pixels of them), the last x tick
    label inside the curves' widget."""
    assert window.views.curves.height() >= CURVES_LEAST
    if not tabbed(window) and window.views.note_panel.has_note:
        assert window.views.note_scroll.height() >= note_least(window.views.note_panel) - 1
    table = window.views.table
    name = table.sizeHintForColumn(0)
    assert table.columnWidth(0) >= (name if whole_names else min(name, NAME_LEAST))
    plot = window.views.curves.plot_item
    right = plot.vb.sceneBoundingRect().right()
    label = QFontMetricsF(plot.getAxis("bottom").font()).horizontalAdvance("1000")
    assert window.views.curves.width() - right >= label / 2  # the last tick label fits
    views = window.views.view_tabs
    assert views.height() >= VIEWS_LEAST  # a map, not a strip
    bar = views.tabBar()
    for index in range(bar.count()):  # every tab's title whole ("ameter map")
        assert bar.tabRect(index).width() >= bar.tabSizeHint(index).width() - 1
        assert bar.rect().contains(bar.tabRect(index))


def test_a_scene_looks_the_same_however_it_was_reached(window, qtbot):
    quadratic_by_n(window, qtbot, SIZE)  # after a start map and its tab
    quadratic = QUADRATIC
    check_legible(window)
    by_n = sizes(window)
    window.scenes.scene_actions["adam-vs-sgd"].trigger()  # something else in between
    scene_settled(window, qtbot, "Adam vs SGD on Rosenbrock")
    check_legible(window)
    window.scenes.scene_actions["quadratic-stable-lr"].trigger()
    scene_settled(window, qtbot, quadratic)
    assert sizes(window) == by_n
    leave_without_maps(window, qtbot)


def leave_without_maps(window, qtbot) -> None:
    """Open a scene without a map, and wait for the last scene's map task to stop."""
    from landscape_app.gui.live.tasks import live_task_threads

    window.scenes.scene_actions["adam-vs-sgd"].trigger()
    qtbot.waitUntil(lambda: live_task_threads() == [], timeout=60_000)


def test_the_model_view_is_legible_and_leaves_with_its_network(window, qtbot):
    window.sessions.ask_unsaved = False
    window.resize(*SIZE)
    qtbot.waitUntil(lambda: window.size().toTuple() == SIZE and window.room.settled)
    dock = window.model_dock.dock
    window.scenes.scene_actions["two-moons"].trigger()
    qtbot.waitUntil(lambda: dock.isVisible() and window.controller.landscape is not None
                    and window.controller.landscape.kind == "network", timeout=120_000)
    view = window.model_dock.view
    qtbot.waitUntil(lambda: window.room.at_rest and min(view.width(), view.height()) >= 320,
                    timeout=10_000)
    assert not dock.visibleRegion().isEmpty()  # the shown tab, not one behind another
    assert min(view.width(), view.height()) >= 320
    key(qtbot, window, Qt.Key.Key_P)  # seed-pca: a network too
    key(qtbot, window, Qt.Key.Key_P)  # steps-vs-evaluations: a function
    qtbot.waitUntil(lambda: window.controller.state.landscape.kind == "function"
                    and window.controller.grid is not None, timeout=30_000)
    qtbot.waitUntil(lambda: not dock.isVisible(), timeout=10_000)
    assert not window.docks.landscape.visibleRegion().isEmpty()  # its tab shows something


def test_a_small_window_keeps_every_part_legible_and_every_tool_in_sight(window, qtbot):
    """900 × 650: before, the note showed only its title, the curves' tick labels overlapped
    and the internals box hid behind a blank overflow button."""
    window.sessions.ask_unsaved = False
    window.resize(900, 650)
    qtbot.waitUntil(lambda: window.size().toTuple() == (900, 650) and window.room.settled)
    for scene, title in (("adam-vs-sgd", "Adam vs SGD on Rosenbrock"),
                         ("quadratic-stable-lr", "The largest stable learning rate: 2/λ_max")):
        window.scenes.scene_actions[scene].trigger()
        scene_settled(window, qtbot, title)
        check_legible(window, whole_names=False)
        toolbar = window.controls
        assert toolbar.internals.isVisible()  # on the toolbar, not behind its overflow
        assert toolbar.rect().contains(toolbar.internals.geometry())
    leave_without_maps(window, qtbot)
