"""The seed experiment, fairly: every method tuned, from many initializations, at one budget.

The article ranks its methods by one run each, from one start x0, with one hand-picked
setting and whatever number of evaluations each happened to spend (Adam 100, PSO 10,100). Here
every method of :data:`~landscape_app.core.nn.seed_experiment.SEED_METHODS` gets

* its main setting swept over K values (:data:`FAIR_METHODS`: Adam's lr, SLSQP's
  finite-difference eps, PSO's inertia ω, CMA-ES's σ₀, dual annealing's initial temperature;
  the article's own value is among the five of the default sweep);
* N initializations, seeds 42, 43, …: start ``0.1 · randn(10)`` after ``np.random.seed(seed)``
  (:func:`~landscape_app.core.nn.models.initial_weights`; 42 is the article's x0). Every
  method starts there; dual annealing too (``use_start=true``; the article drew its start);
* the same evaluation budget E: each run stops at its last record with at most E function
  evaluations, the random methods seeded 42 as in the article. The methods the map engine can
  batch (:data:`~landscape_app.core.catalogue.map_checks.MAPPABLE`: Adam) run each setting
  from every initialization at once through
  :func:`~landscape_app.core.compare.comparison.compare` — one evaluation per step, the
  start's included, so E evaluations are E − 1 steps; the others one race per run
  (:func:`~landscape_app.core.compare.per_start.run_per_start`). The batched rows sum the
  network's loss in another order than one race: equal to its last bits per step, which
  Adam's long runs on this badly scaled network may magnify (as a one-ulp change of x0 does).

Per method and setting: the median over the initializations of the loss at the budget and the
share of initializations whose loss is ≤ ``goal`` (success). The best setting is the one with
the highest success, ties broken by the lower median loss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from landscape_app.core.compare.runs import RunArrays
from landscape_app.core.nn.seed_experiment import SEED_CONFIG, SEED_METHODS, SeedMethod
from landscape_app.core.progress import CancelPoll, StageProgress

#: The first initialization seed: the article's x0.
FIRST_INIT = 42
#: The random methods' seed (the article's PSO, CMA-ES and SA seeds are 42).
RACE_SEED = 42


@dataclass(frozen=True)
class FairMethod:
    """How one article method is tuned: ``spec`` with ``{value}`` (and ``{maxiter}``, the
    iterations that can spend the budget), the swept setting and its range."""

    name: str
    spec: str
    setting: str
    low: float
    high: float
    log: bool
    article_value: float

    def values(self, count: int) -> np.ndarray:
        """The sweep: ``count`` values from ``low`` to ``high`` (log-spaced when ``log``),
        each to the 6 significant digits the runs are given."""
        if count == 1:
            return np.array([self.article_value])
        space = np.geomspace if self.log else np.linspace
        return np.array([float(f"{value:.6g}") for value in space(self.low, self.high, count)])

    def spec_text(self, value: float, budget: int, parameters: int) -> str:
        # SLSQP spends at least P + 1 evaluations per iteration (a finite-difference gradient)
        return self.spec.format(value=f"{value:.6g}", budget=budget,
                                maxiter=budget // (parameters + 1) + 1)


FAIR_METHODS: tuple[FairMethod, ...] = (
    FairMethod("Adam", "adam:lr={value}", "lr", 1e-3, 10.0, True, 1.0),
    FairMethod("SLSQP", "slsqp:eps={value},maxiter={maxiter}", "eps", 1e-9, 1e-1, True, 1e-3),
    FairMethod("PSO", "pso:swarm_size=100,inertia={value},cognitive=0.5,social=0.5,"
               "velocity_clamp=1", "inertia", 0.1, 0.9, False, 0.5),
    FairMethod("CMA-ES", "cmaes:sigma0={value},use_bounds=false", "sigma0", 0.025, 2.5, True,
               0.25),
    FairMethod("SA", "dual-annealing:initial_temp={value},maxfun={budget}", "initial_temp",
               0.1, 10.0, True, 1.0),
)


@dataclass(frozen=True)
class FairRow:
    """One method's tuned result beside its one-start article row."""

    article: SeedMethod
    method: FairMethod
    values: np.ndarray  # (K,) the sweep
    runs: RunArrays  # (K, N)
    goal: float

    @property
    def success(self) -> np.ndarray:
        """``(K,)``: the share of initializations ending at or below the goal."""
        return np.mean(self.runs.final_loss <= self.goal, axis=1)

    @property
    def median_loss(self) -> np.ndarray:
        return np.median(self.runs.final_loss, axis=1)

    @property
    def best(self) -> int:
        """The setting with the highest success; ties: the lowest median loss."""
        order = np.lexsort((self.median_loss, -self.success))
        return int(order[0])


