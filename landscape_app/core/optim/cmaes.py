"""CMA-ES through the ``cma`` package's ask/tell interface (Hansen & Ostermeier 2001)."""

from __future__ import annotations

import warnings

import numpy as np

from landscape_app.core.errors import LandscapeError
from landscape_app.core.optim.optimizer_base import Internals, Optimizer, Position
from landscape_app.core.optim.search_box import search_box


def import_cma():
    """The ``cma`` module, imported on first use (it takes seconds; listing optimizers must not).

    cma warns at import that matplotlib is missing; its plotting is never used here.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*matplotlib.*", category=UserWarning)
        import cma
    return cma

#: The full covariance σ²C is reported (for the ellipse) up to this dimension.
COVARIANCE_MAX_DIM = 50


class CMAES(Optimizer):
    """Covariance matrix adaptation evolution strategy (``cma.CMAEvolutionStrategy``).

    Each generation samples λ points from N(m, σ² D C D) and moves the distribution towards
    the best μ of them::

        x_k = m + σ D y_k,   y_k ~ N(0, C),   k = 1..λ           (ask)
        m ← Σ_{i≤μ} w_i x_{i:λ}                                   (tell: weighted recombination)
        C ← (1 − c₁ − c_μ) C + c₁ p_c p_cᵀ + c_μ Σ w_i y_{i:λ} y_{i:λ}ᵀ
        σ ← σ exp((c_σ/d_σ)(‖p_σ‖ / E‖N(0, I)‖ − 1))

    (p_c, p_σ are evolution paths; x_{i:λ} is the i-th best sample.) The initial step is
    σ₀ = ``sigma0`` × the box width; D = diag((hi − lo)/mean(hi − lo)) (cma's ``CMA_stds``) makes
    a non-square box sampled in proportion. λ = ``popsize`` (0: cma's default 4 + ⌊3 ln n⌋);
    ``use_bounds`` passes the box to cma (``BoundTransform``: samples are mapped into it);
    ``diagonal`` restricts C to a diagonal (sep-CMA, linear cost per sample, for large n).

    One step is one generation: ask λ points, evaluate them in one batch, tell. The trajectory
    point is the distribution mean m (mapped into the box), evaluated once more for its loss,
    so a generation costs λ + 1 evaluations. Internals: the population, the mean and, for
    n ≤ 50, the covariance σ² D C D. Converged when ``es.stop()`` names a reason.

    Random numbers: cma's N(0, 1) stream is ``numpy.random.RandomState(seed mod 2³²).randn``,
    the very stream ``cma`` draws from with its own option ``seed=seed`` (seed > 0), but private
    to this run, so lanes never share numpy's global generator.

    Seed article mapping: ``CMAEvolutionStrategy(x0, 0.5, {"maxiter": 100, "seed": 42})`` is
    ``cmaes:sigma0=0.25,use_bounds=false`` on a [−1, 1]¹⁰ box (σ₀ = 0.25 × 2) with seed 42 for
    100 steps: the same means, generation for generation. Its best-so-far can be lower than
    cma's own ``fbest`` because the evaluated means count too.
    """

    id = "cmaes"

    def _start(self, x0: np.ndarray) -> Position:
        h = self.hyper
        if self.problem.dim < 2:
            raise LandscapeError("cmaes needs at least 2 coordinates (cma does not run in 1-D)")
        lower, upper = search_box(self.problem, self.id)
        width = upper - lower
        mean_width = float(np.mean(width))
        start = np.clip(x0, lower, upper) if h["use_bounds"] else x0
        options = {
            "randn": np.random.RandomState(self.seed % 2**32).randn,
            "seed": np.nan,  # the stream above is the seeded one
            "verbose": -9,
            "verb_log": 0,
            "verb_disp": 0,
            "CMA_diagonal": h["diagonal"],
        }
        if h["popsize"]:
            options["popsize"] = h["popsize"]
        if h["use_bounds"]:
            options["bounds"] = [lower.tolist(), upper.tolist()]
        if not np.allclose(width, mean_width):
            options["CMA_stds"] = (width / mean_width).tolist()
        cma = import_cma()
        self.es = cma.CMAEvolutionStrategy(start.tolist(), h["sigma0"] * mean_width, options)
        self.mean = np.asarray(start, dtype=float).copy()
        loss = self.problem.loss(self.mean)
        return Position(x=self.mean, loss=loss,
                        internals=Internals(mean=self.mean, covariance=self._covariance()))

    def _advance(self) -> Position:
        population = self.es.ask()
        samples = np.asarray(population, dtype=float)
        losses = self.problem.losses(samples)
        losses = np.where(np.isnan(losses), np.inf, losses)  # a NaN ranks last
        self.es.tell(population, losses.tolist())
        previous = self.mean
        # cma's ``result.xfavorite`` (the mean mapped into the bounds) without building the
        # whole result record each generation
        self.mean = np.array(self.es.gp.pheno(self.es.mean,
                                              into_bounds=self.es.boundary_handler.repair),
                             dtype=float)
        loss = self.problem.loss(self.mean)
        best = int(np.argmin(losses))
        return Position(
            x=self.mean,
            loss=loss,
            best_x=samples[best],
            best_loss=float(losses[best]),
            converged=bool(self.es.stop()),
            internals=Internals(population=samples, mean=self.mean,
                                covariance=self._covariance(), velocity=self.mean - previous),
        )

    def _covariance(self) -> np.ndarray | None:
        """σ² D C D of the sampling distribution, for small dimensions only."""
        if self.problem.dim > COVARIANCE_MAX_DIM:
            return None
        scaling = np.asarray(self.es.sigma_vec.scaling, dtype=float) * np.ones(self.problem.dim)
        matrix = self.es.sm.covariance_matrix
        core = np.eye(self.problem.dim) if matrix is None else np.asarray(matrix, dtype=float)
        return self.es.sigma**2 * core * np.outer(scaling, scaling)
