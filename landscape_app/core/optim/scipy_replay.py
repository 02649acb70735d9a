"""SciPy routines that cannot be stepped, run ahead once and replayed one iterate per step.

``scipy.optimize.minimize(method="SLSQP")`` and ``scipy.optimize.dual_annealing`` own their
loops. At reset the whole run is done, with every objective evaluation going through the
counting :class:`~landscape_app.core.objective.Problem` and every iterate the routine reports to
its callback recorded together with the evaluations, gradient evaluations and wall time spent
so far. Each app step then replays the next iterate, reporting those counts, so the race's
"evaluations" and "time" axes show what each iterate really cost.

:func:`run_slsqp` and :func:`run_dual_annealing` are usable on their own, e.g. to repeat the
seed article's calls exactly (``rng=None`` for its unseeded dual annealing).
"""

from __future__ import annotations

import time
from abc import abstractmethod
from dataclasses import dataclass

import numpy as np
from scipy.optimize import OptimizeResult, dual_annealing, minimize

from landscape_app.core.objective import Problem
from landscape_app.core.optim.optimizer_base import Internals, Optimizer, Position
from landscape_app.core.optim.search_box import search_box


@dataclass(frozen=True)
class Iterate:
    """One recorded iterate and the cumulative cost of reaching it."""

    x: np.ndarray
    loss: float
    evals: int
    grad_evals: int
    time: float


