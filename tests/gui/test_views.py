"""The 2D view, the loss curves, the table and the trace buffer, on their own."""

import warnings

import numpy as np
import pytest
from PySide6.QtCore import Qt

from landscape_app.core.result import Status
from landscape_app.gui.views.contour import (
    FILL_DELAY_MS,
    ContourView,
    color_field,
    contour_segments,
)
from landscape_app.gui.views.curves import LossCurves, drawable
from landscape_app.gui.views.table import RaceTable, RaceTableModel, TableRow, format_number
from tests.gui.conftest import shown

pytestmark = pytest.mark.gui


class FakeGrid:
    """A grid as the core makes them: values[j, i] = f(xs[i], ys[j])."""

    def __init__(self, values, x_range=(-2.0, 2.0), y_range=(-1.0, 3.0)):
        self.values = np.asarray(values, dtype=float)
        self.ys = np.linspace(*y_range, self.values.shape[0])
        self.xs = np.linspace(*x_range, self.values.shape[1])


def bowl(n=60):
    x, y = np.meshgrid(np.linspace(-2, 2, n), np.linspace(-1, 3, n))
    return FakeGrid((x - 1) ** 2 + (y - 1) ** 2)


def shows_exactly_the_box(view, box=(-2, 2, -1, 3)):
    """The view range contains the box and touches it on one axis (equal aspect)."""
    (x0, x1), (y0, y1) = view.plot_item.viewRange()
    tol = 1e-6
    inside = x0 <= box[0] + tol and x1 >= box[1] - tol and y0 <= box[2] + tol
    inside = inside and y1 >= box[3] - tol
    touches = abs(x0 - box[0]) < tol or abs(y0 - box[2]) < tol
    return inside and touches


@pytest.fixture
def contour(qtbot):
    return shown(qtbot, ContourView(), 500, 400)


def test_color_field_keeps_holes_as_holes():
    values = np.array([[0.0, 1.0], [np.nan, np.inf]])
    linear = color_field(values, log_scale=False)
    np.testing.assert_array_equal(np.isnan(linear), [[False, False], [True, True]])
    log = color_field(values, log_scale=True)
    assert np.all(np.isfinite(log[0])) and log[0, 0] < log[0, 1] and np.isnan(log[1]).all()
    assert np.isnan(color_field(np.full((3, 3), np.nan), log_scale=True)).all()


def test_contour_segments_are_nan_separated_lines():
    grid = bowl()
    lines = contour_segments(grid.xs, grid.ys, grid.values, 5)
    assert lines.shape[1] == 2
    breaks = np.isnan(lines[:, 0])
    assert breaks.sum() >= 5  # one break after each closed line at least
    points = lines[~breaks]
    on_line = (points[:, 0] - 1) ** 2 + (points[:, 1] - 1) ** 2
    levels = np.linspace(grid.values.min(), grid.values.max(), 7)[1:-1]
    assert np.abs(on_line[:, None] - levels[None, :]).min(axis=1).max() < 0.05
    assert contour_segments(grid.xs, grid.ys, np.zeros((4, 4)), 5).shape == (0, 2)


def test_landscape_sets_the_view_range_and_minima(contour):
    grid = bowl()
    grid.values[0, 0] = np.inf
    grid.values[1, 1] = np.nan
    contour.set_landscape(grid, True, "inferno", [(1.0, 1.0), (50.0, 50.0)], 8)
    assert shows_exactly_the_box(contour)
    assert np.isnan(contour.image.image).sum() == 2 and contour.holes.isVisible()
    assert len(contour.minima.data) == 1  # the one outside the box is not drawn
    assert contour.contours.xData.size > 0


def holed_bowl():
    """A bowl with a square hole (NaN) in the middle of one slope: grid points 20–39."""
    grid = bowl()
    grid.values[20:40, 20:40] = np.nan
    return grid


