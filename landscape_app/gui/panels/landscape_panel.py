"""The landscape panel: a test function, a custom expression, or a network's loss surface.

Function: a picker with the function's formula, description, domain and known minima.
Expression: checked as you type (errors inline, with the column), applied after a short pause;
while the text is invalid the last valid surface stays on screen. Network: the model, data and
plane of :mod:`landscape_app.core.nn`, trained and evaluated off the UI thread (the window
runs it and reports progress here, with a cancel button).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.errors import ExpressionError, LandscapeError
from landscape_app.core.functions import all_functions, get_function
from landscape_app.core.functions.expression import custom_function
from landscape_app.core.functions.expression_rules import EXPRESSION_HELP
from landscape_app.gui.panels.network_panel import NetworkPage
from landscape_app.state.model import LandscapeSpec

#: Pause after the last keystroke before a valid expression is applied.
EXPRESSION_DEBOUNCE_MS = 350
EXAMPLE_EXPRESSION = "(1 - x)**2 + 100*(y - x**2)**2"
HINTS = ("Click or drag in the 2D view to move the start point; drag to pan, wheel to zoom.\n"
         "Keys: space play / pause · → one step · R reset.")


def minima_text(function) -> str:
    """``f* = 0 at (1, 1)`` lines, or a note that none is known."""
    if not function.minima:
        return "no global minimum (unbounded below)" if function.id in (
            "saddle", "monkey-saddle") else "global minimum unknown"
    points = ", ".join(f"({m.position[0]:.4g}, {m.position[1]:.4g})" for m in function.minima)
    return f"f* = {function.minima[0].value:.6g} at {points}"


def parse_range(text: str, axis: str) -> tuple[float, float]:
    """``"-2, 2"`` → (−2.0, 2.0), or a :class:`LandscapeError` saying what to type."""
    parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        raise LandscapeError(f"{axis} range: type two numbers such as -2, 2") from None
    return low, high


def _label(role: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class LandscapePanel(QWidget):
    """Choose the landscape. Emits :attr:`landscapeChosen` with a 2D ``LandscapeSpec``;
    the network page emits :attr:`networkRequested` / :attr:`networkCancelled`."""

    landscapeChosen = Signal(object)
    networkRequested = Signal(dict)
    networkCancelled = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._function_page(), "Function")
        self.tabs.addTab(self._expression_page(), "Expression")
        self.network = NetworkPage()
        self.network.requested.connect(self.networkRequested)
        self.network.cancelled.connect(self.networkCancelled)
        self.tabs.addTab(self.network, "Network")
        layout.addWidget(self.tabs)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(EXPRESSION_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._apply_expression)

    # -- function ----------------------------------------------------------------------------
    def _function_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.function_box = QComboBox()
        for function in all_functions():
            self.function_box.addItem(function.name, function.id)
        self.function_box.setMaxVisibleItems(20)
        self.function_box.currentIndexChanged.connect(self._function_picked)
        self.formula = _label("formula")
        self.description = _label("muted")
        self.minima = _label("muted")
        self.domain = _label("muted")
        for widget in (self.function_box, self.formula, self.description, self.minima,
                       self.domain):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(_label("muted", HINTS))
        return page

    def _function_picked(self, index: int) -> None:
        function_id = self.function_box.itemData(index)
        self._describe(function_id)
        self.landscapeChosen.emit(LandscapeSpec(kind=LandscapeKind.FUNCTION, function=function_id))

    def _describe(self, function_id: str) -> None:
        function = get_function(function_id)
        self.formula.setText(f"f(x, y) = {function.latex}")
        self.description.setText(function.description)
        self.minima.setText(minima_text(function))
        box = function.domain
        self.domain.setText(f"search box [{box.x0:g}, {box.x1:g}] × [{box.y0:g}, {box.y1:g}]")

    # -- expression --------------------------------------------------------------------------
    def _expression_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.expression = QLineEdit()
        self.expression.setPlaceholderText(EXAMPLE_EXPRESSION)
        self.expression.textEdited.connect(self._expression_edited)
        self.x_range = QLineEdit("-2, 2")
        self.y_range = QLineEdit("-1, 3")
        for edit in (self.x_range, self.y_range):
            edit.textEdited.connect(self._expression_edited)
        form = QFormLayout()
        form.addRow("f(x, y) =", self.expression)
        form.addRow("x range", self.x_range)
        form.addRow("y range", self.y_range)
        layout.addLayout(form)
        self.expression_error = _label("error")
        self.expression_error.setVisible(False)
        layout.addWidget(self.expression_error)
        layout.addWidget(_label("muted", EXPRESSION_HELP))
        layout.addStretch(1)
        return page

    def _expression_edited(self) -> None:
        spec, message = self.expression_spec()
        self.expression.setProperty("invalid", spec is None)
        self.expression.style().unpolish(self.expression)
        self.expression.style().polish(self.expression)
        self.expression_error.setText(message)
        self.expression_error.setVisible(spec is None)
        if spec is None:
            self._debounce.stop()
        else:
            self._debounce.start()

    def expression_spec(self) -> tuple[LandscapeSpec | None, str]:
        """The typed expression as a spec, or (None, the reason it is not valid)."""
        text = self.expression.text()
        try:
            x_range = parse_range(self.x_range.text(), "x")
            y_range = parse_range(self.y_range.text(), "y")
            custom_function(text, x_range, y_range)
        except ExpressionError as error:
            where = "" if error.position is None else f"  (column {error.position + 1})"
            return None, f"{error}{where}"
        except LandscapeError as error:
            return None, str(error)
        return LandscapeSpec(kind=LandscapeKind.EXPRESSION, expression=text, x_range=x_range,
                             y_range=y_range), ""

    def _apply_expression(self) -> None:
        spec, _ = self.expression_spec()
        if spec is not None:
            self.landscapeChosen.emit(spec)

    # -- state -------------------------------------------------------------------------------
    def show_spec(self, spec: LandscapeSpec) -> None:
        """Show ``spec`` in the widgets (a scene or a session was loaded); no signal."""
        self.blockSignals(True)
        try:
            if spec.kind == LandscapeKind.FUNCTION:
                self.tabs.setCurrentIndex(0)
                self.function_box.setCurrentIndex(self.function_box.findData(spec.function))
                self._describe(spec.function)
            elif spec.kind == LandscapeKind.EXPRESSION:
                self.tabs.setCurrentIndex(1)
                self.expression.setText(spec.expression)
                if spec.x_range:
                    self.x_range.setText(f"{spec.x_range[0]:g}, {spec.x_range[1]:g}")
                if spec.y_range:
                    self.y_range.setText(f"{spec.y_range[0]:g}, {spec.y_range[1]:g}")
            else:
                self.tabs.setCurrentIndex(2)
                self.network.show_config(spec.network)
        finally:
            self.blockSignals(False)


class DisplayPanel(QWidget):
    """How the landscape is drawn: colormap, colour scale, contour levels, grid resolution."""

    changed = Signal()

    def __init__(self, colormaps: tuple[str, ...], parent=None):
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(8, 6, 8, 6)
        self.colormap = QComboBox()
        self.colormap.addItems(list(colormaps))
        self.scale = QComboBox()
        for text, value in (("auto", None), ("linear", False), ("log", True)):
            self.scale.addItem(text, value)
        self.scale.setToolTip("colour scale; auto takes the landscape's preference")
        self.contours = QSpinBox()
        self.contours.setRange(0, 60)
        self.contours.setValue(12)
        self.resolution = QSpinBox()
        self.resolution.setRange(50, 1000)
        self.resolution.setSingleStep(50)
        self.resolution.setValue(400)
        self.resolution.setToolTip("grid points per side of the heatmap")
        form.addRow("colormap", self.colormap)
        form.addRow("colour scale", self.scale)
        form.addRow("contour lines", self.contours)
        form.addRow("grid", self.resolution)
        self.colormap.currentIndexChanged.connect(self.changed)
        self.scale.currentIndexChanged.connect(self.changed)
        self.contours.valueChanged.connect(self.changed)
        self.resolution.editingFinished.connect(self.changed)

    def values(self) -> dict:
        """The ``ViewSettings`` fields this panel edits."""
        return {"colormap": self.colormap.currentText(), "log_scale": self.scale.currentData(),
                "contours": self.contours.value(), "resolution": self.resolution.value()}

    def show_values(self, colormap: str, log_scale: bool | None, contours: int,
                    resolution: int) -> None:
        """Show these settings; no signal."""
        for widget in (self.colormap, self.scale, self.contours, self.resolution):
            widget.blockSignals(True)
        self.colormap.setCurrentText(colormap)
        self.scale.setCurrentIndex(self.scale.findData(log_scale))
        self.contours.setValue(contours)
        self.resolution.setValue(resolution)
        for widget in (self.colormap, self.scale, self.contours, self.resolution):
            widget.blockSignals(False)
