"""The page of a session with an outcome map (the map as a picture with its legend) and of a
network scene (the plane with the projected paths; no start to move)."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.state.maps import MapSettings
from landscape_app.state.model import LandscapeSpec, Lane, SessionState

MAP_SESSION = SessionState(
    landscape=LandscapeSpec("function", "himmelblau"),
    lanes=(Lane("gd", OptimizerSpec("sgd", {"lr": 0.01}), "#E69F00"),),
    max_steps=30, map=MapSettings(lane=0, steps=20, res=16), note="four basins")


@pytest.fixture(scope="module")
def map_page(tmp_path_factory):
    import landscape_app

    lesson = landscape_app.page(MAP_SESSION)
    return lesson.save(tmp_path_factory.mktemp("maps") / "map.html"), lesson.document


@pytest.fixture(scope="module")
def network_page(tmp_path_factory):
    from landscape_app.cli import main

    path = tmp_path_factory.mktemp("network") / "moons.html"
    assert main(["export", "--scene", "two-moons", "--out", str(path), "--steps", "20",
                 "--device", "cpu"]) == 0
    return path


def test_the_start_map_is_a_picture_with_its_legend(map_page, open_page):
    path, document = map_page
    assert [m["title"] for m in document["maps"]] == ["start map"]
    with Image.open(io.BytesIO(base64.b64decode(document["maps"][0]["png"]))) as picture:
        assert picture.size[0] > 400  # the map, its axes and legend, at the still's size
    opened = open_page(path)
    shown = opened.page.evaluate(
        "[...document.querySelectorAll('#maps img')].map(i => [i.naturalWidth, i.alt])")
    assert shown == [[picture.size[0], "start map"]]
    assert opened.page.text_content("#note") == "four basins"
    assert opened.errors == [] and opened.requests == [path.as_uri()]


def test_a_network_page_shows_the_plane_and_its_paths(network_page, open_page):
    from tests.browser.conftest import embedded_document

    document = embedded_document(network_page)
    assert document["field"] is None and document["start"] is None
    assert all("PCA" in name or "direction" in name for name in document["axes"])
    opened = open_page(network_page)
    opened.page.locator("#slider").fill("20")
    heads = opened.state()["heads"]
    assert len(heads) == 3 and all(h["points"] > 1 for h in heads)
    box = opened.page.locator("#landscape").bounding_box()
    opened.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert opened.state()["fieldStart"] is None  # a network plane has no start to move
    assert "loss =" in opened.page.text_content("#readout")
    assert opened.errors == []


def test_the_start_map_lies_on_the_landscape_and_a_click_shows_a_path(map_page, open_page):
    path, document = map_page
    layer = document["maps"][0]["layer"]
    assert (layer["nx"], layer["ny"], layer["opacity"]) == (16, 16, 0.6)
    opened = open_page(path)
    assert opened.state()["mapLayer"]
    x, y = -3.0, 3.0  # in the basin of (-2.81, 3.13)
    px, py = opened.page.evaluate(f"window.__page.toPixels({x}, {y})")
    box = opened.page.locator("#landscape").bounding_box()
    opened.page.mouse.click(box["x"] + px, box["y"] + py)
    opened.page.locator("#slider").fill("30")
    state = opened.state()
    start = state["fieldStart"]
    assert abs(start[0] - x) < 10 / 15 and abs(start[1] - y) < 10 / 15  # the nearest start
    head = state["heads"][0]
    assert head["field"] and np.hypot(head["x"] + 2.805, head["y"] - 3.131) < 0.1
    opened.page.locator("#map-layer").click()
    assert not opened.state()["mapLayer"]
    assert opened.errors == []
