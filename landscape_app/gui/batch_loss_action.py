"""View ▸ Minibatch loss curves: draw, under each lane's true loss, the minibatch loss it
stepped on (lanes with ``batch_size`` on a network landscape; the others have none)."""

from __future__ import annotations

from PySide6.QtGui import QAction

from landscape_app.core.catalogue.stochastic_checks import NOISE_MODEL

TEXT = "Minibatch loss curves"


def add_batch_loss_action(window) -> QAction:
    """A checkable View-menu action that shows or hides the minibatch loss curves.

    ``window`` has ``view_menu`` and ``painter`` (a
    :class:`~landscape_app.gui.live.painter.FramePainter`); the curves repaint at once.
    """
    action = QAction(TEXT, window)
    action.setCheckable(True)
    action.setStatusTip("dotted: the loss of the minibatch each step was taken on "
                        "(lanes with batch_size); solid: the full-data loss")
    action.setToolTip(NOISE_MODEL)

    def toggled(on: bool) -> None:
        window.painter.show_batch_loss = on
        window.painter.invalidate()

    action.toggled.connect(toggled)
    window.view_menu.addAction(action)
    return action
