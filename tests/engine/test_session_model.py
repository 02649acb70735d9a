"""The window's Qt-free model: every edit's effects, and a picture that belongs to one session
whatever order background results arrive in."""

from dataclasses import replace

import numpy as np
import pytest

from landscape_app.core.errors import LandscapeError
from landscape_app.engine.session_model import Phase, SessionModel
from landscape_app.state.lanes import default_session
from landscape_app.state.model import LandscapeSpec
from landscape_app.state.scenes import load_scene


@pytest.fixture
def model():
    model = SessionModel(default_session())
    effects = model.apply_session(default_session())
    assert effects.race and effects.grid is not None
    model.grid_done(effects.grid, effects.grid.landscape.grid(11))
    return model


def network_session():
    return load_scene("two-moons").state


def test_a_function_session_races_at_once_and_draws_its_own_grid(model):
    assert model.phase is Phase.READY and model.blocked is None and model.live
    assert model.grid.values.shape == (11, 11)
    stepper = model.race_factory()()
    assert stepper.labels == [lane.label for lane in model.state.lanes]
    assert np.allclose(stepper.race.start_point, model.landscape.objective.default_start())


def test_a_network_session_clears_the_picture_and_blocks_the_transport(model):
    effects = model.apply_session(network_session())
    assert effects.train is not None and effects.race and effects.redraw
    assert model.landscape is None and model.grid is None
    assert model.phase is Phase.PREPARING and "training" in model.blocked
    assert model.race_factory()().labels == []  # an empty race, never the old one
    assert model.distance_label == "off plane" and model.start_point() is None
    assert model.restart().messages == (model.blocked,) and not model.restart().race


def test_a_training_that_finishes_after_the_user_moved_on_is_dropped(model):
    training = model.apply_session(network_session()).train
    moved_on = model.apply_session(default_session())
    assert moved_on.cancel_network
    late = model.network_done(training, object())
    assert not late.race and not late.redraw
    assert model.landscape.kind == "function" and model.phase is Phase.READY


def test_a_stale_grid_is_dropped(model):
    first = model.set_landscape(LandscapeSpec("function", "himmelblau")).grid
    second = model.set_landscape(LandscapeSpec("function", "booth")).grid
    assert model.grid_done(first, first.landscape.grid(5)) == model.grid_done(first, None)
    assert model.grid is None
    model.grid_done(second, second.landscape.grid(5))
    assert model.grid is not None and model.landscape.name == second.landscape.name


def test_a_cancelled_training_leaves_no_landscape_and_a_revisit_trains_again(model):
    first = model.apply_session(network_session()).train
    effects = model.cancel_network()
    assert effects.cancel_network and model.phase is Phase.UNAVAILABLE
    assert "cancelled" in model.blocked and model.landscape is None
    assert not model.network_failed(first, "training cancelled").messages
    again = model.apply_session(network_session()).train
    assert again is not None and again is not first and model.phase is Phase.PREPARING


def test_lane_and_step_changes_on_a_network_train_again(model):
    first = model.apply_session(network_session()).train
    state = model.state
    lanes = (replace(state.lanes[0], color="#123456"), *state.lanes[1:])
    assert model.set_lanes(lanes).train is None  # a colour only repaints
    second = model.set_max_steps(state.max_steps + 1).train
    assert second is not None and second is not first
    assert model.set_start(0.0, 0.0).train is None and model.state.start is None


def test_a_landscape_that_cannot_be_built_changes_nothing(model):
    before = model.state
    with pytest.raises(LandscapeError):
        model.set_landscape(LandscapeSpec("expression", expression="x +* y",
                                          x_range=(-1, 1), y_range=(-1, 1)))
    assert model.state is before and model.phase is Phase.READY


def test_the_same_landscape_keeps_its_grid(model):
    grid = model.grid
    effects = model.apply_session(replace(model.state, max_steps=17))
    assert effects.grid is None and effects.race and model.grid is grid


def test_a_surface_file_is_shown_read_only_and_left_for_a_session(model, tmp_path):
    from landscape_app.core.surface_file import SurfaceFileLandscape

    land = SurfaceFileLandscape(tmp_path / "s.npz", "a surface", np.linspace(0, 1, 3),
                                np.linspace(0, 1, 4), np.arange(12.0).reshape(4, 3))
    effects = model.open_surface(land)
    assert effects.race and effects.redraw and not effects.grid
    assert model.landscape is land and model.grid.values.shape == (4, 3)
    assert model.blocked is None and not model.live and model.start_point() is None
    assert model.race_factory()().labels == []
    before = model.state
    assert "read-only" in model.set_max_steps(before.max_steps + 1).messages[0]
    assert model.set_start(0.1, 0.2).messages == ()
    assert not model.set_view(resolution=31).grid  # its own grid
    assert model.landscape is land
    moved_on = model.apply_session(default_session())
    assert model.surface_file is None and moved_on.grid is not None
    assert model.landscape.kind == "function"
