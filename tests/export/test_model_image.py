"""The model view's picture for the page (issue 24): each kind drawn, not blank, in the
window's colours; a network page pictures every lane at evenly spread steps."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from landscape_app.core.catalogue.networks import NetworkConfig
from landscape_app.core.nn.model_picture import ModelProbe, picture_caption
from landscape_app.export.model_image import (
    BACKGROUND,
    CLASS_COLORS,
    REGION_STRENGTH,
    SIZE,
    model_image,
    model_png,
    region_colors,
)


def test_region_colours_mix_the_class_colour_by_certainty():
    rgba = region_colors(np.array([[0.0, 0.5, 1.0, np.nan]]))
    back, blue, orange = (np.array(c, dtype=float) for c in (BACKGROUND, *CLASS_COLORS))
    np.testing.assert_array_equal(rgba[0, 0, :3], np.round(back + REGION_STRENGTH * (blue - back)))
    np.testing.assert_array_equal(rgba[0, 2, :3],
                                  np.round(back + REGION_STRENGTH * (orange - back)))
    np.testing.assert_array_equal(rgba[0, 3, :3], back)  # NaN: the background
    assert (rgba[..., 3] == 255).all()


@pytest.mark.parametrize("model, kind", [("moons", "classifier"), ("sine", "curve"),
                                         ("seed", "outputs")])
def test_every_kind_of_picture_is_drawn(model, kind):
    config = NetworkConfig(model=model, hidden=(8,), samples=64).validated()
    probe = ModelProbe.from_config(config, side=24)
    assert probe.kind == kind
    from landscape_app.core.nn.network_objective import build_network

    picture = probe.picture(build_network(config, "cpu").initial_parameters())
    image = model_image(picture)
    assert image.size == (SIZE, SIZE)
    pixels = np.asarray(image).reshape(-1, 3)
    drawn = np.any(pixels != np.array(BACKGROUND), axis=1)
    assert drawn.mean() > 0.02  # not blank: the curve, the points or the regions
    assert tuple(CLASS_COLORS[0]) in {tuple(c) for c in pixels[drawn]}  # the data points
    with Image.open(io.BytesIO(model_png(picture))) as back:
        np.testing.assert_array_equal(np.asarray(back.convert("RGB")), np.asarray(image))


def test_a_network_page_pictures_every_lane_at_evenly_spread_steps():
    from landscape_app.engine.page import MODEL_FRAMES, field_steps, model_frames
    from landscape_app.engine.recording import record_session
    from landscape_app.state.scenes import load_scene

    recording = record_session(load_scene("two-moons").state, 30, device="cpu")
    frames = model_frames(recording)
    probe = ModelProbe.from_config(recording.network, side=48)
    steps = field_steps(30, MODEL_FRAMES).tolist()
    assert len(frames) == len(recording.lanes)
    for drawing, pictures in zip(recording.lanes, frames, strict=True):
        assert [frame.step for frame in pictures] == steps
        for frame in (pictures[0], pictures[-1]):
            record = next(r for r in drawing.lane.records if r.step == frame.step)
            picture = probe.picture(record.x)
            assert frame.caption == picture_caption(picture)
            assert frame.png == model_png(picture)
