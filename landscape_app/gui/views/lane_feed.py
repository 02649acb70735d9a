"""Lanes into the views: the one place a lane's rows become trails, 3D paths and loss curves.

The window's painter (:mod:`landscape_app.gui.live.painter`: a live race, a drag preview, a
replay) and the exporter's renderer (:mod:`landscape_app.gui.export.render`: a recording)
both hand the views :class:`~landscape_app.engine.traces.LaneView` objects, each cut at the
shown step by its ``upto``, through these functions.
"""

from __future__ import annotations

from collections.abc import Sequence

from landscape_app.engine.traces import AXIS_COLUMNS, LaneView


def draw_trails(contour, lanes: Sequence[LaneView], visible: Sequence[bool],
                race=None) -> None:
    """Each lane's points on the 2D ``contour`` view, a cross where a diverged lane ends."""
    contour.set_paths([lane.xy for lane in lanes], list(visible),
                      [lane.diverged for lane in lanes], race=race)


def draw_paths_3d(surface3d, lanes: Sequence[LaneView], colors: Sequence[str],
                  visible: Sequence[bool]) -> None:
    """Each lane's ``(x, y, surface_loss)`` points on the 3D surface view."""
    surface3d.set_paths([lane.xyz for lane in lanes], list(colors), list(visible))


def draw_curves(curves, lanes: Sequence[LaneView], visible: Sequence[bool], axis: str,
                batch_loss: bool = False) -> None:
    """Each lane's loss against ``axis`` (a key of :data:`AXIS_COLUMNS`) on the loss curves,
    with its minibatch losses when ``batch_loss``."""
    column = AXIS_COLUMNS[axis]
    batch = [lane.column("batch_loss") for lane in lanes] if batch_loss else None
    curves.set_data([lane.column(column) for lane in lanes],
                    [lane.column("loss") for lane in lanes], list(visible), batch)
