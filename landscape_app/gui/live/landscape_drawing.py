"""The session's landscape in the 2D and 3D views, and what is said over it.

:class:`LandscapeDrawing` draws the controller's grid (or clears it while one is computed),
builds the 3D view the first time its tab is opened, puts the start marker and the table's
distance label right after a reset, and shows why Play waits (a network being trained, its
progress, a landscape that cannot race) over the 2D view and on the Network tab.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.grid import widen_grid

if TYPE_CHECKING:
    from landscape_app.core.grid import Grid2D
    from landscape_app.gui.classroom.presentation import PresentationMode
    from landscape_app.gui.live.controller import RaceController
    from landscape_app.gui.live.painter import FramePainter
    from landscape_app.gui.live.worker import RaceThread
    from landscape_app.gui.panels.controls import RunControls
    from landscape_app.gui.panels.landscape_panel import LandscapePanel
    from landscape_app.gui.views.surface3d import Surface3DView
    from landscape_app.gui.window_parts import WindowViews


class LandscapeDrawing:
    """The landscape on screen. ``shown_grid`` is the grid the views draw (None: none yet,
    or being computed); ``surface3d`` the 3D view once its tab was opened."""

    def __init__(self, views: WindowViews, painter: FramePainter, controller: RaceController,
                 controls: RunControls, race_thread: RaceThread,
                 landscape_panel: LandscapePanel, presentation: PresentationMode):
        self.views, self.painter, self.controller = views, painter, controller
        self.controls, self.race_thread = controls, race_thread
        self.landscape_panel, self.presentation = landscape_panel, presentation
        self.shown_grid: Grid2D | None = None
        self.surface3d: Surface3DView | None = None
        network = landscape_panel.network
        controller.gridReady.connect(self.show_grid)
        controller.lanesReset.connect(self.lanes_reset)
        controller.transportChanged.connect(self.transport_changed)
        controller.networkProgress.connect(self.network_progress)
        controller.networkReady.connect(network.show_done)
        controller.networkFailed.connect(network.show_error)
        views.view_tabs.currentChanged.connect(self.view_tab_changed)

    def show_grid(self, grid) -> None:
        """Draw the session's landscape from ``grid`` (None: clear it, one is computed)."""
        controller, view = self.controller, self.controller.state.view
        landscape = controller.landscape
        self.shown_grid = grid if landscape is not None else None
        contour, surface = self.views.contour, self.surface3d
        if grid is None or landscape is None:
            contour.clear_landscape()
            if surface is not None:
                surface.clear_surface()
        else:
            contour.set_landscape(grid, controller.log_scale, view.colormap, landscape.minima,
                                  view.contours, equal_aspect=landscape.equal_aspect,
                                  widen=widening(landscape, grid))
            self.views.curves.set_offset(landscape.loss_offset, grid.finite_range[0])
            if surface is not None:
                surface.set_surface(grid, controller.log_scale, view.colormap)
        self.painter.invalidate()

    def view_tab_changed(self, index: int) -> None:
        """The 2D or the 3D tab (the 3D view built on its first showing)."""
        self.painter.show_3d = index == 1
        if index == 1 and self.surface3d is None:
            from landscape_app.gui.views.surface3d import Surface3DView

            self.surface3d = Surface3DView()
            self.presentation.view_created(self.surface3d)
            self.views.surface_holder.layout().addWidget(self.surface3d)
            self.painter.surface3d = self.surface3d
            if self.controller.grid is not None:
                self.show_grid(self.controller.grid)
        self.painter.invalidate()

    def transport_changed(self, reason: str) -> None:
        """Play, step and reset wait for the landscape; the view and the Network tab say why."""
        self.controls.block_transport(reason)
        if reason:
            self.race_thread.worker.pause()
        model = self.controller.model
        self.views.contour.show_notice(notice(model))
        network = self.landscape_panel.network
        if model.phase.value == "preparing":
            network.show_progress("train", 0.0)
        elif reason and model.state.landscape.kind == LandscapeKind.NETWORK:
            network.show_error(reason)
        else:
            network.progress.finish()
            network.build.setEnabled(True)

    def network_progress(self, stage: str, fraction: float) -> None:
        from landscape_app.gui.panels.network_panel import STAGES

        self.landscape_panel.network.show_progress(stage, fraction)
        self.views.contour.show_notice(notice(self.controller.model, STAGES.get(stage, stage),
                                              fraction))

    def lanes_reset(self) -> None:
        """A new race: the start marker, the table's distance label, the curves' step axis."""
        model = self.controller.model
        start = model.start_point()
        contour = self.views.contour
        contour.start_marker.setVisible(start is not None)
        if start is not None:
            contour.set_start(*start[:2])
        self.views.table.set_distance_label(model.distance_label)
        self.views.curves.step_limit = self.controller.state.max_steps  # the x axis ends there
        self.views.curves.follow_data()
        self.painter.invalidate()


def widening(landscape, grid: Grid2D):
    """How the 2D view carries ``grid`` on past the landscape's box (None: it cannot, the
    plane of a network or a surface file has values in its box only)."""
    if not landscape.live or landscape.objective is None:
        return None
    return partial(widen_grid, grid, landscape.objective)


def notice(model, stage: str = "", fraction: float | None = None) -> str:
    """What the 2D view says while Play waits: a network's training and its progress, or
    why the landscape cannot race (empty: nothing)."""
    if model.phase.value == "preparing":
        done = "" if fraction is None else f" {fraction:.0%}"
        return f"Network landscape: {stage or 'training'}…{done}"
    return model.blocked or ""
