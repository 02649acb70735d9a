"""The landscape's grid, and that grid widened to fill a plot of another shape (issue 22.7)."""

import numpy as np
import pytest

from landscape_app.core.functions import get_function
from landscape_app.core.grid import (
    cells_cover,
    color_field,
    evaluate_grid,
    evaluate_points,
    widen_grid,
)


@pytest.fixture(scope="module")
def rosenbrock():
    return get_function("rosenbrock")


def test_a_widened_grid_keeps_its_mesh_and_values_and_evaluates_the_new_nodes(rosenbrock):
    grid = evaluate_grid(rosenbrock, (-2.0, 2.0), (-1.0, 3.0), 41)  # spacing 0.1
    # A plot 13 % taller than the square box (presenting at 1024×768): 0.3 above and below.
    widened = widen_grid(grid, rosenbrock, (-2.0, 2.0), (-1.3, 3.3))
    assert widened.values.shape == (41 + 2 * 3, 41)
    np.testing.assert_array_equal(widened.xs, grid.xs)
    np.testing.assert_array_equal(widened.values[3:-3], grid.values)  # the box's own values
    # The new rows go on whole steps of 0.1 (rounding of k steps: k × 1 ulp of 3.3).
    np.testing.assert_allclose(widened.ys[:3], [-1.3, -1.2, -1.1], rtol=0, atol=1e-14)
    np.testing.assert_allclose(widened.ys[-3:], [3.1, 3.2, 3.3], rtol=0, atol=1e-14)
    gx, gy = np.meshgrid(widened.xs, widened.ys)
    one_by_one = evaluate_points(rosenbrock, np.stack([gx.ravel(), gy.ravel()], axis=1))
    # The same float64 formula at the same points, batched either way: equal.
    np.testing.assert_array_equal(widened.values, one_by_one.reshape(gx.shape))
    assert cells_cover(widened, (-2.0, 2.0), (-1.3, 3.3))
    assert not cells_cover(grid, (-2.0, 2.0), (-1.3, 3.3))


def test_a_grid_covering_the_ranges_is_returned_as_it_is(rosenbrock):
    grid = evaluate_grid(rosenbrock, (-2.0, 2.0), (-1.0, 3.0), 41)
    # Within half a cell (0.05) past the nodes the cells cover the view already.
    assert widen_grid(grid, rosenbrock, (-2.04, 2.04), (-1.0, 3.0)) is grid
    assert cells_cover(grid, (-2.0 - 1e-12, 2.0), (-1.0, 3.0 + 1e-12))  # rounding of a view


def test_only_the_ranges_past_the_box_are_widened(rosenbrock):
    grid = evaluate_grid(rosenbrock, (-2.0, 2.0), (-1.0, 3.0), 41)
    widened = widen_grid(grid, rosenbrock, (-2.5, 2.0), (-1.0, 3.0))  # panned to the left
    assert widened.values.shape == (41, 46)
    np.testing.assert_array_equal(widened.values[:, 5:], grid.values)


def test_widened_colours_are_the_box_s_colours(rosenbrock):
    grid = evaluate_grid(rosenbrock, (-2.0, 2.0), (-1.0, 3.0), 41)
    widened = widen_grid(grid, rosenbrock, (-3.0, 3.0), (-1.0, 3.0))
    for log_scale in (False, True):
        box = color_field(grid.values, log_scale)
        wide = color_field(widened.values, log_scale, grid.finite_range)
        np.testing.assert_array_equal(wide[:, 10:-10], box)  # the box looks the same
    # Below the box's minimum a value takes its colour (no NaN hole on the log scale).
    values = np.array([[1.0, 2.0], [0.5, np.nan]])
    field = color_field(values, True, (1.0, 2.0))
    assert field[1, 0] == field[0, 0] and np.isnan(field[1, 1])
