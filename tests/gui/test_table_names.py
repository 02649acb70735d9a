"""A lane's long name in the race table wraps onto more lines instead of being cut (issue 22:
presenting at 1024 × 768, "Lookahead(SGD + momentum) …" ended in "…"); the table's natural
height counts the extra lines, so the arrangement gives it the room."""

import math

import pytest

from landscape_app.core.result import Status
from landscape_app.gui.views.table import NAME_LINES, NAME_PADDING, RaceTable, TableRow

from .conftest import shown

pytestmark = pytest.mark.gui

LONG = "Lookahead(SGD + momentum) (lr=0.085, k=5, α=0.5, inner momentum=0.9)"


def row(label):
    return TableRow(label, "#E69F00", 3, 4, 1.5, 1.25, math.nan, Status.RUNNING)


def test_a_long_name_wraps_and_the_table_grows_to_show_it(qtbot):
    table = shown(qtbot, RaceTable(), 1500, 300)
    table.set_size_factor(2.0)
    table.setStyleSheet("* { font-size: 20pt; }")  # presentation's enlarged type
    table.set_rows([row("Adam (lr=0.1)"), row(LONG)])
    base = table.verticalHeader().defaultSectionSize()
    qtbot.waitUntil(lambda: table.rowHeight(1) > base, timeout=2_000)
    lines = table.name_lines(1)
    assert 2 <= lines <= NAME_LINES
    assert table.rowHeight(1) == base + (lines - 1) * table.fontMetrics().lineSpacing()
    assert table.rowHeight(0) == base and table.name_lines(0) == 1
    header = table.horizontalHeader().sizeHint().height()
    assert table.natural_height(least_rows=1) == (header + 2 * base + (lines - 1)
                                                  * table.fontMetrics().lineSpacing()
                                                  + 2 * table.frameWidth())
    # every word of the name fits the column on some line: nothing is cut
    room = table.columnWidth(0) - table.iconSize().width() - NAME_PADDING
    assert max(table.fontMetrics().horizontalAdvance(w) for w in LONG.split()) <= room
    with qtbot.waitSignal(table.rowsRefitted, timeout=2_000):
        table.resize(2400, 300)  # wide enough again: one line
    assert table.rowHeight(1) == base
