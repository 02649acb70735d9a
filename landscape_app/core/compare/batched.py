"""The mappable optimizers of a comparison: every setting from every start in one batch.

Row ``l·S + s`` runs setting ``l`` from start ``s`` on the map engine
(:func:`~landscape_app.core.maps.engine.run_rows`), chunked and stopped per row as a map's
cells are, so each row is the single run of that setting from that start. A network's starts
are initialisation seeds: start ``s`` is :func:`~landscape_app.core.nn.models.initial_weights`
of that seed on the comparison's data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
import torch

from landscape_app.core.compare.runs import RunArrays
from landscape_app.core.maps.engine import run_rows
from landscape_app.core.nn.models import NetworkConfig, initial_weights
from landscape_app.core.nn.network_objective import build_network
from landscape_app.core.objective import Objective
from landscape_app.core.optim.registry import OptimizerSpec


def start_points(target: Objective | NetworkConfig, starts: np.ndarray) -> np.ndarray:
    """The starts as points ``(S, P)``: a function's as given, a network's seeds as its
    initial weights."""
    if isinstance(target, NetworkConfig):
        return np.stack([initial_weights(target, int(seed)) for seed in starts])
    return np.asarray(starts, dtype=float).reshape(len(starts), -1)


def run_batched(target: Objective | NetworkConfig, spec: OptimizerSpec, names: Sequence[str],
                settings: np.ndarray, starts: np.ndarray, steps: int, goal: float, *,
                dtype: str, device: torch.device, seed: int = 0,
                progress: Callable[[str, float], None] | None = None,
                cancelled: Callable[[], bool] | None = None,
                chunk_rows: int | None = None) -> RunArrays:
    """Run ``spec`` with the swept ``names`` at each of the ``(L, len(names))`` ``settings``
    from each of the ``S`` starts (2D points, or seeds for a network) for ``steps`` steps."""
    objective = (build_network(dataclasses.replace(target, dtype=dtype), device)
                 if isinstance(target, NetworkConfig) else target)
    points = start_points(target, starts)
    count, size = len(settings), len(points)
    rows = {name: np.repeat(np.asarray(settings, dtype=float)[:, j], size)
            for j, name in enumerate(names)}
    out = run_rows(objective, spec, np.tile(points, (count, 1)), rows, steps, goal,
                   device=device, dtype=dtype, progress=progress, cancelled=cancelled,
                   chunk_rows=chunk_rows, seed=seed)
    shape = (count, size)
    return RunArrays(final_loss=out["loss"].reshape(shape),
                     steps_to_tolerance=out["reached"].reshape(shape),
                     evaluations_to_tolerance=out["reach_evaluations"].reshape(shape),
                     evaluations=out["evaluations"].reshape(shape))
