"""The animation export dialog: GIF, MP4 or PNG frames of the session on screen.

The format follows the file name (``.gif``, ``.mp4``, a folder name without extension for
PNG frames). The user picks the view (2D, 3D, both), the loss curves, the frame size, fps,
the steps shown (from … to: the whole race, or the range marked on the timeline with I and
O, which fills them when the dialog opens and again with "Use the timeline's range"), the
number of frames, and the caption's title; everything is checked
(:func:`~landscape_app.gui.export.request.check_request`) before any work starts.

The work runs in two parts, neither of which freezes the window:

1. the race is recorded (:func:`~landscape_app.engine.recording.record_session`, no Qt) in a
   background thread, with progress and cancel;
2. the frames are drawn with the window's own views, which are widgets and must be drawn in
   the GUI thread: :func:`~landscape_app.gui.export.frames.run_export` is called there, and
   its per-frame progress callback processes pending events, so the window repaints and the
   Cancel button answers between frames.

A cancelled or failed export leaves no file (every output is written atomically). While an
export runs, closing the dialog cancels the export; the dialog is window-modal, so the
session cannot be changed under it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.export.writers import file_filter, output_names
from landscape_app.gui.export.frame_layout import MAX_SIZE, MIN_SIZE, FrameLayout, require_opengl
from landscape_app.gui.export.frames import frame_count, run_export
from landscape_app.gui.export.request import ExportRequest, check_request
from landscape_app.gui.file_dialogs import ask_save_path, suggested_path
from landscape_app.gui.live.tasks import TaskRunner
from landscape_app.state.model import SessionState

VIEW_CHOICES = (("2D view", "2d"), ("3D view", "3d"), ("2D and 3D side by side", "both"))
#: Share of the progress bar given to recording the race (the rest: drawing frames).
RECORD_SHARE = 0.2
PROGRESS_STEPS = 1000
MINIMUM_WIDTH = 520


class ExportDialog(QDialog):
    """Export the session given to :meth:`prepare` as an animation.

    Signals: ``frameWritten(done, total)`` after each frame; ``exportFinished(outcome,
    message)`` with outcome ``done``, ``cancelled`` or ``failed``.
    """

    frameWritten = Signal(int, int)
    exportFinished = Signal(str, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Export the animation")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(MINIMUM_WIDTH)
        self.state: SessionState | None = None
        self.running = False
        self._cancelled = False
        self._request: ExportRequest | None = None
        self._frames = 0
        self.tasks = TaskRunner("export-record", self)
        queued = Qt.ConnectionType.QueuedConnection
        self.tasks.progress.connect(self._record_progress, queued)
        self.tasks.succeeded.connect(self._recorded, queued)
        self.tasks.failed.connect(self._record_failed, queued)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_form())
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setTextVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button = buttons.addButton("Close", QDialogButtonBox.ButtonRole.RejectRole)
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)
        layout.addWidget(buttons)
        self._show_running(False)

    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText(f"{output_names()} for PNG frames")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.view = QComboBox()
        for text, value in VIEW_CHOICES:
            self.view.addItem(text, value)
        self.curves = QCheckBox("show the loss curves")
        self.curves.setChecked(True)
        self.sharpness = QCheckBox("show the sharpness panel")
        self.sharpness.setToolTip("λ_max of the loss Hessian along each lane against its "
                                  "stability threshold (checked when View ▸ Sharpness is on)")
        self.model_view = QCheckBox("show the model view beside the landscape")
        self.model_view.setToolTip("network scenes: the decision regions (fitted curve, "
                                   "outputs) of the chosen lane's network at each frame's step")
        self.model_lane = QComboBox()
        self.model_lane.setToolTip("the lane whose network the model view shows")
        self.model_view.toggled.connect(self.model_lane.setEnabled)
        self.model_lane.setEnabled(False)
        self.width_box = self._spin(MIN_SIZE[0], MAX_SIZE[0], 1280, " px")
        self.height_box = self._spin(MIN_SIZE[1], MAX_SIZE[1], 720, " px")
        size = QHBoxLayout()
        size.addWidget(self.width_box)
        size.addWidget(QLabel("×"))
        size.addWidget(self.height_box)
        self.fps = self._spin(1, 120, 30, " fps")
        self.fps.setToolTip("GIF: at most 50")
        self.first_step = self._spin(0, 1_000_000, 0, "")
        self.first_step.setToolTip("the first step shown (the race always runs from step 0)")
        self.steps = self._spin(1, 1_000_000, 500, "")
        self.steps.setToolTip("the last step shown (the race runs this many steps)")
        self.range_button = QPushButton("Use the timeline's range")
        self.range_button.setToolTip("the steps marked on the timeline: I marks the first, "
                                     "O the last")
        self.range_button.clicked.connect(self.use_timeline_range)
        steps = QHBoxLayout()
        steps.addWidget(self.first_step)
        steps.addWidget(QLabel("to"))
        steps.addWidget(self.steps)
        steps.addWidget(self.range_button)
        self.timeline_range = None  # callable: the timeline's marked range, or None
        self.frames = self._spin(0, 100_000, 0, "")
        self.frames.setSpecialValueText("one per step")
        self.title = QLineEdit()
        self.title.setPlaceholderText("no title in the caption")
        for label, field in (("file", row), ("view", self.view), ("", self.curves),
                             ("", self.sharpness), ("", self.model_view),
                             ("model of", self.model_lane),
                             ("size", size), ("speed", self.fps), ("steps", steps),
                             ("frames", self.frames), ("title", self.title)):
            form.addRow(label, field)
        return form

    @staticmethod
    def _spin(low: int, high: int, value: int, suffix: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(low, high)
        box.setValue(value)
        box.setSuffix(suffix)
        return box

    # -- the session and the request -----------------------------------------------------------
    def prepare(self, state: SessionState, timeline_range=None) -> None:
        """Export ``state`` (the session on screen); its steps and title become the defaults,
        or the steps of the range marked on the timeline (``timeline_range()``: ``(from,
        to)`` or None)."""
        if self.running:
            return
        self.state = state
        self.timeline_range = timeline_range
        self.first_step.setValue(0)
        self.steps.setValue(state.max_steps)
        self.range_button.setEnabled(timeline_range is not None)
        self.title.setText(state.title)
        if not self.path.text():
            self.path.setText(suggested_path("animation.gif"))
        self._offer_3d()
        self.sharpness.setChecked(bool(getattr(self.parent(), "sharpness_on", False)))
        network = state.landscape.kind == "network"
        self.model_view.setEnabled(network)
        self.model_view.setChecked(network and self.model_view.isChecked())
        self.model_lane.clear()
        self.model_lane.addItems([lane.label for lane in state.lanes])
        self.message.clear()
        self.progress.setValue(0)
        if timeline_range is not None and timeline_range() is not None:
            self.use_timeline_range()

    def use_timeline_range(self) -> bool:
        """Fill from … to with the timeline's marked range; False when none is marked."""
        marked = self.timeline_range() if self.timeline_range is not None else None
        if marked is None:
            self.message.setText("" if self.timeline_range is None else
                                 "No range is marked on the timeline: I marks its first "
                                 "step, O its last.")
            return False
        first, last = marked
        self.steps.setValue(max(1, last))
        self.first_step.setValue(first)
        self.message.setText(f"Steps {first} to {last}, as marked on the timeline.")
        return True

    def _offer_3d(self) -> None:
        from landscape_app.gui.views.surface3d import opengl_available

        available, reason = opengl_available()
        model = self.view.model()
        for index in range(1, self.view.count()):
            item = model.item(index)
            item.setEnabled(available)
            item.setToolTip("" if available else f"needs OpenGL: {reason}")
        if not available:
            self.view.setCurrentIndex(0)

    def request(self) -> ExportRequest:
        """The :class:`ExportRequest` the fields describe (not yet checked)."""
        axis = self.state.view.x_axis if self.state is not None else "steps"
        layout = FrameLayout(view=self.view.currentData(), curves=self.curves.isChecked(),
                             width=self.width_box.value(), height=self.height_box.value(),
                             axis=axis if axis != "time" else "steps",
                             model=self.model_view.isEnabled() and self.model_view.isChecked(),
                             model_lane=max(self.model_lane.currentIndex(), 0),
                             sharpness=self.sharpness.isChecked())
        return ExportRequest(layout=layout, title=self.title.text().strip(),
                             fps=float(self.fps.value()), steps=self.steps.value(),
                             first_step=self.first_step.value(),
                             frames=self.frames.value() or None,
                             animation=self.path.text().strip() or None)

    def _browse(self) -> None:
        path = ask_save_path(self, "Export the animation", file_filter(),
                             Path(self.path.text()).name or "animation.gif")
        if path:
            self.path.setText(path)

    # -- running -------------------------------------------------------------------------------
    def start(self) -> bool:
        """Check the request and start the export; False (with the reason shown) if invalid."""
        if self.running or self.state is None:
            return False
        try:
            request = self.request()
            if request.animation is None:
                raise LandscapeError(f"give the file to write ({output_names('')})")
            check_request(request)
            if request.layout.needs_opengl:
                require_opengl()
        except LandscapeError as error:
            self._say(str(error), error=True)
            return False
        self._request, self._cancelled = request, False
        self._show_running(True)
        self._say("Recording the race…")
        state, steps = self.state, request.steps

        def record(progress, cancelled):
            from landscape_app.engine.recording import record_session

            return record_session(state, steps, device="auto", cancelled=cancelled,
                                  progress=progress)

        self.tasks.submit(record)
        return True

    def cancel(self) -> None:
        """Stop the running export; nothing is written."""
        if self.running:
            self._cancelled = True
            self.tasks.cancel()
            self._say("Cancelling…")

    def _record_progress(self, token: int, stage: str, fraction: float) -> None:
        if token == self.tasks.token and self.running:
            self.progress.setValue(round(PROGRESS_STEPS * RECORD_SHARE * fraction))

    def _record_failed(self, token: int, message: str) -> None:
        if token == self.tasks.token and self.running:
            self._finish("cancelled" if self._cancelled else "failed",
                         "Cancelled: nothing was written." if self._cancelled else message)

    def _recorded(self, token: int, recording) -> None:
        if token != self.tasks.token or not self.running:
            return
        if self._cancelled:
            self._finish("cancelled", "Cancelled: nothing was written.")
            return
        self._say("Drawing the frames…")
        self._frames = frame_count(self._request, recording.steps)
        try:
            report = run_export(self.state, self._request, progress=self._frame_progress,
                                cancelled=lambda: self._cancelled, recording=recording)
        except CancelledError:
            self._finish("cancelled", "Cancelled: nothing was written.")
        except LandscapeError as error:
            self._finish("failed", str(error))
        else:
            result = report.animation
            self._finish("done", f"Wrote {result.path}: {result.frames} frames, "
                                 f"{result.width}×{result.height}, {result.fps:g} fps, "
                                 f"{result.bytes / 1e6:.2f} MB.")

    def _frame_progress(self, stage: str, fraction: float) -> None:
        """Per frame, in the GUI thread: show it, then let the window breathe."""
        if stage == "frames":
            share = RECORD_SHARE + (1.0 - RECORD_SHARE) * fraction
            self.progress.setValue(round(PROGRESS_STEPS * share))
            done, total = round(fraction * self._frames), self._frames
            self.message.setText(f"Drawing the frames… {done} / {total}")
            self.frameWritten.emit(done, total)
        QApplication.processEvents()

    def _finish(self, outcome: str, message: str) -> None:
        self._show_running(False)
        if outcome == "done":
            self.progress.setValue(PROGRESS_STEPS)
        self._say(message, error=outcome == "failed")
        self.exportFinished.emit(outcome, message)

    def _show_running(self, running: bool) -> None:
        self.running = running
        self.export_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("role", "error" if error else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # -- closing -------------------------------------------------------------------------------
    def reject(self) -> None:
        """Esc or the close button: cancel a running export, otherwise close."""
        if self.running:
            self.cancel()
        else:
            super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.running:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Cancel and join the recording thread (the window is closing)."""
        self._cancelled = True
        self.tasks.shutdown()
        self.running = False
        self.close()
