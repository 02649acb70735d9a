"""The loss curves' axes from the first frame: sensible ranges, labels that never overlap."""

import itertools

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter

from landscape_app.gui.views.curves import LossCurves
from landscape_app.gui.views.log_ticks import spaced_log_ticks
from tests.gui.conftest import shown


@pytest.fixture
def curves(qtbot):
    view = shown(qtbot, LossCurves(), 420, 240)
    view.set_lanes(["#E69F00", "#56B4E9"])
    return view


def labels(view: LossCurves, side: str):
    """``(rectangle, text)`` of every tick label the axis draws now."""
    axis = view.plot_item.getAxis(side)
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _, text in specs[2] if text]


def assert_apart(drawn):
    for (a, text_a), (b, text_b) in itertools.combinations(drawn, 2):
        assert not a.intersects(b), f"labels {text_a!r} and {text_b!r} overlap"


def show(view, qtbot, losses):
    losses = np.asarray(losses, dtype=float)
    steps = np.arange(len(losses), dtype=float)
    view.set_data([steps, steps], [losses, losses * 0.9], [True, True])  # ranges set at once


def test_step_zero_shows_a_clean_range(curves, qtbot):
    show(curves, qtbot, [12.5])
    (x_low, x_high), (y_low, y_high) = curves.plot_item.vb.viewRange()
    assert x_low == 0 and x_high >= 5
    texts = [text for _, text in labels(curves, "bottom")]
    assert texts and all("e" not in text for text in texts), texts
    assert 12.5 <= 10**y_high <= 2 * 12.5
    assert 10**y_low <= 0.9 * 12.5


@pytest.mark.parametrize("losses", [
    [12.5, 11.0, 9.0, 8.0, 7.2],               # early in a run: less than a decade
    [12.5, 11.0, 9.0, 8.0, 7.2, 7.1, 7.05],
    list(np.geomspace(12.5, 1e-7, 300)),       # many decades
    list(np.geomspace(2e5, 3.0, 40)),
])
def test_loss_labels_never_overlap_and_the_range_fits_the_data(curves, qtbot, losses):
    for height in (240, 160, 110):
        curves.resize(420, height)
        show(curves, qtbot, losses)
        drawn = labels(curves, "left")
        assert len(drawn) >= 2, [text for _, text in drawn]
        assert_apart(drawn)
        assert_apart(labels(curves, "bottom"))
        y_low, y_high = curves.plot_item.vb.viewRange()[1]
        top = max(losses)
        assert top <= 10**y_high <= 2 * top


def test_spaced_ticks_keep_labels_a_label_height_apart():
    for low, high, pixels in [(0.25, 1.25, 150), (-7.0, 1.25, 80), (0.85, 1.1, 400)]:
        major, _ = spaced_log_ticks(low, high, pixels, 12.0)
        positions = [p for p, _ in major]
        assert positions and all(low <= p <= high for p in positions)
        gaps = np.diff(positions) * pixels / (high - low)
        assert np.all(gaps >= 12.0)
