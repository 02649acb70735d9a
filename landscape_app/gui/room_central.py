"""Placing the central area's parts as a :class:`~landscape_app.gui.room_layout.Plan` says:
the curves' column, the table and the caption moved beside or below the landscape, the
column's parts stacked or as tabs, and the splitters sized so that the landscape's widget is
exactly as large as its data box needs."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from landscape_app.gui import room_layout, style

#: The object name of the table's holder in the band below the landscape.
SLOT = "table_slot"


def place(window, plan: room_layout.Plan, presenting: bool) -> None:
    """Move the curves' column, the table and the caption where ``plan`` says."""
    arrangement = plan.arrangement
    column, table, caption = window.views.right_column, window.views.table, window.views.caption
    column_layout = column.layout()
    top, bottom = window.views.top_splitter, window.views.bottom_splitter
    slot = table_slot(window)
    if "table" in arrangement.side:
        if column_layout.indexOf(table) < 0:
            column_layout.addWidget(table)
        if not presenting:  # every row on screen, the curves the rest
            table.setFixedHeight(plan.table)
    else:
        if slot.layout().indexOf(table) < 0:
            slot.layout().insertWidget(0, table)
        if not presenting:  # the band's height; with the curves beside it, its rows' (size)
            table.setMinimumHeight(0)
            if arrangement.side:
                table.setMaximumHeight(style.QWIDGETSIZE_MAX)
    slot.setVisible("table" in arrangement.below)
    if "caption" in arrangement.side:
        if column_layout.indexOf(caption) < 0:
            column_layout.addWidget(caption)
    elif window.centralWidget().layout().indexOf(caption) < 0:
        window.centralWidget().layout().addWidget(caption)
    if arrangement.side:
        if top.indexOf(column) != 1:
            top.insertWidget(1, column)
    elif bottom.indexOf(column) < 0:
        bottom.addWidget(column)
    for widget in (table, column):
        widget.setVisible(True)  # a widget moved to a new parent comes back hidden
    caption.setVisible(presenting)
    bottom.setVisible("table" in arrangement.below or not arrangement.side)
    factor = window.views.contour.axis_fonts.factor if presenting else 1.0
    margin = round(room_layout.GAP * factor)
    column_layout.setContentsMargins(margin if arrangement.side else 0, 0, 0, 0)


def table_slot(window) -> QWidget:
    """The table's place in the band below the landscape: a holder whose top the table
    takes, as tall as its rows, the note under it when the curves are beside them (in
    the splitter itself, the table would set the band's greatest height)."""
    bottom = window.views.bottom_splitter
    slot = bottom.findChild(QWidget, SLOT, Qt.FindChildOption.FindDirectChildrenOnly)
    if slot is None:
        slot = QWidget()
        slot.setObjectName(SLOT)
        layout = QVBoxLayout(slot)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(room_layout.SPACING)
        layout.addStretch(1)  # under the table and the note: what they do not need
        bottom.insertWidget(0, slot)
    return slot


def tab_column(window, tabbed: tuple[str, ...], under_table: bool) -> None:
    """The note, the curves and the sharpness panel one above the other in the column,
    with the parts the plan names (``tabbed``) as tabs of it instead (each tab the
    column's whole height): the sharpness panel a tab beside the curves, the note one
    too. With ``under_table`` (the table and the column side by side below the landscape)
    the note, when not a tab, sits under the table, at the table's width, and the curves
    take the column's whole height."""
    layout, tabs = window.views.right_column.layout(), window.views.column_tabs
    note, curves, sharpness = window.views.note_scroll, window.views.curves, window.views.sharpness
    sharp_on = getattr(window, "sharpness_on", False)  # View ▸ Sharpness
    titles = {curves: "Loss curves", sharpness: "Sharpness", note: "Note"}
    parts = {"note": note, "curves": curves, "sharpness": sharpness}
    wanted = [parts[name] for name in ("curves", "sharpness", "note") if name in tabbed
              and (name != "sharpness" or sharp_on)]
    stacked = [parts[name] for name in ("note", "curves", "sharpness") if name not in tabbed]
    note_home = table_slot(window).layout() if under_table else layout
    in_column = [part for part in stacked if part is not note or not under_table]
    if ([tabs.widget(i) for i in range(tabs.count())] != wanted
            or any(layout.indexOf(part) < 0 for part in in_column)
            or note in stacked and note_home.indexOf(note) < 0):
        current = tabs.currentWidget()
        tabs.clear()
        for part in wanted:  # the tab widget shows each page when its tab is chosen
            tabs.addTab(part, titles[part])
        if current in wanted:
            tabs.setCurrentWidget(current)
        for index, part in enumerate(in_column):
            layout.insertWidget(index, part, 0 if part is note else 1)
        if note in stacked and under_table:
            note_home.insertWidget(1, note)  # under the table
        if wanted:
            layout.insertWidget(len(in_column), tabs, 1)  # where the curves were
        tabs.setVisible(bool(wanted))
    shown = {curves: True, sharpness: sharp_on, note: not window.views.note_panel.isHidden()}
    for part in stacked:
        part.setVisible(shown[part])


