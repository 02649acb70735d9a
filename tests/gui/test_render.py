"""Offscreen frames of a recorded race: layouts, exact sizes, determinism, lanes, cancel.

The ``gl`` test at the end draws the 3D view and needs OpenGL: run it on the ``xcb`` platform
under Xvfb (``QT_QPA_PLATFORM=xcb .venv/bin/pytest -m gl tests/gui/test_render.py``).
"""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor, QGuiApplication, QImage

from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.engine.recording import record_session
from landscape_app.gui.export.frame_layout import FrameLayout
from landscape_app.gui.export.frames import frame_count, frame_steps, run_export
from landscape_app.gui.export.render import FrameRenderer, image_to_array
from landscape_app.gui.export.request import ExportRequest, check_request
from landscape_app.gui.views.log_ticks import power_label, spaced_log_ticks
from landscape_app.gui.views.surface3d import NO_GL_PLATFORMS
from tests.conftest import RECORDED_STEPS as STEPS


@pytest.fixture
def state(hidden_lane_session):  # (tests/conftest.py; its recording's own tests: tests/engine)
    return hidden_lane_session


@pytest.fixture
def recording(hidden_lane_recording):
    return hidden_lane_recording


def near(frame: np.ndarray, color: str, tolerance: int = 30) -> np.ndarray:
    rgb = np.array(QColor(color).getRgb()[:3])
    return np.all(np.abs(frame.astype(int) - rgb) <= tolerance, axis=-1)


def widget_box(renderer: FrameRenderer, widget) -> tuple[slice, slice]:
    """Rows and columns of ``widget`` inside the frame."""
    top_left = widget.mapTo(renderer.root, widget.rect().topLeft())
    return (slice(top_left.y(), top_left.y() + widget.height()),
            slice(top_left.x(), top_left.x() + widget.width()))


# -- the frame schedule and the layout's checks -------------------------------------------------
def test_frames_spread_evenly_over_the_steps():
    assert frame_steps(1, 300) == [300]
    assert frame_steps(3, 10) == [0, 5, 10]
    assert frame_steps(301, 300) == list(range(301))
    steps = frame_steps(300, 300)
    assert steps[0] == 0 and steps[-1] == 300 and np.all(np.diff(steps) >= 1)
    assert frame_count(ExportRequest(), 300) == 301
    assert frame_count(ExportRequest(fps=12, duration=2.5), 300) == 30
    assert frame_count(ExportRequest(frames=7), 300) == 7
    # a range chosen on the timeline: steps 100 … 300
    assert frame_steps(3, 300, first=100) == [100, 200, 300]
    assert frame_steps(201, 300, first=100) == list(range(100, 301))
    assert frame_count(ExportRequest(first_step=100), 300) == 201
    with pytest.raises(LandscapeError, match="first step must come before"):
        check_request(ExportRequest(steps=50, first_step=50, trajectories="race.csv"))
    with pytest.raises(LandscapeError, match="at least 1 frame"):
        frame_steps(0, 10)


@pytest.mark.parametrize(("fields", "message"), [
    ({"view": "4d"}, "unknown view '4d'"),
    ({"axis": "time"}, "not 'time'"),
    ({"width": 12}, "frame width 12 is out of range"),
    ({"height": 100_000}, "frame height 100000 is out of range"),
    ({"width": 320.5}, "frame width 320.5"),
])
def test_layout_refuses_bad_values(fields, message):
    with pytest.raises(LandscapeError, match=message):
        FrameLayout(**fields)


def test_image_to_array_respects_row_padding():
    image = QImage(7, 3, QImage.Format.Format_RGB888)  # 21 bytes per row, padded to 24
    image.fill(QColor(10, 20, 30))
    image.setPixelColor(6, 2, QColor(200, 100, 50))
    array = image_to_array(image)
    assert image.bytesPerLine() > 7 * 3
    assert array.shape == (3, 7, 3) and array.dtype == np.uint8
    assert tuple(array[0, 0]) == (10, 20, 30) and tuple(array[2, 6]) == (200, 100, 50)
    argb = image.convertToFormat(QImage.Format.Format_ARGB32)
    assert np.array_equal(image_to_array(argb), array)


def test_spaced_log_ticks_label_what_fits():
    major, minor = spaced_log_ticks(-0.6, 0.8, 300, 12)  # 0.25 … 6.3, room for 1-2-5
    assert [label for _, label in major] == ["0.5", "1", "2", "5"]
    assert all(label == "" for _, label in minor) and len(minor) == 9
    major, _ = spaced_log_ticks(-7.2, 9.1, 400, 12)
    assert [label for _, label in major][:3] == ["10⁻⁷", "10⁻⁶", "10⁻⁵"]
    assert "1000" in [label for _, label in major] and major[-1][1] == "10⁹"
    major, minor = spaced_log_ticks(-23.2, 2.1, 100, 12)  # 25 decades on a short axis
    assert len(major) <= 100 / (1.6 * 12) + 1 and not minor
    assert power_label(5e7) == "5·10⁷" and power_label(0.002) == "0.002"