@dataclass(frozen=True)
class FairExperiment:
    """Every method's row, and what they were run with."""

    rows: tuple[FairRow, ...]
    inits: np.ndarray
    budget: int
    goal: float

    def ranking(self, key: str) -> list[str]:
        """Method names best first: by the article's loss (``article``) or tuned (``fair``:
        success, then median loss)."""
        if key == "article":
            return [row.article.name for row in sorted(self.rows, key=lambda r: r.article.article)]
        return [row.article.name for row in sorted(
            self.rows, key=lambda r: (-r.success[r.best], r.median_loss[r.best]))]

    def ranking_line(self) -> str:
        """What changes in the ranking, in one line."""
        article, fair = self.ranking("article"), self.ranking("fair")
        moves = [f"{name} {article.index(name) + 1} -> {fair.index(name) + 1}"
                 for name in article if article.index(name) != fair.index(name)]
        change = "; ".join(moves) if moves else "no method changes place"
        return (f"ranking: one start {' < '.join(article)}; tuned {' < '.join(fair)} "
                f"({change})")

    def table_lines(self) -> list[str]:
        inits = f"{self.inits[0]}" if len(self.inits) == 1 else \
            f"{self.inits[0]}-{self.inits[-1]}"
        lines = [f"fair comparison: {len(self.inits)} initializations (seeds {inits}), "
                 f"{len(self.rows[0].values)} settings per method, at most {self.budget:,} "
                 f"evaluations per run, success = loss <= {self.goal:g}",
                 f"{'method':<8} {'one start':>10} {'setting':>16}  | {'swept':<24} "
                 f"{'best setting':<20} {'median loss':>12} {'success':>8}"]
        for row in self.rows:
            method, best = row.method, row.best
            swept = f"{method.setting} {row.values[0]:.3g}-{row.values[-1]:.3g}" + \
                (" log" if method.log else "")
            success = int(round(row.success[best] * len(self.inits)))
            lines.append(
                f"{row.article.name:<8} {row.article.article:>10.3f} "
                f"{f'{method.setting}={method.article_value:g}':>16}  | {swept:<24} "
                f"{f'{method.setting}={row.values[best]:.3g}':<20} "
                f"{row.median_loss[best]:>12.3f} {f'{success}/{len(self.inits)}':>8}")
        lines.append(self.ranking_line())
        return lines


def run_fair_seed_experiment(inits: int = 8, settings: int = 5, budget: int = 2000,
                             goal: float = 1.0, workers: int = 1,
                             methods: Sequence[FairMethod] = FAIR_METHODS,
                             progress: StageProgress | None = None,
                             cancelled: CancelPoll | None = None) -> FairExperiment:
    """Run every method of ``methods`` over its sweep from ``inits`` initializations
    (``budget`` ≥ 2 evaluations: the start's and at least one step's)."""
    from landscape_app.core.catalogue.map_checks import MAPPABLE
    from landscape_app.core.compare.per_start import run_per_start
    from landscape_app.core.nn.models import initial_weights
    from landscape_app.core.optim import parse_optimizer_spec

    articles = {method.name: method for method in SEED_METHODS}
    seeds = np.arange(FIRST_INIT, FIRST_INIT + inits, dtype=np.int64)
    parameters = initial_weights(SEED_CONFIG, FIRST_INIT).size
    sweeps = [method.values(settings) for method in methods]
    specs = [[parse_optimizer_spec(method.spec_text(v, budget, parameters)) for v in values]
             for method, values in zip(methods, sweeps, strict=True)]
    batched = [index for index, group in enumerate(specs) if group[0].id in MAPPABLE]
    single = [index for index in range(len(methods)) if index not in batched]
    arrays: dict[int, RunArrays] = {}
    if single:
        # one call (one pool) for the other methods' runs: they share the step limit, the
        # goal and the budget; it checks every setting before the first run
        runs = run_per_start(SEED_CONFIG, [spec for index in single for spec in specs[index]],
                             seeds, budget, goal, dtype="float64", seed=RACE_SEED,
                             workers=workers, progress=progress, cancelled=cancelled,
                             budget=budget)
        for order, index in enumerate(single):
            part = slice(order * settings, (order + 1) * settings)
            arrays[index] = RunArrays(runs.final_loss[part], runs.steps_to_tolerance[part],
                                      runs.evaluations_to_tolerance[part],
                                      runs.evaluations[part])
    for index in batched:
        arrays[index] = _batched_runs(specs[index], methods[index].setting, seeds, budget,
                                      goal, progress, cancelled)
    rows = tuple(FairRow(articles[method.name], method, sweeps[index], arrays[index], goal)
                 for index, method in enumerate(methods))
    return FairExperiment(rows, seeds, budget, goal)


def _batched_runs(specs: Sequence, setting: str, seeds: np.ndarray, budget: int, goal: float,
                  progress: StageProgress | None, cancelled: CancelPoll | None) -> RunArrays:
    """Every setting of ``specs`` (which differ in ``setting`` only) from every seed on the map
    engine, ``budget − 1`` steps: a method spending one evaluation per step has spent
    ``budget`` by then."""
    from landscape_app.core.catalogue.compare_sweeps import CompareSweep
    from landscape_app.core.compare import compare
    from landscape_app.core.errors import LandscapeError
    from landscape_app.core.optim.registry import OptimizerSpec

    # one entry per setting, each "swept" over its one value: the runs take the very values
    # the single races would
    entries = [(OptimizerSpec(spec.id, {k: v for k, v in spec.params.items() if k != setting}),
                [CompareSweep(setting, spec.params[setting], spec.params[setting], False, 1)])
               for spec in specs]
    result = compare(SEED_CONFIG, entries, seeds, budget - 1, goal, dtype="float64",
                     device="cpu", seed=RACE_SEED, progress=progress, cancelled=cancelled)
    if np.any(result.evaluations > budget):
        raise LandscapeError(f"{specs[0].id} spends more than one evaluation per step: its "
                             "runs cannot be batched at an evaluation budget")
    return RunArrays(result.final_loss[:, 0], result.steps_to_tolerance[:, 0],
                     result.evaluations_to_tolerance[:, 0], result.evaluations[:, 0])
