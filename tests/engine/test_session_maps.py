"""The window model's outcome maps: coarse then fine, stale results dropped, one session."""

from dataclasses import replace

import numpy as np
import pytest

from landscape_app.core.functions import get_function
from landscape_app.core.maps import StartGrid, SweepAxis, compute_map
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.engine.session_model import SessionModel
from landscape_app.state.map_settings import COARSE_RES, MapSettings
from landscape_app.state.model import LandscapeSpec, Lane, SessionState
from landscape_app.state.scenes import load_scene

LANES = (Lane("gd", OptimizerSpec("sgd", {"lr": 0.01}), "#E69F00"),
         Lane("momentum", OptimizerSpec("momentum", {"lr": 0.01, "momentum": 0.9}), "#56B4E9"))
STATE = SessionState(landscape=LandscapeSpec("function", "himmelblau"), lanes=LANES,
                     max_steps=50)
SETTINGS = MapSettings(lane=0, steps=40, res=80)


@pytest.fixture
def model():
    model = SessionModel(STATE)
    effects = model.apply_session(STATE)
    assert effects.maps == ()  # no map asked for
    return model


def test_a_start_map_is_computed_coarse_then_fine_and_equals_the_engine(model):
    effects = model.set_map(SETTINGS)
    (coarse,) = effects.maps
    assert coarse.kind == "starts" and coarse.res == COARSE_RES and coarse.coarse
    assert effects.cancel_maps == ("starts",) and effects.redraw_maps
    box = get_function("himmelblau").view
    assert coarse.region == StartGrid((box.x0, box.x1), (box.y0, box.y1), COARSE_RES)
    assert model.map_computing
    after_coarse = model.map_done(coarse, coarse.run())
    (fine,) = after_coarse.maps
    assert after_coarse.redraw_maps and fine.res == 80 and not fine.coarse
    assert model.maps["starts"].shape == (COARSE_RES, COARSE_RES)
    result = fine.run()
    assert model.map_done(fine, result).maps == ()
    assert not model.map_computing and model.maps["starts"] is result
    direct = compute_map(get_function("himmelblau"), "sgd:lr=0.01",
                         StartGrid((box.x0, box.x1), (box.y0, box.y1), 80), 40)
    assert np.array_equal(direct.basin, result.basin)
    assert {0, 1, 2, 3} <= set(np.unique(result.basin))  # Himmelblau's four minima


def test_a_zoom_keeps_the_old_map_until_the_new_region_arrives_and_drops_stale_results(model):
    first = model.set_map(SETTINGS).maps[0]
    model.map_done(first, first.run())
    refining = model._map_jobs["starts"]
    zoom = model.zoom_starts((-5.0, 0.0, -5.0, 0.0))
    (zoomed,) = zoom.maps
    assert zoomed.res == COARSE_RES and zoomed.region.x_range == (-5.0, 0.0)
    assert zoom.cancel_maps == ("starts",) and "starts" in model.maps  # the old one stays
    assert model.map_done(refining, refining.run()).redraw_maps is False  # stale: dropped
    assert model.state.map.extent == (-5.0, 0.0, -5.0, 0.0)
    assert model.map_done(zoomed, zoomed.run()).maps[0].res == 80


def test_a_new_landscape_or_optimizer_clears_the_map_at_once(model):
    job = model.set_map(SETTINGS).maps[0]
    model.map_done(job, job.run())
    effects = model.set_landscape(LandscapeSpec("function", "booth"))
    assert effects.redraw_maps and "starts" not in model.maps and effects.maps[0].kind == "starts"
    assert model.map_done(model._map_jobs["starts"], None).redraw_maps
    lanes = (replace(LANES[0], spec=OptimizerSpec("sgd", {"lr": 0.02})), LANES[1])
    effects = model.set_lanes(lanes)
    assert effects.redraw_maps and "starts" not in model.maps
    assert effects.maps[0].optimizer == lanes[0].spec
    assert model.set_lanes(replace(lane, color="#FFFFFF") for lane in lanes).maps == ()


def test_an_optimizer_that_cannot_be_mapped_says_why(model):
    lanes = (Lane("lbfgs", OptimizerSpec("lbfgs"), "#E69F00"),)
    model.set_lanes(lanes)
    effects = model.set_map(SETTINGS)
    assert effects.maps == () and "lbfgs cannot be mapped" in effects.messages[0]


def test_a_hyperparameter_map_follows_the_start_and_zooms_inside_the_allowed_range(model):
    sweep = (SweepAxis("lr", 1e-3, 0.1, log=True), SweepAxis("momentum", 0.0, 0.99))
    effects = model.set_map(replace(SETTINGS, lane=1, starts=False, sweep=sweep))
    (job,) = effects.maps
    assert job.kind == "sweep" and job.region.start == tuple(model.start_point())
    moved = model.set_start(1.0, 1.0)
    assert moved.race and moved.maps[0].region.start == (1.0, 1.0)
    zoom = model.zoom_sweep((1e-2, 5e-2), (0.5, 1.5))  # momentum 1.5 is not allowed
    assert model.state.map.sweep == (SweepAxis("lr", 1e-2, 5e-2, log=True), sweep[1])
    assert zoom.maps[0].region.axis0.low == 1e-2


def test_cancel_drops_the_late_result(model):
    job = model.set_map(SETTINGS).maps[0]
    assert model.cancel_maps().cancel_maps == ("starts",)
    assert model.map_done(job, job.run()).redraw_maps is False and "starts" not in model.maps


def test_a_network_session_maps_hyperparameters_only():
    state = load_scene("two-moons").state
    sweep = (SweepAxis("lr", 1e-3, 0.5, log=True), SweepAxis("momentum", 0.0, 0.9))
    lane = next(i for i, lane in enumerate(state.lanes) if lane.spec.id == "momentum")
    state = replace(state, map=MapSettings(lane=lane, starts=False, sweep=sweep, steps=5))
    model = SessionModel(state)
    effects = model.apply_session(state)
    (job,) = effects.maps
    assert job.kind == "sweep" and job.target.model == "moons" and job.region.start is None
    assert effects.train is not None  # the training and the map run side by side
