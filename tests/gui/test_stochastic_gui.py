"""The stochastic settings in the window: the lane editor's section, the minibatch curves."""

import numpy as np

from landscape_app.core.optim.registry import OptimizerSpec, parse_optimizer_spec
from landscape_app.core.result import Status
from landscape_app.engine.steppers import record_rows
from landscape_app.engine.traces import COLUMN, LaneChunk, TraceBuffer


def test_lane_card_shows_the_settings_and_refuses_bad_ones(qtbot):
    from landscape_app.gui.panels.optimizer_panel import OptimizerPanel

    panel = OptimizerPanel()
    qtbot.addWidget(panel)
    panel.show()
    card = panel.add_lane(OptimizerSpec("sgd", {"lr": 0.1}))
    card.expand_button.setChecked(True)
    form = card.form
    assert {"batch_size", "grad_noise"} <= set(form.editors)
    assert not form.stochastic_toggle.isChecked()
    assert not form.editors["batch_size"].isVisibleTo(form)
    form.stochastic_toggle.click()
    assert form.stochastic_toggle.isChecked()
    assert form.editors["batch_size"].isVisibleTo(form)
    edit = form.editors["batch_size"]
    edit.setText("-3")
    edit.commit()
    assert form.errors["batch_size"].isVisibleTo(form)
    assert "batch_size=-3 is out of range" in form.errors["batch_size"].text()
    assert "batch_size" not in card.lane.spec.params
    with qtbot.waitSignal(panel.lanesChanged):
        edit.setText("16")
        edit.commit()
    assert card.lane.spec.params == {"lr": 0.1, "batch_size": 16}
    # a card opened on a lane with a stochastic setting shows the section open
    noisy = panel.add_lane(OptimizerSpec("adam", {"grad_noise": 0.5}))
    assert noisy.form.stochastic_toggle.isChecked()
    # methods that always use the full data set have no such section
    lbfgs = panel.add_lane(OptimizerSpec("lbfgs"))
    assert "batch_size" not in lbfgs.form.editors
    assert not hasattr(lbfgs.form, "stochastic_toggle")


def test_minibatch_curves_draw_the_batch_losses_only_when_asked(qtbot):
    from landscape_app.core.nn import NetworkConfig, build_network
    from landscape_app.core.runner import Race, Racer
    from landscape_app.gui.live.painter import Appearance, FramePainter
    from landscape_app.gui.views.contour import ContourView
    from landscape_app.gui.views.curves import LossCurves
    from landscape_app.gui.views.table import RaceTable
    from landscape_app.state.model import Lane

    objective = build_network(NetworkConfig(model="moons", hidden=(4,), samples=40), "cpu")
    texts = ["sgd:lr=0.5,batch_size=8", "sgd:lr=0.5"]
    specs = [parse_optimizer_spec(text) for text in texts]
    result = Race(objective, [Racer(t, s) for t, s in zip(texts, specs, strict=True)],
                  objective.initial_parameters(), seed=0, max_steps=12).run()
    views = ContourView(), LossCurves(), RaceTable()
    for view in views:
        qtbot.addWidget(view)
    painter = FramePainter(*views)
    curves = views[1]
    buffer = TraceBuffer()
    buffer.reset(1, texts)
    buffer.publish(1, [LaneChunk(i, record_rows(lane.records), Status.FINISHED)
                       for i, lane in enumerate(result.lanes)])
    appearance = Appearance.of([Lane(t, s, c) for t, s, c in
                                zip(texts, specs, ("#E69F00", "#56B4E9"), strict=True)])
    snapshot = buffer.snapshot()
    np.testing.assert_array_equal(snapshot.lanes[0].rows[1:, COLUMN["batch_loss"]],
                                  [r.batch_loss for r in result.lanes[0].records[1:]])
    painter.paint(snapshot, appearance, "steps")
    assert not any(curve.isVisible() for curve in curves.batch_curves)
    painter.show_batch_loss = True
    painter.invalidate()
    painter.paint(snapshot, appearance, "steps")
    minibatch, full = curves.batch_curves[:2]
    assert minibatch.isVisible() and not full.isVisible()  # a full-batch lane has none
    _, drawn = minibatch.getData()
    expected = [np.nan] + [r.batch_loss for r in result.lanes[0].records[1:]]
    np.testing.assert_allclose(10 ** np.asarray(drawn) if curves.log_y else drawn, expected,
                               rtol=1e-12)


def test_view_menu_toggles_the_minibatch_curves(window, qtbot):
    action = window.batch_loss_action
    assert action in window.view_menu.actions() and action.isCheckable()
    assert not window.painter.show_batch_loss
    action.trigger()
    assert window.painter.show_batch_loss
    action.trigger()
    assert not window.painter.show_batch_loss


def test_help_explains_the_model_of_noise(window, qtbot):
    from PySide6.QtWidgets import QMessageBox

    from landscape_app.core.catalogue.stochastic_checks import NOISE_MODEL

    (topic,) = [a for a in window.help_menu.actions() if "gradient noise" in a.text()]
    topic.trigger()
    box = window.findChild(QMessageBox, "noise-model")
    qtbot.waitUntil(box.isVisible)
    assert box.text() == NOISE_MODEL and "DataLoader" in box.text()
    box.close()
