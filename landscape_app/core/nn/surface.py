"""The loss on a plane of weight space, evaluated for a whole grid at once.

The grid's points are evaluated in chunks by
:class:`~landscape_app.core.nn.plane_eval.PlaneEvaluator` (one batched computation per chunk;
see that module for the math). A chunk holds as many grid points as keep the largest
activation block within ``CPU_CHUNK_BYTES`` on a CPU, or within a quarter of the free memory
on a GPU. A CUDA out-of-memory halves the chunk and retries; at one point it moves to the
CPU. ``progress("surface", fraction)`` follows each chunk and ``cancelled`` is polled
between chunks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from landscape_app.core.device import describe_device
from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.core.grid import check_resolution, finite_range
from landscape_app.core.nn.directions import Plane
from landscape_app.core.nn.objective import NetworkObjective
from landscape_app.core.nn.plane_eval import PlaneEvaluator
from landscape_app.core.progress import StageProgress

#: Bytes of the largest per-chunk activation block on a CPU: a few such blocks stay in the
#: last-level cache, and chunks are large enough that two threads share each operation well.
CPU_CHUNK_BYTES = 4 << 20
#: Fraction of the free GPU memory one chunk may use.
GPU_MEMORY_FRACTION = 0.25


@dataclass(frozen=True)
class PlaneSurface:
    """Losses on a grid of the plane: ``values[j, i] = f(θ₀ + alphas[i] d₁ + betas[j] d₂)``.

    ``device`` names where it was computed (``CPU``, ``CUDA (…)``), ``seconds`` how long it took.
    """

    plane: Plane
    alphas: np.ndarray
    betas: np.ndarray
    values: np.ndarray
    device: str
    seconds: float

    @property
    def finite_range(self) -> tuple[float, float]:
        """(min, max) of the finite values ((0, 1) when none is finite)."""
        return finite_range(self.values)


def default_chunk_points(evaluator: PlaneEvaluator, total: int) -> int:
    """Grid points per chunk for the evaluator's device (see the module docstring)."""
    device = evaluator.objective.device
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        budget = GPU_MEMORY_FRACTION * free / 4  # several live blocks per layer
    else:
        budget = CPU_CHUNK_BYTES
    return int(max(1, min(total, budget // max(1, evaluator.bytes_per_point))))


def plane_ranges(coords: np.ndarray | None, margin: float = 0.25, default: float = 1.0,
                 anchors: np.ndarray | None = None, coverage: float = 1.0,
                 ) -> tuple[tuple[float, float], tuple[float, float]]:
    """α and β ranges for paths with plane coordinates ``coords`` ``(n, 2)``.

    Each range spans the central ``coverage`` fraction of the coordinates (the quantiles
    (1 − coverage)/2 and (1 + coverage)/2; 1 covers every point), always including the origin
    and the ``anchors`` ``(m, 2)`` (e.g. starts and end points), and is then widened on each
    side by ``margin`` times its extent. With no coordinates, or a zero extent, a side is
    ``±default`` around what there is. Non-finite coordinates are ignored.
    """
    if margin < 0:
        raise LandscapeError(f"margin must be ≥ 0, got {margin}")
    if not 0.0 < coverage <= 1.0:
        raise LandscapeError(f"coverage must be in (0, 1], got {coverage}")
    points = np.zeros((0, 2)) if coords is None else np.atleast_2d(coords).reshape(-1, 2)
    points = points[np.all(np.isfinite(points), axis=1)]
    fixed = [np.zeros((1, 2))]
    if anchors is not None:
        anchors = np.atleast_2d(anchors).reshape(-1, 2)
        fixed.append(anchors[np.all(np.isfinite(anchors), axis=1)])
    fixed_points = np.concatenate(fixed)
    ranges = []
    for axis in range(2):
        values = fixed_points[:, axis]
        if points.size:
            tail = 50.0 * (1.0 - coverage)
            bulk = np.percentile(points[:, axis], [tail, 100.0 - tail])
            values = np.concatenate([values, bulk])
        low, high = float(values.min()), float(values.max())
        extent = high - low
        if extent <= 0.0:
            ranges.append((low - default, high + default))
        else:
            ranges.append((low - margin * extent, high + margin * extent))
    return ranges[0], ranges[1]


def evaluate_plane(objective: NetworkObjective, plane: Plane, resolution: int,
                   alpha_range: tuple[float, float] = (-1.0, 1.0),
                   beta_range: tuple[float, float] = (-1.0, 1.0),
                   progress: StageProgress | None = None,
                   cancelled: Callable[[], bool] | None = None,
                   chunk_points: int | None = None) -> PlaneSurface:
    """The loss on a ``resolution × resolution`` grid of ``plane``.

    Raises
    ------
    CancelledError
        When ``cancelled()`` turns true between chunks.
    LandscapeError
        For a bad resolution or range.
    """
    check_resolution(resolution)
    for name, (low, high) in (("alpha", alpha_range), ("beta", beta_range)):
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise LandscapeError(f"{name} range must be finite with low < high, "
                                 f"got ({low}, {high})")
    started = time.perf_counter()
    alphas = np.linspace(*alpha_range, resolution)
    betas = np.linspace(*beta_range, resolution)
    grid_a, grid_b = np.meshgrid(alphas, betas)
    flat_a, flat_b = grid_a.ravel(), grid_b.ravel()
    out = np.empty(flat_a.size, dtype=float)
    evaluator = PlaneEvaluator(objective, plane)
    chunk = chunk_points or default_chunk_points(evaluator, flat_a.size)
    begin = 0
    while begin < flat_a.size:
        if cancelled is not None and cancelled():
            raise CancelledError("surface evaluation cancelled")
        end = min(begin + chunk, flat_a.size)
        try:
            values = evaluator(evaluator.objective.as_tensor(flat_a[begin:end]),
                               evaluator.objective.as_tensor(flat_b[begin:end]))
            out[begin:end] = values.cpu().numpy()
        except torch.cuda.OutOfMemoryError:
            evaluator.release()
            torch.cuda.empty_cache()
            if chunk > 1:
                chunk = max(1, chunk // 2)
            else:
                evaluator = PlaneEvaluator(objective.to(torch.device("cpu")), plane)
                chunk = default_chunk_points(evaluator, flat_a.size)
            continue
        begin = end
        if progress is not None:
            progress("surface", end / flat_a.size)
    return PlaneSurface(plane, alphas, betas, out.reshape(resolution, resolution),
                        describe_device(evaluator.objective.device),
                        time.perf_counter() - started)
