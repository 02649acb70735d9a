"""The page of a session with an outcome map (the map as a picture with its legend) and of a
network scene (the plane with the projected paths; no start to move)."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.state.map_settings import MapSettings
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


#: Reads the shown model picture back from the page: its size and its pixels' spread.
PICTURE_PIXELS = """() => {
  const img = document.getElementById("model-picture");
  const c = document.createElement("canvas");
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext("2d"); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data, colours = new Set();
  for (let i = 0; i < d.length; i += 4) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  const box = img.getBoundingClientRect();
  return { width: c.width, shownWidth: box.width, colours: colours.size, src: img.src.length };
}"""


def test_a_network_page_shows_the_model_view_following_the_step(network_page, open_page):
    """The window's Model view on the page (issue 24): each lane's decision regions at the
    shown step, as a picture that is there, not blank, and changes with the step and lane."""
    from tests.browser.conftest import embedded_document

    document = embedded_document(network_page)
    frames = document["model"]
    assert len(frames) == 3 and all(f[0]["step"] == 0 and f[-1]["step"] == 20 for f in frames)
    opened = open_page(network_page)
    assert opened.page.locator("#model-panel").is_visible()
    opened.page.wait_for_function("document.getElementById('model-picture').complete && "
                                  "document.getElementById('model-picture').naturalWidth > 0")
    first = opened.page.evaluate(PICTURE_PIXELS)
    assert first["width"] == 160 and first["shownWidth"] > 100
    # blank would be one colour; the untrained net's regions are faint (p near ½) but its two
    # shaded sides, the points' two fills and their white outlines, smoothed, give dozens
    assert first["colours"] > 10
    assert opened.state()["model"] == {"lane": 0, "step": 0}
    assert "accuracy" in opened.page.text_content("#model-caption")
    opened.page.locator("#slider").fill("20")
    assert opened.state()["model"] == {"lane": 0, "step": 20}
    opened.page.wait_for_function("document.getElementById('model-picture').complete")
    last = opened.page.evaluate(PICTURE_PIXELS)
    assert last["colours"] > 10 and last["src"] != first["src"]
    assert opened.page.text_content("#model-caption").startswith("after step 20: accuracy")
    opened.page.locator("#model-lane").select_option("1")
    opened.page.wait_for_function("window.__page.state().model.lane === 1")
    assert opened.state()["model"] == {"lane": 1, "step": 20}
    assert opened.errors == []
