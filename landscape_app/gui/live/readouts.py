"""The window's hover readouts and axis names, wired to its views and the race buffer.

- the 2D view's readout and the trail tooltips (:mod:`landscape_app.gui.views.hover`);
- the 2D and 3D views' axes named after the landscape's ``axis_labels`` (``x``/``y``, or a
  network plane's directions such as ``PCA 1 (89.8 %)``), whenever a grid is drawn.
"""

from __future__ import annotations

from landscape_app.gui.views.hover import CurveHover, PlaneHover


class Readouts:
    """Hover readouts of ``window`` (a :class:`~landscape_app.gui.main_window.MainWindow`
    whose engine is loaded)."""

    def __init__(self, window):
        self.window = window
        self.plane = PlaneHover(window.contour, lambda: window.shown_grid, self.names,
                                self.lanes)
        self.curves = CurveHover(window.curves, self.lanes, lambda: self.names()[2])
        window.controller.gridReady.connect(self.name_axes)
        # A new landscape (a scene change): the readout read the old one.
        window.controller.gridReady.connect(lambda *_: self.plane.clear())
        window.view_tabs.currentChanged.connect(lambda _index: self.name_axes())
        self.name_axes()

    def names(self) -> tuple[str, str, bool]:
        """The readout's coordinate names (``α``, ``β`` on a recorded plane) and whether the
        landscape is a recorded plane (whose paths have a true and a plane loss)."""
        landscape = self.window.controller.landscape
        if landscape is not None and not landscape.live:
            return "α", "β", True
        return "x", "y", False

    def lanes(self) -> list:
        """The race buffer's lanes as ``(label, rows, visible)``."""
        visible = {lane.label: lane.visible for lane in self.window.controller.state.lanes}
        return [(lane.label, lane.rows, visible.get(lane.label, True))
                for lane in self.window.buffer.snapshot().lanes]

    def name_axes(self, *_args) -> None:
        """Label the 2D (and 3D) view's axes with the landscape's axis names."""
        landscape = self.window.controller.landscape
        labels = ("x", "y") if landscape is None else tuple(landscape.axis_labels)
        plot = self.window.contour.plot_item
        plot.setLabel("bottom", labels[0])
        plot.setLabel("left", labels[1])
        surface = self.window.surface3d
        if surface is not None and hasattr(surface, "set_axis_names"):
            surface.set_axis_names(*labels)
