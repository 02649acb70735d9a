"""The result of a map: what became of every cell, as plain numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from landscape_app.core.catalogue.kinds import MapKind
from landscape_app.core.status import STATUS_NAMES


@dataclass(frozen=True)
class OutcomeMap:
    """Every cell's outcome. Element ``[j, i]``: axis-1 value ``j``, axis-0 value ``i``.

    kind : :class:`MapKind`: a start map (axes are start x and y) or a sweep (two
        hyperparameters).
    axis0, axis1 : the axis values; axis_names, axis_log: their names and scales.
    final : ``(R1, R0, P)`` position where the run ended (where it stopped, for a cell that
        diverged or converged early).
    loss, best_loss : ``(R1, R0)`` final and best loss.
    steps_to_tolerance : first step whose loss is within the tolerance of the target
        (the best known value, or 0 for networks, plus the tolerance); −1 for never.
    status : :class:`~landscape_app.core.status.CellStatus` codes (names
        :data:`~landscape_app.core.status.STATUS_NAMES`) — converged (the optimizer's own
        stopping test, or a final loss within tolerance), still running, diverged (left the
        objective's divergence radius), non-finite (loss or position NaN/inf); a lane's
        :class:`~landscape_app.core.status.Status` for a cell is
        :func:`~landscape_app.core.status.lane_status`.
    stopped_at : step at which the cell stopped (``steps`` for cells that ran to the end).
    basin : start maps: index into ``minima`` of the known minimum reached (final loss within
        tolerance; nearest minimum), −1 for none; all −1 in sweeps.
    minima : ``(K, 2)`` known minima (start maps; empty otherwise).
    snapshot_steps, snapshots : the loss of every cell after each of ``snapshot_steps``
        (``(S, R1, R0)``; a stopped cell keeps its final loss), when asked for.
    path_steps, paths, path_loss : every cell's position ``(R1·R0, K, P)`` and loss
        ``(R1·R0, K)`` after each of the ``K`` ``path_steps``, when asked for (cell
        ``j·R0 + i``; from the step a cell stopped at on, its last point repeats).
    sharpness : ``(R1, R0)`` λ_max of the loss Hessian at each cell's final point (NaN where
        it is not finite), when asked for (:mod:`landscape_app.core.maps.cell_sharpness`).
    seconds, device : compute time and the device's name.
    settings : JSON-friendly description of what was run (the NPZ's metadata).
    """

    kind: MapKind
    axis0: np.ndarray
    axis1: np.ndarray
    axis_names: tuple[str, str]
    axis_log: tuple[bool, bool]
    final: np.ndarray
    loss: np.ndarray
    best_loss: np.ndarray
    steps_to_tolerance: np.ndarray
    status: np.ndarray
    stopped_at: np.ndarray
    basin: np.ndarray
    minima: np.ndarray
    seconds: float
    device: str
    steps: int
    tolerance: float
    snapshot_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    snapshots: np.ndarray | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    path_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    paths: np.ndarray | None = None
    path_loss: np.ndarray | None = None
    sharpness: np.ndarray | None = None

    @property
    def status_names(self) -> tuple[str, ...]:
        return STATUS_NAMES

    @property
    def shape(self) -> tuple[int, int]:
        return self.loss.shape

    def counts(self) -> dict[str, int]:
        """How many cells have each status."""
        return {name: int((self.status == code).sum()) for code, name in enumerate(STATUS_NAMES)}