def test_no_contour_line_runs_along_a_holes_edge():
    grid = holed_bowl()
    lines = contour_segments(grid.xs, grid.ys, grid.values, 12)
    start, end = lines[:-1], lines[1:]
    whole = np.isfinite(start).all(axis=1) & np.isfinite(end).all(axis=1)
    middle = (start[whole] + end[whole]) / 2
    # The hole's quads span grid points 19..40: a line meeting it ends on that box's edge, so
    # the middle of a segment lies in the closed box only if the segment runs along the edge
    # (or inside). Before, the hole was the top value and every level ran around it.
    x0, x1, y0, y1 = grid.xs[19], grid.xs[40], grid.ys[19], grid.ys[40]
    inside = ((middle[:, 0] >= x0) & (middle[:, 0] <= x1)
              & (middle[:, 1] >= y0) & (middle[:, 1] <= y1))
    assert whole.sum() > 100 and not inside.any()


def pixel(view, x, y, around=0):
    """The colours of the view's pixels within ``around`` pixels of the data point."""
    image = view.grab().toImage()
    point = view.data_to_viewport(x, y)
    colours = set()
    for dx in range(-around, around + 1):
        for dy in range(-around, around + 1):
            color = image.pixelColor(point.x() + dx, point.y() + dy)
            colours.add((color.red(), color.green(), color.blue()))
    return colours


def test_holes_are_left_uncoloured_showing_a_neutral_hatch(contour, qtbot):
    grid = holed_bowl()
    contour.set_landscape(grid, False, "viridis", [], 0)
    qtbot.waitUntil(lambda: shows_exactly_the_box(contour))  # the range applied
    colours = pixel(contour, grid.xs[30], grid.ys[30], around=12)  # well inside the hole
    assert all(max(c) - min(c) <= 2 for c in colours), colours  # greys: no colour map's
    assert len(colours) >= 2  # the hatch's lines and its ground, not one flat fill
    (outside,) = pixel(contour, grid.xs[5], grid.ys[5])
    assert max(outside) - min(outside) > 30  # a coloured cell is still coloured
    contour.set_landscape(bowl(), False, "viridis", [], 0)
    assert not contour.holes.isVisible()


def test_a_function_s_heatmap_fills_a_plot_of_another_shape(qtbot):
    """A square box on a wide plot: the heatmap is widened over the sides in the box's
    colours (issue 22.7: presenting at 1024 × 768 left empty bands above and below)."""
    from functools import partial

    from landscape_app.core.functions import get_function
    from landscape_app.core.grid import evaluate_grid, widen_grid

    rosenbrock = get_function("rosenbrock")
    grid = evaluate_grid(rosenbrock, (-2.0, 2.0), (-1.0, 3.0), 81)
    view = shown(qtbot, ContourView(), 700, 380)
    view.set_landscape(grid, True, "viridis", [], 8, widen=partial(widen_grid, grid, rosenbrock))
    shown_range = view.plot_item.vb.viewRect()
    assert shown_range.width() > 1.5 * shown_range.height()  # the sides are past the box
    qtbot.waitUntil(lambda: view.image.mapRectToView(view.image.boundingRect())
                    .contains(shown_range))
    drawn = view.drawn_grid
    inside = np.searchsorted(drawn.xs, grid.xs[0] - 1e-9)
    np.testing.assert_array_equal(view.image.image[:, inside:inside + 81],
                                  color_field(grid.values, True))  # the box's own colours
    assert tuple(view.colorbar.levels()) == pytest.approx(
        (np.nanmin(view.image.image[:, inside:inside + 81]),
         np.nanmax(view.image.image[:, inside:inside + 81])))
    (left,) = pixel(view, shown_range.left() + 0.1, 1.0)  # past the box: coloured
    assert max(left) - min(left) > 30
    # A recorded plane (no widening) keeps its box: nothing is drawn past it.
    view.set_landscape(grid, True, "viridis", [], 8)
    qtbot.wait(2 * FILL_DELAY_MS)
    assert view.drawn_grid is grid
    view.plot_item.setRange(xRange=(-3.0, 3.0), padding=0.0)
    assert not view._fill.isActive()  # nothing to widen: no timer
    # A range change starts the widening's timer; hiding the view (another tab, its window
    # closing) stops it, and a range change while hidden starts none (it fills when shown).
    view.set_landscape(grid, True, "viridis", [], 8, widen=partial(widen_grid, grid, rosenbrock))
    view.plot_item.setRange(xRange=(-3.0, 3.0), padding=0.0)
    assert view._fill.isActive()
    view.hide()
    assert not view._fill.isActive()
    view.plot_item.setRange(xRange=(-4.0, 4.0), padding=0.0)
    assert not view._fill.isActive()
    view.show()
    assert view._fill.isActive()


