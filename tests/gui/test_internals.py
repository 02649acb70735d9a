"""The optimizer-internals overlay on the 2D view (offscreen platform)."""

import numpy as np
import pyqtgraph as pg
import pytest
from PIL import Image
from PySide6.QtCore import QPointF, Qt

from landscape_app.core.functions.catalog import get_function
from landscape_app.core.grid import evaluate_grid
from landscape_app.core.objective import Problem
from landscape_app.core.optim.optimizer_base import Internals
from landscape_app.core.optim.registry import parse_optimizer_spec
from landscape_app.gui.views.internals import (
    ELLIPSE_SIGMAS,
    GRADIENT_PIXELS,
    VELOCITY_PIXELS,
    Arrow,
    InternalsOverlay,
    covariance_ellipse,
)

ORANGE, BLUE = "#E69F00", "#56B4E9"


@pytest.fixture
def plot(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(500, 420)
    widget.setRange(xRange=(-4, 4), yRange=(-4, 4), padding=0)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def overlay(plot):
    return InternalsOverlay(plot.getPlotItem())


def shown(items) -> set[str]:
    """Names of the visible pieces of one lane (an arrow counts when shaft and head are)."""
    parts = {name: (piece.shaft, piece.head) if isinstance(piece, Arrow) else (piece,)
             for name, piece in items.pieces.items()}
    return {name for name, group in parts.items() if all(item.isVisible() for item in group)}


def arrow_tip(arrow) -> np.ndarray:
    return np.array([arrow.head.pos().x(), arrow.head.pos().y()])


def screen_length(plot, vector: np.ndarray) -> float:
    pixel = np.asarray(plot.getPlotItem().getViewBox().viewPixelSize())
    return float(np.hypot(*(vector / pixel)))


def test_gradient_arrow_points_down_the_slope_with_a_fixed_screen_length(plot, overlay):
    x, gradient = np.array([1.0, -0.5]), np.array([3.0, 4.0])
    overlay.update(0, Internals(gradient=gradient), x, ORANGE)
    arrow = overlay.lane_items(0).gradient
    shaft_x, shaft_y = arrow.shaft.getData()
    assert (shaft_x[0], shaft_y[0]) == pytest.approx(tuple(x))
    direction = arrow_tip(arrow) - x
    assert direction[0] * gradient[1] - direction[1] * gradient[0] == pytest.approx(0.0, abs=1e-9)
    assert direction @ -gradient > 0
    assert screen_length(plot, direction) == pytest.approx(GRADIENT_PIXELS, rel=1e-6)
    # on screen, the head's body trails behind its tip, along the shaft
    to_screen = arrow.head.deviceTransform(plot.viewportTransform())
    body = to_screen.map(arrow.head.boundingRect().center())
    tip = to_screen.map(QPointF(0.0, 0.0))
    pixel_direction = direction / np.asarray(plot.getPlotItem().vb.viewPixelSize()) * [1, -1]
    assert np.array([body.x() - tip.x(), body.y() - tip.y()]) @ pixel_direction < 0


def test_velocity_arrow_has_its_true_length_within_bounds(plot, overlay):
    x = np.array([0.0, 0.0])
    overlay.update(0, Internals(velocity=np.array([0.5, 0.0])), x, ORANGE)
    tip = arrow_tip(overlay.lane_items(0).velocity)
    assert tip == pytest.approx([0.5, 0.0])
    overlay.update(0, Internals(velocity=np.array([0.0, 1e-6])), x, ORANGE)
    tiny = arrow_tip(overlay.lane_items(0).velocity)
    assert tiny[0] == pytest.approx(0.0) and tiny[1] > 0
    assert screen_length(plot, tiny) == pytest.approx(VELOCITY_PIXELS[0], rel=1e-6)
    overlay.update(0, Internals(velocity=np.array([-50.0, 50.0])), x, ORANGE)
    huge = arrow_tip(overlay.lane_items(0).velocity)
    assert screen_length(plot, huge) == pytest.approx(VELOCITY_PIXELS[1], rel=1e-6)


def test_arrows_keep_their_screen_length_when_zooming(qtbot, plot, overlay):
    overlay.update(0, Internals(gradient=np.array([0.0, 1.0])), np.zeros(2), ORANGE)
    before = np.linalg.norm(arrow_tip(overlay.lane_items(0).gradient))
    plot.setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)  # the view applies it on repaint

    def shrunk():
        after = np.linalg.norm(arrow_tip(overlay.lane_items(0).gradient))
        assert after == pytest.approx(before / 4, rel=1e-3)

    qtbot.waitUntil(shrunk, timeout=2000)


