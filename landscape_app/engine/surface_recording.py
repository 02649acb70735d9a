"""A surface file as a :class:`~landscape_app.engine.recording.Recording`, so the exporter
draws it with the window's own views (``landscape-app export --surface-file``).

The file's grid is drawn as it is (holes left uncoloured), its recorded paths (NPZ written by
``surface`` or ``seed-experiment``) replayed to their last step in the palette's colours. A
file without paths (an ``.h5``, a grid export) is a landscape alone, as Li et al.'s
``plot_2D.py`` draws it. Nothing here imports Qt.
"""

from __future__ import annotations

import numpy as np

from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.core.result import LaneResult, RaceResult
from landscape_app.core.surface_file import SurfaceFileLandscape
from landscape_app.engine.recording import LaneDrawing, Recording
from landscape_app.engine.steppers import path_rows
from landscape_app.engine.traces import COLUMN
from landscape_app.state.palette import PALETTE

#: Contour lines of a surface still (the window's default).
SURFACE_CONTOURS = 12


def surface_recording(land: SurfaceFileLandscape, title: str, colormap: str = "viridis",
                      contours: int = SURFACE_CONTOURS) -> Recording:
    """The recording of ``land``: its grid and every recorded path, up to its last step.

    A lane's :class:`LaneResult` holds no step records (a surface file keeps the projected
    paths only); its optimizer spec is the text the file recorded, never built.
    """
    rows = [path_rows(path) for path in land.lanes]
    results = tuple(LaneResult(path.label, OptimizerSpec(path.spec or path.label), path.status,
                               path.message, ()) for path in land.lanes)
    lanes = tuple(LaneDrawing.of(result, PALETTE[index % len(PALETTE)], True, lane_rows)
                  for index, (result, lane_rows) in enumerate(zip(results, rows, strict=True)))
    steps = max((int(np.nanmax(r[:, COLUMN["step"]])) for r in rows if len(r)), default=0)
    log_scale = land.log_scale
    return Recording(
        title=title, landscape=land.name, grid=land.grid(), log_scale=log_scale,
        colormap=colormap, contours=contours,
        minima=tuple((float(m.position[0]), float(m.position[1])) for m in land.minima),
        loss_offset=None, equal_aspect=land.equal_aspect, start=None, steps=steps,
        lanes=lanes, result=RaceResult(land.name, 2, (), 0, steps, results),
        grid_metadata=land.metadata(log_scale),
    )
