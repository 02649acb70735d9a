"""The run controls: play/pause, single step, reset, speed, race length and the plot options.

The actions carry the keyboard shortcuts (space, →, R) at window level, so they work wherever
the focus is, except while typing in a text field (which keeps its own keys).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QSpinBox,
    QStyle,
    QToolBar,
    QWidget,
)

from landscape_app.gui.key_router import keep_off_focus

#: Speeds offered, in steps per second per lane; None is "as fast as possible".
SPEEDS: tuple[float | None, ...] = (1, 2, 5, 10, 20, 30, 60, 100, 200, 500, 1000, None)
DEFAULT_SPEED = 30
AXES = (("steps", "steps"), ("function evaluations", "evals"),
        ("gradient evaluations", "grad_evals"), ("wall time", "time"))


INTERNALS_TIP = "draw gradients, velocities, particles, populations…"
#: The transport actions' tooltips.
TIPS = {"play": "play / pause (space)", "step": "one step of every lane (→)",
        "reset": "back to the start point (R)"}


def speed_text(speed: float | None) -> str:
    return "max" if speed is None else f"{speed:g} steps/s"


class RunControls(QToolBar):
    """The toolbar. Signals: ``playToggled(bool)``, ``stepRequested``, ``resetRequested``,
    ``speedChanged(object)`` (float or None), ``maxStepsChanged(int)``, ``axisChanged(str)``,
    ``internalsToggled(bool)``."""

    playToggled = Signal(bool)
    stepRequested = Signal()
    resetRequested = Signal()
    speedChanged = Signal(object)
    maxStepsChanged = Signal(int)
    axisChanged = Signal(str)
    internalsToggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Run", parent)
        self.setMovable(False)
        self.setObjectName("run-controls")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        icons = self.style()
        self.play_icon = icons.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self.pause_icon = icons.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self.play_action = QAction(self.play_icon, "Play", self)
        self.play_action.setCheckable(True)
        self.play_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.play_action.setToolTip(TIPS["play"])
        self.play_action.toggled.connect(self._play_toggled)
        self.step_action = QAction(
            icons.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward), "Step", self)
        self.step_action.setShortcut(QKeySequence(Qt.Key.Key_Right))
        self.step_action.setToolTip(TIPS["step"])
        self.step_action.triggered.connect(self.stepRequested)
        self.reset_action = QAction(
            icons.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "Reset", self)
        self.reset_action.setShortcut(QKeySequence(Qt.Key.Key_R))
        self.reset_action.setToolTip(TIPS["reset"])
        self.reset_action.triggered.connect(self.resetRequested)
        for action in (self.play_action, self.step_action, self.reset_action):
            self.addAction(action)
        self.addSeparator()
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(speed_text(speed), speed)
        self.speed.setCurrentIndex(SPEEDS.index(DEFAULT_SPEED))
        self.speed.setToolTip("steps per second of every lane")
        self.speed.currentIndexChanged.connect(
            lambda index: self.speedChanged.emit(self.speed.itemData(index)))
        self.max_steps = QSpinBox()
        self.max_steps.setRange(1, 1_000_000)
        self.max_steps.setValue(500)
        self.max_steps.setToolTip("each lane stops after this many steps")
        self.max_steps.editingFinished.connect(
            lambda: self.maxStepsChanged.emit(self.max_steps.value()))
        self.axis = QComboBox()
        for text, kind in AXES:
            self.axis.addItem(text, kind)
        self.axis.setToolTip("x-axis of the loss curves")
        # As wide as "wall time", not "gradient evaluations": the toolbar then fits a
        # 1024-pixel window; the list itself shows the whole names.
        self.axis.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.axis.setMinimumContentsLength(len("wall time"))
        self.axis.currentIndexChanged.connect(
            lambda index: self.axisChanged.emit(self.axis.itemData(index)))
        self.internals = QCheckBox("internals")
        self.internals.setToolTip(INTERNALS_TIP)
        self.internals.toggled.connect(self.internalsToggled)
        # The same switch for the View menu (the toolbar may be cut on a narrow window).
        self.internals_action = QAction("Optimizer &internals", self)
        self.internals_action.setCheckable(True)
        self.internals_action.setStatusTip(INTERNALS_TIP)
        self.internals.toggled.connect(self.internals_action.setChecked)
        self.internals_action.toggled.connect(self.internals.setChecked)
        for label, widget in (("speed", self.speed), ("steps", self.max_steps),
                              ("loss vs", self.axis)):
            caption = QLabel(label)
            caption.setProperty("role", "muted")
            self.addWidget(caption)
            self.addWidget(widget)
        self.addSeparator()
        self.addWidget(self.internals)
        # A click works them but leaves the keys to the window (Space never opens the list).
        keep_off_focus(self.speed, self.axis, self.internals, click=(self.max_steps,))

    def _play_toggled(self, playing: bool) -> None:
        self._show_play_state(playing)
        self.playToggled.emit(playing)

    def show_playing(self, playing: bool) -> None:
        """Reflect the worker's state without emitting :attr:`playToggled`."""
        self.play_action.blockSignals(True)
        self.play_action.setChecked(playing)
        self.play_action.blockSignals(False)
        self._show_play_state(playing)

    def _show_play_state(self, playing: bool) -> None:
        self.play_action.setText("Pause" if playing else "Play")
        self.play_action.setIcon(self.pause_icon if playing else self.play_icon)

    def block_transport(self, reason: str) -> None:
        """Turn play, step and reset off with ``reason`` as their tooltip ("" turns them on
        again): there is no landscape to race on yet."""
        for action, tip in ((self.play_action, TIPS["play"]), (self.step_action, TIPS["step"]),
                            (self.reset_action, TIPS["reset"])):
            action.setEnabled(not reason)
            action.setToolTip(f"{tip}: {reason}" if reason else tip)

    @property
    def transport_blocked(self) -> bool:
        return not self.reset_action.isEnabled()

    def current_speed(self) -> float | None:
        return self.speed.currentData()
