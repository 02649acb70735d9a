"""The timeline under the views: scrub through a race that has run, mark an export range.

The state (which step is shown, the marked range, replaying) is the Qt-free
:class:`~landscape_app.engine.timeline.Timeline`; this module is its slider, its readout, its
menu (View ▸ Timeline) and keys, and its wiring to the window:

* every frame, :meth:`TimelineControl.frame` tells the timeline how far the race has got and
  returns the step the painter cuts the snapshot at (None: live);
* dragging the slider, clicking its track (the step under the cursor), or the keys, show a
  step (and pause the race);
* play from a scrubbed step replays the steps already computed at the chosen speed, then the
  race plays on live; step from a scrubbed step shows the next one; step after a drag
  preview rebuilds the real race and takes its first step.

Keys (also in View ▸ Timeline): ← or Shift+← one step back, Shift+→ one forward (→ is
the Step button's), Shift+PgUp /
Shift+PgDn :data:`~landscape_app.engine.timeline.BIG_STEP` steps, Home / End the first /
last step (End: live again), Ctrl+G go to a step, I / O mark the export range's first / last
step.

Other views follow the shown step through :attr:`TimelineControl.shownStepChanged`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QWidget,
)

from landscape_app.engine.timeline import BIG_STEP, Plan, Timeline
from landscape_app.engine.traces import RaceSnapshot
from landscape_app.gui.keyboard import window_action

if TYPE_CHECKING:
    from landscape_app.engine.traces import TraceBuffer
    from landscape_app.gui.live.controller import RaceController
    from landscape_app.gui.live.painter import FramePainter
    from landscape_app.gui.live.worker import RaceThread
    from landscape_app.gui.panels.controls import RunControls


class TrackSlider(QSlider):
    """A horizontal slider whose track, clicked, jumps to the step under the cursor (a
    plain QSlider moves a page toward it), the handle then following the drag."""

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > self.minimum():
            option = QStyleOptionSlider()
            self.initStyleOption(option)
            control = QStyle.ComplexControl.CC_Slider
            point = event.position().toPoint()
            if self.style().hitTestComplexControl(control, option, point, self) \
                    != QStyle.SubControl.SC_SliderHandle:
                self.setValue(self.value_at(point.x()))
        super().mousePressEvent(event)

    def value_at(self, x: int) -> int:
        """The value whose handle is centred on ``x`` (pixels from the slider's left)."""
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        style, control = self.style(), QStyle.ComplexControl.CC_Slider
        groove = style.subControlRect(control, option, QStyle.SubControl.SC_SliderGroove, self)
        handle = style.subControlRect(control, option, QStyle.SubControl.SC_SliderHandle, self)
        span = max(1, groove.width() - handle.width())
        return QStyle.sliderValueFromPosition(self.minimum(), self.maximum(),
                                              x - groove.x() - handle.width() // 2, span,
                                              option.upsideDown)


class TimelineBar(QWidget):
    """A slider over the race's steps, with the shown step and the marked range.

    ``scrubbed(step)`` is emitted when the user moves the slider (not when :meth:`display`
    does); ``stepShown(step)`` when the step it reads changes (the status bar follows)."""

    scrubbed = Signal(int)
    stepShown = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("timeline")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        self.slider = TrackSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the window's keys stay the keys
        self.slider.setToolTip("drag or click to show any step of the race "
                               "(←, Shift+←/→, Home, End)")
        self.slider.setMinimumWidth(60)
        self.slider.valueChanged.connect(self._moved)
        self.readout = QLabel()
        self.range_label = QLabel()
        self.range_label.setProperty("role", "muted")
        self.range_label.setToolTip("the export range: I marks its first step, O its last")
        # Small explicit minimums: the bar never widens the window (small screens); the
        # readout's is the widest text of the planned race (see _reserve).
        self.readout.setMinimumWidth(60)
        self.range_label.setMinimumWidth(1)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.readout)
        layout.addWidget(self.range_label)
        self._syncing = False
        self._displayed: tuple | None = None
        self.shown_step = 0  # the step the readout reads

    def display(self, step: int, furthest: int, live: bool,
                selection: tuple[int, int] | None, planned: int = 0) -> None:
        """Show ``step`` of ``0 … furthest`` in a race of ``planned`` steps (nothing is
        redrawn when nothing changed)."""
        shown = (step, furthest, live, selection, planned)
        if shown == self._displayed:
            return
        self._displayed = shown
        self._syncing = True
        self.slider.setRange(0, furthest)
        self.slider.setValue(step)
        self._syncing = False
        self.readout.setText(f"step {step} / {furthest}" + (" (live)" if live else ""))
        self._reserve(max(furthest, planned))
        self.range_label.setText("" if selection is None
                                 else f"range {selection[0]}–{selection[1]}")
        if step != self.shown_step:
            self.shown_step = step
            self.stepShown.emit(step)

    def reselect(self, selection: tuple[int, int] | None) -> None:
        """Show another export range, the step as it is."""
        if self._displayed is not None:
            step, furthest, live, _, planned = self._displayed
            self.display(step, furthest, live, selection, planned)

    def replan(self, planned: int) -> None:
        """The race's planned length changed (its steps setting): the readout's room with it,
        at once rather than at the next step shown."""
        if self._displayed is not None and self._displayed[4] != planned:
            step, furthest, live, selection, _ = self._displayed
            self.display(step, furthest, live, selection, planned)

    def _reserve(self, steps: int) -> None:
        """The readout as wide as its widest text in a race of ``steps`` steps ("(live)"
        included), so the slider keeps its length (and the handle its place under the cursor)
        as the step, the furthest step and "(live)" change — also while a live view catches up
        from step 0 after End, its furthest step gaining digits."""
        digits = "8" * len(str(steps))
        widest = self.readout.fontMetrics().horizontalAdvance(
            f"step {digits} / {digits} (live)") + 2
        if widest != self.readout.minimumWidth():
            self.readout.setMinimumWidth(widest)

    def _moved(self, value: int) -> None:
        if not self._syncing:
            self.scrubbed.emit(value)