class IterateLog:
    """Evaluates through a problem (which counts) and records iterates with their cost.

    The first point the routine evaluates is its start, recorded as iterate 0.
    """

    def __init__(self, problem: Problem):
        self.problem = problem
        self.iterates: list[Iterate] = []
        self._started = time.perf_counter()

    def loss(self, x: np.ndarray) -> float:
        value = self.problem.loss(x)
        if not self.iterates:
            self.add(x, value)
        return value

    def loss_and_grad(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = self.problem.loss_and_grad(x)
        if not self.iterates:
            self.add(x, value)
        return value, grad

    def add(self, x: np.ndarray, loss: float) -> None:
        self.iterates.append(Iterate(
            x=np.array(x, dtype=float), loss=float(loss), evals=self.problem.evals,
            grad_evals=self.problem.grad_evals, time=time.perf_counter() - self._started,
        ))

    def finish(self, result: OptimizeResult) -> list[Iterate]:
        """The iterates, ending at the routine's answer with the full cost of the run.

        The answer is added as a last iterate unless the last one recorded is already the
        answer at the final counts (work done after the last reported iterate, such as
        dual annealing's search that found nothing better, is thereby accounted for).
        """
        last = self.iterates[-1] if self.iterates else None
        if (last is None or not np.array_equal(last.x, result.x)
                or (last.evals, last.grad_evals) != (self.problem.evals,
                                                     self.problem.grad_evals)):
            self.add(result.x, result.fun)
        return self.iterates


def run_slsqp(problem: Problem, x0: np.ndarray, *, eps: float = 1e-3, maxiter: int = 100,
              ftol: float = 1e-6, use_gradient: bool = False,
              bounds: list[tuple[float, float]] | None = None,
              ) -> tuple[list[Iterate], OptimizeResult]:
    """``minimize(f, x0, method="SLSQP")``, recording every iterate.

    With ``use_gradient`` the exact autograd gradient is the Jacobian (``jac=True``: every
    evaluation computes f and ∇f together); otherwise SciPy's forward differences with
    absolute step ``eps`` (counted as evaluations).
    """
    log = IterateLog(problem)
    fun, jac = (log.loss_and_grad, True) if use_gradient else (log.loss, None)
    options = {"maxiter": maxiter, "ftol": ftol}
    if not use_gradient:
        options["eps"] = eps
    with np.errstate(all="ignore"):  # a run-away (inf/NaN) is the runner's to report
        result = minimize(fun, np.asarray(x0, dtype=float), method="SLSQP", jac=jac,
                          bounds=bounds, options=options,
                          callback=lambda intermediate_result: log.add(
                              intermediate_result.x, intermediate_result.fun))
    return log.finish(result), result


def run_dual_annealing(problem: Problem, x0: np.ndarray | None,
                       bounds: list[tuple[float, float]], *, maxiter: int = 1000,
                       initial_temp: float = 5230.0, restart_temp_ratio: float = 2e-5,
                       visit: float = 2.62, accept: float = -5.0, maxfun: int = 10_000_000,
                       no_local_search: bool = False,
                       rng: int | np.random.Generator | None = None,
                       ) -> tuple[list[Iterate], OptimizeResult]:
    """``dual_annealing(f, bounds, ...)``, recording every new best minimum it reports.

    ``x0=None`` lets SciPy draw the start uniformly in ``bounds``; ``rng=None`` uses numpy's
    global generator, as a call without a seed does.
    """
    log = IterateLog(problem)
    with np.errstate(all="ignore"):  # a run-away (inf/NaN) is the runner's to report
        result = dual_annealing(
            log.loss, bounds, maxiter=maxiter, initial_temp=initial_temp,
            restart_temp_ratio=restart_temp_ratio, visit=visit, accept=accept, maxfun=maxfun,
            no_local_search=no_local_search, rng=rng, x0=x0,
            callback=lambda x, f, context: log.add(x, f),
        )
    return log.finish(result), result


class ReplayOptimizer(Optimizer):
    """Base of optimizers run to completion at reset and replayed one iterate per step.

    Subclasses implement :meth:`run`. Step k reports iterate k with the evaluations, gradient
    evaluations and time spent up to it; the last iterate is reported as converged, and further
    steps stay there. ``velocity`` is the displacement from the previous iterate.
    """

    @abstractmethod
    def run(self, x0: np.ndarray) -> list[Iterate]:
        """Run the routine from ``x0`` on ``self.problem``; the iterates, start first."""

    def _start(self, x0: np.ndarray) -> Position:
        self.iterates = self.run(x0)
        self.cursor = 0
        return self._position()

    def _advance(self) -> Position:
        self.cursor = min(self.cursor + 1, len(self.iterates) - 1)
        return self._position()

    def _position(self) -> Position:
        now = self.iterates[self.cursor]
        velocity = now.x - self.iterates[self.cursor - 1].x if self.cursor else None
        return Position(
            x=now.x, loss=now.loss, evals=now.evals, grad_evals=now.grad_evals, time=now.time,
            converged=self.cursor == len(self.iterates) - 1,
            internals=Internals(velocity=velocity),
        )


class SLSQP(ReplayOptimizer):
    """Sequential least-squares quadratic programming (``scipy.optimize.minimize``, SLSQP).

    Each iteration solves the quadratic model of f around x_k for a direction d_k and does a
    line search along it::

        d_k = argmin_d  ∇f(x_k)ᵀd + ½ dᵀ B_k d      (subject to the bounds, if used)
        x_{k+1} = x_k + α_k d_k,                    B_{k+1} = BFGS update of B_k

    ∇f comes from forward differences with absolute step ``eps`` (n + 1 evaluations, as in the
    seed article: ``eps=0.001``) or, with ``use_gradient``, from autograd. Stops when the
    change of f falls below ``ftol`` or after ``maxiter`` iterations. The run is done at reset
    and its iterates (SciPy's callback) replayed, one per step.

    Seed article mapping: its ``minimize(f, x0, method="slsqp", options={"maxiter": 100,
    "eps": 0.001})`` is ``slsqp`` with the defaults (no bounds, differences, eps = 1e-3).
    """

    id = "slsqp"

    def run(self, x0: np.ndarray) -> list[Iterate]:
        h = self.hyper
        bounds = None
        if h["use_bounds"]:
            lower, upper = search_box(self.problem, self.id)
            bounds = list(zip(lower.tolist(), upper.tolist(), strict=True))
        iterates, _ = run_slsqp(self.problem, x0, eps=h["eps"], maxiter=h["maxiter"],
                                ftol=h["ftol"], use_gradient=h["use_gradient"], bounds=bounds)
        return iterates


class DualAnnealing(ReplayOptimizer):
    """Dual annealing (``scipy.optimize.dual_annealing``): generalized simulated annealing
    with local searches (Tsallis & Stariolo 1996; Xiang et al. 1997).

    A visiting distribution with heavy tails (parameter q_v = ``visit``) proposes moves at the
    temperature T(t) = T₀ (2^{q_v−1} − 1) / ((1 + t)^{q_v−1} − 1); a move uphill by Δ is
    accepted with probability [1 − (1 − q_a) Δ / T_t]^{1/(1−q_a)} (q_a = ``accept``); after
    each temperature step a local search (L-BFGS-B, finite differences) polishes the best
    point unless ``no_local_search``; when T falls below T₀·``restart_temp_ratio`` it
    re-anneals. The run is done at reset (seeded from the race seed) and each new best minimum
    it reports is replayed as one step.

    Seed article mapping: its simulated-annealing row is
    ``dual_annealing(f, [(-1, 1)] * 10, maxiter=100, initial_temp=1.0)`` without ``x0``, i.e.
    ``dual-annealing:maxiter=100,initial_temp=1,use_start=false`` on a [−1, 1]¹⁰ box.
    """

    id = "dual-annealing"

    def run(self, x0: np.ndarray) -> list[Iterate]:
        h = self.hyper
        lower, upper = search_box(self.problem, self.id)
        start = np.clip(x0, lower, upper) if h["use_start"] else None
        iterates, _ = run_dual_annealing(
            self.problem, start, list(zip(lower.tolist(), upper.tolist(), strict=True)),
            maxiter=h["maxiter"], initial_temp=h["initial_temp"],
            restart_temp_ratio=h["restart_temp_ratio"], visit=h["visit"], accept=h["accept"],
            maxfun=h["maxfun"], no_local_search=h["no_local_search"], rng=self.rng,
        )
        return iterates