def test_paths_with_divergence_keep_the_view(contour):
    contour.set_landscape(bowl(), False, "viridis", [], 6)
    contour.set_lanes(["#E69F00", "#56B4E9", "#009E73"])
    good = np.array([[-1.0, 2.0], [0.0, 1.5], [0.5, 1.2]])
    wild = np.array([[-1.0, 2.0], [1.5, 2.5], [1e30, -1e30], [np.inf, np.nan]])
    contour.set_paths([good, wild, np.empty((0, 2))], [True, True, True], [False, True, False])
    assert shows_exactly_the_box(contour)
    assert contour.heads == [(0, 0.5, 1.2)]
    assert contour.crosses == [(1, 1.5, 2.5)]  # where it was last inside the box
    box = contour.trails.boundingRect()
    assert box.contains(contour.bounds) and box.width() < 100 and box.height() < 100
    contour.set_paths([good, wild, good], [False, True, True])
    assert [lane for lane, _, _ in contour.heads] == [1, 2]


def test_paths_are_thinned_to_screen_pixels(contour):
    contour.set_landscape(bowl(), False, "viridis", [], 6)
    contour.set_lanes(["#E69F00"])
    converging = np.column_stack([np.linspace(-1, 1, 50), np.linspace(2, 1, 50)])
    piled = np.vstack([converging, np.tile([[1.0, 1.0]], (5000, 1)) + 1e-9 * np.arange(5000)[:,
                                                                                            None]])
    thinned = contour._thin(contour._clip(piled))
    assert len(thinned) <= 60 and np.array_equal(thinned[-1], piled[-1])
    broken = np.array([[0.0, 0.0], [np.nan, np.nan], [0.0, 0.0], [0.0, 0.0]])
    assert np.isnan(contour._thin(broken)[1]).all()


def test_set_start_does_not_emit(contour, qtbot):
    with qtbot.assertNotEmitted(contour.startMoved):
        contour.set_start(0.5, 0.5)
    assert (contour.start_marker.pos().x(), contour.start_marker.pos().y()) == (0.5, 0.5)


def test_dragging_the_marker_emits_where_it_was_dropped(contour, qtbot):
    contour.set_landscape(bowl(), False, "viridis", [], 6)
    with qtbot.waitSignal(contour.startMoved) as moved:
        contour.start_marker.setPos(1.25, 0.75)
        contour.start_marker.sigPositionChangeFinished.emit(contour.start_marker)
    assert moved.args == [1.25, 0.75]


