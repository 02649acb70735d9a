"""How a run ends, in the race's words and the map's, and the one mapping between them.

A race (:class:`~landscape_app.core.runner.Race`) says where each lane stands with
:class:`Status`; an outcome map (:func:`~landscape_app.core.maps.compute_map`) runs the same
rules on every cell at once and stores one :class:`CellStatus` code per cell, with the step it
stopped at. The two vocabularies differ in two places:

=====================================  ===========================  ========================
how the run ended                      lane (``Status``)            cell (``CellStatus``)
=====================================  ===========================  ========================
ran every step                         ``finished``                 ``running``, or
                                                                    ``converged`` when its
                                                                    final loss ≤ target
optimizer's own test before the end    ``converged``                ``converged``
left the divergence radius             ``diverged``                 ``diverged``
loss or position not finite            ``diverged``                 ``non-finite``
the optimizer raised                   ``failed``                   (a map has no such cell)
=====================================  ===========================  ========================

so a cell "converged" at the last step (by the tolerance) is a lane that *finished*: the
mapping needs the step the cell stopped at (:func:`lane_status`). The other way round it needs
the lane's final loss and position (:func:`cell_status`).
"""

from __future__ import annotations

import math
from enum import IntEnum, StrEnum

import numpy as np


class Status(StrEnum):
    """Where a lane of the race stands."""

    RUNNING = "running"
    CONVERGED = "converged"
    DIVERGED = "diverged"
    FAILED = "failed"
    FINISHED = "finished"

    @property
    def stopped(self) -> bool:
        return self is not Status.RUNNING

    @property
    def broken(self) -> bool:
        """Diverged or failed: the lane's last point is no answer."""
        return self in (Status.DIVERGED, Status.FAILED)


class CellStatus(IntEnum):
    """How a map cell ended: the code stored per cell (``OutcomeMap.status``, an NPZ's
    ``status`` with its ``status_names``)."""

    RUNNING = 0
    CONVERGED = 1
    DIVERGED = 2
    NON_FINITE = 3

    @property
    def label(self) -> str:
        """Its name in files and keys: ``running``, ``converged``, ``diverged``,
        ``non-finite``."""
        return self.name.lower().replace("_", "-")


#: The cell codes' names, index = code (an NPZ's ``status_names``).
STATUS_NAMES = tuple(code.label for code in CellStatus)


def lane_status(code: int, stopped_at: int, steps: int) -> Status:
    """The status a map cell's run has as a lane raced alone for ``steps`` steps.

    ``converged`` before the last step is the optimizer's own test (a converged lane);
    ``converged`` or ``running`` at the last step is a lane that ran every step (finished);
    ``diverged`` and ``non-finite`` are both a diverged lane. At the last step a map cannot
    tell the optimizer's own test from the tolerance: a lane whose own test fires exactly at
    its last step (``converged`` there) reads ``finished`` here.
    """
    cell = CellStatus(int(code))
    if cell in (CellStatus.DIVERGED, CellStatus.NON_FINITE):
        return Status.DIVERGED
    if int(stopped_at) < int(steps):
        if cell is not CellStatus.CONVERGED:
            raise ValueError(f"a cell {cell.label} at step {stopped_at} of {steps} "
                             "stopped early without converging")
        return Status.CONVERGED
    return Status.FINISHED


def cell_status(status: Status, final_loss: float, final_x, target: float) -> CellStatus:
    """The code a map gives the run a lane made: ``status`` with its final loss and position;
    ``target`` the map's (best known value + tolerance). A failed lane has no cell."""
    if status is Status.DIVERGED:
        finite = math.isfinite(final_loss) and bool(np.all(np.isfinite(final_x)))
        return CellStatus.DIVERGED if finite else CellStatus.NON_FINITE
    if status is Status.CONVERGED:
        return CellStatus.CONVERGED
    if status is Status.FINISHED:
        return CellStatus.CONVERGED if final_loss <= target else CellStatus.RUNNING
    raise ValueError(f"a {status.value} lane has no map cell")
