"""Optimizers run one start at a time: every (setting, start) is a single-lane race.

For the optimizers the map engine cannot batch (L-BFGS, SLSQP, PSO, CMA-ES, SA, dual annealing:
a history, a SciPy routine or a random population per run), and for any other optimizer when
an exact single run is wanted. Run ``(l, s)`` is

    ``Race(objective, [Racer(label, specs[l])], start_s, seed=seed, max_steps=steps)``

— the race ``landscape-app run`` steps, so its records, losses and evaluation counts
(:class:`~landscape_app.core.optim.optimizer_base.StepRecord`, ``evals``) are the single run's.
Starts are points ``(S, 2)`` of a 2D objective, or, for a
:class:`~landscape_app.core.nn.models.NetworkConfig`, ``(S,)`` initialisation seeds: start
``s`` is :func:`~landscape_app.core.nn.models.initial_weights` ``(config, s)``, the weights
``NetworkConfig(..., seed=s)`` starts from, on ``config``'s data.

With ``budget=E`` a run also stops once it has spent ``E`` function evaluations: its answer is
its last record with ``evals ≤ E``, step 0 at least (a comparison at an equal evaluation
budget).

The runs are spread over ``workers`` processes (``spawn``: no copy of a parent's threads or
Qt), in chunks; ``workers=1`` runs them in this process. Cancelling sets an event every
worker polls between steps, drops the chunks not started and waits for the pool to end.
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace

import numpy as np

from landscape_app.core.compare.runs import RunArrays
from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.core.progress import CancelPoll, StageProgress

__all__ = ["run_per_start"]

#: Chunks per worker: enough to balance runs of unequal length and to report progress.
CHUNKS_PER_WORKER = 8
#: Seconds between two polls of ``cancelled`` while the workers run.
POLL_SECONDS = 0.1
#: The progress stage of the runs.
STAGE = "runs"


@dataclass(frozen=True)
class _Setup:
    """Everything a run needs but its indices: sent to each worker once."""

    target: bytes  # the objective or NetworkConfig, pickled portably
    specs: tuple
    starts: np.ndarray
    steps: int
    goal: float
    dtype: str
    seed: int
    budget: int | None


@dataclass(frozen=True)
class _Outcome:
    final_loss: float
    steps_to_tolerance: int
    evaluations_to_tolerance: int
    evaluations: int


def run_per_start(target, specs: Sequence, starts: np.ndarray, steps: int, goal: float, *,
                  dtype: str, seed: int, workers: int, progress: StageProgress | None = None,
                  cancelled: CancelPoll | None = None, budget: int | None = None) -> RunArrays:
    """Run every optimizer setting of ``specs`` from every start of ``starts``.

    Parameters
    ----------
    target : Objective or NetworkConfig
        A 2D landscape, or a network (built on the CPU in ``dtype``).
    specs : sequence of OptimizerSpec
        The L settings (validated here, before any run).
    starts : np.ndarray
        ``(S, 2)`` points, or ``(S,)`` initialisation seeds for a network.
    steps : int
        Each run's step limit (it may stop earlier: converged, diverged, failed, ``budget``).
    goal : float
        A run reaches tolerance at its first record whose loss is ≤ ``goal``.
    dtype : ``float32`` or ``float64``
    seed : int
        Every run's race seed (the random methods' streams, minibatches, gradient noise).
    workers : int
        Processes; 1 runs in this one.
    budget : int, optional
        Stop each run once it has spent this many function evaluations.

    Returns
    -------
    RunArrays
        ``[l, s]``: setting ``l`` from start ``s``. A run that failed (its optimizer raised) is
        ``inf`` with −1 steps and evaluations to tolerance.

    Raises
    ------
    LandscapeError
        For bad arguments (before any run). CancelledError when ``cancelled()`` turns true.
    """
    from landscape_app.core.portable import dumps_factory

    setup = _checked_setup(target, specs, starts, steps, goal, dtype, seed, budget, workers)
    blob = dumps_factory(target) if workers > 1 else None
    if workers > 1 and blob is None:
        raise LandscapeError("this landscape cannot be sent to worker processes; use "
                             "workers=1")
    setup = replace(setup, target=blob or b"")
    tasks = [(k, s) for k in range(len(setup.specs)) for s in range(len(setup.starts))]
    outcomes: dict[tuple[int, int], _Outcome] = {}

    def report() -> None:
        if progress is not None:
            progress(STAGE, len(outcomes) / len(tasks))

    if workers == 1:
        state = _State(setup, target, cancelled)
        for task in tasks:
            outcomes[task] = state.run(*task)
            report()
    else:
        _run_in_pool(setup, tasks, workers, outcomes, report, cancelled)
    return _arrays(outcomes, len(setup.specs), len(setup.starts))


def _checked_setup(target, specs, starts, steps, goal, dtype, seed, budget, workers) -> _Setup:
    from landscape_app.core.nn.models import NetworkConfig

    if dtype not in ("float32", "float64"):
        raise LandscapeError(f"dtype must be float32 or float64, got {dtype!r}")
    if int(workers) < 1:
        raise LandscapeError(f"workers must be at least 1, got {workers}")
    if int(steps) < 1:
        raise LandscapeError(f"steps must be at least 1, got {steps}")
    if budget is not None and int(budget) < 1:
        raise LandscapeError(f"an evaluation budget must be at least 1, got {budget}")
    if not specs:
        raise LandscapeError("give at least one optimizer setting")
    for spec in specs:
        spec.create()  # a bad setting is refused here, not as a failed run
    points = np.asarray(starts)
    if isinstance(target, NetworkConfig):
        target.validated()
        if points.ndim != 1 or not np.issubdtype(points.dtype, np.integer):
            raise LandscapeError("a network's starts are initialisation seeds: whole numbers, "
                                 f"shape (S,), got {points.dtype} {points.shape}")
    elif points.ndim != 2 or points.shape[1] != target.dim:
        raise LandscapeError(f"starts must have shape (S, {target.dim}), got {points.shape}")
    if len(points) == 0:
        raise LandscapeError("give at least one start")
    return _Setup(b"", tuple(specs), points.copy(), int(steps), float(goal), dtype, int(seed),
                  None if budget is None else int(budget))


class _State:
    """One process's objective and the runs it steps (built once per process)."""

    def __init__(self, setup: _Setup, target, cancelled: CancelPoll | None):
        import copy

        import torch

        from landscape_app.core.nn.models import NetworkConfig, initial_weights
        from landscape_app.core.nn.network_objective import build_network

        self.setup = setup
        self.cancelled = cancelled
        if isinstance(target, NetworkConfig):
            config = replace(target, dtype=setup.dtype)
            self.objective = build_network(config, "cpu")
            self.starts = [initial_weights(config, int(s)) for s in setup.starts]
        else:
            self.objective = copy.copy(target)
            self.objective.dtype = getattr(torch, setup.dtype)
            self.starts = [np.asarray(s, dtype=float) for s in setup.starts]

    def run(self, setting: int, start: int) -> _Outcome:
        """Run ``(setting, start)``: the race's records up to its end or the budget."""
        from landscape_app.core.result import Status
        from landscape_app.core.runner import Race, Racer

        setup = self.setup
        spec = setup.specs[setting]
        race = Race(self.objective, [Racer(spec.to_text(), spec)], self.starts[start],
                    seed=setup.seed, max_steps=setup.steps)
        budget = math.inf if setup.budget is None else setup.budget
        kept, reached = None, None
        for batch in race.batches():
            if self.cancelled is not None and self.cancelled():
                raise CancelledError("runs cancelled")
            update = batch.updates[0] if batch.updates else None
            if update is None:
                continue
            if update.status is Status.FAILED:
                return _Outcome(math.inf, -1, -1, kept.evals if kept else 0)
            over = False
            for record in update.records:
                if record.evals > budget and kept is not None:
                    over = True
                    break
                kept = record
                if reached is None and record.loss <= setup.goal:
                    reached = record
            if over:
                break
        if reached is None:
            return _Outcome(kept.loss, -1, -1, kept.evals)
        return _Outcome(kept.loss, reached.step, reached.evals, kept.evals)


