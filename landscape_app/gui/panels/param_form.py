"""Editors built from hyperparameter specs (:class:`~landscape_app.core.params.Param`).

Numbers are typed in line edits, not spin boxes, because a spin box silently clamps: here an
out-of-range or malformed value is refused with the spec's own message under the field, the
field turns red, and the last valid value stays in force. Booleans are check boxes, choices
are combo boxes. Learning-rate schedule parameters go in a collapsible section of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

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


class ParamForm(QWidget):
    """A form for a tuple of params; ``valueChanged(name, value)`` after each valid edit."""

    valueChanged = Signal(str, object)

    def __init__(self, spec: Iterable[Param], values: Mapping[str, Any], parent=None):
        super().__init__(parent)
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        spec = tuple(spec)
        main = [p for p in spec if p.name not in SCHEDULE_NAMES]
        schedule = [p for p in spec if p.name in SCHEDULE_NAMES]
        layout.addWidget(self._section(main, values))
        if schedule:
            self.schedule_toggle = QToolButton(text="Learning-rate schedule")
            self.schedule_toggle.setCheckable(True)
            self.schedule_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.schedule_toggle.setArrowType(Qt.ArrowType.RightArrow)
            self.schedule_toggle.setAutoRaise(True)
            section = self._section(schedule, values)
            section.setVisible(False)
            self.schedule_toggle.toggled.connect(section.setVisible)
            self.schedule_toggle.toggled.connect(lambda on: self.schedule_toggle.setArrowType(
                Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow))
            layout.addWidget(self.schedule_toggle)
            layout.addWidget(section)

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