def test_swarm_particles_and_best(overlay):
    particles = np.array([[0.0, 1.0, 9.0], [2.0, -1.0, 9.0], [np.nan, 0.0, 0.0], [1.0, 1.0, 0.0]])
    overlay.update(0, Internals(particles=particles), np.array([1.0, 1.0, 0.0]), BLUE)
    items = overlay.lane_items(0)
    xs, ys = items["particles"].getData()
    assert np.column_stack([xs, ys]).tolist() == [[0.0, 1.0], [2.0, -1.0], [1.0, 1.0]]
    assert [tuple(p) for p in zip(*items["swarm_best"].getData(), strict=True)] == [(1.0, 1.0)]
    assert shown(items) == {"particles", "swarm_best"}


def test_cmaes_population_mean_and_covariance_ellipses(overlay):
    mean = np.array([0.5, -1.0])
    covariance = np.array([[2.0, 0.9], [0.9, 0.7]])
    population = np.random.default_rng(0).multivariate_normal(mean, covariance, 7)
    overlay.update(0, Internals(population=population, mean=mean, covariance=covariance,
                                velocity=np.array([0.1, 0.0])), mean, ORANGE)
    items = overlay.lane_items(0)
    assert len(items["population"].getData()[0]) == 7
    assert shown(items) == {"population", "mean", "ellipse_1", "ellipse_2", "velocity"}
    inverse = np.linalg.inv(covariance)
    for index, sigmas in enumerate(ELLIPSE_SIGMAS):
        points = np.column_stack(items[f"ellipse_{index + 1}"].getData()) - mean
        assert np.einsum("ni,ij,nj->n", points, inverse, points) == pytest.approx(sigmas**2)
        assert points[0] == pytest.approx(points[-1])  # closed


def test_degenerate_covariance_flattens_instead_of_failing():
    contour = covariance_ellipse(np.zeros(2), np.array([[1.0, 1.0], [1.0, 1.0 - 1e-17]]), 1.0)
    assert np.all(np.isfinite(contour))
    assert np.allclose(contour[:, 0], contour[:, 1], atol=1e-6)


def test_annealing_candidate_filled_when_accepted_hollow_when_rejected(overlay):
    x, candidate = np.array([0.0, 0.0]), np.array([1.0, 2.0])
    overlay.update(0, Internals(candidate=candidate, accepted=True, temperature=12.5), x, BLUE)
    items = overlay.lane_items(0)
    assert shown(items) == {"candidate", "candidate_link", "temperature"}
    assert items["candidate"].points()[0].brush().style() != Qt.BrushStyle.NoBrush
    assert items["temperature"].textItem.toPlainText() == "T = 12.5"
    assert items["temperature"].pos().x() == 0.0 and items["temperature"].pos().y() == 0.0
    link_x, link_y = items["candidate_link"].getData()
    assert (list(link_x), list(link_y)) == ([0.0, 1.0], [0.0, 2.0])
    overlay.update(0, Internals(candidate=candidate, accepted=False, temperature=3.0), x, BLUE)
    assert items["candidate"].points()[0].brush().style() == Qt.BrushStyle.NoBrush


def test_lookahead_anchor_joined_to_the_fast_point(overlay):
    x, anchor = np.array([1.0, 1.0]), np.array([-1.0, 0.5])
    overlay.update(0, Internals(gradient=np.ones(2), anchor=anchor), x, ORANGE)
    items = overlay.lane_items(0)
    assert shown(items) == {"gradient", "anchor", "anchor_link"}
    assert [tuple(p) for p in zip(*items["anchor"].getData(), strict=True)] == [(-1.0, 0.5)]
    link_x, link_y = items["anchor_link"].getData()
    assert (list(link_x), list(link_y)) == ([-1.0, 1.0], [0.5, 1.0])


