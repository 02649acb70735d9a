"""Maps ▸ Compare optimizers…'s small dialog: starts a side, steps, tolerance and the number
of settings each lane's sweep tries (a
:class:`~landscape_app.state.compare_record.CompareSettings`)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
)

from landscape_app.state.compare_record import MAX_COUNT, MAX_SIDE, MAX_STEPS, CompareSettings


class CompareDialog(QDialog):
    """Asks for the comparison's settings, starting from ``settings``; :meth:`settings`
    reads them back once accepted."""

    def __init__(self, parent, settings: CompareSettings, network: bool):
        super().__init__(parent)
        self.setWindowTitle("Compare optimizers")
        form = QFormLayout(self)
        intro = QLabel("Every lane's main setting is swept (the learning rate over four "
                       "decades around the lane's own), from every start, for the steps "
                       "given. Success: the final loss within the tolerance of the minimum"
                       + (" (networks: below it)." if network else "."))
        intro.setWordWrap(True)
        form.addRow(intro)
        self.side = self._spin(settings.side, MAX_SIDE)
        self.side.setSuffix(" initialisations²" if network else " × N starts")
        self.steps = self._spin(settings.steps, MAX_STEPS)
        self.count = self._spin(settings.count, MAX_COUNT)
        self.tolerance = QDoubleSpinBox()
        self.tolerance.setDecimals(6)
        self.tolerance.setRange(0.0, 1e6)
        self.tolerance.setValue(settings.tolerance)
        form.addRow("Starts N" if not network else "Initialisations N", self.side)
        form.addRow("Steps", self.steps)
        form.addRow("Tolerance", self.tolerance)
        form.addRow("Settings per lane", self.count)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Compare")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    @staticmethod
    def _spin(value: int, high: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(1, high)
        box.setValue(value)
        return box

    def settings(self) -> CompareSettings:
        return CompareSettings(side=self.side.value(), steps=self.steps.value(),
                               tolerance=self.tolerance.value(), count=self.count.value())
