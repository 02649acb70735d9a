"""Trails stand out on every colour map: measured on rendered stills, not judged by eye.

The Adam vs SGD scene is recorded once and its last frame rendered at 640×360 (the export's
smallest common size) on each colour map, once with one lane visible and once with none. The
pixels that differ are that lane's mark (halo, line and head); each is compared with the
surface pixel beneath it by WCAG 2.x contrast (relative luminance: what carries a thin line
across a projector and for colour-blind viewers; criterion 1.4.11 asks 3:1 for graphical
objects). Across its width a trail offers its best contrast, so the frame is cut into
:data:`TILE` × :data:`TILE` pixel tiles along the mark and each tile's best contrast must reach
:data:`REQUIRED` in nearly all tiles (:data:`QUANTILE`; a few tiles where the mark only grazes
the tile with antialiased fringe may fall short).

Before the halo (issue 12) Adam's green on viridis measured about 1.2 along most of the valley:
this test failed there.
"""

from dataclasses import replace

import numpy as np
import pytest

from landscape_app.engine.recording import record_session
from landscape_app.gui.export.frame_layout import FrameLayout
from landscape_app.gui.export.render import FrameRenderer
from landscape_app.state.colormaps import COLORMAPS
from landscape_app.state.lane_contrast import (
    contrast_ratio,
    relative_luminance,
    trail_colors,
)
from landscape_app.state.scenes import load_scene

TILE = 8
REQUIRED = 3.0
QUANTILE = 0.05
#: A pixel belongs to the mark when its channels moved by more than this in total.
CHANGED = 24


@pytest.fixture(scope="module")
def recording(qapp):
    return record_session(load_scene("adam-vs-sgd").state, device="cpu")


def only(recording, lane: int | None):
    lanes = tuple(replace(each, visible=index == lane)
                  for index, each in enumerate(recording.lanes))
    return replace(recording, lanes=lanes)


def plot_frame(recording, colormap: str, lane: int | None) -> np.ndarray:
    """The 2D plot's pixels of the last frame with only ``lane`` visible (None: no lane)."""
    layout = FrameLayout(width=640, height=360)
    with FrameRenderer(replace(only(recording, lane), colormap=colormap), layout) as renderer:
        frame = renderer.render(recording.steps)
        box = renderer.contour.plot_item.vb.sceneBoundingRect().toAlignedRect()
        corner = renderer.contour.mapTo(renderer.root, renderer.contour.mapFromScene(
            box.topLeft()))
    return frame[corner.y() + 1: corner.y() + box.height() - 1,
                 corner.x() + 1: corner.x() + box.width() - 1].astype(float)


def tile_contrasts(lane_frame: np.ndarray, background: np.ndarray) -> np.ndarray:
    """The best contrast of the mark in each tile the mark touches."""
    mark = np.abs(lane_frame - background).sum(axis=-1) > CHANGED
    ratio = np.where(mark, contrast_ratio(relative_luminance(lane_frame),
                                          relative_luminance(background)), 0.0)
    rows, cols = (ratio.shape[0] // TILE) * TILE, (ratio.shape[1] // TILE) * TILE
    tiles = ratio[:rows, :cols].reshape(rows // TILE, TILE, cols // TILE, TILE)
    counts = mark[:rows, :cols].reshape(rows // TILE, TILE, cols // TILE, TILE).sum(axis=(1, 3))
    best = tiles.max(axis=(1, 3))
    return best[counts >= TILE // 2]


@pytest.mark.parametrize("colormap", COLORMAPS)
def test_every_trail_stands_out_on_the_surface(recording, colormap):
    background = plot_frame(recording, colormap, None)
    for lane, each in enumerate(recording.lanes):
        contrasts = tile_contrasts(plot_frame(recording, colormap, lane), background)
        assert len(contrasts) > 10, f"{each.label}: no trail drawn on {colormap}"
        low = float(np.quantile(contrasts, QUANTILE))
        assert low >= REQUIRED, (f"{each.label} on {colormap}: 5 % of its trail has contrast "
                                 f"≤ {low:.2f} against the surface (needs {REQUIRED})")


def test_the_window_draws_the_lanes_own_colours_picked_once_where_they_stand_out():
    from landscape_app.gui.live.painter import Appearance
    from landscape_app.gui.panels.optimizer_panel import OptimizerPanel

    lanes = load_scene("adam-vs-sgd").state.lanes
    panel = OptimizerPanel()
    panel.colormap = "viridis"
    panel.set_lanes(lanes)  # a scene opened: the colours that would not stand out replaced
    assert [lane.color for lane in panel.lanes()] == list(
        trail_colors(tuple(lane.color for lane in lanes), "viridis"))
    # ... and drawn as they are (the export picks the same for the same lanes)
    assert Appearance.of(panel.lanes()).colors == {lane.label: lane.color
                                                   for lane in panel.lanes()}
    panel.deleteLater()


def test_the_qt_free_colour_tables_are_pyqtgraphs():
    """The lane-colour rule and the page read core/colormaps.json: pyqtgraph's own colours."""
    import numpy as np
    import pyqtgraph as pg

    from landscape_app.core.colormap_tables import SAMPLES, colormap_rgb
    from landscape_app.state.colormaps import COLORMAPS

    for name in COLORMAPS:
        table = pg.colormap.get(name).getLookupTable(nPts=SAMPLES, alpha=False)
        np.testing.assert_array_equal(colormap_rgb(name), np.asarray(table, dtype=float))
