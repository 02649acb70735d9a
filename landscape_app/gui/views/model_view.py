"""The model view: what the selected lane's network computes at the shown step.

Beside a network landscape, the window shows (dock "Model", View ▸ Model view) the data and
the decision regions of a classifier, the fitted curve of the sine regression, or the seed
network's outputs against its targets (:mod:`~landscape_app.core.nn.model_picture`), drawn from
the lane's *recorded* parameter vector θ_t (not its projection on the plane).

- :meth:`ModelView.set_source` gives it a network (a ``ModelProbe``) and the lanes' recorded
  parameters (``LaneTrack``), or nothing (a 2D landscape);
- the lane box (or :meth:`ModelView.set_lane`) selects the lane;
- :meth:`ModelView.show_step` shows a step (a timeline can drive it);
- while visible, it follows the race: every :data:`FOLLOW_INTERVAL_MS` it asks
  :attr:`ModelView.step_source` for the step the selected lane has reached and redraws when
  that changed. Pictures are computed at that rate at most (a few milliseconds each), so the
  window keeps painting smoothly while the race plays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from landscape_app.gui import style
from landscape_app.gui.views.model_plot import ModelPlot

#: How often (ms) the view asks how far the race is while following it (at most 10 pictures
#: a second).
FOLLOW_INTERVAL_MS = 100
#: The least height of a picture kept to its data's shape (pixels).
MIN_PLOT_HEIGHT = 120

#: ``step_source(label)``: the step the lane named ``label`` has reached (None: unknown).
StepSource = Callable[[str], "int | None"]


class ModelView(QWidget):
    """Lane box, caption and :class:`ModelPlot`. :attr:`pictured` is emitted after each new
    picture with the step shown."""

    pictured = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.probe = None
        self.tracks: list = []
        self.step_source: StepSource | None = None
        self.shown: tuple[int, int] | None = None  # (lane, step) pictured
        self.step: int | None = None  # the step asked for
        self.lane_box = QComboBox()
        self.lane_box.setToolTip("the lane whose network is shown")
        self.lane_box.currentIndexChanged.connect(self._lane_chosen)
        self.caption = QLabel("")
        self.caption.setProperty("role", "muted")
        self.plot = ModelPlot()
        self.notice = QLabel("The model view shows a network landscape's model: choose a "
                             "network in the Landscape panel (or a network scene).")
        self.notice.setWordWrap(True)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setProperty("role", "muted")
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(QLabel("lane"))
        header.addWidget(self.lane_box, 1)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.caption)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.notice, 1)
        layout.addStretch(0)  # below a picture kept to its data's shape (:meth:`_fit_plot`)
        self.timer = QTimer(self)
        self.timer.setInterval(FOLLOW_INTERVAL_MS)
        self.timer.timeout.connect(self.follow)
        self._show_empty()

    # -- the public API -----------------------------------------------------------------
    def set_source(self, probe, tracks: Sequence = ()) -> None:
        """Picture ``probe``'s network (a ``ModelProbe``; None: no network) along ``tracks``
        (``LaneTrack`` per lane); the lane selected before keeps its place if its label is
        still there (else the first lane is selected), and its start is shown."""
        previous = self.lane_box.currentText()
        self.probe, self.tracks = probe, list(tracks) if probe is not None else []
        self.shown, self.step = None, 0
        labels = [track.label for track in self.tracks]
        self.lane_box.blockSignals(True)
        self.lane_box.clear()
        self.lane_box.addItems(labels)
        self.lane_box.setCurrentIndex(labels.index(previous) if previous in labels else 0)
        self.lane_box.blockSignals(False)
        if not self.tracks:
            self._show_empty()
            return
        self.notice.setVisible(False)
        self.plot.setVisible(True)
        self.lane_box.setEnabled(True)
        self.plot.clear_picture()
        self.show_step(0)

    @property
    def lane(self) -> int:
        """The selected lane's index (−1: none)."""
        return self.lane_box.currentIndex()

    def set_lane(self, index: int) -> bool:
        """Select lane ``index`` (redraws at the step shown); False when there is none."""
        if not 0 <= index < len(self.tracks):
            return False
        self.lane_box.setCurrentIndex(index)
        return True

    def show_step(self, step: int) -> bool:
        """Picture the selected lane's network after step ``step`` (its last recorded step
        before, once it has stopped); False when there is nothing to show."""
        self.step = int(step)
        if self.probe is None or not 0 <= self.lane < len(self.tracks):
            return False
        found = self.tracks[self.lane].at(self.step)
        if found is None:
            return False
        shown, theta = found
        if self.shown == (self.lane, shown):
            return True
        from landscape_app.core.nn.model_picture import picture_caption

        picture = self.probe.picture(theta)
        self.plot.show_picture(picture)
        self._fit_plot()
        self.shown = (self.lane, shown)
        self.caption.setText(f"step {shown} · {picture_caption(picture)}")
        self.pictured.emit(shown)
        return True

    def follow(self) -> None:
        """Show the step the race has reached on the selected lane (the timer's slot)."""
        if self.step_source is None or not 0 <= self.lane < len(self.tracks):
            return
        step = self.step_source(self.tracks[self.lane].label)
        if step is not None and step != self.step:
            self.show_step(step)

    # -- Qt -------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_plot()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.timer.start()
        self.follow()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.timer.stop()
        super().hideEvent(event)

    # -- helpers --------------------------------------------------------------------------
    def _lane_chosen(self, _index: int) -> None:
        self.shown = None
        self.show_step(self.step or 0)
        self.follow()

    def _fit_plot(self) -> None:
        """A picture with equal axis scales (decision regions, outputs against targets) is
        no taller than its data box at the dock's width, so a tall dock shows the data, not
        axes stretched to fill it; the room left goes below."""
        aspect = self.plot.aspect
        if aspect is None:
            self.plot.setMaximumHeight(style.QWIDGETSIZE_MAX)
            return
        box = self.plot.plot_item.vb.geometry()
        if box.width() <= 0:
            return  # not laid out yet: the resize that follows fits it
        chrome = self.plot.height() - box.height()  # axes, title and margins
        self.plot.setMaximumHeight(max(MIN_PLOT_HEIGHT, round(box.width() * aspect + chrome)))

    def _show_empty(self) -> None:
        self.plot.clear_picture()
        self.plot.setVisible(False)
        self.notice.setVisible(True)
        self.lane_box.setEnabled(False)
        self.caption.setText("")
