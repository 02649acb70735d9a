"""A lane keeps its colour for its life, and the colour saved is the colour shown (issue 22,
item 3): adam-vs-sgd's Adam turned from yellow to pink to white as lanes were added, while
the session file said green."""

import json

import pytest

from landscape_app.state.lane_contrast import COLOR_CONTRAST, halo_color, worst_contrast
from tests.gui.conftest import pick_from_button_menu

pytestmark = pytest.mark.gui


def add_from_menu(window, qtbot, optimizer_id: str) -> None:
    """Add a lane with real clicks: the Add optimizer button, then the menu's entry."""
    button = window.optimizer_panel.add_button
    pick_from_button_menu(qtbot, button, next(a for a in button.menu().actions()
                                              if a.data() == optimizer_id))


def shown(window, qtbot) -> dict[str, str]:
    """Each lane's colour as the 2D view draws it, once the view shows every lane."""
    lanes = window.controller.state.lanes
    qtbot.waitUntil(lambda: len(window.views.contour.colors) == len(lanes)
                    and [lane.label for lane in window.buffer.snapshot().lanes]
                    == [lane.label for lane in lanes], timeout=20_000)
    return dict(zip([lane.label for lane in lanes], window.views.contour.colors, strict=True))


def test_lanes_keep_their_colours_as_lanes_are_added_and_save_what_is_shown(window, qtbot,
                                                                            tmp_path):
    window.sessions.ask_unsaved = False
    window.scenes.scene_actions["adam-vs-sgd"].trigger()
    qtbot.waitUntil(lambda: window.controller.state.title.startswith("Adam vs SGD"))
    before = shown(window, qtbot)
    adam = next(label for label in before if label.startswith("Adam"))
    for optimizer_id in ("rmsprop", "slsqp", "pso", "sa"):
        add_from_menu(window, qtbot, optimizer_id)
        now = shown(window, qtbot)
        assert {label: now[label] for label in before} == before, optimizer_id
        before = now
    assert len(before) == 7 and len(set(before.values())) == 7  # all different
    colormap = window.controller.state.view.colormap
    halo = halo_color(colormap)
    assert worst_contrast(before[adam], halo, colormap) >= COLOR_CONTRAST
    # the state (what Save writes) holds the colours on screen
    path = tmp_path / "race.json"
    assert window.sessions.save_to(path)
    saved = {lane["label"]: lane["color"] for lane in json.loads(path.read_text())["lanes"]}
    assert saved == before
