"""Compare optimizers: each over its own sweep of settings, every setting from every start.

    from landscape_app.core.compare import compare, grid_starts
    from landscape_app.core.catalogue.compare_sweeps import parse_compare_sweep

    result = compare(get_function("himmelblau"),
                     [("adam", [parse_compare_sweep("lr=1e-3:1:log:32")]), ("sgd", [])],
                     grid_starts((-5, 5), (-5, 5), 32), steps=300, tolerance=1e-3)
    result.success[o, l], result.tuning_curve[o, k - 1], result.best[o]

Mappable optimizers run batched on the map engine (:mod:`.batched`), the others one run per
start in worker processes (:mod:`.per_start`). A run succeeds when its final loss is within
``tolerance`` of the landscape's best known value (networks: below ``tolerance``); the
figures are :mod:`.tuning`'s.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Sequence

import numpy as np

from landscape_app.core.catalogue.compare_sweeps import (
    CompareSweep,
    check_compare_sweeps,
    default_sweep,
    setting_grid,
)
from landscape_app.core.catalogue.map_checks import MAPPABLE
from landscape_app.core.catalogue.stochastic_checks import check_lane_landscape
from landscape_app.core.compare.runs import RunArrays
from landscape_app.core.compare.tuning import summarise
from landscape_app.core.device import choose_device, describe_device
from landscape_app.core.errors import LandscapeError
from landscape_app.core.maps.axes import StartGrid
from landscape_app.core.nn.models import NetworkConfig, build_problem
from landscape_app.core.objective import Objective
from landscape_app.core.optim.registry import OptimizerSpec, parse_optimizer_spec

Progress = Callable[[str, float], None]
#: The per-setting figures, each ``(O, L)``.
FIGURES = ("success", "success_at_budget", "median_loss", "median_steps",
           "median_evaluations")


@dataclasses.dataclass(frozen=True)
class CompareResult:
    """Every optimizer's runs and figures: element ``[o, l, s]`` is optimizer ``o`` at its
    setting ``l`` from start ``s``.

    optimizers : the specs as text (the fixed settings); sweep_names : each optimizer's swept
        hyperparameters (one or two); settings : ``(O, L, 2)`` their values (NaN: no second).
    starts : ``(S, 2)`` points, or ``(S,)`` initialisation seeds of a network.
    final_loss, steps_to_tolerance, evaluations_to_tolerance, evaluations : ``(O, L, S)``
        (:class:`~landscape_app.core.compare.runs.RunArrays` stacked; −1: never reached).
    success, success_at_budget, median_loss, median_steps, median_evaluations : ``(O, L)``
        (:mod:`~landscape_app.core.compare.tuning`); tuning_curve : ``(O, K)``; best : ``(O,)``.
    goal : the loss counted as success; budget : the equal evaluation budget.
    metadata : JSON-friendly settings of the run (target, steps, tolerance, dtype, ...).
    """

    optimizers: tuple[str, ...]
    sweep_names: tuple[tuple[str, ...], ...]
    settings: np.ndarray
    starts: np.ndarray
    final_loss: np.ndarray
    steps_to_tolerance: np.ndarray
    evaluations_to_tolerance: np.ndarray
    evaluations: np.ndarray
    success: np.ndarray
    success_at_budget: np.ndarray
    median_loss: np.ndarray
    median_steps: np.ndarray
    median_evaluations: np.ndarray
    tuning_curve: np.ndarray
    best: np.ndarray
    goal: float
    budget: int
    seconds: float
    metadata: dict


def grid_starts(x_range: tuple[float, float], y_range: tuple[float, float],
                side: int) -> np.ndarray:
    """``side²`` starts on a grid over ``x_range × y_range`` (both ends included), row
    ``j·side + i`` = ``(x_i, y_j)``."""
    return StartGrid(tuple(x_range), tuple(y_range), side).starts()


def seed_starts(seed: int, side: int) -> np.ndarray:
    """``side²`` network initialisations: seeds ``seed, seed + 1, …``."""
    return seed + np.arange(side * side, dtype=np.int64)


def compare(
    target: Objective | NetworkConfig,
    optimizers: Sequence[tuple[OptimizerSpec | str, Sequence[CompareSweep]]],
    starts: np.ndarray,
    steps: int,
    tolerance: float,
    *,
    dtype: str = "float32",
    device: str = "auto",
    seed: int = 0,
    workers: int = 1,
    budget: int | None = None,
    draws: int | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    chunk_rows: int | None = None,
) -> CompareResult:
    """Run every optimizer at every setting of its sweep (none given: its default sweep)
    from every start and report what the module docstring says.

    Parameters
    ----------
    target : a 2D landscape, or a network configuration (its data; the starts are seeds).
    optimizers : ``(spec, sweeps)`` pairs; every optimizer must have the same number of
        settings ``L`` (one sweep of ``L`` values, or two whose counts multiply to it).
    starts : ``(S, 2)`` points, or ``(S,)`` whole-number seeds for a network.
    steps, tolerance : steps per run; success is a final loss ≤ best known + ``tolerance``.
    dtype, device, seed : as a map's (``seed``: the random optimizers' and minibatches').
    workers : processes for the optimizers that run one start at a time.
    budget : the equal evaluation budget (default ``steps + 1``: what a method with one
        evaluation per step spends in ``steps`` steps, the start's included).
    draws : the tuning curve's largest ``k`` (default ``L``).

    Raises
    ------
    LandscapeError
        For anything that cannot be compared, named in one line.
    CancelledError
        When ``cancelled()`` turned true.
    """
    network = isinstance(target, NetworkConfig)
    plan = _plan(target, optimizers, network)
    starts = _check_starts(starts, network, target)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise LandscapeError(f"steps {steps!r}: must be a whole number ≥ 1")
    if not (np.isfinite(tolerance) and tolerance >= 0):
        raise LandscapeError(f"tolerance {tolerance!r}: must be a finite number ≥ 0")
    if dtype not in ("float32", "float64"):
        raise LandscapeError(f"dtype must be float32 or float64, got {dtype!r}")
    count = len(plan[0].values)
    draws = count if draws is None else int(draws)
    budget = steps + 1 if budget is None else int(budget)
    if draws < 1 or budget < 1:
        raise LandscapeError("the tuning curve's draws and the budget must be ≥ 1")
    import torch

    torch_device = choose_device(device, getattr(torch, dtype))
    goal = _goal(target, tolerance)
    started = time.perf_counter()
    runs = []
    for index, entry in enumerate(plan):
        def told(stage, fraction, index=index):
            if progress is not None:
                progress("compare", (index + fraction) / len(plan))
        runs.append(_run_one(target, entry, starts, steps, goal, dtype, torch_device, seed,
                             workers, told, cancelled, chunk_rows))
    seconds = time.perf_counter() - started
    summaries = [summarise(r, goal, budget, draws) for r in runs]
    settings = np.full((len(plan), count, 2), np.nan)
    for index, entry in enumerate(plan):
        settings[index, :, :entry.values.shape[1]] = entry.values
    metadata = {
        "target": target.describe() if network else getattr(target, "id", target.name),
        "network": network, "steps": steps, "tolerance": tolerance, "goal": goal,
        "budget": budget, "dtype": dtype, "seed": seed, "device": describe_device(torch_device),
        "seconds": seconds,
        "sweeps": [[sweep.to_text() for sweep in entry.sweeps] for entry in plan],
    }
    json.dumps(metadata)
    return CompareResult(
        optimizers=tuple(entry.spec.to_text() for entry in plan),
        sweep_names=tuple(entry.names for entry in plan), settings=settings, starts=starts,
        final_loss=np.stack([r.final_loss for r in runs]),
        steps_to_tolerance=np.stack([r.steps_to_tolerance for r in runs]),
        evaluations_to_tolerance=np.stack([r.evaluations_to_tolerance for r in runs]),
        evaluations=np.stack([r.evaluations for r in runs]),
        **{name: np.stack([s[name] for s in summaries]) for name in FIGURES},
        tuning_curve=np.stack([s["tuning_curve"] for s in summaries]),
        best=np.array([s["best"] for s in summaries], dtype=np.int64),
        goal=goal, budget=budget, seconds=seconds, metadata=metadata,
    )


@dataclasses.dataclass(frozen=True)
class _Entry:
    """One optimizer of the comparison: its spec, sweeps and ``(L, n)`` settings."""

    spec: OptimizerSpec
    sweeps: tuple[CompareSweep, ...]
    values: np.ndarray

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sweep.name for sweep in self.sweeps)


def _plan(target, optimizers, network: bool) -> list[_Entry]:
    """Each optimizer's spec, sweeps and settings, all checked."""
    if not optimizers:
        raise LandscapeError("compare needs at least one optimizer")
    kind = "network" if network else "function"
    samples = build_problem(target).inputs.shape[0] if network else None
    plan = []
    for spec, sweeps in optimizers:
        spec = parse_optimizer_spec(spec) if isinstance(spec, str) else spec
        sweeps = tuple(sweeps) or (default_sweep(spec.id, spec.params),)
        check_compare_sweeps(spec.id, spec.params, sweeps, network)
        check_lane_landscape(spec.id, spec.params, kind, samples)
        for sweep in sweeps:
            for value in (sweep.low, sweep.high):
                check_lane_landscape(spec.id, {sweep.name: value}, kind, samples)
        plan.append(_Entry(spec, sweeps, np.array(setting_grid(sweeps), dtype=float)))
    counts = {len(entry.values) for entry in plan}
    if len(counts) > 1:
        raise LandscapeError("every optimizer needs the same number of settings (a fair "
                             f"tuning budget); got {sorted(counts)}")
    return plan


def _check_starts(starts, network: bool, target) -> np.ndarray:
    """The starts as ``(S, 2)`` floats, or ``(S,)`` seeds for a network."""
    starts = np.asarray(starts)
    if network:
        if starts.ndim != 1 or not len(starts) or not np.issubdtype(starts.dtype, np.integer):
            raise LandscapeError("a network's starts are whole-number initialisation seeds")
        return starts.astype(np.int64)
    if starts.ndim != 2 or starts.shape[1] != target.dim or not len(starts):
        raise LandscapeError(f"the starts must be points of the landscape's {target.dim} "
                             "coordinates")
    if not np.all(np.isfinite(starts)):
        raise LandscapeError("the starts must be finite")
    return starts.astype(float)


def _goal(target, tolerance: float) -> float:
    """The loss counted as success: the best known value (networks and functions without
    one: 0) plus the tolerance."""
    known = None if isinstance(target, NetworkConfig) else target.best_known_value
    return (0.0 if known is None else float(known)) + float(tolerance)


def _run_one(target, entry: _Entry, starts, steps, goal, dtype, device, seed, workers,
             progress, cancelled, chunk_rows) -> RunArrays:
    """One optimizer's runs: batched when it maps, else one run per start in workers."""
    if entry.spec.id in MAPPABLE:
        from landscape_app.core.compare.batched import run_batched

        return run_batched(target, entry.spec, entry.names, entry.values, starts, steps, goal,
                           dtype=dtype, device=device, seed=seed, progress=progress,
                           cancelled=cancelled, chunk_rows=chunk_rows)
    from landscape_app.core.compare.per_start import run_per_start

    specs = [OptimizerSpec(entry.spec.id, {**entry.spec.params, **dict(zip(
        entry.names, (float(v) for v in row), strict=True))}) for row in entry.values]
    return run_per_start(target, specs, starts, steps, goal, dtype=dtype,
                                   seed=seed, workers=workers, progress=progress,
                                   cancelled=cancelled)