class TimelineControl(QObject):
    """The window's timeline: a :class:`Timeline`, its :class:`TimelineBar`, actions and menu.

    Signals
    -------
    shownStepChanged(step)
        The step on screen changed (scrubbing, replaying, or the live race growing).
    """

    shownStepChanged = Signal(int)

    def __init__(self, window: QMainWindow, bar: TimelineBar, controls: RunControls,
                 painter: FramePainter, buffer: TraceBuffer, race_thread: RaceThread,
                 controller: RaceController):
        super().__init__(window)
        self.window = window  # the dialog's parent, the shortcuts' owner
        self.bar, self.controls, self.painter, self.buffer = bar, controls, painter, buffer
        self.race_thread, self.controller = race_thread, controller
        self.timeline = Timeline()
        self._last_frame = time.perf_counter()
        self._shown = -1
        bar.scrubbed.connect(self.scrub)
        controller.stateChanged.connect(lambda: bar.replan(self._planned()))
        # Following a live race, the bar reads the step the table shows (the painter's).
        painter.on_numbers = self._numbers_drawn
        self.menu = QMenu("&Timeline", window)
        self.actions: dict[str, QAction] = {}
        for name, text, keys, slot in (
                ("back", "&Previous step", "Shift+Left", lambda: self.scrub_by(-1)),
                ("forward", "&Next step", "Shift+Right", lambda: self.scrub_by(1)),
                ("back_big", f"&Back {BIG_STEP} steps", "Shift+PgUp",
                 lambda: self.scrub_by(-BIG_STEP)),
                ("forward_big", f"&Forward {BIG_STEP} steps", "Shift+PgDown",
                 lambda: self.scrub_by(BIG_STEP)),
                ("first", "F&irst step", "Home", lambda: self.scrub(0)),
                ("last", "&Last step (live)", "End", lambda: self.scrub(self.timeline.furthest)),
                ("goto", "&Go to step…", "Ctrl+G", self.ask_step),
                (None, None, None, None),
                ("mark_in", "Mark range &start (export)", "I", self.mark_in),
                ("mark_out", "Mark range &end (export)", "O", self.mark_out),
                ("clear", "&Clear the range", None, self.clear_marks)):
            if name is None:
                self.menu.addSeparator()
                continue
            action = window_action(window, text, QKeySequence(keys) if keys else None, slot)
            self.menu.addAction(action)
            self.actions[name] = action
        # ← and → as well: → is the Step button's (the next step, also when scrubbed).
        self.actions["back"].setShortcuts([QKeySequence("Left"), QKeySequence("Shift+Left")])
        self.menu.addSeparator()
        self.show_action = QAction("Show the &timeline", window)
        self.show_action.setCheckable(True)
        self.show_action.setChecked(True)
        self.show_action.toggled.connect(bar.setVisible)
        self.menu.addAction(self.show_action)

    # -- the window's side -------------------------------------------------------------------
    @property
    def step(self) -> int:
        """The step on screen."""
        return self.timeline.step

    @property
    def shown_step(self) -> int | None:
        """The step scrubbed to (None: live, the latest step is shown)."""
        return self.timeline.shown

    def selection(self) -> tuple[int, int] | None:
        """The marked export range, if any."""
        return self.timeline.selection()

    def frame(self, snapshot: RaceSnapshot) -> int | None:
        """A frame is painted from ``snapshot``: follow the race, advance a replay; the step
        to draw (None: live)."""
        now = time.perf_counter()
        elapsed, self._last_frame = now - self._last_frame, now
        timeline = self.timeline
        timeline.follow(snapshot.generation, snapshot.furthest_step)
        if timeline.replaying:
            timeline.advance(elapsed, self.controls.current_speed())
            if timeline.live:  # caught up with the race: it plays on, or playing ends
                if snapshot.done or self._preview_on_screen():
                    self.controls.show_playing(False)
                else:
                    self.race_thread.worker.play()
        self._refresh()
        return timeline.shown

    def play(self, playing: bool) -> bool:
        """Play (or pause) pressed; True when the timeline took it (a replay from a scrubbed
        step), False when the window plays or pauses the race as usual."""
        timeline = self.timeline
        if not playing:
            timeline.replaying = False
            return False
        self._follow_now()
        if timeline.play_plan(self._done(), self._preview_on_screen()) is not Plan.REPLAY:
            return False
        self.race_thread.worker.pause()
        timeline.replaying = True
        self._last_frame = time.perf_counter()
        self.controls.show_playing(True)
        return True

    def step_once(self) -> None:
        """The Step button (→): the next step, wherever the race is (see the module)."""
        worker = self.race_thread.worker
        self._follow_now()
        plan = self.timeline.step_plan(self._done(), self._preview_on_screen())
        if plan is Plan.REPLAY:
            self.timeline.replaying = False
            worker.pause()
            self.timeline.move(1)
            self._refresh()
        elif plan is Plan.RESTART:
            self.controller.restart()
            worker.step_once()
        elif plan is Plan.LIVE:
            worker.step_once()

    # -- the user's side ---------------------------------------------------------------------
    def scrub(self, step: int) -> int:
        """Show ``step`` (the race pauses); the step shown."""
        self._follow_now()
        self._pause()
        shown = self.timeline.show(step)
        self._refresh()
        return shown

    def scrub_by(self, steps: int) -> int:
        self._follow_now()
        return self.scrub(self.timeline.step + steps)

    def ask_step(self) -> None:
        """Go to step…: a dialog asking for the step."""
        self._follow_now()
        step, ok = QInputDialog.getInt(self.window, "Go to step",
                                       f"Step (0 to {self.timeline.furthest}):",
                                       self.timeline.step, 0, max(0, self.timeline.furthest))
        if ok:
            self.scrub(step)

    def mark_in(self) -> int:
        self._follow_now()
        step = self.timeline.set_in()
        self._refresh(force=True)
        return step

    def mark_out(self) -> int:
        self._follow_now()
        step = self.timeline.set_out()
        self._refresh(force=True)
        return step

    def clear_marks(self) -> None:
        self.timeline.clear_marks()
        self._refresh(force=True)

    # -- helpers ---------------------------------------------------------------------------------
    def _follow_now(self) -> None:
        snapshot = self.buffer.snapshot()
        self.timeline.follow(snapshot.generation, snapshot.furthest_step)

    def _pause(self) -> None:
        self.timeline.replaying = False
        worker = self.race_thread.worker
        if worker.playing:
            worker.pause()
        self.controls.show_playing(False)

    def _done(self) -> bool:
        return self.buffer.snapshot().done

    def _preview_on_screen(self) -> bool:
        return self.controller.preview.on_screen

    def _numbers_drawn(self, step: int, furthest: int, live: bool) -> None:
        """The table drew a frame: a live bar reads its step (one step number on screen)."""
        if live and self.timeline.live:
            self.bar.display(step, furthest, True, self.timeline.selection(), self._planned())

    def _planned(self) -> int:
        """The race's planned length (its steps setting): the readout's room."""
        return self.controller.state.max_steps

    def _refresh(self, force: bool = False) -> None:
        """A chosen step is shown on the bar at once; a live race's step when the table
        draws it (:meth:`_numbers_drawn`, at the table's rate); :attr:`shownStepChanged` is
        emitted for every change."""
        timeline = self.timeline
        if not timeline.live:
            self.bar.display(timeline.step, timeline.furthest, False, timeline.selection(),
                             self._planned())
        elif force:
            self.bar.reselect(timeline.selection())
        if timeline.step != self._shown:
            self._shown = timeline.step
            self.shownStepChanged.emit(timeline.step)
