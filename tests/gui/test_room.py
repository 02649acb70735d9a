"""The window fits the room (issue 15): each screen size in its own offscreen process."""

import importlib.util
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PySide6.QtCore import QRect

from landscape_app.gui.room import LARGEST, first_geometry

pytestmark = pytest.mark.gui

TOOL = Path(__file__).resolve().parents[2] / "tools" / "window_sizes.py"
_spec = importlib.util.spec_from_file_location("window_sizes", TOOL)
window_sizes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(window_sizes)

#: (screen width, height in device pixels, QT_SCALE_FACTOR, least share of the 2D plot)
SCREENS = ((1024, 768, 1, 0.40), (1280, 720, 1, 0.40), (1366, 768, 1, 0.42),
           (1920, 1080, 1, 0.42), (2560, 1440, 2, 0.40))


@pytest.fixture(scope="module")
def measured():
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda s: window_sizes.measure_at(s[0], s[1], s[2], timeout=600),
                           SCREENS)
        return dict(zip(SCREENS, results, strict=True))


def inside(rect, width, height):
    x, y, w, h = rect
    return x >= 0 and y >= 0 and x + w <= width and y + h <= height


def overlap(a, b):
    return not (a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0]
                or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1])


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}@{s[2]}")
def test_the_window_fits_the_screen_and_the_landscape_has_priority(measured, screen):
    result = measured[screen]
    sx, sy, sw, sh = result["screen"]
    assert (sw, sh) == (round(screen[0] / screen[2]), round(screen[1] / screen[2]))
    fx, fy, fw, fh = result["frame"]
    assert fx >= sx and fy >= sy and fx + fw <= sx + sw and fy + fh <= sy + sh
    width, height = result["window"]
    for name, rect in result["docks"].items():
        assert inside(rect, width, height), name
    assert result["table"] is not None and inside(result["table"], width, height)
    assert not result["table_hscroll"]
    plot = result["plot"]
    assert inside(plot, width, height)
    assert plot[2] * plot[3] >= screen[3] * width * height
    curves, note = result["curves"], result["note"]
    assert curves is not None and inside(curves, width, height)
    assert note is not None and not overlap(note, curves)  # the note never hides the curves
    assert result["dpr"] == screen[2]


def test_panels_open_inside_a_compact_window(measured):
    result = window_sizes.measure_at(1024, 768, panels=True, timeout=600)
    width, height = result["window"]
    assert set(result["docks"]) == {"landscape", "optimizers"}
    for rect in result["docks"].values():
        assert inside(rect, width, height)
    plot = result["plot"]
    assert plot[2] * plot[3] >= 0.3 * width * height


def test_the_first_window_takes_a_fraction_of_the_screen_never_more():
    small = QRect(0, 0, 1024, 740)
    assert first_geometry(small) == small
    large = QRect(0, 30, 2560, 1410)
    rect = first_geometry(large)
    assert large.contains(rect) and rect.size() == LARGEST
    assert rect.center() == large.center()
