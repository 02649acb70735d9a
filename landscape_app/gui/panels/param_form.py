"""Editors built from hyperparameter specs (:class:`~landscape_app.core.params.Param`).

Numbers are typed in line edits, not spin boxes, because a spin box silently clamps: here an
out-of-range or malformed value is refused with the spec's own message under the field, the
field turns red, and the last valid value stays in force. Booleans are check boxes, choices
are combo boxes. Learning-rate schedule parameters go in a collapsible section of their own,
and so do the stochastic-gradient settings (``batch_size``, ``grad_noise``; open when set).

A float parameter with a range a slider can span (a learning rate on a log scale, momentum or
betas between their bounds) also gets a :class:`ParamSlider` under its field: while it is
dragged the form emits ``valuePreviewed`` (the window previews the race), and on release
``valueSlid`` with the value, validated like a typed one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from landscape_app.core.catalogue.stochastic_checks import NOISE_MODEL, STOCHASTIC_NAMES
from landscape_app.core.errors import HyperparameterError
from landscape_app.core.optim.schedules import SCHEDULE_PARAMS
from landscape_app.core.params import Param
from landscape_app.state.lanes import format_value

SCHEDULE_NAMES = frozenset(p.name for p in SCHEDULE_PARAMS)


class NumberEdit(QLineEdit):
    """A line edit for one numeric :class:`Param`: commits on Enter or focus out.

    ``committed(name, value)`` is emitted for a valid new value; an invalid text shows
    ``error_label`` with the reason and keeps :attr:`value`.
    """

    committed = Signal(str, object)

    def __init__(self, param: Param, value: Any, error_label: QLabel):
        super().__init__(format_value(value))
        self.param = param
        self.value = value
        self.error_label = error_label
        self.setToolTip(f"{param.help}\nallowed: {param.range_text()}")
        self.editingFinished.connect(self.commit)

    def commit(self) -> None:
        try:
            value = self.param.parse(self.text())
        except HyperparameterError as error:
            self._show_error(str(error))
            return
        self._show_error("")
        self.setText(format_value(value))
        if value != self.value:
            self.value = value
            self.committed.emit(self.param.name, value)

    def _show_error(self, message: str) -> None:
        self.setProperty("invalid", bool(message))
        self.style().unpolish(self)
        self.style().polish(self)
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))


#: Positions of a parameter slider; a log-scale slider spans this many decades around the
#: default (within the parameter's bounds).
SLIDER_STEPS = 1000
LOG_DECADES = 3.0


def slider_range(param: Param) -> tuple[float, float, bool] | None:
    """(low, high, log) a slider for ``param`` spans, or None when it gets no slider (not a
    float, a schedule parameter, or an unbounded linear range)."""
    if (param.kind is not float or param.choices is not None
            or param.name in SCHEDULE_NAMES | STOCHASTIC_NAMES):
        return None
    default = float(param.default)
    if param.log_scale:
        if not default > 0:
            return None
        low = default * 10 ** -LOG_DECADES
        high = default * 10 ** LOG_DECADES
        if param.low is not None and param.low > 0:
            low = max(low, param.low * (1.001 if param.low_open else 1.0))
        if param.high is not None:
            high = min(high, param.high * (0.999 if param.high_open else 1.0))
        return (low, high, True) if high > low > 0 else None
    if param.low is None or param.high is None:
        return None
    low, high = float(param.low), float(param.high)
    span = high - low
    low += span * 1e-3 if param.low_open else 0.0
    high -= span * 1e-3 if param.high_open else 0.0
    return (low, high, False) if high > low else None


def _round(value: float) -> float:
    """``value`` to 3 significant digits (slider values read as typed ones)."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.3g}")


class ParamSlider(QSlider):
    """A horizontal slider over :func:`slider_range` of one param (log or linear)."""

    def __init__(self, param: Param, value: Any):
        super().__init__(Qt.Orientation.Horizontal)
        self.param = param
        self.low, self.high, self.log = slider_range(param)
        self.setRange(0, SLIDER_STEPS)
        self.setToolTip(f"drag to see the race change ({'log scale, ' if self.log else ''}"
                        f"{self.low:.3g} to {self.high:.3g})")
        self.show_value(value)

    def value_at(self, position: int) -> float:
        fraction = position / SLIDER_STEPS
        if self.log:
            value = math.exp(math.log(self.low) + fraction * math.log(self.high / self.low))
        else:
            value = self.low + fraction * (self.high - self.low)
        return _round(min(max(value, self.low), self.high))

    def show_value(self, value: Any) -> None:
        """Move the handle to ``value`` (clamped) without emitting anything."""
        try:
            value = float(value)
        except (TypeError, ValueError):
            return
        value = min(max(value, self.low), self.high)
        if self.log:
            fraction = math.log(value / self.low) / math.log(self.high / self.low)
        else:
            fraction = (value - self.low) / (self.high - self.low)
        self.blockSignals(True)
        self.setValue(round(fraction * SLIDER_STEPS))
        self.blockSignals(False)