# -- frames (the recording they draw: tests/engine/test_recording.py) --------------------------
@pytest.mark.parametrize("layout", [
    FrameLayout(width=320, height=240, title="A title"),
    FrameLayout(width=321, height=239, curves=False),
    FrameLayout(width=400, height=300, axis="evals", title="Évaluations"),
])
def test_frames_have_the_exact_size_and_change_over_time(qapp, recording, layout):
    with FrameRenderer(recording, layout) as renderer:
        first, middle, last = (renderer.render(step) for step in (0, STEPS // 2, STEPS))
    for frame in (first, middle, last):
        assert frame.shape == (layout.height, layout.width, 3) and frame.dtype == np.uint8
    assert not np.array_equal(first, middle) and not np.array_equal(middle, last)


def test_frames_are_deterministic(qapp, recording, state):
    layout = FrameLayout(width=320, height=240, title="Determinism")
    again = record_session(state, steps=STEPS, device="cpu")
    with FrameRenderer(recording, layout) as one:
        frames_one = list(one.frames(frame_steps(5, STEPS)))
    with FrameRenderer(again, layout) as two:
        frames_two = list(two.frames(frame_steps(5, STEPS)))
    for a, b in zip(frames_one, frames_two, strict=True):
        assert np.array_equal(a, b)


def test_visible_lanes_are_drawn_and_hidden_ones_are_not(qapp, recording):
    with FrameRenderer(recording, FrameLayout(width=640, height=480)) as renderer:
        frame = renderer.render(STEPS)
        rows, cols = widget_box(renderer, renderer.contour)
        curve_rows, curve_cols = widget_box(renderer, renderer.curves)
        colors = renderer.colors  # the lanes' colours as drawn on this colour map
    contour, curves = frame[rows, cols], frame[curve_rows, curve_cols]
    assert len(set(colors)) == len(colors)
    shown = list(zip(recording.lanes[:3], colors[:3], strict=True))
    for lane, color in shown:  # on the map (heads may overlap after a few steps), the curves
        assert near(contour, color).sum() >= 3, lane.label
        assert near(curves, color).sum() > 20, lane.label
    assert sum(near(contour, color).sum() for _, color in shown) > 60
    assert near(frame, colors[3]).sum() < 5  # not on the map, the curves nor the legend


def test_the_caption_is_drawn_above_the_views(qapp, recording):
    plain = FrameLayout(width=480, height=360)
    with FrameRenderer(recording, replace(plain, title="Adam vs SGD")) as renderer:
        titled = renderer.render(STEPS)
        views_top = widget_box(renderer, renderer.contour)[0].start
    with FrameRenderer(recording, plain) as renderer:
        untitled = renderer.render(STEPS)
    caption = titled[:views_top]
    text = np.abs(caption.astype(int) - caption[0, -1].astype(int)).sum(axis=-1) > 200
    assert text.sum() > 200  # bright title, legend and step counter on the dark background
    assert not np.array_equal(titled[:views_top], untitled[:views_top])


def test_the_3d_view_without_opengl_says_what_to_do(qapp, recording):
    if QGuiApplication.platformName() not in NO_GL_PLATFORMS:
        pytest.skip("this platform may have OpenGL")
    with pytest.raises(LandscapeError, match="xvfb-run"):
        FrameRenderer(recording, FrameLayout(view="3d", width=320, height=240))


def test_svg_still_of_the_2d_view(qapp, recording):
    with FrameRenderer(recording, FrameLayout(width=320, height=240, title="SVG")) as renderer:
        svg = renderer.svg_bytes(STEPS).decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "</svg>" in svg
    assert "SVG" in svg and "polyline" in svg or "path" in svg


# -- cancelling ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["demo.gif", "demo.mp4", "frames"])
def test_cancelling_mid_export_leaves_no_file(qapp, recording, state, tmp_path, name):
    frames_done = []
    request = ExportRequest(layout=FrameLayout(width=200, height=150), fps=10, frames=12,
                            animation=tmp_path / name, still=tmp_path / "still.png")
    check_request(request)
    with pytest.raises(CancelledError):
        run_export(state, request, recording=recording,
                   progress=lambda stage, fraction: frames_done.append(fraction)
                   if stage == "frames" else None,
                   cancelled=lambda: len(frames_done) >= 4)
    assert frames_done == [1 / 12, 2 / 12, 3 / 12, 4 / 12]
    assert list(Path(tmp_path).iterdir()) == []


# -- OpenGL ----------------------------------------------------------------------------------
@pytest.mark.gl
def test_both_views_side_by_side_with_the_surface(opengl, recording):
    layout = FrameLayout(view="both", width=640, height=480, title="Both")
    with FrameRenderer(recording, layout) as renderer:
        first, last = renderer.render(0), renderer.render(STEPS)
        rows, cols = widget_box(renderer, renderer.surface3d)
    assert last.shape == (480, 640, 3)
    surface = last[rows, cols]
    assert len(np.unique(surface.reshape(-1, 3) // 16, axis=0)) > 30  # a coloured, lit surface
    assert not np.array_equal(first[rows, cols], surface)  # the paths grew on it
