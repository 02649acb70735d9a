"""The network page of the landscape panel: which network, which plane, how fine a grid.

The race's lanes (from the optimizer panel) are trained on the network first, off the UI
thread; the plane is then chosen from their paths (PCA), at random (filter-normalized) or
from the Hessian, and the surface is evaluated on it. This page only collects the settings,
shows progress with a cancel button, and reports the result (device, plane, parameters).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from landscape_app.core.nn import ACTIVATIONS, DIRECTION_METHODS, NETWORK_MODELS

STAGES = {"train": "training", "plane": "choosing the plane", "surface": "evaluating the grid"}


def parse_widths(text: str) -> tuple[int, ...]:
    """``"16, 16"`` → (16, 16); a ValueError saying what to type otherwise."""
    try:
        widths = tuple(int(part) for part in text.replace(";", ",").split(",") if part.strip())
    except ValueError:
        raise ValueError("hidden widths: type whole numbers separated by commas, "
                         "such as 16, 16") from None
    if not widths:
        raise ValueError("hidden widths: give at least one layer width, such as 16")
    return widths


class ProgressRow(QWidget):
    """A progress bar with a stage label and a cancel button (hidden when idle)."""

    cancelled = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self.cancelled)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel)
        self.setVisible(False)

    def show_progress(self, text: str, fraction: float) -> None:
        self.setVisible(True)
        self.bar.setFormat(f"{text} %p%")
        self.bar.setValue(int(1000 * min(max(fraction, 0.0), 1.0)))

    def finish(self) -> None:
        self.setVisible(False)


class NetworkPage(QWidget):
    """Network settings; :attr:`requested` carries them as the JSON-style dict a
    ``LandscapeSpec.network`` holds (see :mod:`landscape_app.state.network_settings`)::

        {"model", "hidden", "activation", "samples", "dtype", "directions", "resolution"}

    The training steps, the optimizers and the seed are the race's own.
    """

    requested = Signal(dict)
    cancelled = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.model = QComboBox()
        for model_id, description in NETWORK_MODELS.items():
            self.model.addItem(model_id, model_id)
            self.model.setItemData(self.model.count() - 1, description, Qt.ItemDataRole.ToolTipRole)
        self.model.currentIndexChanged.connect(self._model_changed)
        self.hidden = QLineEdit("16, 16")
        self.activation = QComboBox()
        self.activation.addItems(list(ACTIVATIONS))
        self.samples = QSpinBox()
        self.samples.setRange(4, 20_000)
        self.samples.setValue(256)
        self.dtype = QComboBox()
        self.dtype.addItems(["float32", "float64"])
        self.directions = QComboBox()
        for method, description in DIRECTION_METHODS.items():
            self.directions.addItem(method, method)
            self.directions.setItemData(self.directions.count() - 1, description,
                                        Qt.ItemDataRole.ToolTipRole)
        self.resolution = QSpinBox()
        self.resolution.setRange(11, 401)
        self.resolution.setValue(61)
        for label, widget in (("model", self.model), ("hidden widths", self.hidden),
                              ("activation", self.activation), ("samples", self.samples),
                              ("dtype", self.dtype), ("directions", self.directions),
                              ("grid", self.resolution)):
            form.addRow(label, widget)
        layout.addLayout(form)
        self.build = QPushButton("Train and compute surface")
        self.build.setDefault(True)
        self.build.clicked.connect(self._build_clicked)
        layout.addWidget(self.build)
        self.progress = ProgressRow()
        self.progress.cancelled.connect(self.cancelled)
        layout.addWidget(self.progress)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.info = QLabel("The race's optimizers are trained on the network first (for the "
                           "toolbar's number of steps); their paths are then projected on the "
                           "plane and replayed.")
        self.info.setProperty("role", "muted")
        self.info.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addWidget(self.info)
        layout.addStretch(1)
        self._model_changed()

    def _model_changed(self) -> None:
        is_seed = self.model.currentData() == "seed"
        for widget in (self.hidden, self.activation, self.samples):
            widget.setEnabled(not is_seed)
        if is_seed:
            self.dtype.setCurrentText("float64")

    def request(self) -> dict[str, Any]:
        """The settings, or a ValueError naming the bad field."""
        return {"model": self.model.currentData(), "hidden": list(parse_widths(self.hidden.text())),
                "activation": self.activation.currentText(), "samples": self.samples.value(),
                "dtype": self.dtype.currentText(), "directions": self.directions.currentData(),
                "resolution": self.resolution.value()}

    def _build_clicked(self) -> None:
        try:
            request = self.request()
        except ValueError as error:
            self.show_error(str(error))
            return
        self.show_error("")
        self.show_progress("train", 0.0)
        self.requested.emit(request)

    # -- what the window reports -------------------------------------------------------------
    def show_progress(self, stage: str, fraction: float) -> None:
        self.build.setEnabled(False)
        self.progress.show_progress(STAGES.get(stage, stage), fraction)

    def show_done(self, info: str) -> None:
        self.build.setEnabled(True)
        self.progress.finish()
        self.info.setText(info)

    def show_error(self, message: str) -> None:
        self.build.setEnabled(True)
        self.progress.finish()
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def show_config(self, network: dict[str, Any]) -> None:
        """Show stored settings (a ``LandscapeSpec.network`` dict); no signal."""
        self.model.setCurrentIndex(max(self.model.findData(network.get("model", "moons")), 0))
        self.hidden.setText(", ".join(str(w) for w in network.get("hidden", (16, 16))))
        self.activation.setCurrentText(network.get("activation", "tanh"))
        self.samples.setValue(int(network.get("samples", 256)))
        self.dtype.setCurrentText(network.get("dtype", "float32"))
        self.directions.setCurrentIndex(max(self.directions.findData(
            network.get("directions", "pca")), 0))
        self.resolution.setValue(int(network.get("resolution", 61)))
