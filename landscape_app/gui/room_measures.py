"""What each part of the window's central area needs, measured on the widgets: the
:class:`~landscape_app.gui.room_layout.Measures` that the arrangement is chosen from."""

from __future__ import annotations

from landscape_app.gui import room_layout


def measure(window, presenting: bool) -> room_layout.Measures:
    """The central area's size and what the landscape, the table, the note, the sharpness
    panel and (``presenting``) the caption need of it."""
    factor = window.views.contour.axis_fonts.factor if presenting else 1.0
    holder = window.centralWidget()
    tabs, contour = window.views.view_tabs, window.views.contour
    box = contour.plot_item.vb.sceneBoundingRect()
    # The 2D view's own chrome, when it is the shown tab and laid out (a map or the 3D
    # view shown instead: the 2D view's geometry is stale, so typical chrome as before)
    if tabs.isVisible() and contour.isVisible() and box.width() > 20 and box.height() > 20:
        chrome_w = round(tabs.width() - box.width())
        chrome_h = round(tabs.height() - box.height())
    else:  # not laid out yet: typical axes, colour bar and tab bar
        chrome_w, chrome_h = round(170 * factor), round(80 * factor)
    table = window.views.table
    caption = window.views.caption
    caption_h = 0
    if presenting:
        caption_h = max(caption.heightForWidth(holder.width()), caption.sizeHint().height())
    return room_layout.Measures(
        width=holder.width(), height=holder.height(), aspect=aspect(window),
        chrome_w=chrome_w, chrome_h=chrome_h, table_w=table.natural_width(),
        table_h=table_height(window, presenting), caption_h=caption_h,
        factor=factor,
        table_least=min(table.least_width(), table.natural_width()),
        caption_height=caption.heightForWidth if presenting else None,
        note_min=0 if presenting else note_min(window),
        sharpness_min=sharpness_min(window, factor), handle=window.views.top_splitter.handleWidth(),
        table_height=lambda width: table.height_at(width, least_rows=3))


def table_height(window, presenting: bool) -> int:
    """The table's height: presenting, exactly its rows (wrapped names on their lines),
    at least one; in the window three rows' room, each one line high (a height that does
    not depend on whether the names have wrapped yet at the column's present width)."""
    if presenting:
        return window.views.table.natural_height(least_rows=1)
    return window.views.table.natural_height(wrapped=False)


def note_min(window) -> int:
    """The note's least legible height at the column's narrowest width: its title and
    :data:`~landscape_app.gui.room_layout.NOTE_LINES` lines, or all of a shorter note
    (0 when no note is shown)."""
    panel = window.views.note_panel
    if not panel.has_note or panel.isHidden():
        return 0
    width = room_layout.COLUMN_WIDTH
    whole = panel.heightForWidth(width)
    margins = panel.layout().contentsMargins()
    lines = (margins.top() + margins.bottom() + panel.title.heightForWidth(width)
             + panel.layout().spacing()
             + room_layout.NOTE_LINES * panel.text.fontMetrics().lineSpacing())
    return max(0, min(whole if whole > 0 else lines, lines))


def sharpness_min(window, factor: float) -> int:
    """The sharpness panel's least legible height (0 when View ▸ Sharpness is off): its
    plot as tall as the loss curves' least and its text at the column's narrowest width."""
    if not getattr(window, "sharpness_on", False):
        return 0
    least = min(factor, room_layout.COLUMN_FACTOR)
    return (round(room_layout.CURVES_HEIGHT * least)
            + window.views.sharpness.text_height(round(room_layout.COLUMN_WIDTH * least)))


def aspect(window) -> float:
    """The landscape box's width over its height (1 before there is a landscape): the data box
    the room plans for. A function's heatmap is widened past it to fill whatever shape the
    plot gets (:meth:`~landscape_app.gui.views.contour.ContourView.fill_view`), so the drawn
    image is not measured: it follows the plot the room chose."""
    contour = window.views.contour
    if contour.grid is None or not contour.plot_item.vb.state["aspectLocked"]:
        return 1.0
    box = contour.bounds
    if box.width() <= 0 or box.height() <= 0:
        return 1.0
    return min(4.0, max(0.25, box.width() / box.height()))
