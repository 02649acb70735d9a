"""Where the loss curves, the note, the table and the caption go: the landscape first.

The window's central area holds the landscape (the 2D and 3D tabs), the loss curves with the
teaching note above them, the table, and, presenting, the caption. The landscape is drawn at
equal aspect, so a widget wider (or taller) than its data box only adds empty bands
("letter-boxing"). :class:`CentralArrangement` therefore gives the landscape the largest data
box the area allows, and its widget exactly the size that box needs, choosing among
*arrangements*: which of the other parts sit in a column **beside** the landscape, and which
**below** it.

For an area ``W × H`` (logical pixels), a landscape whose data box is ``a`` times as wide as
tall, axes and colour bar taking ``c_w`` pixels of width and tabs and axis ``c_h`` of
height, a column of width ``w_s`` and a band below of height ``h_b``, the data box's height is

    s = min(H − h_b − c_h, (W − w_s − c_w) / a),

and the arrangement with the largest ``s`` wins (the first listed on a tie). A column must be
at least :data:`COLUMN_WIDTH` wide (the table's own width when the table is in it; with the
caption in it, wide enough that the caption leaves the curves :data:`BAND_HEIGHT`), and a band
holding the curves at least :data:`BAND_HEIGHT` tall.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: The narrowest column of loss curves beside the landscape (logical pixels, × size factor).
COLUMN_WIDTH = 300
#: The most the column's narrowest width grows with the size factor.
COLUMN_FACTOR = 1.25
#: The lowest band of curves below the landscape (logical pixels, × size factor).
BAND_HEIGHT = 200
#: Room kept between the colour bar's title and whatever lies to its right (pixels × factor).
GAP = 12


@dataclass(frozen=True)
class Arrangement:
    """Which parts sit beside the landscape (``side``) and which below it (``below``)."""

    name: str
    side: tuple[str, ...]
    below: tuple[str, ...]


#: The arrangements of the normal window, in order of preference on a tie.
WINDOW = (
    Arrangement("beside", side=("curves",), below=("table",)),
    Arrangement("column", side=("curves", "table"), below=()),
    Arrangement("below", side=(), below=("table", "curves")),
)
#: Presenting: the caption across the bottom, or in the column beside the landscape.
PRESENTING = (
    Arrangement("present-beside", side=("curves",), below=("table", "caption")),
    Arrangement("present-column", side=("curves", "caption"), below=("table",)),
    Arrangement("present-below", side=(), below=("table", "curves", "caption")),
)


@dataclass(frozen=True)
class Measures:
    """What an arrangement's choice needs (logical pixels).

    ``width``/``height``: the central area (with the caption's row); ``aspect``: the data
    box's width over its height; ``chrome_w``/``chrome_h``: what the landscape's widget
    spends outside its data box; ``table_w``/``table_h``: the table's natural width and
    height; ``caption_h``: the caption's height across the whole width; ``factor``: the
    size factor (presenting enlarges); ``caption_height(w)``: the caption's height at
    width ``w`` (for a caption in the column).
    """

    width: int
    height: int
    aspect: float
    chrome_w: int
    chrome_h: int
    table_w: int
    table_h: int
    caption_h: int
    factor: float = 1.0
    caption_height: Callable[[int], int] | None = None


@dataclass(frozen=True)
class Plan:
    """An arrangement with its sizes: the landscape's widget ``landscape`` (w, h), the
    data box's height ``box`` and the narrowest width of the column beside (gap included)."""

    arrangement: Arrangement
    landscape: tuple[int, int]
    box: float
    column: int = 0


def plan(arrangement: Arrangement, m: Measures) -> Plan | None:
    """The sizes of ``arrangement`` in ``m`` (None when it does not fit)."""
    column = 0
    if arrangement.side:  # large type needs a wider column, but the landscape comes first
        column = round(COLUMN_WIDTH * min(m.factor, COLUMN_FACTOR))
        if "table" in arrangement.side:
            column = max(column, m.table_w)
        if "caption" in arrangement.side:  # wide enough for the caption above the curves
            column = _caption_column(column, m, m.table_h if "table" in arrangement.below
                                     else 0)
            if column is None:
                return None
        column += round(GAP * m.factor)
    below = m.table_h if "table" in arrangement.below else 0
    if "caption" in arrangement.below:
        below += m.caption_h
    if "curves" in arrangement.below:
        below = max(below, round(BAND_HEIGHT * m.factor))
    box_h = m.height - below - m.chrome_h
    box_w = m.width - column - m.chrome_w
    box = min(box_h, box_w / m.aspect)
    if box <= 0:
        return None
    # Beside a column the landscape takes its need of the width and of the height (the table
    # below gets any height left); with nothing beside, the whole width.
    size = ((round(box * m.aspect) + m.chrome_w, round(box) + m.chrome_h) if arrangement.side
            else (m.width, round(box) + m.chrome_h))
    return Plan(arrangement, size, box, column)


def _caption_column(least: int, m: Measures, below: int) -> int | None:
    """The narrowest column from ``least`` (in steps of 25 pixels, at most half the width)
    where the caption leaves the curves :data:`BAND_HEIGHT` (None: nowhere)."""
    if m.caption_height is None:
        return least
    curves = round(BAND_HEIGHT * min(m.factor, COLUMN_FACTOR))
    for width in range(least, m.width // 2 + 1, 25):
        if m.caption_height(width) + curves <= m.height - below:
            return width
    return None


def choose(arrangements: tuple[Arrangement, ...], m: Measures) -> Plan:
    """The arrangement whose landscape data box is the largest (the first on a tie)."""
    plans = [p for p in (plan(a, m) for a in arrangements) if p is not None]
    if not plans:
        return Plan(arrangements[-1], (m.width, m.height // 2), 0.0)
    best = max(p.box for p in plans)
    return next(p for p in plans if p.box >= best - 0.5)
