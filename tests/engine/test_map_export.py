"""A session's outcome map exported: the animation's frames are the map's losses step by step,
the still (PNG or vector SVG) is the finished map, and the command refuses what it cannot do."""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from landscape_app.core.catalogue.kinds import MapKind
from landscape_app.core.errors import LandscapeError
from landscape_app.core.maps import compute_map
from landscape_app.engine.map_export import (
    MapExport,
    exported_kind,
    session_map_job,
    write_map_export,
    write_window_map,
)
from landscape_app.export.animation import frame_steps
from landscape_app.export.map_image import (
    STILL_SIZE,
    color_loss,
    colorize,
    log_loss_range,
    loss_drawing,
    still_drawing,
)
from landscape_app.state.scenes import load_scene

RES, STEPS, FRAMES = 12, 40, 5
SIZE = (640, 360)


@pytest.fixture(scope="module")
def state():
    scene = load_scene("himmelblau-map-basins").state
    return replace(scene, map=replace(scene.map, res=RES, steps=STEPS))


@pytest.fixture(scope="module")
def expected(state):
    job = session_map_job(state)
    return compute_map(job.target, job.optimizer, job.region, STEPS, tolerance=job.tolerance,
                       device="cpu", dtype="float32",
                       snapshot_steps=frame_steps(FRAMES, STEPS))


def cell_colours(frame: np.ndarray, cells) -> np.ndarray:
    """The colour at the centre of each of the ``RES × RES`` cells (row 0 = lowest y)."""
    step = cells.side / RES
    out = np.empty((RES, RES, 3), dtype=int)
    for j in range(RES):
        for i in range(RES):
            out[j, i] = frame[int(cells.y + cells.side - (j + 0.5) * step),
                              int(cells.x + (i + 0.5) * step)]
    return out


def test_every_frame_shows_the_maps_loss_after_its_step(state, expected, tmp_path):
    out = tmp_path / "basins"  # PNG frames: lossless, so colours compare exactly
    told = []
    written, animation = write_map_export(
        state, MapExport(animation=out, size=SIZE, frames=FRAMES, device="cpu"),
        progress=lambda stage, fraction: told.append((stage, fraction)))
    assert written == [out] and animation.frames == FRAMES
    # core.progress's one signature: the map's fraction, then one per frame encoded
    assert [stage for stage, _ in told] == sorted(stage for stage, _ in told)
    assert told[-FRAMES:] == [("map frames", (k + 1) / FRAMES) for k in range(FRAMES)]
    assert {stage for stage, _ in told} == {"map", "map frames"}
    assert max(f for stage, f in told if stage == "map") == 1.0
    frames = sorted(out.glob("*.png"))
    assert len(frames) == FRAMES
    scale = log_loss_range(expected.snapshots)
    for k, path in enumerate(frames):
        cells = loss_drawing(expected, k, scale, SIZE).cells
        image = np.asarray(Image.open(path).convert("RGB")).astype(int)
        assert image.shape == (SIZE[1], SIZE[0], 3)
        want = color_loss(expected.snapshots[k], scale).astype(np.uint8)
        np.testing.assert_array_equal(cell_colours(image, cells), want)
    first = np.asarray(Image.open(frames[0]))
    last = np.asarray(Image.open(frames[-1]))
    assert (first != last).any()  # the basins fill in


def test_the_svg_still_is_vector_text_over_the_maps_cells(state, expected, tmp_path):
    svg = tmp_path / "map.svg"
    write_map_export(state, MapExport(still=svg, device="cpu"))
    root = ET.parse(svg).getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    texts = [t.text for t in root.iterfind(".//svg:text", ns)]
    assert "x" in texts and "y" in texts
    assert any(re.fullmatch(r"minimum 0: \(.*\)", t or "") for t in texts)
    assert len(root.findall(".//svg:line", ns)) == 10  # five ticks on each axis
    (image,) = root.findall(".//svg:image", ns)
    data = image.get("href").split(",", 1)[1]
    cells = np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB"))
    rgb, _legend, _bar = colorize(expected, state.map.color_by)
    np.testing.assert_array_equal(cells, np.flipud(rgb).astype(np.uint8))


def test_the_png_still_is_the_finished_map(state, expected, tmp_path):
    png = tmp_path / "map.png"
    write_map_export(state, MapExport(still=png, size=SIZE, device="cpu"))
    image = np.asarray(Image.open(png).convert("RGB")).astype(int)
    cells = still_drawing(expected, state.map.color_by, size=SIZE).cells
    rgb, _legend, _bar = colorize(expected, state.map.color_by)
    np.testing.assert_array_equal(cell_colours(image, cells), rgb.astype(np.uint8))


def test_a_still_coloured_by_sharpness_is_measured(state, expected, tmp_path):
    from landscape_app.core.maps.cell_sharpness import with_sharpness

    sharp = replace(state, map=replace(state.map, color_by="sharpness"))
    png = tmp_path / "sharp.png"
    write_map_export(sharp, MapExport(still=png, size=SIZE, device="cpu"))
    image = np.asarray(Image.open(png).convert("RGB")).astype(int)
    measured = with_sharpness(expected, session_map_job(sharp).target)
    cells = still_drawing(measured, "sharpness", size=SIZE).cells
    rgb, _legend, _bar = colorize(measured, "sharpness")
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 1  # coloured, not grey everywhere
    np.testing.assert_array_equal(cell_colours(image, cells), rgb.astype(np.uint8))


def test_a_session_without_a_map_is_refused(state):
    with pytest.raises(LandscapeError, match="no outcome map"):
        session_map_job(replace(state, map=None))
    with pytest.raises(LandscapeError, match="no sweep map"):
        session_map_job(state, "sweep")


def test_the_window_exports_the_map_shown_else_the_one_it_has(expected, tmp_path):
    """Maps ▸ Export map image…: the map on screen when it is computed, else the other; the
    still is the finished map, written atomically; without a map, or to a name that is no
    picture, one clear error and no file."""
    maps = {MapKind.STARTS: expected}
    assert exported_kind(maps, MapKind.STARTS) is MapKind.STARTS
    assert exported_kind(maps, MapKind.SWEEP) is MapKind.STARTS  # the sweep is not computed
    assert exported_kind({}, MapKind.STARTS) is None
    png = write_window_map(maps, MapKind.SWEEP, tmp_path / "map.png", "status")
    assert png == tmp_path / "map.png" and sorted(tmp_path.iterdir()) == [png]
    image = np.asarray(Image.open(png).convert("RGB")).astype(int)
    assert image.shape == (STILL_SIZE[1], STILL_SIZE[0], 3)
    cells = still_drawing(expected, "status").cells
    rgb, _legend, _bar = colorize(expected, "status")
    np.testing.assert_array_equal(cell_colours(image, cells), rgb.astype(np.uint8))
    with pytest.raises(LandscapeError, match="No map to export yet"):
        write_window_map({}, MapKind.STARTS, tmp_path / "none.png", "basin")
    with pytest.raises(LandscapeError, match="must end in .png or .svg"):
        write_window_map(maps, MapKind.STARTS, tmp_path / "map.txt", "basin")
    assert sorted(tmp_path.iterdir()) == [png]
