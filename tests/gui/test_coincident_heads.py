"""Heads that end on the same point all stay visible (issue 12: momentum and Adam on
Rosenbrock both end at (1, 1)): concentric discs of decreasing size, the largest first."""

import numpy as np
import pytest
from PySide6.QtGui import QColor

from landscape_app.gui.views.contour import ContourView
from landscape_app.gui.views.trails import HEAD_RADIUS, draw_order, stacked_heads
from tests.gui.conftest import shown

pytestmark = pytest.mark.gui

COLORS = ["#E69F00", "#56B4E9", "#F0E442"]


class Grid:
    def __init__(self, n=60):
        self.xs = np.linspace(-2, 2, n)
        self.ys = np.linspace(-1, 3, n)
        x, y = np.meshgrid(self.xs, self.ys)
        self.values = (x - 1) ** 2 + (y - 1) ** 2


def pixels_near(image, centre, radius, color, tolerance=40):
    """How many pixels within ``radius`` of ``centre`` are close to ``color``."""
    rgb = np.array(QColor(color).getRgb()[:3])
    ys, xs = np.mgrid[: image.shape[0], : image.shape[1]]
    inside = (xs - centre[0]) ** 2 + (ys - centre[1]) ** 2 <= radius**2
    close = np.all(np.abs(image.astype(int) - rgb) <= tolerance, axis=-1)
    return int(np.count_nonzero(inside & close))


def grab(view) -> np.ndarray:
    from landscape_app.gui.export.render import image_to_array

    return image_to_array(view.grab().toImage())


def test_stacked_heads_get_distinct_radii():
    radii = stacked_heads([(10.0, 10.0), (10.5, 10.0), (80.0, 5.0), (10.0, 10.2)], 5.0)
    assert radii[2] == 5.0  # alone
    stack = sorted([radii[0], radii[1], radii[3]], reverse=True)
    assert stack[0] > stack[1] > stack[2] == 5.0
    assert draw_order(radii)[0] in (0, 1, 3) and radii[draw_order(radii)[-1]] == 5.0


def test_heads_on_the_same_point_all_show(qtbot):
    view = shown(qtbot, ContourView(), 500, 500)
    view.set_landscape(Grid(), False, "viridis", [], 6)
    view.set_lanes(COLORS)
    # one point per lane (every race at step 0, or lanes parked on the same minimum): no
    # trail to tell them apart, only the heads
    view.set_paths([np.array([[1.0, 1.0]]), np.array([[1.0, 1.0]]),
                    np.array([[1.0 + 1e-3, 1.0]])], [True] * 3)
    image = grab(view)  # grab() paints the view now: nothing to wait for
    point = view.data_to_viewport(1.0, 1.0)
    ratio = view.devicePixelRatioF()
    centre = (point.x() * ratio, point.y() * ratio)
    reach = HEAD_RADIUS * 3.5 * ratio
    for color in COLORS:  # each head shows at least a ring's worth of its own colour
        assert pixels_near(image, centre, reach, color) >= 12, color
