"""The window's hover readouts and axis names, wired to its views and the race buffer.

- the 2D view's readout and the trail tooltips (:mod:`landscape_app.gui.views.hover`);
- the 2D and 3D views' axes named after the landscape's ``axis_labels`` (``x``/``y``, or a
  network plane's directions such as ``PCA 1 (89.8 %)``), whenever a grid is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from landscape_app.gui.views.hover import CurveHover, PlaneHover

if TYPE_CHECKING:
    from landscape_app.core.grid import Grid2D
    from landscape_app.engine.traces import TraceBuffer
    from landscape_app.gui.live.controller import RaceController
    from landscape_app.gui.views.surface3d import Surface3DView
    from landscape_app.gui.window_parts import WindowViews


class Readouts:
    """Hover readouts of the 2D view and the loss curves (``views``) over the grid drawn
    (``shown_grid()``) and the race buffer's lanes; the axis names of the 2D view and of the
    3D one (``surface3d()``, once its tab was opened)."""

    def __init__(self, controller: RaceController, views: WindowViews, buffer: TraceBuffer,
                 shown_grid: Callable[[], Grid2D | None],
                 surface3d: Callable[[], Surface3DView | None]):
        self.controller, self.views, self.buffer = controller, views, buffer
        self.surface3d = surface3d
        self.plane = PlaneHover(views.contour, shown_grid, self.names, self.lanes)
        self.curves = CurveHover(views.curves, self.lanes, lambda: self.names()[2])
        controller.gridReady.connect(self.name_axes)
        # A new landscape (a scene change): the readout read the old one.
        controller.gridReady.connect(lambda *_: self.plane.clear())
        views.view_tabs.currentChanged.connect(lambda _index: self.name_axes())
        self.name_axes()

    def names(self) -> tuple[str, str, bool]:
        """The readout's coordinate names (``α``, ``β`` on a recorded plane) and whether the
        landscape is a recorded plane (whose paths have a true and a plane loss)."""
        landscape = self.controller.landscape
        if landscape is not None and not landscape.live:
            return "α", "β", True
        return "x", "y", False

    def lanes(self) -> list:
        """The race buffer's lanes as ``(label, rows, visible)``."""
        visible = {lane.label: lane.visible for lane in self.controller.state.lanes}
        return [(lane.label, lane.rows, visible.get(lane.label, True))
                for lane in self.buffer.snapshot().lanes]

    def name_axes(self, *_args) -> None:
        """Label the 2D (and 3D) view's axes with the landscape's axis names."""
        landscape = self.controller.landscape
        labels = ("x", "y") if landscape is None else tuple(landscape.axis_labels)
        plot = self.views.contour.plot_item
        plot.setLabel("bottom", labels[0])
        plot.setLabel("left", labels[1])
        surface = self.surface3d()
        if surface is not None and hasattr(surface, "set_axis_names"):
            surface.set_axis_names(*labels)
