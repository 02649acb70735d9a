"""The window's frame clock: every ``FRAME_INTERVAL_MS`` the latest snapshot of the race goes
into the views, and the race worker is held until the views drawn have repainted (see
:meth:`~landscape_app.gui.live.worker.RaceWorker.hold` for why)."""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer

from landscape_app.gui.live.painter import Appearance

if TYPE_CHECKING:
    from landscape_app.engine.traces import TraceBuffer
    from landscape_app.gui.live.controller import RaceController
    from landscape_app.gui.live.painter import FramePainter
    from landscape_app.gui.live.timeline_bar import TimelineControl
    from landscape_app.gui.live.worker import RaceThread
    from landscape_app.gui.panels.optimizer_panel import OptimizerPanel

FRAME_INTERVAL_MS = 16


class FrameClock:
    """Paints the views from the trace buffer on a precise timer, through ``painter``, at
    the ``timeline``'s step; the lane cards of ``optimizer_panel`` show the drawn colours.

    ``waited_for`` names the views a frame waits for (their ``painted`` signal); :attr:`times`
    keeps how long each drawn frame took, timer slot to painted (the last 600).
    """

    def __init__(self, parent: QObject, waited_for: dict, controller: RaceController,
                 race_thread: RaceThread, optimizer_panel: OptimizerPanel,
                 buffer: TraceBuffer, painter: FramePainter, timeline: TimelineControl):
        self.controller, self.worker = controller, race_thread.worker
        self.optimizer_panel, self.buffer = optimizer_panel, buffer
        self.painter, self.timeline = painter, timeline
        self.waited_for = waited_for
        self.started: float | None = None
        self.awaiting: set[str] = set()
        self.times: deque[float] = deque(maxlen=600)
        self._swatches = None
        for name, view in waited_for.items():
            view.painted.connect(lambda name=name: self._painted(name))
        self.timer = QTimer(parent)  # a child of the window: closing it stops the timer
        self.timer.setInterval(FRAME_INTERVAL_MS)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.paint)

    def paint(self) -> set[str]:
        """Push the latest snapshot into the views (the timer's slot); the names of the views
        drawn. The worker is held from here until those views have repainted."""
        state = self.controller.state
        started = time.perf_counter()
        self.worker.hold()
        appearance = Appearance.of(state.lanes)
        swatches = (appearance, tuple(map(id, self.optimizer_panel.cards)))
        if swatches != self._swatches:  # the cards show the drawn colours
            self._swatches = swatches
            self.optimizer_panel.show_drawn_colors(appearance.colors)
        snapshot = self.buffer.snapshot()
        drawn = self.painter.paint(snapshot, appearance, state.view.x_axis,
                                   self.timeline.frame(snapshot))
        self.awaiting = {name for name in drawn
                         if name in self.waited_for and self.waited_for[name].isVisible()}
        if self.awaiting:
            self.started = started
        else:
            self.worker.release()
        return drawn

    def _painted(self, name: str) -> None:
        """A view finished painting; when the frame's last one has, let the worker go."""
        self.awaiting.discard(name)
        if self.awaiting or self.started is None:
            return
        self.times.append(time.perf_counter() - self.started)
        self.started = None
        self.worker.release()
