"""A finished race: every lane's records and how it ended, as :meth:`Race.run` returns it.

:class:`RaceResult` is the one finished-race object of the app: the trajectory tables, the
recordings the exporter draws, network landscapes and the seed experiment all take it (or its
:class:`LaneResult` lanes). A lane's :class:`~landscape_app.core.status.Status` stays the enum to
the end; it becomes text only where it is written out (CSV, JSON, table cells).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from landscape_app.core.status import Status

if TYPE_CHECKING:  # torch stays unimported: the window's first paint imports Status
    from landscape_app.core.optim.optimizer_base import StepRecord
    from landscape_app.core.optim.registry import OptimizerSpec


@dataclass(frozen=True)
class LaneResult:
    """One optimizer's run: its label and spec, final status and message, every record
    (step 0 first)."""

    label: str
    spec: OptimizerSpec
    status: Status
    message: str
    records: tuple[StepRecord, ...]

    @property
    def last(self) -> StepRecord | None:
        return self.records[-1] if self.records else None

    @property
    def trajectory(self) -> np.ndarray:
        """``(n, P)``: the position after each step."""
        return np.stack([record.x for record in self.records])

    @property
    def final_loss(self) -> float:
        return self.records[-1].loss if self.records else math.inf

    @property
    def usable(self) -> bool:
        """Neither diverged nor failed, with a finite final loss: a path worth a plane."""
        return bool(self.records) and not self.status.broken and math.isfinite(self.final_loss)

    def renamed(self, label: str) -> LaneResult:
        return replace(self, label=label)


@dataclass(frozen=True)
class RaceResult:
    """A finished (or stopped) race: the lanes and what they started from."""

    landscape: str
    dim: int
    start: tuple[float, ...]
    seed: int
    max_steps: int
    lanes: tuple[LaneResult, ...]
