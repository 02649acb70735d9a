"""View ▸ Sharpness: the sharpness panel under the loss curves, wired to the race.

While the panel is shown the race measures every lane's sharpness (the controller's
:meth:`~landscape_app.gui.live.controller.RaceController.set_sharpness`: the race restarts, a
network is trained again): every step on a 2D landscape (the exact 2×2 Hessian), every
:data:`~landscape_app.core.sharpness_probe.DEFAULT_NETWORK_EVERY` steps on a network
(Lanczos, warm-started; the race then costs at most about 1.5× as much), always of the
full-data loss. The table gains its λ_max column; the frame painter draws the panel with the
curves, so the timeline's shown step moves its cursor and its readout. The choice is
remembered (``QSettings`` key :data:`SETTINGS_KEY`) for the next window.

On a network the race records λ_max alone (the top 5 would cost about ten times as much at
every measurement); the readout's top eigenvalues at the shown step are computed when asked
for, at the lane's recorded parameters (:func:`~landscape_app.core.sharpness.
hessian_spectrum` with k = 5, some 60 Hessian-vector products), in the background: the
readout says "computing…" with its progress until they arrive, and they are kept for that
landscape, lane and step. Asking for another step or lane cancels the computation under way;
a new landscape or race drops every kept and pending one, so no values from another step or
scene are ever shown.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction

from landscape_app.gui.live.tasks import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow, QMenu

    from landscape_app.gui.live.controller import RaceController
    from landscape_app.gui.live.painter import FramePainter
    from landscape_app.gui.room import RoomFit
    from landscape_app.gui.window_parts import WindowViews

TEXT = "&Sharpness"
SETTINGS_KEY = "view/sharpness"
#: The readout's text while the eigenvalues are computed (then its progress).
COMPUTING = "computing…"

Key = tuple[int, str, int]  # (id of the landscape, lane label, step)


class SharpnessView:
    """The View-menu action and what it switches: the panel (``views.sharpness``), the
    table's column, the painter's panel, the race's measuring and the room's arrangement.
    ``shown`` says whether the panel is on."""

    def __init__(self, parent: QMainWindow, menu: QMenu, views: WindowViews,
                 painter: FramePainter, controller: RaceController, room: RoomFit):
        self.views, self.painter, self.controller, self.room = views, painter, controller, room
        self.panel = views.sharpness
        self.panel.spectrum = self.spectrum
        self.shown = False
        self._spectra: dict[Key, tuple[float, ...] | str | None] = {}
        self._pending: tuple[int, Key, float] | None = None  # (token, key, fraction done)
        self._network = None  # (landscape, objective) for the spectra, built in the job
        self._network_lock = threading.Lock()
        self.tasks = TaskRunner("spectrum", parent)
        queued = Qt.ConnectionType.QueuedConnection
        self.tasks.progress.connect(self._progressed, queued)
        self.tasks.succeeded.connect(self._arrived, queued)
        self.tasks.failed.connect(self._failed, queued)
        self.action = QAction(TEXT, parent)
        self.action.setCheckable(True)
        self.action.setStatusTip("λ_max of the loss Hessian along each lane against its "
                                 "stability threshold (dashed)")
        self.action.toggled.connect(self.set_shown)
        menu.addAction(self.action)
        controller.lanesReset.connect(self._describe)
        self.action.setChecked(QSettings().value(SETTINGS_KEY, False, type=bool))

    def set_shown(self, on: bool) -> None:
        """Show the panel (and measure) or hide it (and stop measuring)."""
        QSettings().setValue(SETTINGS_KEY, bool(on))
        if self.action.isChecked() != on:
            self.action.setChecked(on)
            return
        self.shown = on
        self.panel.setVisible(on and self.views.column_tabs.count() == 0)
        self.views.table.show_sharpness(on)
        self.painter.sharpness = self.panel if on else None
        self.controller.set_sharpness(on)
        self._describe()
        self.room.refit()
        self.painter.invalidate()

    def shutdown(self) -> None:
        """Cancel and join the computation under way (the window is closing)."""
        self._pending = None
        self.tasks.shutdown()

    def _describe(self) -> None:
        """Say how the shown landscape's sharpness is measured; forget its spectra (a new
        landscape or race)."""
        model = self.controller.model
        every = model.sharpness_every()
        self._spectra.clear()
        self._pending = None
        self.tasks.cancel()
        if every is None:
            self.panel.set_how("")
        elif every == 1:
            self.panel.set_how("measured every step: the exact 2×2 Hessian")
        else:
            self.panel.set_how(f"measured every {every} steps (≤ 1.5× the race's cost), "
                               "by Lanczos on the full-data Hessian (minibatch lanes too)")

    def spectrum(self, label: str, step: int) -> tuple[float, ...] | str | None:
        """The top 5 Hessian eigenvalues of lane ``label`` at ``step`` on a network; while
        they are computed, :data:`COMPUTING` and how far (a computation for this lane and
        step is started, replacing any other); None on a 2D landscape, whose readings hold
        them already, or without that step."""
        import numpy as np

        landscape = self.controller.landscape
        lanes = {lane.label: lane for lane in getattr(landscape, "lanes", ())}
        if getattr(landscape, "config", None) is None or label not in lanes:
            return None
        key = (id(landscape), label, step)
        if key in self._spectra:
            return self._spectra[key]
        if self._pending is None or self._pending[1] != key:
            rows = np.flatnonzero(np.asarray(lanes[label].steps) == step)
            if not len(rows):
                return None
            point = np.asarray(lanes[label].trajectory[rows[0]], dtype=float)
            token = self.tasks.submit(lambda progress, cancelled: self._compute(
                landscape, point, progress, cancelled))
            self._pending = (token, key, 0.0)
        return f"{COMPUTING} {self._pending[2]:.0%}"

    def _compute(self, landscape, point, progress, cancelled) -> tuple[float, ...]:
        """In the task's thread: the top 5 at ``point`` (the network built once per
        landscape)."""
        from landscape_app.core.nn import build_network
        from landscape_app.core.sharpness import hessian_spectrum

        with self._network_lock:
            if self._network is None or self._network[0] is not landscape:
                self._network = (landscape, build_network(landscape.config, "cpu"))
            objective = self._network[1]
        spectrum = hessian_spectrum(objective.evaluate, objective.as_tensor(point), 5,
                                    progress=progress, cancelled=cancelled)
        return tuple(float(value) for value in spectrum.eigenvalues)

    def _progressed(self, token: int, _stage: str, fraction: float) -> None:
        if self._pending is not None and self._pending[0] == token:
            self._pending = (token, self._pending[1], fraction)
            self.panel.read_out()

    def _arrived(self, token: int, values) -> None:
        self._settle(token, values)

    def _failed(self, token: int, message: str) -> None:
        self._settle(token, f"not computed: {message}")

    def _settle(self, token: int, answer) -> None:
        """Keep the answer of the newest computation (older ones were cancelled or belong
        to a landscape no longer shown) and read out again."""
        if self._pending is None or self._pending[0] != token:
            return
        self._spectra[self._pending[1]] = answer
        self._pending = None
        self.panel.read_out()
