"""The Compare tab on its own: lanes sweeping different hyperparameters share the x axis as
the fraction of their own range; a median that never reached the goal reads "—", a diverged
one "∞"; a click off every point gives nothing."""

import math

import numpy as np
from PySide6.QtCore import QPoint, Qt

from landscape_app.gui.views.compare_view import ComparePanel
from landscape_app.state.compare_record import CompareLane, CompareRecord, CompareSettings

ADAM = CompareLane(0, "adam", "#E69F00", "adam", "lr", True, (1e-4, 1e-3, 1e-2),
                   (0.0, 0.5, 1.0), (3.0, 0.1, 1e-5), (math.nan, 40.0, 12.0),
                   (0.5, 0.75, 0.83), 2)
PSO = CompareLane(1, "pso", "#56B4E9", "pso", "inertia", False, (0.1, 0.4, 1.0),
                  (0.25, 0.75, 0.5), (math.inf, 0.2, 0.3), (math.nan, math.nan, 90.0),
                  (0.5, 0.68, 0.74), 1)
RECORD = CompareRecord(CompareSettings(4, 50, 1e-3, 3), "himmelblau", False, 1e-3, 0.5,
                       (ADAM, PSO))


def test_different_sweeps_share_the_axis_as_fractions_of_their_ranges(qtbot):
    panel = ComparePanel()
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    panel.show_record(RECORD)
    assert np.allclose(panel._x[0], [0.0, 0.5, 1.0])  # log10: -4, -3, -2
    assert np.allclose(panel._x[1], [0.0, 1 / 3, 1.0])  # linear: 0.1, 0.4, 1.0
    assert not panel.success_plot.getAxis("bottom").log10
    assert "fraction of its swept range" in panel.success_plot.getAxis("bottom").labelText
    table = panel.table
    assert [table.item(1, c).text() for c in range(5)] == \
        ["■ pso", "inertia = 0.4", "75%", "0.2", "—"]
    assert table.item(0, 4).text() == "12"
    panel.show_record(RECORD.__class__(RECORD.settings, "himmelblau", False, 1e-3, 0.5,
                                       (PSO.__class__(**{**vars(PSO), "best": 0}),)))
    assert panel.table.item(0, 3).text() == "∞"
    chosen = []
    panel.settingChosen.connect(lambda index, value: chosen.append((index, value)))
    corner = panel.point_to_viewport(0, 0) + QPoint(60, -80)  # empty plot area
    qtbot.mouseClick(panel.plots.viewport(), Qt.MouseButton.LeftButton, pos=corner)
    assert chosen == []
    qtbot.mouseClick(panel.plots.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.point_to_viewport(0, 2))
    assert chosen == [(0, 1.0)]
