"""The window's first frame, before torch: the landscape, the lanes, the start and the note.

:func:`draw_first_frame` draws a :class:`~landscape_app.state.first_frame.FirstFrame` into
the views (the engine redraws the same session when it arrives). :class:`EarlyPlay` keeps
the toolbar's Play (and its Space key) working while the engine loads: a press is held and
acted on once the race can start; the other controls wait for the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from landscape_app.core.result import Status
from landscape_app.gui.views.table import TableRow

if TYPE_CHECKING:
    from landscape_app.gui.panels.controls import RunControls
    from landscape_app.gui.window_parts import StatusLine, WindowViews

QUEUED_MESSAGE = "Play pressed: the race starts as soon as the optimizers are loaded"
LOADING_MESSAGE = "Loading torch and the optimizers…"


def draw_first_frame(views: WindowViews, frame) -> None:
    """Draw ``frame`` (a :class:`~landscape_app.state.first_frame.FirstFrame`) in the 2D
    view, the table, the loss curves and the note."""
    for note in (views.note_panel, views.caption):
        note.show_note(frame.title, frame.note)
    views.note_panel.setVisible(views.note_panel.has_note)
    contour = views.contour
    contour.set_landscape(frame.grid, frame.log_scale, frame.colormap, frame.minima,
                          frame.contours, equal_aspect=True)
    contour.set_lanes([color for _, color in frame.lanes])
    contour.set_start(*frame.start)
    contour.start_marker.setVisible(True)
    views.curves.set_offset(frame.loss_offset)
    views.table.set_rows([
        TableRow(label, color, 0, 1, frame.start_loss, frame.start_loss,
                 frame.start_distance, Status.RUNNING)
        for label, color in frame.lanes])


class EarlyPlay(QObject):
    """While the engine loads, only Play works: pressed (button or Space), it is held.

    :meth:`release` turns the other controls on and says whether Play is held (pressed an
    odd number of times); :meth:`start_when_ready` then plays once the race may start
    (:meth:`stop`: not any more, the window is closing).
    """

    def __init__(self, parent: QObject, controls: RunControls, status: StatusLine):
        super().__init__(parent)
        self.play_action, self.status = controls.play_action, status
        self._stopped = False
        play = self.play_action
        self._held = [action for action in controls.actions()
                      if action is not play and action.isEnabled()]
        for action in self._held:
            action.setEnabled(False)
        play.toggled.connect(self._toggled)

    def _toggled(self, playing: bool) -> None:
        self.status.show(QUEUED_MESSAGE if playing else LOADING_MESSAGE, 0)

    def release(self) -> bool:
        """The controls on again; whether Play was left pressed."""
        play = self.play_action
        play.toggled.disconnect(self._toggled)
        for action in self._held:
            action.setEnabled(True)
        self._held = []
        return play.isChecked()

    def start_when_ready(self, play, ready, attempts: int = 600) -> None:
        """Call ``play()`` once ``ready()`` is true (the landscape computed, the lanes built),
        polling every 50 ms for at most ``attempts`` tries."""
        if not self.play_action.isChecked():
            return  # pressed again meanwhile: paused
        if ready():
            play()
        elif attempts > 0 and not self._stopped:
            QTimer.singleShot(50, lambda: self.start_when_ready(play, ready, attempts - 1))

    def stop(self) -> None:
        """Poll no more (the window is closing)."""
        self._stopped = True