def _arrays(outcomes: dict[tuple[int, int], _Outcome], settings: int, starts: int) -> RunArrays:
    shape = (settings, starts)
    final = np.empty(shape, dtype=np.float64)
    steps, evals_to, evals = (np.empty(shape, dtype=np.int64) for _ in range(3))
    for (k, s), outcome in outcomes.items():
        final[k, s] = outcome.final_loss
        steps[k, s] = outcome.steps_to_tolerance
        evals_to[k, s] = outcome.evaluations_to_tolerance
        evals[k, s] = outcome.evaluations
    return RunArrays(final, steps, evals_to, evals)


# -- worker processes --------------------------------------------------------------------------
_WORKER: _State | None = None


def _start_worker(setup: _Setup, stop) -> None:
    """A worker's initialiser: rebuild the target, build the objective once."""
    import pickle

    import torch

    global _WORKER
    torch.set_num_threads(1)  # the processes are the parallelism
    _WORKER = _State(setup, pickle.loads(setup.target), stop.is_set)


def _run_chunk(chunk: list[tuple[int, int]]) -> list[_Outcome]:
    assert _WORKER is not None
    return [_WORKER.run(*task) for task in chunk]


def _run_in_pool(setup: _Setup, tasks: list[tuple[int, int]], workers: int,
                 outcomes: dict[tuple[int, int], _Outcome], report,
                 cancelled: CancelPoll | None) -> None:
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    size = max(1, math.ceil(len(tasks) / (workers * CHUNKS_PER_WORKER)))
    chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=context,
                             initializer=_start_worker, initargs=(setup, stop)) as pool:
        pending: dict[Future, list[tuple[int, int]]] = {
            pool.submit(_run_chunk, chunk): chunk for chunk in chunks}
        try:
            while pending:
                done, _ = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                if cancelled is not None and cancelled():
                    raise CancelledError("runs cancelled")
                for future in done:
                    outcomes.update(zip(pending.pop(future), future.result(), strict=True))
                if done:
                    report()
        except BaseException:
            stop.set()
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
