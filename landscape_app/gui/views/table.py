"""The live race table: one row per lane with its step, work done, losses and status, and
with the sharpness panel shown (:meth:`RaceTable.show_sharpness`) the lane's last measured
λ_max against its stability threshold."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView

from landscape_app.core.result import Status
from landscape_app.gui import style

COLUMNS = ("optimizer", "step", "evals", "loss", "best loss", "to minimum", "status",
           "λ_max / threshold")
#: Smallest width of each column (pixels); wide enough for ``1.234e-05`` and ``converged``.
COLUMN_WIDTHS = (160, 64, 72, 96, 96, 104, 92, 150)
#: The sharpness column (shown with the sharpness panel).
SHARPNESS_COLUMN = 7
#: The text each column after the first keeps room for, in its font (numbers in the mono
#: font): four-digit counts, a number in exponent form (``1.234e-05``, as converged losses
#: read), the longest status, a sharpness of two-digit values. The columns' widths, and so
#: the window's arrangement, follow these rather than the values of the step shown, which
#: change while the race runs and while scrubbing; only rarer, wider values (negative, or
#: 10⁴ and over with four decimals) widen a column beyond them.
ROOM_TEXT = {1: "8888", 2: "8888", 3: "8.888e-88", 4: "8.888e-88", 5: "8.888e-88",
             6: max((str(status) for status in Status), key=len),
             SHARPNESS_COLUMN: "88.8888 / 88.8888"}
#: Room between a column's widest value and the next one's (pixels, besides the cells' own
#: text margins): values stay apart when the columns are at their narrowest.
GAP = 6
#: Width kept for the optimizer's name when the other columns shrink to fit (pixels).
NAME_ROOM = 130
#: The most a long optimizer name adds to the table's natural width (pixels).
NAME_MOST = 320
#: Row height and colour swatch side, in pixels (before :meth:`RaceTable.set_size_factor`).
ROW_HEIGHT, SWATCH_SIZE = 24, 12
#: The most lines a name wraps to when the column is narrower than it (then it is elided,
#: the whole name its tooltip).
NAME_LINES = 3
#: The name cell's room besides its text and swatch (pixels; what the column widths add).
NAME_PADDING = 12


@dataclass(frozen=True)
class TableRow:
    """What the table shows of one lane."""

    label: str
    color: str
    step: int
    evals: int
    loss: float
    best_loss: float
    distance: float
    status: Status
    message: str = ""
    sharpness: float = math.nan  # the compared sharpness (λ_max, or λ_max(P⁻¹H) if adaptive)
    threshold: float = math.nan
    preconditioned: bool = False


def sharpness_text(value: float, threshold: float, preconditioned: bool) -> str:
    """``25.00 / 25.32``: the sharpness against its threshold (``—`` without one); adaptive
    methods' preconditioned sharpness is marked ``P⁻¹H``; empty when nothing was measured."""
    if math.isnan(value):
        return ""
    text = f"{format_number(value)} / {format_number(threshold)}"
    return f"P⁻¹H {text}" if preconditioned else text


def format_number(value: float) -> str:
    """Compact, aligned numbers: ``1.234e-05``, ``12.35``, ``—`` for unknown, ``inf``/``nan``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if math.isinf(value):
        return "inf" if value > 0 else "−inf"
    magnitude = abs(value)
    if magnitude != 0 and (magnitude < 1e-3 or magnitude >= 1e5):
        return f"{value:.3e}"
    return f"{value:.4f}"


class RaceTableModel(QAbstractTableModel):
    """Rows of :class:`TableRow`; :meth:`set_rows` replaces them, signalling only changes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[TableRow] = []
        self.headers = list(COLUMNS)
        self.mono_family = "DejaVu Sans Mono"
        self._mono = QFont(self.mono_family)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return QColor(row.color)
        if role == Qt.ItemDataRole.ForegroundRole and column == 6:
            return QColor(style.STATUS_COLORS.get(row.status, style.TEXT))
        if role == Qt.ItemDataRole.ToolTipRole and column == 6 and row.message:
            return row.message
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return row.label  # the whole name, however narrow the column
        if role == Qt.ItemDataRole.ToolTipRole and column == SHARPNESS_COLUMN:
            return ("the largest eigenvalue of the loss Hessian at the last measured step, "
                    "against the optimizer's stability threshold (P⁻¹H: the preconditioned "
                    "sharpness of an adaptive method)")
        numeric = 1 <= column <= 5 or column == SHARPNESS_COLUMN
        if role == Qt.ItemDataRole.TextAlignmentRole and numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and numeric:
            return self._mono
        return None

    @staticmethod
    def _text(row: TableRow, column: int) -> str:
        values = (row.label, str(row.step), str(row.evals), format_number(row.loss),
                  format_number(row.best_loss),
                  "" if math.isnan(row.distance) else format_number(row.distance), str(row.status),
                  sharpness_text(row.sharpness, row.threshold, row.preconditioned))
        return values[column]

    def set_rows(self, rows: list[TableRow]) -> None:
        """Show ``rows``: a reset when the lanes changed, otherwise one ``dataChanged``."""
        if len(rows) != len(self.rows) or any(
            (a.label, a.color) != (b.label, b.color) for a, b in zip(rows, self.rows, strict=True)
        ):
            self.beginResetModel()
            self.rows = list(rows)
            self.endResetModel()
            return
        if rows != self.rows:
            self.rows = list(rows)
            self.dataChanged.emit(self.index(0, 1), self.index(len(rows) - 1, len(COLUMNS) - 1))


