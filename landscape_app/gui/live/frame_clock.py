"""The window's frame clock: every ``FRAME_INTERVAL_MS`` the latest snapshot of the race goes
into the views, and the race worker is held until the views drawn have repainted (see
:meth:`~landscape_app.gui.live.worker.RaceWorker.hold` for why)."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import Qt, QTimer

from landscape_app.gui.live.painter import Appearance

FRAME_INTERVAL_MS = 16


class FrameClock:
    """Paints ``window``'s views from its trace buffer on a precise timer.

    ``waited_for`` names the views a frame waits for (their ``painted`` signal); :attr:`times`
    keeps how long each drawn frame took, timer slot to painted (the last 600).
    """

    def __init__(self, window, waited_for: dict):
        self.window = window
        self.waited_for = waited_for
        self.started: float | None = None
        self.awaiting: set[str] = set()
        self.times: deque[float] = deque(maxlen=600)
        self._swatches = None
        for name, view in waited_for.items():
            view.painted.connect(lambda name=name: self._painted(name))
        self.timer = QTimer(window)  # a child of the window: closing it stops the timer
        self.timer.setInterval(FRAME_INTERVAL_MS)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.paint)

    def paint(self) -> set[str]:
        """Push the latest snapshot into the views (the timer's slot); the names of the views
        drawn. The worker is held from here until those views have repainted."""
        window = self.window
        if window.controller is None:
            return set()
        state = window.controller.state
        started = time.perf_counter()
        window.race_thread.worker.hold()
        appearance = Appearance.of(state.lanes)
        swatches = (appearance, tuple(map(id, window.optimizer_panel.cards)))
        if swatches != self._swatches:  # the cards show the drawn colours
            self._swatches = swatches
            window.optimizer_panel.show_drawn_colors(appearance.colors)
        snapshot = window.buffer.snapshot()
        drawn = window.painter.paint(snapshot, appearance, state.view.x_axis,
                                     window.timeline.frame(snapshot))
        self.awaiting = {name for name in drawn
                         if name in self.waited_for and self.waited_for[name].isVisible()}
        if self.awaiting:
            self.started = started
        else:
            window.race_thread.worker.release()
        return drawn

    def _painted(self, name: str) -> None:
        """A view finished painting; when the frame's last one has, let the worker go."""
        self.awaiting.discard(name)
        if self.awaiting or self.started is None:
            return
        self.times.append(time.perf_counter() - self.started)
        self.started = None
        self.window.race_thread.worker.release()
