"""``landscape_app.page``: the notebook's way to the interactive page."""

from __future__ import annotations

import html
import re

import pytest

import landscape_app
from landscape_app.export.page.pack import untyped

STEPS = 30


@pytest.fixture(scope="module")
def lesson():
    return landscape_app.page("adam-vs-sgd", steps=STEPS)


def test_repr_html_is_the_page_in_a_frame(lesson):
    shown = lesson._repr_html_()
    match = re.fullmatch(r'<iframe srcdoc="(.*)" style="[^"]*" sandbox="allow-scripts" '
                         r'title="[^"]*"></iframe>', shown, re.S)
    assert match is not None
    assert html.unescape(match.group(1)) == lesson.html
    assert '"' not in match.group(1)  # every quote escaped: the attribute cannot end early


def test_save_writes_the_same_page(lesson, tmp_path):
    target = lesson.save(tmp_path / "lesson.html")
    assert target.read_text("utf-8") == lesson.html
    assert lesson.document["steps"] == STEPS
    sgd = lesson.document["lanes"][0]
    assert untyped(sgd["step"]).tolist() == list(range(STEPS + 1))


def test_a_session_file_or_state_gives_the_same_page(lesson, tmp_path):
    from dataclasses import replace

    from landscape_app.state.scenes import load_scene
    from landscape_app.state.session_io import save_session

    state = replace(load_scene("adam-vs-sgd").state, max_steps=STEPS)
    path = tmp_path / "race.json"
    save_session(path, state)
    assert landscape_app.page(path).html == lesson.html
    assert landscape_app.page(state).document == lesson.document


def test_a_wrong_name_is_refused(tmp_path):
    from landscape_app.core.errors import LandscapeError

    with pytest.raises(LandscapeError):
        landscape_app.page("no-such-scene")
    with pytest.raises(LandscapeError):
        landscape_app.page("adam-vs-sgd", steps=STEPS).save(tmp_path / "lesson.txt")


def test_the_page_draws_lanes_in_the_colours_the_window_shows(lesson):
    """adam-vs-sgd's third colour (bluish green) vanishes on viridis: the window shows the
    scene's lanes with it replaced (trail_colors), and so does the page (issue 24)."""
    from landscape_app.state.lane_contrast import trail_colors
    from landscape_app.state.scenes import load_scene

    lanes = load_scene("adam-vs-sgd").state.lanes
    saved = tuple(lane.color for lane in lanes)
    shown = trail_colors(saved, "viridis")
    assert shown != saved
    assert tuple(lane["color"] for lane in lesson.document["lanes"]) == shown