class RaceTable(QTableView):
    """The table widget showing a :class:`RaceTableModel`.

    Signals: ``rowsRefitted()`` when a row's height changed (a name wrapped or unwrapped: the
    table's :meth:`natural_height` with it).
    """

    rowsRefitted = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table_model = RaceTableModel(self)
        self.setModel(self.table_model)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.size_factor = 1.0
        self.setIconSize(QSize(SWATCH_SIZE, SWATCH_SIZE))
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        # Fixed widths, fitted when the lanes change: a ResizeToContents column asks every
        # cell for its size at every update.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        self.table_model.modelReset.connect(self._fit_columns)
        self.setColumnHidden(SHARPNESS_COLUMN, True)
        header.sectionResized.connect(self._section_resized)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setWordWrap(True)  # a long name takes a second line rather than being cut
        # Vertical scrolling only: the columns shrink to the width (eliding their text).
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def set_rows(self, rows: list[TableRow]) -> None:
        self.table_model.set_rows(rows)

    def show_sharpness(self, on: bool) -> None:
        """Show or hide the λ_max column (with the sharpness panel)."""
        self.setColumnHidden(SHARPNESS_COLUMN, not on)
        self._fit_columns()

    def _shown_columns(self) -> list[int]:
        return [column for column in range(1, len(COLUMNS)) if not self.isColumnHidden(column)]

    def set_size_factor(self, factor: float) -> None:
        """Rows, swatches and smallest column widths ``factor`` times their normal size (the
        font itself follows the widget's, which presentation mode enlarges)."""
        self.size_factor = float(factor)
        side = round(SWATCH_SIZE * factor)
        self.setIconSize(QSize(side, side))
        self.verticalHeader().setDefaultSectionSize(round(ROW_HEIGHT * factor))
        self._fit_columns()

    def column_needs(self) -> list[int]:
        """The narrowest width of each column after the first that shows its title and its
        values whole (pixels): the header's size hint or the widest value, plus padding."""
        header = self.horizontalHeader()
        return [max(header.sectionSizeHint(column), self.sizeHintForColumn(column) + GAP,
                    self._room_text_width(column) + GAP)
                for column in self._shown_columns()]

    def _room_text_width(self, column: int) -> int:
        """The cell width :data:`ROOM_TEXT` needs in ``column``: its text in the cells'
        font plus the item's text margins (as Qt's style sizes a view item)."""
        font = QFont(self.font())
        if column != 6:  # numbers are drawn in the mono font (the model's FontRole)
            font.setFamily(self.table_model.mono_family)
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1
        text = QFontMetricsF(font).horizontalAdvance(ROOM_TEXT[column])
        return math.ceil(text) + 1 + 2 * margin  # the text layout's rounding

    def natural_width(self) -> int:
        """The width at which every column shows its title and values and the optimizers'
        names show whole (at least :data:`NAME_ROOM`, at most :data:`NAME_MOST` pixels;
        scroll bar and frame included)."""
        factor = self.size_factor
        name = min(max(round(NAME_ROOM * factor), self.sizeHintForColumn(0) + 12),
                   round(NAME_MOST * factor))
        return (sum(self.column_needs()) + name
                + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth())

    def least_width(self) -> int:
        """The narrowest width keeping every column's title and values whole, the names
        given :data:`NAME_ROOM` (longer ones elided)."""
        return (sum(self.column_needs()) + round(NAME_ROOM * self.size_factor)
                + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth())

    def natural_height(self, least_rows: int = 3, wrapped: bool = True) -> int:
        """The height that shows every row (at least ``least_rows``) without scrolling:
        wrapped names on their lines, or (``wrapped`` False) every row one line high — a
        height that does not depend on whether the names have been wrapped yet at the
        column's present width, which the window's arrangement must not (it would depend
        on the order events came in)."""
        count = self.table_model.rowCount()
        base = self.verticalHeader().defaultSectionSize()
        rows = (sum(self.rowHeight(row) for row in range(count)) if wrapped
                else count * base)
        return (self.horizontalHeader().sizeHint().height() + rows
                + max(0, least_rows - count) * base + 2 * self.frameWidth())

    def height_at(self, width: int, least_rows: int = 1) -> int:
        """The height that shows every row (at least ``least_rows``) of the table
        ``width`` pixels wide, its names wrapped at the name column's width there: a
        function of ``width`` alone, not of the width the table has now."""
        inner = self._inner(width)
        name = inner - sum(self._column_widths(inner))
        room = name - self.iconSize().width() - NAME_PADDING
        base = self.verticalHeader().defaultSectionSize()
        spacing = self.fontMetrics().lineSpacing()
        rows = self.table_model.rows
        lines = sum(min(NAME_LINES, self._lines(row.label, room)) - 1 for row in rows)
        return (self.horizontalHeader().sizeHint().height() + lines * spacing
                + max(len(rows), least_rows) * base + 2 * self.frameWidth())

    def name_lines(self, row: int) -> int:
        """How many lines row ``row``'s name needs in the name column as wide as it is
        (more than :data:`NAME_LINES`: the name is elided)."""
        room = self.columnWidth(0) - self.iconSize().width() - NAME_PADDING
        return self._lines(self.table_model.rows[row].label, room)

    def _lines(self, text: str, room: int) -> int:
        """How many lines ``text`` wraps to in ``room`` pixels (at spaces, as the view's
        delegate; :data:`NAME_LINES` + 1 when there is no room)."""
        metrics = self.fontMetrics()
        if room <= 0:
            return NAME_LINES + 1
        lines, line = 1, ""
        for word in text.split(" "):  # greedy wrapping
            candidate = f"{line} {word}" if line else word
            if metrics.horizontalAdvance(candidate) <= room or not line:
                line = candidate
            else:
                lines, line = lines + 1, word
        return lines

    def _fit_rows(self) -> None:
        """Each row tall enough for its name's lines (up to :data:`NAME_LINES`)."""
        base = self.verticalHeader().defaultSectionSize()
        spacing = self.fontMetrics().lineSpacing()
        changed = False
        for row in range(self.table_model.rowCount()):
            lines = min(NAME_LINES, self.name_lines(row))
            height = base + (lines - 1) * spacing
            if self.rowHeight(row) != height:
                self.setRowHeight(row, height)
                changed = True
        if changed:
            self.rowsRefitted.emit()

    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        if column == 0:  # the stretched name column follows the others' widths
            self._fit_rows()

    def _fit_columns(self) -> None:
        """Each column at its preferred width (:data:`COLUMN_WIDTHS`) when there is room
        after the whole optimizer names; narrower, the columns after the first give up their
        spare width in proportion but
        never go below :meth:`column_needs` (titles and values stay whole), and the first,
        stretched, wraps long names over up to :data:`NAME_LINES` lines (then elides them;
        the full name is its tooltip)."""
        inner = self._inner(self.width())
        for column, width in zip(self._shown_columns(), self._column_widths(inner),
                                 strict=True):
            self.setColumnWidth(column, width)
        self._fit_rows()

    def _inner(self, width: int) -> int:
        """The columns' room in a table ``width`` wide: its frame and the vertical scroll
        bar's width kept, shown or not (the columns, and so the names' lines, must not
        depend on whether the rows fitted a moment ago)."""
        return width - 2 * self.frameWidth() - self.verticalScrollBar().sizeHint().width()

    def _column_widths(self, inner: int) -> list[int]:
        """The widths of the shown columns after the first in ``inner`` pixels (the first,
        stretched, takes the rest): see :meth:`_fit_columns`."""
        needs = self.column_needs()
        preferred = [max(need, round(COLUMN_WIDTHS[column] * self.size_factor))
                     for need, column in zip(needs, self._shown_columns(), strict=True)]
        name = max(round(NAME_ROOM * self.size_factor), self.sizeHintForColumn(0) + 12)
        room = inner - name - sum(needs)  # whole names before roomier numbers
        spare = sum(preferred) - sum(needs)
        share = min(1.0, max(0.0, room / spare)) if spare > 0 else 0.0
        return [need + int((wanted - need) * share)
                for need, wanted in zip(needs, preferred, strict=True)]

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self._fit_columns()

    def set_distance_label(self, label: str) -> None:
        """Name the distance column: "to minimum", or "off plane" for a network's paths."""
        model = self.table_model
        if model.headers[5] != label:
            model.headers[5] = label
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 5, 5)
