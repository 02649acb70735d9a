"""A session's comparison of its lanes' optimizers, Qt-free: what Maps ▸ Compare optimizers
ran and what its panel shows.

Each compared lane has its swept hyperparameter's values, the success rate at each, the
median final loss and median evaluations to tolerance at each, its tuning curve and its
best setting (:mod:`landscape_app.core.compare.tuning`). In a session file (version 3)::

    "compare": {
      "settings": {"side": 8, "steps": 500, "tolerance": 0.001, "count": 8},
      "target": "himmelblau", "network": false, "goal": 0.001, "seconds": 1.2,
      "skipped": [],  (lanes it could not compare, each with the reason)
      "lanes": [{"lane": 0, "label": "adam", "color": "#E69F00", "optimizer": "adam",
                 "sweep": "lr", "log": true, "values": [...], "success": [...],
                 "median_loss": [...], "median_evaluations": [...],
                 "tuning_curve": [...], "best": 3}]
    }

JSON has no NaN or infinity: a median loss of null is +∞ (every run diverged), a median
evaluation count of null is NaN (no start reached the goal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from landscape_app.core.errors import LandscapeError
from landscape_app.state.json_fields import FieldError, Fields, finite_number, join_path

#: Most starts a side, steps and settings the window's comparison takes.
MAX_SIDE, MAX_STEPS, MAX_COUNT = 64, 100_000, 256
COMPARE_KEYS = ("settings", "target", "network", "goal", "seconds", "skipped", "lanes")
_SETTINGS_KEYS = ("side", "steps", "tolerance", "count")
_LANE_KEYS = ("lane", "label", "color", "optimizer", "sweep", "log", "values", "success",
              "median_loss", "median_evaluations", "tuning_curve", "best")


@dataclass(frozen=True)
class CompareSettings:
    """What the comparison runs: ``side × side`` starts over the 2D view (a network:
    ``side²`` initialisations), ``steps`` per run, success within ``tolerance``, ``count``
    settings of each lane's sweep. The defaults finish in a few seconds on a CPU."""

    side: int = 8
    steps: int = 300
    tolerance: float = 1e-3
    count: int = 8

    def checked(self) -> CompareSettings:
        """These settings, or a :class:`LandscapeError` naming the one out of range."""
        for name, value, high in (("starts", self.side, MAX_SIDE),
                                  ("steps", self.steps, MAX_STEPS),
                                  ("settings", self.count, MAX_COUNT)):
            if not 1 <= value <= high:
                raise LandscapeError(f"{name} {value}: must be 1 to {high}")
        if not (math.isfinite(self.tolerance) and self.tolerance >= 0):
            raise LandscapeError(f"tolerance {self.tolerance!r}: must be a finite number ≥ 0")
        return self


def default_settings(steps: int, network: bool) -> CompareSettings:
    """The dialog's first settings for a race of ``steps`` steps: 8×8 starts and 8 settings
    on a 2D landscape, 4² initialisations and 6 settings on a network (whose runs cost far
    more): a few seconds on a CPU."""
    if network:
        return CompareSettings(side=4, steps=steps, count=6)
    return CompareSettings(steps=steps)


@dataclass(frozen=True, eq=False)
class CompareLane:
    """One compared lane: its index and look when compared, its optimizer (the fixed
    settings, as text), the swept hyperparameter and each setting's figures. Equal lanes
    have equal fields, NaN equal to NaN (a session read back equals the one written)."""

    lane: int
    label: str
    color: str
    optimizer: str
    sweep: str
    log: bool
    values: tuple[float, ...]
    success: tuple[float, ...]
    median_loss: tuple[float, ...]
    median_evaluations: tuple[float, ...]
    tuning_curve: tuple[float, ...]
    best: int

    def _key(self) -> tuple:
        return tuple(tuple(_nulls(value)) if isinstance(value, tuple) else value
                     for value in vars(self).values())

    def __eq__(self, other) -> bool:
        return isinstance(other, CompareLane) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True)
