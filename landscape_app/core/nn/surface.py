"""The loss on a plane of weight space, evaluated for a whole grid at once.

The grid's points are evaluated in chunks by
:class:`~landscape_app.core.nn.plane_eval.PlaneEvaluator` (one batched computation per chunk;
see that module for the math). A chunk holds as many grid points as keep the largest
activation block within ``CPU_CHUNK_BYTES`` on a CPU, or everything a chunk allocates within
a quarter of the free memory on a GPU. Building the evaluator and every chunk run through a
:class:`~landscape_app.core.fallback.DeviceFallback`: an out-of-memory error (CUDA or MPS)
halves the chunk and retries; at one point the rest moves to the CPU, and the surface's
``device`` says what ran where. ``progress("surface", fraction)`` follows each chunk and
``cancelled`` is polled between chunks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.core.fallback import DeviceFallback, points_per_chunk
from landscape_app.core.grid import check_resolution, finite_range
from landscape_app.core.nn.directions import Plane
from landscape_app.core.nn.network_objective import NetworkObjective
from landscape_app.core.nn.plane_eval import PlaneEvaluator
from landscape_app.core.progress import StageProgress

#: Bytes of the largest per-chunk activation block on a CPU: a few such blocks stay in the
#: last-level cache, and chunks are large enough that two threads share each operation well.
CPU_CHUNK_BYTES = 4 << 20
#: The stage and unit names of the grid in device reports.
GRID_STAGE, GRID_UNIT = "the grid", "grid points"


@dataclass(frozen=True)
class PlaneSurface:
    """Losses on a grid of the plane: ``values[j, i] = f(θ₀ + alphas[i] d₁ + betas[j] d₂)``.

    ``device`` names where it was computed (``CPU``, ``CUDA (…)``, or ``CUDA (…) for 38,400 of
    40,401 grid points, then CPU`` after running out of memory), ``seconds`` how long it took.
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
    if device.type == "cpu":
        return int(max(1, min(total, CPU_CHUNK_BYTES // max(1, evaluator.block_bytes_per_point))))
    return points_per_chunk(device, evaluator.bytes_per_point, total, CPU_CHUNK_BYTES)


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
                   chunk_points: int | None = None,
                   fallback: DeviceFallback | None = None) -> PlaneSurface:
    """The loss on a ``resolution × resolution`` grid of ``plane``.

    ``fallback`` runs the evaluation (and holds the objective, so that a landscape's stages
    share one account of what ran where); by default a fresh one for ``objective``.

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
    total = flat_a.size
    if fallback is None:
        fallback = DeviceFallback.for_objective(objective)
    evaluators = [fallback.whole(lambda placed: PlaneEvaluator(placed, plane))]

    def evaluator_for(placed: NetworkObjective) -> PlaneEvaluator:
        if evaluators[-1].objective is not placed:  # after a fall-back to the CPU
            evaluators.append(PlaneEvaluator(placed, plane))
        return evaluators[-1]

    def chunk(placed: NetworkObjective, begin: int, end: int) -> np.ndarray:
        if cancelled is not None and cancelled():
            raise CancelledError("surface evaluation cancelled")
        values = evaluator_for(placed)(placed.as_tensor(flat_a[begin:end]),
                                       placed.as_tensor(flat_b[begin:end]))
        values = values.cpu().numpy()
        if progress is not None:
            progress("surface", end / total)
        return values

    out = fallback.chunked(
        chunk, total,
        lambda placed: chunk_points or default_chunk_points(evaluator_for(placed), total),
        GRID_STAGE, GRID_UNIT, release=lambda: evaluators[-1].release())
    return PlaneSurface(plane, alphas, betas, out.astype(float).reshape(resolution, resolution),
                        fallback.describe(GRID_STAGE), time.perf_counter() - started)
