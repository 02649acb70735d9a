"""View ▸ Minibatch loss curves: draw, under each lane's true loss, the minibatch loss it
stepped on (lanes with ``batch_size`` on a network landscape; the others have none)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from landscape_app.core.catalogue.stochastic_checks import NOISE_MODEL

if TYPE_CHECKING:
    from landscape_app.gui.live.painter import FramePainter

TEXT = "Minibatch loss curves"


def add_batch_loss_action(parent: QObject, menu: QMenu, painter: FramePainter) -> QAction:
    """A checkable action in ``menu`` (the View menu) that shows or hides the minibatch loss
    curves ``painter`` draws; the curves repaint at once."""
    action = QAction(TEXT, parent)
    action.setCheckable(True)
    action.setStatusTip("dotted: the loss of the minibatch each step was taken on "
                        "(lanes with batch_size); solid: the full-data loss")
    action.setToolTip(NOISE_MODEL)

    def toggled(on: bool) -> None:
        painter.show_batch_loss = on
        painter.invalidate()

    action.toggled.connect(toggled)
    menu.addAction(action)
    return action