class ParamForm(QWidget):
    """A form for a tuple of params; ``valueChanged(name, value)`` after each valid edit,
    ``valuePreviewed(name, value)`` while a slider is dragged and ``valueSlid(name, value)``
    when it is released (a valid value)."""

    valueChanged = Signal(str, object)
    valuePreviewed = Signal(str, object)
    valueSlid = Signal(str, object)

    def __init__(self, spec: Iterable[Param], values: Mapping[str, Any], parent=None):
        super().__init__(parent)
        self.editors: dict[str, QWidget] = {}
        self.sliders: dict[str, ParamSlider] = {}
        self.errors: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        spec = tuple(spec)
        main = [p for p in spec if p.name not in SCHEDULE_NAMES | STOCHASTIC_NAMES]
        schedule = [p for p in spec if p.name in SCHEDULE_NAMES]
        stochastic = [p for p in spec if p.name in STOCHASTIC_NAMES]
        layout.addWidget(self._section(main, values))
        if schedule:
            self.schedule_toggle = self._collapsible(layout, "Learning-rate schedule", schedule,
                                                     values)
        if stochastic:
            self.stochastic_toggle = self._collapsible(
                layout, "Stochastic gradients", stochastic, values,
                tooltip=NOISE_MODEL,
                expanded=any(values.get(p.name, p.default) != p.default for p in stochastic))

    def _collapsible(self, layout: QVBoxLayout, title: str, params: list[Param],
                     values: Mapping[str, Any], tooltip: str = "",
                     expanded: bool = False) -> QToolButton:
        """A section of ``params`` under a toggle button titled ``title``."""
        toggle = QToolButton(text=title)
        toggle.setCheckable(True)
        toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toggle.setArrowType(Qt.ArrowType.RightArrow)
        toggle.setAutoRaise(True)
        if tooltip:
            toggle.setToolTip(tooltip)
        section = self._section(params, values)
        section.setVisible(False)
        toggle.toggled.connect(section.setVisible)
        toggle.toggled.connect(lambda on: toggle.setArrowType(
            Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow))
        layout.addWidget(toggle)
        layout.addWidget(section)
        toggle.setChecked(expanded)
        return toggle

    def _section(self, params: list[Param], values: Mapping[str, Any]) -> QWidget:
        section = QWidget()
        form = QFormLayout(section)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(4)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for param in params:
            editor = self._editor(param, values.get(param.name, param.default))
            label = QLabel(param.name)
            label.setToolTip(param.help)
            label.setProperty("role", "muted")
            form.addRow(label, editor)
            if slider_range(param) is not None:
                slider = ParamSlider(param, values.get(param.name, param.default))
                slider.sliderMoved.connect(lambda pos, s=slider: self._slider_moved(s, pos))
                slider.sliderReleased.connect(lambda s=slider: self._slider_released(s))
                editor.committed.connect(lambda _name, v, s=slider: s.show_value(v))
                self.sliders[param.name] = slider
                form.addRow("", slider)
            if param.name in self.errors:
                form.addRow(self.errors[param.name])
        return section

    def _editor(self, param: Param, value: Any) -> QWidget:
        if param.choices is not None:
            editor = QComboBox()
            editor.addItems(list(param.choices))
            editor.setCurrentText(str(value))
            editor.currentTextChanged.connect(lambda text, n=param.name: self.valueChanged.emit(
                n, text))
        elif param.kind is bool:
            editor = QCheckBox()
            editor.setChecked(bool(value))
            editor.toggled.connect(lambda on, n=param.name: self.valueChanged.emit(n, on))
        else:
            error = QLabel()
            error.setProperty("role", "error")
            error.setWordWrap(True)
            error.setVisible(False)
            self.errors[param.name] = error
            editor = NumberEdit(param, value, error)
            editor.committed.connect(self.valueChanged)
        editor.setToolTip(f"{param.help}\nallowed: {param.range_text()}")
        self.editors[param.name] = editor
        return editor

    def _slider_moved(self, slider: ParamSlider, position: int) -> None:
        value = slider.value_at(position)
        self.editors[slider.param.name].setText(format_value(value))
        self.valuePreviewed.emit(slider.param.name, value)

    def _slider_released(self, slider: ParamSlider) -> None:
        """Commit the slider's value as if it was typed (validated the same way)."""
        editor = self.editors[slider.param.name]
        editor.setText(format_value(slider.value_at(slider.value())))
        editor.committed.disconnect(self.valueChanged)
        editor.committed.connect(self.valueSlid)
        try:
            editor.commit()
        finally:
            editor.committed.disconnect(self.valueSlid)
            editor.committed.connect(self.valueChanged)