def size(window, plan: room_layout.Plan, m: room_layout.Measures, presenting: bool) -> None:
    """Splitter sizes: the landscape's widget exactly as large as its data box needs;
    presenting, the table exactly its rows; below the landscape, the table its rows and
    the note under it the rest of the band (keeping its least height)."""
    views = window.views
    central, top, bottom = views.central_splitter, views.top_splitter, views.bottom_splitter
    handle = central.handleWidth()
    height = central.height()
    arrangement = plan.arrangement
    if not arrangement.side:  # the landscape across, the band below takes the rest
        top_h = min(plan.landscape[1], height - max(plan.band, round(
            room_layout.BAND_HEIGHT * m.factor)) - handle)
        top_h = max(top_h, 0)
        set_sizes(central, [top_h, height - top_h - handle])
        band_h = height - top_h - handle
        # the table its whole names, unless the curves' column would be narrower than
        # its least width: then the names give way (down to the table's least width)
        column_least = round(room_layout.COLUMN_WIDTH * min(m.factor, room_layout.COLUMN_FACTOR))
        table_w = max(min(m.table_w, bottom.width() - column_least - bottom.handleWidth()),
                      min(views.table.least_width(), m.table_w))
        table_h = band_h
        if not presenting:  # presenting, its rows already (classroom.presentation)
            note = 0 if plan.tabbed or not m.note_min else m.note_min + room_layout.SPACING
            table_h = min(views.table.height_at(table_w), band_h - note)
            views.table.setMaximumHeight(table_h)
        limit_note(window, plan, m, band_h, band_h - table_h - room_layout.SPACING)
        set_sizes(bottom, [table_w, bottom.width() - table_w - bottom.handleWidth()])
        return
    width = top.width()
    landscape_w = min(plan.landscape[0], width - plan.column)
    if bottom.isVisible():
        if presenting:  # the table its rows, the row beside the landscape the rest
            top_h = height - m.table_h - handle
        else:  # the landscape its need of the height (the column at least its), the table
            top_h = min(max(plan.landscape[1], plan.top), height - m.table_h - handle)
        set_sizes(central, [top_h, height - top_h - handle])
        limit_note(window, plan, m, top_h)
    else:
        limit_note(window, plan, m, height - (plan.table + room_layout.SPACING
                                              if plan.table else 0))
    set_sizes(top, [landscape_w, width - landscape_w - top.handleWidth()], least_last=True)


def limit_note(window, plan: room_layout.Plan, m: room_layout.Measures, column_h: int,
               under_table: int | None = None) -> None:
    """The note scrolls within what the column of height ``column_h`` leaves above the
    least heights of the parts below it, or within ``under_table`` pixels when it is under
    the table (all of it when it is a tab); the curves and the sharpness panel share the
    rest in proportion to their least heights, so each keeps its least."""
    below = room_layout.column_need(replace(m, note_min=0), plan.tabs)
    limit = (max(0, column_h - below - room_layout.SPACING) if under_table is None
             else max(0, under_table))
    window.views.note_scroll.limit = None if plan.tabbed else limit
    window.views.note_scroll.fill = under_table is not None  # its card down to the band's end
    layout = window.views.right_column.layout()
    layout.setStretchFactor(window.views.curves, room_layout.curves_least(m))
    layout.setStretchFactor(window.views.sharpness, max(1, m.sharpness_min))


def set_sizes(splitter, sizes: list[int], least_last: bool = False) -> None:
    """Set a splitter's sizes unless they are already within two pixels (no churn) and,
    with ``least_last``, the last part has at least its size (a caption a pixel narrower
    than planned may take a line more)."""
    sizes = [max(0, size) for size in sizes]
    current = splitter.sizes()
    if (len(current) == len(sizes)
            and all(abs(a - b) <= 2 for a, b in zip(current, sizes, strict=True))
            and not (least_last and current[-1] < sizes[-1])):
        return
    splitter.setSizes(sizes)
