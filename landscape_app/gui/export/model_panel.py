"""The model view in an exported frame: the network of the chosen lane at the frame's step,
with a line saying which lane, which step and how well it does.

The picture is computed from the lane's recorded parameters (``LaneResult`` records), exactly
as the window's model view does (:mod:`landscape_app.core.nn.model_picture`).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from landscape_app.core.errors import LandscapeError
from landscape_app.engine.recording import Recording
from landscape_app.gui.views.model_plot import ModelPlot


class ExportModelPanel(QWidget):
    """Caption line and :class:`ModelPlot` for a :class:`Recording` of a network race."""

    def __init__(self, recording: Recording, lane: int = 0, parent=None):
        super().__init__(parent)
        if recording.network is None:
            raise LandscapeError("the model view shows a network's model: choose a network "
                                 "scene or session, or leave out --model")
        from landscape_app.core.nn.model_picture import LaneTrack, ModelProbe

        self.probe = ModelProbe.from_config(recording.network)
        if not 0 <= lane < len(recording.lanes):
            raise LandscapeError(f"the model view's lane {lane + 1} does not exist (the "
                                 f"session has {len(recording.lanes)} lanes)")
        if not recording.lanes[lane].lane.records:
            raise LandscapeError(f"lane {lane + 1} ({recording.lanes[lane].label}) has no "
                                 "recorded steps to show")
        self.track = LaneTrack.of(recording.lanes[lane].lane)
        self.label = QLabel()
        self.plot = ModelPlot()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.plot, 1)
        self._shown: int | None = None

    def draw(self, step: int) -> None:
        """Picture the lane's network after ``step`` (its last recorded step before)."""
        from landscape_app.core.nn.model_picture import picture_caption

        found = self.track.at(step)
        if found is None or found[0] == self._shown:
            return
        shown, theta = found
        picture = self.probe.picture(theta)
        self.plot.show_picture(picture)
        self.label.setText(f"{self.track.label} · step {shown} · {picture_caption(picture)}")
        self._shown = shown