def test_log_curves_ignore_what_they_cannot_draw(qtbot):
    curves = LossCurves()
    qtbot.addWidget(curves)
    curves.set_lanes(["#E69F00", "#56B4E9"])
    losses = [np.array([10.0, 1.0, 0.0, -1.0, np.nan, np.inf, 1e-3]), np.array([5.0, 2.0])]
    xs = [np.arange(7.0), np.arange(2.0)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        curves.set_data(xs, losses, [True, True])
        curves.plot_item.vb.autoRange()
    y = curves.curves[0].getOriginalDataset()[1]
    # NaN and ±inf are gaps; 0 and −1 are shown as f − f_min (f_min = −1.001, no f* known)
    assert np.array_equal(np.isnan(y), [False, False, False, False, True, True, False])
    assert curves.offset == pytest.approx(-1.001)
    assert "f_min" in curves.plot_item.getAxis("left").labelText
    (ymin, ymax) = curves.plot_item.vb.viewRange()[1]
    assert np.isfinite(ymin) and np.isfinite(ymax)
    curves.set_lanes(["#E69F00"])
    assert not curves.curves[1].isVisible()


def test_curves_offset_axis_and_linear_mode(qtbot):
    curves = LossCurves()
    qtbot.addWidget(curves)
    curves.set_lanes(["#E69F00"])
    curves.set_offset(-78.3)
    curves.set_data([np.arange(3.0)], [np.array([-70.0, -78.0, -78.3])], [True])
    assert curves.curves[0].getOriginalDataset()[1][0] == pytest.approx(8.3)
    assert curves.plot_item.getAxis("left").labelText == "f − f*"
    curves.set_axis("time")
    assert curves.plot_item.getAxis("bottom").labelText == "wall time (s)"
    with pytest.raises(ValueError, match="unknown x-axis"):
        curves.set_axis("epochs")
    curves.set_log_y(False)
    assert drawable(np.array([-1.0, 0.0]), log_y=False).tolist() == [-1.0, 0.0]


def test_table_model_texts_and_updates():
    model = RaceTableModel()
    row = TableRow("Adam", "#E69F00", 12, 13, 1.5e-7, 1e-7, float("nan"), Status.DIVERGED, "left")
    model.set_rows([row])
    texts = [model.data(model.index(0, c)) for c in range(7)]
    assert texts == ["Adam", "12", "13", "1.500e-07", "1.000e-07", "", "diverged"]  # no nan
    assert model.data(model.index(0, 6), Qt.ItemDataRole.ToolTipRole) == "left"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "Adam"  # full name
    assert format_number(float("inf")) == "inf" and format_number(12.3456) == "12.3456"


def test_the_table_needs_the_same_width_at_every_step(qtbot):
    """The columns' widths (and so the window's arrangement, issue 22.2) do not follow the
    values of the step shown: the race's first step and its converged end need the same."""
    table = RaceTable()
    qtbot.addWidget(table)
    table.resize(700, 200)
    table.show()

    def rows(step, loss, status):
        return [TableRow(name, colour, step, step + 1, loss, loss, loss / 2, status)
                for name, colour in (("SGD (lr=0.001)", "#E69F00"), ("Adam (lr=0.1)", "#56B4E9"))]

    table.set_rows(rows(0, 12.5, Status.RUNNING))
    first = (table.column_needs(), table.natural_width(), table.least_width())
    table.set_rows(rows(999, 1.234e-05, Status.CONVERGED))  # exponent form, the longest status
    assert (table.column_needs(), table.natural_width(), table.least_width()) == first
    table.set_rows(rows(80, 5.6461, Status.FINISHED))
    assert (table.column_needs(), table.natural_width(), table.least_width()) == first


def _tick_label_rects(view, axis_name):
    """The widget rectangles of an axis's tick labels, as pyqtgraph draws them."""
    from PySide6.QtGui import QImage, QPainter

    axis = view.plot_item.getAxis(axis_name)
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(view.mapFromScene(axis.mapRectToScene(rect)).boundingRect(), text)
            for rect, _, text in texts]


@pytest.mark.parametrize("factor", [1.0, 1.8])
def test_the_top_tick_label_is_not_cut_by_the_widget_edge(contour, qtbot, factor):
    contour.resize(700, 400)  # the box (-2..2 × -1..3) touches the top and bottom
    contour.set_landscape(bowl(), False, "viridis", [], 6)
    contour.set_size_factor(factor)

    def top_label_whole():  # once the plot's layout has taken the new size (posted events)
        labels = _tick_label_rects(contour, "left")
        assert "3" in [text for _, text in labels]  # a tick at the very top of the range
        for rect, text in labels:
            assert rect.top() >= 0, f"tick label {text!r} cut at the top ({rect.top()} px)"

    qtbot.waitUntil(top_label_whole, timeout=2_000)
