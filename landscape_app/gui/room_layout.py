"""Where the loss curves, the note, the table and the caption go: the landscape first.

The window's central area holds the landscape (the 2D and 3D tabs), the loss curves with the
teaching note above them, the table, and, presenting, the caption. The landscape is drawn at
equal aspect, so a widget wider (or taller) than its data box only adds bands past the box
(empty on a plane; the function carried on for a test function: either is not the box).
:class:`CentralArrangement` therefore gives the landscape the largest data box the area
allows, and its widget exactly the size that box needs, choosing among *arrangements*: which
of the other parts sit in a column **beside** the landscape, and which **below** it.

For an area ``W × H`` (logical pixels), a landscape whose data box is ``a`` times as wide as
tall, axes and colour bar taking ``c_w`` pixels of width and tabs and axis ``c_h`` of
height, a column of width ``w_s`` and a band below of height ``h_b``, the data box's height is

    s = min(H − h_b − c_h, (W − w_s − c_w) / a),

and the arrangement with the largest ``s`` wins (the first listed on a tie). A column must be
at least :data:`COLUMN_WIDTH` wide (the table's own width when the table is in it; with the
caption in it, wide enough that the caption leaves the curves their least height
:data:`CURVES_HEIGHT`, so that a 4:3 screen's landscape is as wide as it can be), and a band
holding the curves at least :data:`BAND_HEIGHT` tall.

Every part stays legible or gives way as a whole: the curves get at least
:data:`CURVES_HEIGHT`, the note its title and :data:`NOTE_LINES` lines (``note_min``), the
sharpness panel (View ▸ Sharpness) its plot's :data:`CURVES_HEIGHT` with its lines of text
(``sharpness_min``), beside or below the landscape. When no arrangement leaves the
landscape's data box :data:`LANDSCAPE_LEAST` that way, the parts give way in turn
(:func:`tab_levels`): first the sharpness panel becomes a tab beside the curves (the note
above them), then the note too is a tab (:attr:`Plan.tabs`: each tab gets the column's whole
height). The plan depends only on the measures (the window's size and what it shows), never
on an earlier plan.
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
#: The least height of the loss curves (logical pixels, × size factor): three decades of
#: log-axis labels apart, and the step axis with its title.
CURVES_HEIGHT = 150
#: Lines of the note (besides its title) always on screen when the note is beside the curves.
NOTE_LINES = 4
#: The least height of the landscape's data box before the note and curves go to tabs.
LANDSCAPE_LEAST = 240
#: The height of a tab bar (the column as tabs) and the spacing in the column (pixels).
TAB_BAR, SPACING = 30, 4


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
    width ``w`` (for a caption in the column); ``note_min``: the note's least legible height
    (its title and :data:`NOTE_LINES` lines, or all of a shorter note; 0: no note);
    ``table_least``: the table's least width, long names shortened (None: ``table_w``), what
    a column beside the landscape needs for it; ``sharpness_min``: the sharpness panel's
    least legible height (0: not shown); ``handle``: the width of a splitter's handle
    (between the landscape and the column beside it); ``table_height(w)``: the table's
    height at width ``w``, its names wrapped there (for a table in the column; None:
    ``table_h``).
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
    note_min: int = 0
    table_least: int | None = None
    sharpness_min: int = 0
    handle: int = 0
    table_height: Callable[[int], int] | None = None


@dataclass(frozen=True)
class Plan:
    """An arrangement with its sizes: the landscape's widget ``landscape`` (w, h), the
    data box's height ``box``, the narrowest width of the column beside (its margin and the
    splitter's handle included), the
    height of the row beside the landscape (``top``: at least what the column needs) or of
    the band below it (``band``), and which parts of the column are its tabs (``tabs``, one
    of :func:`tab_levels`), and the table's height in the column (``table``; 0: below)."""

    arrangement: Arrangement
    landscape: tuple[int, int]
    box: float
    column: int = 0
    top: int = 0
    band: int = 0
    tabs: tuple[str, ...] = ()
    table: int = 0

    @property
    def tabbed(self) -> bool:
        """Whether the note is a tab of the column (beside the curves)."""
        return "note" in self.tabs


def tab_levels(m: Measures) -> list[tuple[str, ...]]:
    """The ways the column's parts give way, in order: none is a tab; the sharpness panel a
    tab beside the curves (when shown); the note a tab too (when there is a note)."""
    levels: list[tuple[str, ...]] = [()]
    if m.sharpness_min:
        levels.append(("curves", "sharpness"))
    if m.note_min:
        levels.append(("curves", "sharpness", "note") if m.sharpness_min else ("curves", "note"))
    return levels


