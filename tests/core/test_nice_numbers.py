"""Nice numbers: 1-2-5 ticks, plain labels, and cell values with the fewest digits."""

import numpy as np

from landscape_app.core.nice_numbers import (
    cell_value,
    linear_ticks,
    log_ticks,
    shortest_within,
    tick_label,
)


def test_linear_ticks_step_by_one_two_or_five():
    assert linear_ticks(0.0, 0.99) == [0.0, 0.2, 0.4, 0.6, 0.8]
    assert linear_ticks(-0.5, 0.5) == [-0.4, -0.2, 0.0, 0.2, 0.4]
    assert linear_ticks(-2.048, 2.048) == [-2.0, -1.0, 0.0, 1.0, 2.0]


def test_log_ticks_are_decades_or_one_two_five():
    assert log_ticks(1e-8, 1e-4) == [1e-8, 1e-7, 1e-6, 1e-5, 1e-4]
    assert log_ticks(1e-3, 0.1) == [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1]
    assert log_ticks(1e-12, 1.0, count=6) == [1e-12, 1e-9, 1e-6, 1e-3, 1.0]


def test_tick_labels_are_the_values_as_they_are():
    assert [tick_label(v, 0.2) for v in (0.0, 0.2, 0.4)] == ["0", "0.2", "0.4"]
    assert tick_label(-500.0, 250.0) == "-500"
    assert tick_label(1e-6) == "1e-06"


def test_a_cell_value_has_the_fewest_digits_that_stay_in_the_cell_and_the_range():
    lrs = np.geomspace(1e-3, 0.1, 16)
    momenta = np.linspace(0.0, 0.99, 96)
    assert cell_value(lrs, 15, True) == 0.1
    assert cell_value(lrs, 13, True) == 0.054
    assert cell_value(momenta, 48, False) == 0.5  # 0.50053
    assert cell_value(momenta, 95, False) == 0.99  # never 1, outside the range mapped
    for values, log in ((lrs, True), (momenta, False)):
        rounded = [cell_value(values, k, log) for k in range(len(values))]
        nearest = [int(np.abs((np.log10(values) if log else values)
                              - (np.log10(v) if log else v)).argmin()) for v in rounded]
        assert nearest == list(range(len(values)))  # each names its own cell
    assert shortest_within(0.0964388, 0.09, 0.103) == 0.1

