"""The side panels: hyperparameter editors, lanes, the landscape picker, the network page,
and the ``gui`` command's options."""

import argparse

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


@pytest.fixture
def panels(warm_engine):
    from landscape_app.gui.panels import landscape_panel, network_panel, optimizer_panel, param_form

    return landscape_panel, network_panel, optimizer_panel, param_form


def test_param_form_refuses_bad_numbers_with_the_spec_message(panels, qtbot):
    from landscape_app.core.params import Param

    spec = (Param("lr", 0.01, "learning rate", low=0.0, low_open=True),
            Param("steps", 5, "steps", low=1, high=10), Param("nesterov", False, "flag"),
            Param("kind", "a", "choice", choices=("a", "b")))
    form = panels[3].ParamForm(spec, {"lr": 0.1})
    qtbot.addWidget(form)
    form.show()
    edit = form.editors["lr"]
    assert edit.text() == "0.1"
    with qtbot.assertNotEmitted(form.valueChanged):
        for text in ("0", "abc", "nan"):
            edit.setText(text)
            edit.commit()
            assert form.errors["lr"].isVisible() and edit.value == 0.1
    form.editors["steps"].setText("2.5")
    form.editors["steps"].commit()
    assert "whole number" in form.errors["steps"].text()
    with qtbot.waitSignal(form.valueChanged) as changed:
        edit.setText(" 1e-3 ")
        edit.commit()
    assert changed.args == ["lr", 0.001] and not form.errors["lr"].isVisible()
    assert edit.text() == "0.001"
    with qtbot.waitSignal(form.valueChanged) as changed:
        form.editors["nesterov"].setChecked(True)
    assert changed.args == ["nesterov", True]
    with qtbot.waitSignal(form.valueChanged) as changed:
        form.editors["kind"].setCurrentText("b")
    assert changed.args == ["kind", "b"]


def test_schedule_parameters_are_folded_away(panels, qtbot):
    from landscape_app.core.optim import optimizer_class

    form = panels[3].ParamForm(optimizer_class("adam").param_spec({}), {})
    qtbot.addWidget(form)
    form.show()
    assert form.editors["lr"].isVisible() and not form.editors["gamma"].isVisible()
    form.schedule_toggle.setChecked(True)
    assert form.editors["gamma"].isVisible()


def test_lookahead_inner_choice_rebuilds_the_editor(panels, qtbot):
    from landscape_app.core.optim.registry import OptimizerSpec

    panel = panels[2].OptimizerPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.lanesChanged):
        card = panel.add_lane(OptimizerSpec("lookahead"))
    assert "beta1" in card.form.editors and "momentum" not in card.form.editors
    with qtbot.waitSignal(panel.lanesChanged):
        card.form.editors["inner"].setCurrentText("momentum")
    assert "momentum" in card.form.editors and "beta1" not in card.form.editors
    assert card.lane.spec.params == {"inner": "momentum"}
    assert card.lane.spec.create().inner.id == "momentum"


def test_lanes_get_unique_labels_colours_and_visibility(panels, qtbot):
    from landscape_app.core.optim.registry import OptimizerSpec
    from landscape_app.state.model import PALETTE

    panel = panels[2].OptimizerPanel()
    qtbot.addWidget(panel)
    for _ in range(2):
        panel.add_lane(OptimizerSpec("adam"))
    panel.add_lane(OptimizerSpec("adam", {"lr": 0.1}))
    lanes = panel.lanes()
    assert [lane.label for lane in lanes] == ["Adam", "Adam #2", "Adam (lr=0.1)"]
    # the first palette colours that stand out on the panel's colour map (viridis: not the
    # bluish green, PALETTE[2])
    assert panel.colormap == "viridis"
    assert [lane.color for lane in lanes] == [PALETTE[0], PALETTE[1], PALETTE[3]]
    with qtbot.waitSignal(panel.appearanceChanged):
        panel.cards[1].visible_box.setChecked(False)
    with qtbot.waitSignal(panel.appearanceChanged):
        panel.cards[0].color_button.menu().actions()[5].trigger()
    lanes = panel.lanes()
    assert not lanes[1].visible and lanes[0].color == PALETTE[5]
    with qtbot.waitSignal(panel.lanesChanged):
        qtbot.mouseClick(panel.cards[0].remove_button, Qt.MouseButton.LeftButton)
    assert [lane.label for lane in panel.lanes()] == ["Adam", "Adam (lr=0.1)"]