def test_absent_or_broken_internals_are_hidden(overlay):
    x = np.array([0.0, 0.0])
    overlay.update(0, Internals(gradient=np.ones(2), velocity=np.ones(2)), x, ORANGE)
    overlay.update(1, Internals(particles=np.ones((3, 2))), x, BLUE)
    assert shown(overlay.lane_items(0)) == {"gradient", "velocity"}
    overlay.update(0, Internals(gradient=np.array([np.nan, 1.0]), velocity=np.zeros(2),
                                covariance=np.eye(2), temperature=float("inf")), x, ORANGE)
    assert shown(overlay.lane_items(0)) == set()
    assert shown(overlay.lane_items(1)) == {"particles", "swarm_best"}


def test_set_visible_and_clear(overlay):
    x = np.array([0.0, 0.0])
    overlay.update(0, Internals(gradient=np.ones(2), anchor=np.ones(2)), x, ORANGE)
    overlay.set_visible(False)
    assert shown(overlay.lane_items(0)) == set()
    overlay.update(1, Internals(particles=np.ones((3, 2))), x, BLUE)
    assert shown(overlay.lane_items(1)) == set()
    overlay.set_visible(True)
    assert shown(overlay.lane_items(0)) == {"gradient", "anchor", "anchor_link"}
    assert shown(overlay.lane_items(1)) == {"particles", "swarm_best"}
    overlay.clear()
    assert shown(overlay.lane_items(0)) == shown(overlay.lane_items(1)) == set()


def test_items_are_built_once_per_lane_and_restyled_on_colour_change(plot, overlay):
    x = np.array([0.0, 0.0])
    overlay.update(0, Internals(gradient=np.ones(2)), x, ORANGE)
    count = len(plot.getPlotItem().vb.addedItems)
    for _ in range(5):
        overlay.update(0, Internals(gradient=np.ones(2)), x, BLUE)
    assert len(plot.getPlotItem().vb.addedItems) == count
    assert overlay.lane_items(0).gradient.shaft.opts["pen"].color() == pg.mkColor(BLUE)


def test_screenshot_rastrigin_with_cmaes_pso_and_momentum(plot, overlay, tmp_path):
    function = get_function("rastrigin")
    grid = evaluate_grid(function, (-5.12, 5.12), (-5.12, 5.12), 200)
    image = pg.ImageItem(grid.values, axisOrder="row-major")
    image.setColorMap(pg.colormap.get("viridis"))
    image.setRect(-5.12, -5.12, 10.24, 10.24)
    image.setZValue(-20)
    plot.addItem(image)
    plot.resize(640, 560)
    plot.setRange(xRange=(-5.12, 5.12), yRange=(-5.12, 5.12), padding=0)
    lanes = (("cmaes:sigma0=0.8", (3.0, -3.0), ORANGE), ("pso", (-3.0, 3.0), BLUE),
             ("momentum:lr=0.002", (2.4, 3.4), "#009E73"))
    for lane, (spec, start, color) in enumerate(lanes):
        optimizer = parse_optimizer_spec(spec).create()
        record = optimizer.reset(Problem(function), np.array(start), seed=lane)
        trail = [record.x]
        for _ in range(5):
            record = optimizer.step()
            trail.append(record.x)
        trail = np.array(trail)
        plot.plot(trail[:, 0], trail[:, 1], pen=pg.mkPen(color, width=2))
        plot.plot(trail[-1:, 0], trail[-1:, 1], pen=None, symbol="o", symbolSize=11,
                  symbolBrush=color, symbolPen="#101010")
        overlay.update(lane, record.internals, record.x, color)
    assert shown(overlay.lane_items(0)) >= {"population", "mean", "ellipse_1", "ellipse_2"}
    assert shown(overlay.lane_items(1)) >= {"particles", "swarm_best"}
    assert shown(overlay.lane_items(2)) >= {"gradient", "velocity"}
    path = tmp_path / "internals.png"
    plot.grab().save(str(path))
    frame = np.asarray(Image.open(path).convert("RGB"))
    for color in (ORANGE, BLUE):
        rgb = np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)])
        assert np.all(np.abs(frame.astype(int) - rgb) <= 30, axis=-1).sum() > 30
