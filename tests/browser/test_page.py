"""The exported page in a real browser (headless Chromium from file://): no console error and
no request but the file itself; play, step, reset, lane toggles and click-to-start with real
mouse and key events; the drawn heads equal the trajectories CSV; the phone layout."""

from __future__ import annotations

import numpy as np
import pytest

from landscape_app.export.page.pack import untyped
from tests.browser.conftest import PAGE_STEPS

#: The step at which drawn positions are compared with the CSV (reached by 7 presses of →).
STEP_K = 7


def csv_position(rows: list[dict], step: int) -> tuple[float, float]:
    """The position of the last CSV row at or before ``step``."""
    row = [r for r in rows if int(r["step"]) <= step][-1]
    return float(row["x"]), float(row["y"])


def test_opens_paused_offline_without_errors(exported, open_page):
    page_path, _, _ = exported
    opened = open_page(page_path)
    state = opened.state()
    assert state["step"] == 0 and not state["playing"] and state["slider"] == 0
    opened.page.wait_for_timeout(300)
    assert opened.errors == []
    assert opened.requests == [page_path.as_uri()]  # the file itself, nothing else
    html = page_path.read_text("utf-8")
    for external in ("<script src", "<link", "@import", "url(http", "src=\"http"):
        assert external not in html
    assert page_path.stat().st_size < 10_000_000


def test_play_moves_slider_and_heads(exported, open_page):
    opened = open_page(exported[0])
    before = opened.state()
    opened.page.click("#play")
    opened.page.wait_for_function("window.__page.state().step >= 5")
    opened.page.keyboard.press("Space")  # pause, as in the window
    after = opened.state()
    assert not after["playing"] and after["slider"] == after["step"] > 0
    moved = [(a["x"], a["y"]) != (b["x"], b["y"])
             for a, b in zip(after["heads"], before["heads"])]
    assert all(moved)
    assert opened.errors == []


def test_heads_at_step_k_equal_the_csv(exported, open_page):
    page_path, rows, _ = exported
    opened = open_page(page_path)
    opened.page.locator("#landscape").focus()
    for _ in range(STEP_K):
        opened.page.keyboard.press("ArrowRight")
    state = opened.state()
    assert state["step"] == STEP_K
    for head in state["heads"]:
        # Positions are embedded as float64 and drawn from those numbers: exactly the CSV's.
        assert (head["x"], head["y"]) == csv_position(rows[head["label"]], STEP_K)
    opened.page.keyboard.press("ArrowLeft")
    assert opened.state()["step"] == STEP_K - 1
    opened.page.locator("#slider").fill(str(PAGE_STEPS))
    state = opened.state()
    assert state["step"] == PAGE_STEPS
    for head in state["heads"]:
        assert (head["x"], head["y"]) == csv_position(rows[head["label"]], PAGE_STEPS)
    opened.page.keyboard.press("r")
    assert opened.state()["step"] == 0


def test_click_shows_that_field_starts_path(exported, open_page):
    page_path, rows, document = exported
    field = document["field"]
    xs, ys, kept = untyped(field["xs"]), untyped(field["ys"]), untyped(field["steps"])
    i, j = 3, 12
    opened = open_page(page_path)
    px, py = opened.page.evaluate(f"window.__page.toPixels({float(xs[i])!r}, {float(ys[j])!r})")
    box = opened.page.locator("#landscape").bounding_box()
    opened.page.mouse.click(box["x"] + px + 1.5, box["y"] + py - 1.5)  # near, not on, it
    state = opened.state()
    assert state["fieldStart"] == [xs[i], ys[j]]
    assert "snapped" in opened.page.text_content("#start-note")
    opened.page.locator("#slider").fill(str(int(kept[5])))
    heads = opened.state()["heads"]
    labels = [lane["label"] for lane in document["lanes"]]
    for k, lane in enumerate(field["lanes"]):
        path = untyped(field["paths"][k]).reshape(len(ys), len(xs), len(kept), 2)
        assert heads[lane]["field"]
        assert heads[lane]["x"] == pytest.approx(float(path[j, i, 5, 0]), rel=0, abs=0)
        assert heads[lane]["y"] == pytest.approx(float(path[j, i, 5, 1]), rel=0, abs=0)
    for lane, label in enumerate(labels):
        if lane not in field["lanes"]:
            assert (heads[lane]["x"], heads[lane]["y"]) == csv_position(rows[label],
                                                                        int(kept[5]))
    opened.page.keyboard.press("r")
    assert opened.state()["fieldStart"] is None
    assert opened.errors == []