def curves_least(m: Measures) -> int:
    """The loss curves' least height (logical pixels)."""
    return round(CURVES_HEIGHT * min(m.factor, COLUMN_FACTOR))


def column_need(m: Measures, tabs: tuple[str, ...] = ()) -> int:
    """The least height of the note, the curves and the sharpness panel, with ``tabs`` as
    tabs (each tab as tall as the tallest's least height, under the tab bar)."""
    parts = {"curves": curves_least(m), "note": m.note_min, "sharpness": m.sharpness_min}
    stacked = [height for part, height in parts.items() if height and part not in tabs]
    if tabs:
        stacked.append(max(parts[part] for part in tabs) + TAB_BAR)
    return sum(stacked) + SPACING * (len(stacked) - 1)


def plan(arrangement: Arrangement, m: Measures, tabs: tuple[str, ...] = ()) -> Plan | None:
    """The sizes of ``arrangement`` in ``m`` with ``tabs`` the column's tabs (None when it
    does not fit)."""
    need = column_need(m, tabs)
    column = 0
    if arrangement.side:  # large type needs a wider column, but the landscape comes first
        column = round(COLUMN_WIDTH * min(m.factor, COLUMN_FACTOR))
        if "table" in arrangement.side:  # long names shortened rather than the landscape
            column = max(column, m.table_w if m.table_least is None else m.table_least)
        if "caption" in arrangement.side:  # wide enough for the caption above the curves
            column = _caption_column(column, m, m.table_h if "table" in arrangement.below
                                     else 0, need)
            if column is None:
                return None
        column += round(GAP * m.factor) + m.handle  # its left margin, the splitter's handle
    band = m.table_h if "table" in arrangement.below else 0
    if "curves" in arrangement.below:
        band = max(band, need, round(BAND_HEIGHT * m.factor))
    below = band + (m.caption_h if "caption" in arrangement.below else 0)
    box_h = m.height - below - m.chrome_h
    box_w = m.width - column - m.chrome_w
    box = min(box_h, box_w / m.aspect)
    if box <= 0:
        return None
    # Beside a column the landscape takes its need of the width and of the height (the table
    # below gets any height left); with nothing beside, the whole width.
    size = ((round(box * m.aspect) + m.chrome_w, round(box) + m.chrome_h) if arrangement.side
            else (m.width, round(box) + m.chrome_h))
    top = table = 0
    if "table" in arrangement.side:  # its rows at the width the column gets, names wrapped
        table = m.table_h
        if m.table_height is not None:
            table = m.table_height(m.width - size[0] - round(GAP * m.factor) - m.handle)
    if arrangement.side:  # the row beside the landscape holds the column: tall enough for it
        column_need_h = need + (table + SPACING if table else 0)
        top = min(max(size[1], column_need_h), m.height - below)
        if top < column_need_h:
            return None
    return Plan(arrangement, size, box, column, top, band, tabs, table)


def _caption_column(least: int, m: Measures, below: int, need: int) -> int | None:
    """The narrowest column from ``least`` (in steps of 5 pixels, at most half the width)
    where the caption leaves the curves (and the sharpness panel) ``need`` (None: nowhere)."""
    if m.caption_height is None:
        return least
    for width in range(least, m.width // 2 + 1, 5):
        if m.caption_height(width) + need <= m.height - below:
            return width
    return None


def choose(arrangements: tuple[Arrangement, ...], m: Measures) -> Plan:
    """The arrangement whose landscape data box is the largest (the first on a tie), at the
    first of :func:`tab_levels` where that box can be :data:`LANDSCAPE_LEAST` (else the
    level whose box is the largest)."""
    least = LANDSCAPE_LEAST * min(m.factor, COLUMN_FACTOR)
    fallback = None
    levels = tab_levels(m)
    for tabs in levels:
        plans = [p for p in (plan(a, m, tabs) for a in arrangements) if p is not None]
        if not plans:
            continue
        best = max(p.box for p in plans)
        chosen = next(p for p in plans if p.box >= best - 0.5)
        if chosen.box >= least or tabs == levels[-1]:
            return chosen
        fallback = fallback if fallback is not None and fallback.box >= chosen.box else chosen
    if fallback is not None:
        return fallback
    return Plan(arrangements[-1], (m.width, m.height // 2), 0.0,
                band=m.height - m.height // 2)
