"""Simulated annealing with Metropolis acceptance (Kirkpatrick, Gelatt & Vecchi 1983)."""

from __future__ import annotations

import math

import numpy as np

from landscape_app.core.optim.optimizer_base import Internals, Optimizer, Position
from landscape_app.core.optim.search_box import reflect_into_box, search_box

#: The chain is frozen (converged) once the temperature falls below this fraction of T₀.
FROZEN_RATIO = 1e-12


def temperature(schedule: str, t0: float, cooling: float, k: int) -> float:
    """The temperature of the k-th step (k = 0, 1, ...): T_0 = t0 for every schedule.

    exponential: T_k = t0·cooling^k;  logarithmic: T_k = t0 / ln(k + e);  fast: T_k = t0/(1 + k).
    """
    if schedule == "exponential":
        return t0 * cooling**k
    if schedule == "logarithmic":
        return t0 / math.log(k + math.e)
    return t0 / (1.0 + k)


class SimulatedAnnealing(Optimizer):
    """Simulated annealing: a random walk that accepts uphill moves less often as it cools.

    Step k (k = 0, 1, ...) runs m = ``proposals_per_step`` Metropolis trials at temperature
    T_k (see :func:`temperature`)::

        x' = reflect(x + s_k · (hi − lo) ⊙ ξ),    ξ_j ~ N(0, 1)  or  ξ_j ~ Cauchy(0, 1)
        Δ = f(x') − f(x)
        x ← x'  if Δ ≤ 0  or  u < exp(−Δ / T_k),   u ~ U(0, 1)

    with independent coordinates ξ_j (Cauchy coordinates make mostly small moves with an
    occasional long, axis-aligned jump). ``reflect`` mirrors the proposal back into the search
    box ``[lo, hi]`` (the state never leaves it). The proposal scale is s_k = s₀
    (``step_size``, a fraction of the box width) or, with ``shrink_steps``, the classical
    pairing with the temperature:
    s_k = s₀ √(T_k/T₀) for Gaussian proposals (Boltzmann annealing) and s_k = s₀ T_k/T₀ for
    Cauchy proposals (Szu & Hartley's fast annealing, best with the ``fast`` schedule).

    The defaults are fast annealing: Cauchy proposals (long jumps between basins, small steps
    within one), T_k = T₀/(1 + k), m = 10 trials per step (with one trial per step, 2000 steps
    from Rastrigin's suggested start found its global basin for 1 seed in 6).

    The trajectory point is the current state x, with the best state seen alongside. Internals:
    the last candidate x', whether it was accepted, and T_k. Each step costs m evaluations.
    Converged (frozen) once T_k < 1e-12·T₀.
    """

    id = "sa"

    def _start(self, x0: np.ndarray) -> Position:
        self.lower, self.upper = search_box(self.problem, self.id)
        self.width = self.upper - self.lower
        self.state = np.clip(x0, self.lower, self.upper)
        self.state_loss = self.problem.loss(self.state)
        self.k = 0
        return Position(x=self.state.copy(), loss=self.state_loss,
                        internals=Internals(temperature=self.hyper["t0"]))

    def _advance(self) -> Position:
        h = self.hyper
        temp = temperature(h["schedule"], h["t0"], h["cooling"], self.k)
        scale = h["step_size"] * self._shrink(temp / h["t0"]) * self.width
        best_x, best_loss = self.state.copy(), self.state_loss
        for _ in range(h["proposals_per_step"]):
            candidate = reflect_into_box(self.state + scale * self._noise(), self.lower,
                                         self.upper)
            loss = self.problem.loss(candidate)
            accepted = self._accept(loss - self.state_loss, temp)
            if accepted:
                self.state, self.state_loss = candidate, loss
                if loss < best_loss:
                    best_x, best_loss = candidate, loss
        self.k += 1
        return Position(
            x=self.state.copy(),
            loss=self.state_loss,
            best_x=best_x,
            best_loss=best_loss,
            converged=temp < FROZEN_RATIO * h["t0"],
            internals=Internals(candidate=candidate, accepted=accepted, temperature=temp),
        )

    def _shrink(self, ratio: float) -> float:
        if not self.hyper["shrink_steps"]:
            return 1.0
        return math.sqrt(ratio) if self.hyper["proposal"] == "gaussian" else ratio

    def _noise(self) -> np.ndarray:
        if self.hyper["proposal"] == "gaussian":
            return self.rng.standard_normal(self.problem.dim)
        return self.rng.standard_cauchy(self.problem.dim)

    def _accept(self, delta: float, temp: float) -> bool:
        """Metropolis: always downhill (Δ ≤ 0), uphill with probability exp(−Δ/T).

        One uniform number is drawn per trial either way, so the random stream does not depend
        on the outcome; a NaN loss is never accepted.
        """
        u = self.rng.random()
        if math.isnan(delta):
            return False
        return delta <= 0 or (temp > 0 and u < math.exp(-delta / temp))