def test_drag_moves_the_field_start(exported, open_page):
    page_path, _, document = exported
    xs, ys = untyped(document["field"]["xs"]), untyped(document["field"]["ys"])
    opened = open_page(page_path)
    box = opened.page.locator("#landscape").bounding_box()
    mouse = opened.page.mouse
    a = opened.page.evaluate(f"window.__page.toPixels({float(xs[2])!r}, {float(ys[2])!r})")
    b = opened.page.evaluate(f"window.__page.toPixels({float(xs[10])!r}, {float(ys[9])!r})")
    mouse.move(box["x"] + a[0], box["y"] + a[1])
    mouse.down()
    assert opened.state()["fieldStart"] == [xs[2], ys[2]]
    mouse.move(box["x"] + b[0], box["y"] + b[1], steps=5)
    assert opened.state()["fieldStart"] == [xs[10], ys[9]]
    mouse.up()
    assert "loss =" in opened.page.text_content("#readout")


def test_lane_toggles_hide_trails(exported, open_page):
    opened = open_page(exported[0])
    opened.page.locator("#slider").fill("50")
    assert all(h["points"] > 0 for h in opened.state()["heads"])
    opened.page.locator("#lanes input").nth(0).click()
    heads = opened.state()["heads"]
    assert not heads[0]["visible"] and heads[0]["points"] == 0
    assert heads[1]["points"] > 0
    opened.page.locator("#landscape").focus()
    opened.page.keyboard.press("2")
    heads = opened.state()["heads"]
    assert heads[1]["points"] == 0 and heads[2]["points"] > 0
    assert not opened.page.locator("#lanes input").nth(1).is_checked()


def test_phone_viewport_has_no_horizontal_scroll(exported, open_page):
    opened = open_page(exported[0], width=375, height=812, touch=True)
    scroll, inner = opened.page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner == 375
    box = opened.page.locator("#landscape").bounding_box()
    assert box["width"] <= 375
    opened.page.locator("#landscape").tap(position={"x": box["width"] / 2,
                                                    "y": box["height"] / 2})
    assert opened.state()["fieldStart"] is not None
    assert opened.errors == []


def test_embedded_field_starts_are_the_view_grid(exported):
    _, _, document = exported
    xs, grid_xs = untyped(document["field"]["xs"]), untyped(document["grid"]["xs"])
    assert xs[0] == grid_xs[0] and xs[-1] == grid_xs[-1]
    assert untyped(document["field"]["steps"])[-1] == PAGE_STEPS
    assert np.all(np.diff(untyped(document["field"]["steps"])) > 0)


def test_the_notebook_frame_runs_the_page(browser, tmp_path):
    """``_repr_html_`` (what Jupyter puts in the notebook) draws the page inside its frame."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    import landscape_app

    lesson = landscape_app.page("quadratic-stable-lr", steps=10)
    notebook = tmp_path / "notebook.html"
    notebook.write_text(f"<!DOCTYPE html><html><body>{lesson._repr_html_()}</body></html>",
                        "utf-8")
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(notebook.as_uri())
        frame = page.frame_locator("iframe")
        frame.locator("#play").wait_for()
        # The notebook's own frame, by its element (page.frames' order is not a contract);
        # polled every 100 ms rather than on animation frames, which a busy machine's
        # Chromium may hold back in a frame.
        inner = page.locator("iframe").element_handle().content_frame()
        try:
            inner.wait_for_function("window.__page && window.__page.state().drawn > 0",
                                    polling=100)
        except PlaywrightTimeout:
            raise AssertionError(f"the page in the frame never drew; page errors: {errors}") \
                from None
        assert inner.evaluate("window.__page.state().heads.length") == len(
            lesson.document["lanes"])
        assert errors == []
    finally:
        context.close()


def test_a_touch_drag_moves_the_field_start(exported, open_page):
    """A finger dragged across the landscape on a phone (touch events through the browser's
    input pipeline, as a touch screen sends them)."""
    _, _, document = exported
    xs, ys = untyped(document["field"]["xs"]), untyped(document["field"]["ys"])
    opened = open_page(exported[0], width=375, height=812, touch=True)
    opened.page.locator("#landscape").scroll_into_view_if_needed()
    box = opened.page.locator("#landscape").bounding_box()
    a = opened.page.evaluate(f"window.__page.toPixels({float(xs[4])!r}, {float(ys[4])!r})")
    b = opened.page.evaluate(f"window.__page.toPixels({float(xs[11])!r}, {float(ys[13])!r})")
    cdp = opened.context.new_cdp_session(opened.page)

    def touch(kind: str, point) -> None:
        points = [] if point is None else [{"x": box["x"] + point[0], "y": box["y"] + point[1]}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", a)
    assert opened.state()["fieldStart"] == [xs[4], ys[4]]
    for f in (0.25, 0.5, 0.75, 1.0):
        touch("touchMove", (a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])))
    touch("touchEnd", None)
    assert opened.state()["fieldStart"] == [xs[11], ys[13]]
    assert opened.page.evaluate("window.scrollX") == 0
    assert opened.errors == []
