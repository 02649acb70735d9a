"""The Help menu's topics beyond the keyboard shortcuts: how the app models stochastic
gradients (the same text ``landscape-app list optimizers`` prints)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QMessageBox

from landscape_app.core.catalogue.stochastic_checks import NOISE_MODEL


def show_noise_model(window) -> QMessageBox:
    """Help ▸ Minibatches and gradient noise: the model of noise; the (window-modal) box."""
    box = QMessageBox(QMessageBox.Icon.Information, "Minibatches and gradient noise",
                      NOISE_MODEL, parent=window)
    box.setObjectName("noise-model")
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.show()
    return box


def add_help_topics(window, menu: QMenu) -> None:
    """Add the topics to ``menu`` (Help)."""
    menu.addAction("&Minibatches and gradient noise…").triggered.connect(
        lambda _checked=False: show_noise_model(window))
