"""A session's comparison of its lanes: exact round trips (NaN and ∞ included), the lowest
version that holds it, bad fields named."""

import copy
import json
import math
from dataclasses import replace

import pytest

from landscape_app.core.errors import LandscapeError
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.state.compare_record import (
    CompareLane,
    CompareRecord,
    CompareSettings,
    default_settings,
)
from landscape_app.state.model import LandscapeSpec, Lane, SessionState
from landscape_app.state.session_io import (
    SessionError,
    session_from_dict,
    session_from_json,
    session_to_dict,
    session_to_json,
)

LANES = (Lane("gd", OptimizerSpec("sgd", {"lr": 0.01}), "#E69F00"),)
RECORD = CompareRecord(
    CompareSettings(side=4, steps=50, tolerance=1e-3, count=3), "himmelblau", False, 1e-3,
    0.25,
    (CompareLane(0, "gd", "#E69F00", "sgd", "lr", True, (1e-4, 1e-2, 1.0), (0.0, 0.75, 0.5),
                 (2.5, 1e-4, math.inf), (math.nan, 31.0, 12.5), (0.4166, 0.6527, 0.7291),
                 1),),
    ("L-BFGS (runs one start at a time, which this build cannot compare yet)",))
COMPARED = SessionState(landscape=LandscapeSpec("function", "himmelblau"), lanes=LANES,
                        compare=RECORD)


def test_a_session_with_a_comparison_round_trips_exactly_as_version_3():
    document = session_to_dict(COMPARED)
    assert document["version"] == 3
    lane = document["compare"]["lanes"][0]
    assert lane["median_loss"] == [2.5, 1e-4, None]  # +∞: every run diverged
    assert lane["median_evaluations"] == [None, 31.0, 12.5]  # NaN: none reached the goal
    back = session_from_json(session_to_json(COMPARED))
    assert back == COMPARED and back.compare.lanes[0].median_loss[2] == math.inf
    assert math.isnan(back.compare.lanes[0].median_evaluations[0])
    assert session_to_dict(replace(COMPARED, compare=None))["version"] == 1


def _broken(path, value):
    document = copy.deepcopy(session_to_dict(COMPARED))
    target = document["compare"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(document)


@pytest.mark.parametrize(("path", "value", "message"), [
    (("settings", "side"), 0, "compare.settings.side: 0 is out of range"),
    (("lanes", 0, "color"), "red", "compare.lanes[0].color: 'red' is not a colour"),
    (("lanes", 0, "success"), [0.0, 1.5, 0.2], "compare.lanes[0].success: success rates"),
    (("lanes", 0, "values"), [1.0, 2.0], "compare.lanes[0].values: expected 3 numbers, got 2"),
    (("lanes", 0, "values"), [0.0, 1.0, 2.0], "a log sweep's values must be above zero"),
    (("lanes", 0, "best"), 3, "compare.lanes[0].best: 3 is out of range"),
    (("lanes", 0, "extra"), 1, "compare.lanes[0].extra: unknown field"),
])
def test_a_bad_comparison_field_is_named(path, value, message):
    with pytest.raises(SessionError, match=message.replace("[", r"\[").replace("]", r"\]")
                       .replace("(", r"\(")):
        session_from_json(_broken(path, value))


def test_settings_out_of_range_say_which():
    with pytest.raises(LandscapeError, match="settings 0: must be 1 to 256"):
        CompareSettings(count=0).checked()
    with pytest.raises(LandscapeError, match="tolerance nan"):
        CompareSettings(tolerance=math.nan).checked()
    assert session_from_dict(session_to_dict(COMPARED)).compare.settings.checked()


def test_the_dialogs_first_settings_take_the_races_steps():
    assert default_settings(500, network=False) == CompareSettings(8, 500, 1e-3, 8)
    assert default_settings(200, network=True) == CompareSettings(4, 200, 1e-3, 6)