class CompareRecord:
    """A comparison the window ran (see the module docstring): of ``target`` (a network's
    initialisations when ``network``, else a 2D landscape's starts); ``skipped`` names the
    lanes it could not compare, and why."""

    settings: CompareSettings
    target: str
    network: bool
    goal: float
    seconds: float
    lanes: tuple[CompareLane, ...]
    skipped: tuple[str, ...] = ()


def compare_to_dict(record: CompareRecord) -> dict[str, Any]:
    """The JSON object of ``record`` (non-finite numbers as null)."""
    settings = record.settings
    return {
        "settings": {"side": settings.side, "steps": settings.steps,
                     "tolerance": settings.tolerance, "count": settings.count},
        "target": record.target, "network": record.network, "goal": record.goal,
        "seconds": record.seconds,
        "skipped": list(record.skipped),
        "lanes": [{"lane": lane.lane, "label": lane.label, "color": lane.color,
                   "optimizer": lane.optimizer, "sweep": lane.sweep, "log": lane.log,
                   "values": list(lane.values), "success": list(lane.success),
                   "median_loss": _nulls(lane.median_loss),
                   "median_evaluations": _nulls(lane.median_evaluations),
                   "tuning_curve": list(lane.tuning_curve), "best": lane.best}
                  for lane in record.lanes],
    }


def read_compare(fields: Fields) -> CompareRecord:
    """Validate a session's ``compare`` object (FieldError names the field)."""
    own = fields.object("settings", _SETTINGS_KEYS)
    settings = CompareSettings(own.integer("side", low=1, high=MAX_SIDE),
                               own.integer("steps", low=1, high=MAX_STEPS),
                               own.number("tolerance", low=0.0),
                               own.integer("count", low=1, high=MAX_COUNT))
    skipped = fields.array("skipped", [])
    for index, line in enumerate(skipped):
        if not isinstance(line, str):
            raise FieldError(join_path(fields.at("skipped"), index), "expected a string")
    lanes = tuple(_read_lane(Fields(item, join_path(fields.at("lanes"), index), _LANE_KEYS),
                             settings.count)
                  for index, item in enumerate(fields.array("lanes")))
    return CompareRecord(settings, fields.string("target", max_length=200),
                         fields.boolean("network", False), fields.number("goal"),
                         fields.number("seconds", 0.0, low=0.0), lanes, tuple(skipped))


def _read_lane(fields: Fields, count: int) -> CompareLane:
    color = fields.color("color")
    values = _numbers(fields, "values", count, None)
    log = fields.boolean("log")
    if log and min(values) <= 0:
        raise FieldError(fields.at("values"), "a log sweep's values must be above zero")
    success = _numbers(fields, "success", count, None)
    if min(success) < 0 or max(success) > 1:
        raise FieldError(fields.at("success"), "success rates lie in [0, 1]")
    return CompareLane(
        lane=fields.integer("lane", low=0), label=fields.string("label", max_length=200),
        color=color, optimizer=fields.string("optimizer", nonempty=True, max_length=400),
        sweep=fields.string("sweep", nonempty=True, max_length=100), log=log,
        values=values, success=success,
        median_loss=_numbers(fields, "median_loss", count, math.inf),
        median_evaluations=_numbers(fields, "median_evaluations", count, math.nan),
        tuning_curve=_numbers(fields, "tuning_curve", None, None),
        best=fields.integer("best", low=0, high=count - 1))


def _numbers(fields: Fields, key: str, count: int | None, null: float | None):
    """The array ``key`` as floats (``count`` of them when given); null reads as ``null``
    where allowed."""
    items = fields.array(key)
    if (count is not None and len(items) != count) or not items:
        raise FieldError(fields.at(key), f"expected {count or 'some'} numbers, got "
                         f"{len(items)}")
    return tuple(null if item is None and null is not None
                 else finite_number(item, join_path(fields.at(key), index))
                 for index, item in enumerate(items))


def _nulls(values) -> list:
    return [float(v) if math.isfinite(v) else None for v in values]
