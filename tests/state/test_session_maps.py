"""A session's outcome maps: exact round trips, old files still load, bad fields named."""

import copy
import json

import pytest

from landscape_app.core.maps import SweepAxis
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.state.map_settings import MapSettings
from landscape_app.state.model import LandscapeSpec, Lane, SessionState
from landscape_app.state.session_io import (
    SessionError,
    session_from_dict,
    session_from_json,
    session_to_dict,
    session_to_json,
)

LANES = (Lane("gd", OptimizerSpec("sgd", {"lr": 0.01}), "#E69F00"),
         Lane("momentum", OptimizerSpec("momentum", {"lr": 0.01, "momentum": 0.9}), "#56B4E9"),
         Lane("lbfgs", OptimizerSpec("lbfgs"), "#009E73"))
MAPPED = SessionState(
    landscape=LandscapeSpec("function", "himmelblau"), lanes=LANES,
    map=MapSettings(lane=1, color_by="steps", opacity=0.4, steps=120, tolerance=1e-4, res=96,
                    starts=True, extent=(-5.0, 0.0, -5.0, 1.5),
                    sweep=(SweepAxis("lr", 1e-4, 0.1, log=True),
                           SweepAxis("momentum", 0.0, 0.99))))


def test_a_session_with_maps_round_trips_exactly_as_version_2():
    document = session_to_dict(MAPPED)
    assert document["version"] == 2 and document["map"]["sweep"]["x"]["name"] == "lr"
    assert session_from_dict(document) == MAPPED
    assert session_from_json(session_to_json(MAPPED)) == MAPPED


def test_a_session_without_maps_is_still_version_1_and_old_files_load():
    plain = SessionState(landscape=LandscapeSpec("function", "himmelblau"), lanes=LANES)
    document = session_to_dict(plain)
    assert document["version"] == 1 and "map" not in document
    assert session_from_dict(document) == plain
    document["map"] = None
    assert session_from_dict(document).map is None


def _with(path, value):
    document = copy.deepcopy(session_to_dict(MAPPED))
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


@pytest.mark.parametrize(("path", "value", "message"), [
    (["map", "lane"], 5, "map.lane: lane 5 does not exist"),
    (["map", "lane"], 2, "map.lane: lbfgs cannot be mapped"),
    (["map", "color_by"], "rainbow", "map.color_by: 'rainbow' is not one of basin"),
    (["map", "opacity"], 1.5, "map.opacity: 1.5 is out of range"),
    (["map", "res"], 5000, "map.res: 5000 is out of range"),
    (["map", "steps"], 0, "map.steps: 0 is out of range"),
    (["map", "extent"], [1, 0, 0, 1], "map.extent: expected [x0, x1, y0, y1]"),
    (["map", "sweep", "x", "name"], "beta9", "map.sweep.x.name: --sweep beta9: momentum has no"),
    (["map", "sweep", "y", "high"], 1.5, "map.sweep.y.name: "),
    (["map", "sweep", "x", "low"], -1.0, "map.sweep.x.low: a log axis cannot"),
    (["map", "sweep", "y"], {"name": "lr", "low": 0.001, "high": 1.0},
     "map.sweep.y: both axes are lr"),
    (["map", "colour"], 1, "map.colour: unknown field"),
])
def test_bad_map_fields_are_refused_with_their_path(path, value, message):
    with pytest.raises(SessionError) as caught:
        session_from_dict(_with(path, value))
    assert message in str(caught.value)


def test_a_network_session_refuses_a_start_map():
    from landscape_app.state.scenes import load_scene

    state = load_scene("two-moons").state
    document = session_to_dict(state)
    document["map"] = {"lane": 0, "starts": True}
    with pytest.raises(SessionError, match="map.starts: a network has no start map"):
        session_from_json(json.dumps(document))
