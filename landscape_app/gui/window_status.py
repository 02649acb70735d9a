"""The status bar kept current (:class:`~landscape_app.gui.window_parts.StatusLine`'s
labels): the device the engine computes on, and every :data:`STATUS_INTERVAL_MS` the
worker's steps per second and the frames painted per second while playing, "paused" and the
timeline's step otherwise; the landscape's drawing progress and a race that could not start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from landscape_app.engine.traces import TraceBuffer
    from landscape_app.gui.live.painter import FramePainter
    from landscape_app.gui.live.timeline_bar import TimelineBar
    from landscape_app.gui.live.worker import RaceThread
    from landscape_app.gui.window_parts import StatusLine

STATUS_INTERVAL_MS = 500


class StatusUpdates(QObject):
    """What the window's status line says about the engine and the race."""

    def __init__(self, status: StatusLine, buffer: TraceBuffer, painter: FramePainter,
                 timeline_bar: TimelineBar, parent: QObject):
        super().__init__(parent)
        self.status, self.buffer, self.painter, self.bar = status, buffer, painter, timeline_bar
        self.race_thread: RaceThread | None = None  # with the engine (:meth:`start`)
        self.timer = QTimer(self)
        self.timer.setInterval(STATUS_INTERVAL_MS)
        self.timer.timeout.connect(self.update)

    def core_failed(self, message: str) -> None:
        self.status.show(f"The compute engine could not be loaded: {message}", 0)

    def device_found(self, device: str, notice: str) -> None:
        """The engine computes on ``device``; ``notice``: a GPU is present but could not
        start, the CPU computes instead (the why in the tooltip)."""
        self.status.device.setText(f"device: {device}")
        if notice:
            self.status.device.setText(f"device: {device} (GPU unavailable)")
            self.status.device.setToolTip(notice)

    def start(self, race_thread: RaceThread) -> None:
        """Follow ``race_thread``'s worker from now on."""
        self.race_thread = race_thread
        race_thread.raceFailed.connect(self.race_failed)
        self.bar.stepShown.connect(self.step_shown)
        self.timer.start()

    def race_failed(self, generation: int, message: str) -> None:
        if generation == self.race_thread.worker.generation:
            self.status.show(f"The race could not start: {message}", 10000)

    def grid_progress(self, fraction: float) -> None:
        self.status.progress(f"Drawing the landscape… {fraction:.0%}", fraction,
                             "Drawing the landscape")

    def step_shown(self, step: int) -> None:
        """The timeline reads another step: so does the status bar (when paused)."""
        if not self.race_thread.worker.playing:
            self.status.fps.setText(f"step {step}")

    def update(self) -> None:
        snapshot = self.buffer.snapshot()
        playing = self.race_thread is not None and self.race_thread.worker.playing
        if playing:
            self.status.rate.setText(f"{snapshot.steps_per_second:,.0f} steps/s")
            self.status.fps.setText(f"{self.painter.frames_per_second():.0f} frames/s")
        else:
            self.status.rate.setText("paused")
            self.status.fps.setText(f"step {self.bar.shown_step}")  # the bar's step
