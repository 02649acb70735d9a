"""The band below the landscape: the table takes the height and width its rows need and the
note (down to the band's bottom) and the curves beside it the rest (issue 22, item 2).

Before: quadratic-stable-lr reached with N from himmelblau-map-basins at 1024 × 768 showed
its Hyperparameter map across the window and, below it, a table ~720 × 260 px with one row
and mostly blank, while the note beside it was squeezed to its title and four lines with a
scroll bar.
"""

import pytest

from tests.gui.conftest import quadratic_by_n

pytestmark = pytest.mark.gui

SIZE = (1024, 768)
#: The loss curves' least height (room_layout.CURVES_HEIGHT, written out).
CURVES_LEAST = 150
#: A name's most lines in the table before it is elided (views.table.NAME_LINES).
NAME_LINES = 3


def test_the_band_gives_the_table_its_rows_and_the_note_the_rest(window, qtbot):
    from landscape_app.gui.live.tasks import live_task_threads

    quadratic_by_n(window, qtbot, SIZE)
    views = window.views
    assert views.view_tabs.tabText(views.view_tabs.currentIndex()) == "Hyperparameter map"
    assert window.room.arrangement == "below"  # the map across, the table and note below
    table = views.table
    assert table.table_model.rowCount() == 1
    # The table's rows: its header, each row's height (its name's lines), its frame; one
    # pixel for the splitter's rounding.
    rows = (table.horizontalHeader().height() + sum(table.rowHeight(row) for row in range(1))
            + 2 * table.frameWidth())
    assert table.height() <= rows + 1
    assert not table.verticalScrollBar().isVisible()  # and all of them shown
    # Its name whole, on at most NAME_LINES lines (not elided).
    assert table.name_lines(0) <= NAME_LINES
    # The note, under the table, shows all of it (before: its title and four lines
    # with a scroll bar), the curves beside the two the band's whole height.
    note, panel = views.note_scroll, views.note_panel
    assert note.isVisible() and not note.verticalScrollBar().isVisible()
    assert note.height() >= panel.heightForWidth(note.viewport().width()) - 1
    band = views.bottom_splitter
    assert note.mapTo(window, note.rect().topLeft()).y() >= table.mapTo(
        window, table.rect().bottomLeft()).y()  # under the table
    assert views.curves.height() >= band.height() - 1
    assert views.curves.height() >= CURVES_LEAST
    # The note's card reaches the band's bottom, as the curves beside it do (before: a hole
    # of ~90 px under a short note); one pixel for the splitter's rounding.
    bottom = band.mapTo(window, band.rect().bottomLeft()).y()
    assert note.mapTo(window, note.rect().bottomLeft()).y() >= bottom - 1
    window.scenes.scene_actions["adam-vs-sgd"].trigger()  # no map task left running
    qtbot.waitUntil(lambda: live_task_threads() == [], timeout=60_000)
