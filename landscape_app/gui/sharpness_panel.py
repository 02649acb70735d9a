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
hessian_spectrum` with k = 5), and kept.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction

TEXT = "&Sharpness"
SETTINGS_KEY = "view/sharpness"


class SharpnessView:
    """The View-menu action and what it switches; ``window.sharpness`` is the panel."""

    def __init__(self, window):
        self.window = window
        self.panel = window.sharpness
        self.panel.spectrum = self.spectrum
        self._spectra: dict[tuple, tuple[float, ...] | None] = {}
        self._network = None  # (landscape, objective) for the on-demand spectra
        self.action = QAction(TEXT, window)
        self.action.setCheckable(True)
        self.action.setStatusTip("λ_max of the loss Hessian along each lane against its "
                                 "stability threshold (dashed)")
        self.action.toggled.connect(self.set_shown)
        window.view_menu.addAction(self.action)
        window.controller.lanesReset.connect(self._describe)
        self.action.setChecked(QSettings().value(SETTINGS_KEY, False, type=bool))

    def set_shown(self, on: bool) -> None:
        """Show the panel (and measure) or hide it (and stop measuring)."""
        window = self.window
        QSettings().setValue(SETTINGS_KEY, bool(on))
        if self.action.isChecked() != on:
            self.action.setChecked(on)
            return
        window.sharpness_on = on
        self.panel.setVisible(on and window.column_tabs.count() == 0)
        window.table.show_sharpness(on)
        window.painter.sharpness = self.panel if on else None
        window.controller.set_sharpness(on)
        self._describe()
        window.room.refit()
        window.painter.invalidate()

    def _describe(self) -> None:
        """Say how the shown landscape's sharpness is measured."""
        model = self.window.controller.model
        every = model.sharpness_every()
        self._spectra.clear()
        if every is None:
            self.panel.set_how("")
        elif every == 1:
            self.panel.set_how("measured every step: the exact 2×2 Hessian")
        else:
            self.panel.set_how(f"measured every {every} steps (≤ 1.5× the race's cost), "
                               "by Lanczos on the full-data Hessian (minibatch lanes too)")

    def spectrum(self, label: str, step: int) -> tuple[float, ...] | None:
        """The top 5 Hessian eigenvalues of lane ``label`` at ``step`` on a network (None on
        a 2D landscape, whose readings hold them already, or without that step)."""
        landscape = self.window.controller.landscape
        lanes = {lane.label: lane for lane in getattr(landscape, "lanes", ())}
        config = getattr(landscape, "config", None)
        if config is None or label not in lanes:
            return None
        key = (id(landscape), label, step)
        if key not in self._spectra:
            self._spectra[key] = self._compute(landscape, lanes[label], step)
        return self._spectra[key]

    def _compute(self, landscape, lane, step: int) -> tuple[float, ...] | None:
        import numpy as np

        from landscape_app.core.nn import build_network
        from landscape_app.core.sharpness import hessian_spectrum

        rows = np.flatnonzero(np.asarray(lane.steps) == step)
        if not len(rows):
            return None
        if self._network is None or self._network[0] is not landscape:
            self._network = (landscape, build_network(landscape.config, "cpu"))
        objective = self._network[1]
        point = objective.as_tensor(np.asarray(lane.trajectory[rows[0]], dtype=float))
        return tuple(float(v) for v in hessian_spectrum(objective.evaluate, point, 5)
                     .eigenvalues)
