"""Whole paths under the cursor: while the start marker is dragged (real mouse events), each
field lane draws, in the same frame, the path of the trajectory-field start nearest to the
marker — the very path compute_field gives for that start — dashed and thin (provisional),
taken away when the exact preview arrives."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from landscape_app.core.catalogue.map_checks import MAPPABLE
from landscape_app.core.maps import compute_field
from landscape_app.gui.live.field_lanes import FIELD_POINTS

pytestmark = pytest.mark.gui

STEPS = 40


def test_dragging_the_start_draws_each_field_lanes_whole_path_at_once(window, qtbot):
    window.controls.max_steps.setValue(STEPS)
    window.controls.max_steps.editingFinished.emit()
    fields = window.fields
    qtbot.waitUntil(fields.complete, timeout=120_000)  # computed in the background
    lanes = window.controller.state.lanes
    keys = fields.lane_keys()
    assert sorted(keys) == [i for i, lane in enumerate(lanes) if lane.spec.id in MAPPABLE]
    assert len(keys) == 4  # the default race: four mappable lanes
    drawn = []
    fields.drawn.connect(lambda: drawn.append(
        (window.views.contour.start_marker.pos(), {i: fields.field_path(i) for i in keys})))
    view = window.views.contour
    start = window.controller.start_point()
    path = [(start[0] + 0.07 * i, start[1] - 0.05 * i) for i in range(8)]
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.data_to_viewport(*path[0]))
    for point in path[1:]:
        qtbot.mouseMove(view.viewport(), pos=view.data_to_viewport(*point))
        qtbot.wait(15)
    assert len(drawn) >= 3, "the provisional paths were not drawn while dragging"
    objective = window.controller.model.landscape.objective
    expected_fields = {i: compute_field(objective, lanes[i].spec, steps=STEPS,
                                        thin=FIELD_POINTS, seed=window.controller.state.seed)
                       for i in keys}
    for marker, paths in drawn:
        for lane, shown in paths.items():
            field = expected_fields[lane]
            nearest = field.nearest(marker.x(), marker.y())
            np.testing.assert_array_equal(shown, field.path(nearest)[0])
            # a whole path: from the field start to where the lane's run ended
            assert np.allclose(shown[0], field.starts[nearest])
            assert len(shown) == min(STEPS, field.stopped_at[nearest]) + 1
    # provisional: dashed and thinner than the trails
    pen = fields.items[0].opts["pen"]
    assert pen.style() == Qt.PenStyle.DashLine
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton,
                       pos=view.data_to_viewport(*path[-1]))
    qtbot.waitUntil(lambda: not any(item.isVisible() for item in fields.items.values()),
                    timeout=60_000)  # the exact preview replaced them


def test_a_lane_the_engine_cannot_batch_has_no_field(window, qtbot):
    from dataclasses import replace

    from landscape_app.core.optim import OptimizerSpec

    state = window.controller.state
    lanes = (replace(state.lanes[0], spec=OptimizerSpec("lbfgs", {})), *state.lanes[1:])
    window.controller.set_lanes(lanes)
    keys = window.fields.lane_keys()
    assert 0 not in keys and sorted(keys) == [1, 2, 3]


def test_fields_follow_the_settings_and_are_cached_per_landscape_and_lane(window, qtbot):
    fields = window.fields
    for steps in (30, 20):
        window.controls.max_steps.setValue(steps)
        window.controls.max_steps.editingFinished.emit()
        assert window.controller.state.max_steps == steps
        assert not fields.complete()  # new settings: their fields are computed afresh
        qtbot.waitUntil(fields.complete, timeout=120_000)
        assert {field.steps for key, field in fields.cache.items()
                if key in fields.lane_keys().values()} == {steps}
    submitted = fields.tasks.token
    window.controls.max_steps.setValue(30)
    window.controls.max_steps.editingFinished.emit()
    assert fields.complete() and fields.tasks.token == submitted  # back: from the cache