def test_function_picker_describes_and_emits(panels, qtbot):
    panel = panels[0].LandscapePanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.landscapeChosen) as chosen:
        panel.function_box.setCurrentIndex(panel.function_box.findData("himmelblau"))
    assert chosen.args[0].kind == "function" and chosen.args[0].function == "himmelblau"
    assert "(3, 2)" in panel.minima.text() and "f(x, y)" in panel.formula.text()


def test_expression_errors_point_at_the_column(panels, qtbot):
    panel = panels[0].LandscapePanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.tabs.setCurrentIndex(1)
    qtbot.keyClicks(panel.expression, "x + __import__('os')")
    assert panel.expression_error.isVisible()
    panel.expression.setText("x**2 + y")
    panel.x_range.setText("2, -2")
    spec, message = panel.expression_spec()
    assert spec is None and message
    panel.x_range.setText("-1, 1")
    with qtbot.waitSignal(panel.landscapeChosen) as chosen:
        qtbot.keyClicks(panel.y_range, "")
        panel._expression_edited()
    assert chosen.args[0].x_range == (-1.0, 1.0)


def test_network_page_settings_and_errors(panels, qtbot):
    from landscape_app.state.network_settings import parse_network

    page = panels[1].NetworkPage()
    qtbot.addWidget(page)
    page.hidden.setText("8; 4")
    request = page.request()
    assert request["hidden"] == [8, 4]
    assert parse_network(request).config.hidden == (8, 4)
    page.hidden.setText("8, wide")
    with qtbot.assertNotEmitted(page.requested):
        page.build.click()
    assert "whole numbers" in page.error.text()
    page.model.setCurrentIndex(page.model.findData("seed"))
    assert not page.hidden.isEnabled() and page.dtype.currentText() == "float64"
    page.show_config({"model": "spirals", "hidden": [32], "directions": "hessian"})
    assert page.request()["model"] == "spirals" and page.request()["directions"] == "hessian"


def gui_args(*argv):
    from landscape_app.cli import gui_cmd

    parser = argparse.ArgumentParser()
    gui_cmd.add_parser(parser.add_subparsers(), "gui")
    return gui_cmd, parser.parse_args(["gui", *argv])


@pytest.mark.parametrize("argv, message", [
    (["--function", "nope"], "unknown function"),
    (["--optimizer", "adam:lr=-1"], "out of range"),
    (["--range", "0,1,0,1"], "--expr only"),
    (["--expr", "x +", "--range", "0,1,0"], "4 finite"),
    (["--speed", "fast"], "--speed"),
    (["--speed", "-3"], "above 0"),
    (["--start", "1"], "--start"),
    (["--steps", "0"], "at least 1"),
])
def test_gui_command_rejects_bad_options(warm_engine, argv, message):
    from landscape_app.core.errors import LandscapeError

    gui_cmd, args = gui_args(*argv)
    with pytest.raises(LandscapeError, match=message):
        gui_cmd.launch_options(args)


def test_gui_command_options(warm_engine):
    gui_cmd, args = gui_args("--expr", "x**2+y**2", "--range=-1,1,-2,2", "--optimizer",
                             "adam:lr=0.1", "--speed", "max", "--play", "--start", "0.5,0.5")
    options = gui_cmd.launch_options(args)
    assert options.x_range == (-1.0, 1.0) and options.y_range == (-2.0, 2.0)
    assert options.max_speed and options.play and options.start == (0.5, 0.5)
    from landscape_app.engine.session_model import launch_session

    state = launch_session(options)
    assert state.landscape.kind == "expression" and state.lanes[0].label == "Adam (lr=0.1)"
    assert state.start == (0.5, 0.5)


def test_a_long_lane_title_wraps_whole_and_shows_in_full_on_hover(panels, qtbot):
    from landscape_app.core.optim.registry import OptimizerSpec
    from landscape_app.state.model import Lane

    spec = OptimizerSpec("momentum", {"lr": 0.0005, "momentum": 0.95})
    card = panels[2].LaneCard(Lane("momentum", spec, "#56B4E9"))
    qtbot.addWidget(card)
    card.resize(230, 200)
    card.show()
    qtbot.waitExposed(card)
    title = card.title
    shown = title.text().replace("\u200b", "").replace("\u00a0", " ")
    assert shown == title.full_text and title.full_text.startswith("SGD + momentum (lr=0.0005")
    one_line = title.fontMetrics().height()
    assert title.heightForWidth(title.width()) >= 2 * one_line  # wrapped, not cut
    assert title.heightForWidth(2000) < 2 * one_line
    assert "lr=0.0005" in title.toolTip() and "momentum" in title.toolTip()
