"""The optimizer panel: the race's lanes, each a card with colour, visibility and settings.

Several lanes of the same optimizer are allowed (that is how one compares settings). Every
card builds its form from its optimizer's ``param_spec(values)``, which may depend on the
values (Lookahead's ``inner`` choice brings the inner optimizer's parameters): after each
valid edit the spec is asked again and the form rebuilt when it changed.

Signals: :attr:`OptimizerPanel.lanesChanged` when a lane is added, removed or its settings
changed (the race restarts; :attr:`OptimizerPanel.slid` says whether a slider was released),
:attr:`OptimizerPanel.lanesPreviewed` with the lanes as they would be while a hyperparameter
slider is dragged, :attr:`OptimizerPanel.appearanceChanged` for colour and visibility
(drawing only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from landscape_app.core.catalogue.optimizer_records import FAMILIES, RECORDS
from landscape_app.core.catalogue.optimizer_specs import param_spec, settle_values
from landscape_app.core.errors import LandscapeError
from landscape_app.core.labels import unique_labels
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.gui.panels.param_form import ParamForm
from landscape_app.state.lane_contrast import new_lane_color, trail_colors
from landscape_app.state.lanes import lane_title
from landscape_app.state.model import PALETTE, Lane

#: Most changed settings named in a lane's label.


def swatch(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def breakable(text: str) -> str:
    """``text`` wrapping at meaningful places: before the settings' ``(`` and after each
    ``,`` inside them (a zero-width space), never inside ``lr=0.001``."""
    name, bracket, settings = text.partition(" (")
    if not bracket:
        return text
    settings = settings.replace(" ", "\u00a0").replace(",\u00a0", ",\u00a0\u200b")
    return f"{name} ({settings}"


class WrappedTitle(QLabel):
    """A lane's title that wraps onto further lines (see :func:`breakable`) instead of being
    cut or widening its parent; its full text is also its tooltip."""

    def __init__(self, text: str = ""):
        super().__init__()
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.full_text = ""
        self.set_title(text)

    def set_title(self, text: str, tooltip: str = "") -> None:
        self.full_text = text
        self.setText(breakable(text))
        self.setToolTip(tooltip or text)


class LaneCard(QFrame):
    """One lane: header (colour, visibility, title, collapse, remove) and its settings."""

    specChanged = Signal(bool)  # True: a slider was released
    specPreviewed = Signal(object)  # the lane as it would be (a slider is being dragged)
    appearanceChanged = Signal()
    removeRequested = Signal(object)

    def __init__(self, lane: Lane):
        super().__init__()
        self.setProperty("role", "card")
        self.lane = lane
        self.values: dict[str, Any] = settle_values(lane.spec.id, lane.spec.params)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(self._header())
        self.form_holder = QVBoxLayout()
        layout.addLayout(self.form_holder)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        layout.addWidget(self.error)
        self.form: ParamForm | None = None
        self._build_form()

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(6)
        self.color_button = QToolButton()
        self.color_button.setAutoRaise(True)
        self.color_button.setIconSize(QSize(14, 14))
        self.color_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.color_button.setToolTip("lane colour")
        menu = QMenu(self.color_button)
        for color in PALETTE:
            action = QAction(swatch(color), color, menu)
            action.triggered.connect(lambda _=False, c=color: self.set_color(c))
            menu.addAction(action)
        self.color_button.setMenu(menu)
        self.visible_box = QCheckBox()
        self.visible_box.setToolTip("show this lane")
        self.visible_box.setChecked(self.lane.visible)
        self.visible_box.toggled.connect(self._visibility_toggled)
        self.title = WrappedTitle()
        self.title.setProperty("role", "heading")
        self.expand_button = QToolButton()
        self.expand_button.setAutoRaise(True)
        self.expand_button.setCheckable(True)
        self.expand_button.setToolTip("show the settings")
        self.expand_button.toggled.connect(self._expanded)
        self.remove_button = QToolButton(text="✕")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setToolTip("remove this lane")
        self.remove_button.clicked.connect(lambda: self.removeRequested.emit(self))
        for widget in (self.color_button, self.visible_box):
            row.addWidget(widget)
        row.addWidget(self.title, 1)
        row.addWidget(self.expand_button)
        row.addWidget(self.remove_button)
        self.set_color(self.lane.color, notify=False)
        self._refresh_title()
        return row

    def _build_form(self) -> None:
        if self.form is not None:
            self.form.deleteLater()
        spec = param_spec(self.lane.spec.id, self.values)
        self.spec_names = [p.name for p in spec]
        self.form = ParamForm(spec, self.values)
        self.form.valueChanged.connect(self._value_changed)
        self.form.valueSlid.connect(lambda n, v: self._value_changed(n, v, slid=True))
        self.form.valuePreviewed.connect(self._value_previewed)
        self.form.setVisible(self.expand_button.isChecked())
        self.form_holder.addWidget(self.form)
        self._expanded(self.expand_button.isChecked())

    def _candidate(self, name: str, value: Any):
        """(values, spec) of the optimizer with ``name`` set to ``value``; LandscapeError
        when the combination is refused."""
        optimizer_id = self.lane.spec.id
        spec = param_spec(optimizer_id, {**self.values, name: value})
        values = settle_values(optimizer_id, {
            p.name: {**self.values, name: value}.get(p.name, p.default) for p in spec})
        changed = {p.name: values[p.name] for p in spec
                   if values[p.name] != p.default or p.name == "inner"}
        return values, spec, OptimizerSpec(self.lane.spec.id, changed)

    def _value_previewed(self, name: str, value: Any) -> None:
        try:
            _, _, spec = self._candidate(name, value)
        except LandscapeError:
            return  # the release will show why
        self.specPreviewed.emit(replace(self.lane, spec=spec))

    def _value_changed(self, name: str, value: Any, slid: bool = False) -> None:
        try:
            self.values, spec, optimizer = self._candidate(name, value)
        except LandscapeError as error:
            self.error.setText(str(error))
            self.error.setVisible(True)
            return
        self.error.setVisible(False)
        self.lane = replace(self.lane, spec=optimizer)
        if [p.name for p in spec] != self.spec_names:
            self._build_form()
        self._refresh_title()
        self.specChanged.emit(slid)

    def set_values(self, values: dict[str, Any]) -> bool:
        """Set several hyperparameters at once (a hyperparameter-map click), through the same
        checks as the form; the form shows the new values. False (and the error shown) when
        refused."""
        optimizer_id = self.lane.spec.id
        merged = {**self.values, **values}
        try:
            spec = param_spec(optimizer_id, merged)
            settled = settle_values(optimizer_id, {p.name: merged.get(p.name, p.default)
                                                   for p in spec})
        except LandscapeError as error:
            self.error.setText(str(error))
            self.error.setVisible(True)
            return False
        self.error.setVisible(False)
        self.values = settled
        changed = {p.name: self.values[p.name] for p in spec
                   if self.values[p.name] != p.default or p.name == "inner"}
        self.lane = replace(self.lane, spec=OptimizerSpec(self.lane.spec.id, changed))
        self._build_form()
        self._refresh_title()
        self.specChanged.emit(False)
        return True

    def set_color(self, color: str, notify: bool = True) -> None:
        self.lane = replace(self.lane, color=color)
        self.show_drawn_color(color)
        if notify:
            self.appearanceChanged.emit()

    def show_drawn_color(self, color: str) -> None:
        """Show the colour the lane is drawn in: its own, or the one the colour map needs
        for its trail to stand out (the tooltip says which)."""
        self.color_button.setIcon(swatch(color))
        self.color_button.setToolTip(
            "lane colour" if color.upper() == self.lane.color.upper() else
            f"lane colour {self.lane.color}, drawn in {color}: the chosen colour would not "
            "stand out on this colour map")

    def set_label(self, label: str) -> None:
        self.lane = replace(self.lane, label=label)

    def _visibility_toggled(self, on: bool) -> None:
        self.lane = replace(self.lane, visible=on)
        self.appearanceChanged.emit()

    def _expanded(self, on: bool) -> None:
        self.expand_button.setArrowType(Qt.ArrowType.UpArrow if on else Qt.ArrowType.DownArrow)
        if self.form is not None:
            self.form.setVisible(on)

    def _refresh_title(self) -> None:
        title = lane_title(self.lane.spec)
        self.title.set_title(title, f"{self.lane.label}\n{self.lane.spec.to_text()}"
                             if self.lane.label != title else self.lane.spec.to_text())


class OptimizerPanel(QWidget):
    """The lanes of the race, as cards in a scroll area, with an "Add optimizer" menu."""

    lanesChanged = Signal()
    lanesPreviewed = Signal(object)  # the lanes as they would be while a slider is dragged
    appearanceChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.cards: list[LaneCard] = []
        self.slid = False  # whether the lanesChanged being emitted comes from a slider
        #: The colour map the lanes are drawn on (the window keeps it current): a lane's
        #: colour is chosen to stand out on it when the lane is created.
        self.colormap = "viridis"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        self.add_button = QToolButton(text="+  Add optimizer  ▾")
        self.add_button.setObjectName("add-optimizer")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_button.setMenu(self._add_menu())
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        layout.addWidget(self.add_button)
        holder = QWidget()
        self.card_layout = QVBoxLayout(holder)
        self.card_layout.setContentsMargins(0, 0, 0, 0)
        self.card_layout.setSpacing(6)
        self.card_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(holder)
        layout.addWidget(scroll, 1)

    def show_drawn_colors(self, colors: dict[str, str]) -> None:
        """Each card's swatch in the colour its lane is drawn in (by label)."""
        for card in self.cards:
            card.show_drawn_color(colors.get(card.lane.label, card.lane.color))

    def _add_menu(self) -> QMenu:
        menu = QMenu(self)
        for family, heading in FAMILIES.items():
            members = [record for record in RECORDS if record.family == family]
            if not members:
                continue
            menu.addSection(heading)
            for record in members:
                action = menu.addAction(record.title)
                action.setData(record.id)
                action.setToolTip(record.summary)
                action.triggered.connect(
                    lambda _=False, i=record.id: self.add_lane(OptimizerSpec(i)))
        menu.setToolTipsVisible(True)
        return menu

    # -- the lanes ---------------------------------------------------------------------------
    def lanes(self) -> tuple[Lane, ...]:
        """The lanes as configured, with unique labels."""
        return tuple(card.lane for card in self.cards)

    def set_lanes(self, lanes: Sequence[Lane]) -> None:
        """Replace every card (a scene or a session was loaded); no signal. A colour that
        would not stand out on :attr:`colormap` is replaced now, once (see
        :func:`~landscape_app.state.lane_contrast.trail_colors`)."""
        for card in self.cards:
            card.deleteLater()
        self.cards = []
        colors = trail_colors(tuple(lane.color for lane in lanes), self.colormap)
        for lane, color in zip(lanes, colors, strict=True):
            self._insert(lane if lane.color == color else replace(lane, color=color))
        self._relabel()

    def add_lane(self, spec: OptimizerSpec, color: str | None = None) -> LaneCard:
        """Append a lane running ``spec``; the colour is the first unused palette colour that
        stands out on :attr:`colormap` (the lane keeps it)."""
        used = tuple(card.lane.color for card in self.cards)
        color = color or new_lane_color(used, self.colormap)
        card = self._insert(Lane(spec.id, spec, color))
        self._relabel()
        self.lanesChanged.emit()
        return card

    def remove_lane(self, card: LaneCard) -> None:
        self.cards.remove(card)
        card.deleteLater()
        self._relabel()
        self.lanesChanged.emit()

    def _insert(self, lane: Lane) -> LaneCard:
        card = LaneCard(lane)
        card.specChanged.connect(self._spec_changed)
        card.specPreviewed.connect(lambda lane, card=card: self._spec_previewed(card, lane))
        card.appearanceChanged.connect(self.appearanceChanged)
        card.removeRequested.connect(self.remove_lane)
        self.card_layout.insertWidget(self.card_layout.count() - 1, card)
        self.cards.append(card)
        return card

    def _spec_changed(self, slid: bool = False) -> None:
        self._relabel()
        self.slid = slid
        try:
            self.lanesChanged.emit()
        finally:
            self.slid = False

    def _spec_previewed(self, card: LaneCard, lane: Lane) -> None:
        self.lanesPreviewed.emit(tuple(lane if other is card else other.lane
                                       for other in self.cards))

    def _relabel(self) -> None:
        labels = unique_labels([lane_title(card.lane.spec) for card in self.cards])
        for card, label in zip(self.cards, labels, strict=True):
            card.set_label(label)
