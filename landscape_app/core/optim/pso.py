"""Particle swarm optimization (global-best PSO with inertia, Kennedy & Eberhart 1995)."""

from __future__ import annotations

import numpy as np

from landscape_app.core.optim.optimizer_base import Internals, Optimizer, Position
from landscape_app.core.optim.search_box import search_box

#: The swarm has collapsed when every particle is within this fraction of the box width of
#: the swarm best (∞-norm).
COLLAPSE_TOL = 1e-10



class ParticleSwarm(Optimizer):
    """Global-best particle swarm, n particles in the search box ``[lo, hi]``.

    Each particle i has a position x_i, a velocity v_i and its personal best p_i; g is the best
    position of the whole swarm. One step moves every particle once (synchronously)::

        v_i ← ω v_i + φp r_p ⊙ (p_i − x_i) + φg r_g ⊙ (g − x_i),   r_p, r_g ~ U(0, 1)^dim
        v_i ← clip(v_i, −v_max, v_max),        v_max = c_v (hi − lo)
        x_i ← clip(x_i + v_i, lo, hi)
        p_i ← x_i  if f(x_i) < f(p_i);         g ← argmin_i f(p_i)

    Start: particle 0 is the start point x₀ (clipped into the box), so the start matters; the
    others are uniform in the box intersected with the cube x₀ ± s (hi − lo), s = ``init_spread``
    (s = 1 covers the whole box, as pyswarm does); velocities are uniform in [−v_max, v_max].
    The defaults ω = 0.7298, φp = φg = 1.49618 are Clerc's constriction coefficients.

    The trajectory point is the swarm best g (with its loss); ``particles`` holds the positions
    and ``velocity`` the last displacement of g. Each step costs n evaluations (one batch).
    Converged when every particle is within 1e-10·(box width) of g.

    Seed article mapping: pyswarm's ``pso(f, lb, ub, maxiter=100)`` (100 particles, ω = φp =
    φg = 0.5, speeds up to the box width) is
    ``pso:swarm_size=100,inertia=0.5,cognitive=0.5,social=0.5,velocity_clamp=1`` for 100 steps;
    pyswarm updates g particle by particle and does not place a particle at x₀.
    """

    id = "pso"

    def _start(self, x0: np.ndarray) -> Position:
        h = self.hyper
        self.lower, self.upper = search_box(self.problem, self.id)
        width = self.upper - self.lower
        self.v_max = h["velocity_clamp"] * width
        self.collapse_radius = COLLAPSE_TOL * float(np.max(width))
        n, dim = h["swarm_size"], self.problem.dim
        start = np.clip(x0, self.lower, self.upper)
        low = np.maximum(self.lower, start - h["init_spread"] * width)
        high = np.minimum(self.upper, start + h["init_spread"] * width)
        self.positions = self.rng.uniform(low, high, size=(n, dim))
        self.positions[0] = start
        self.velocities = self.rng.uniform(-self.v_max, self.v_max, size=(n, dim))
        losses = self._evaluate(self.positions)
        self.personal_best = self.positions.copy()
        self.personal_loss = losses
        self._update_swarm_best()
        return self._position(velocity=None)

    def _advance(self) -> Position:
        h = self.hyper
        previous_best = self.swarm_best
        r_p = self.rng.random(self.positions.shape)
        r_g = self.rng.random(self.positions.shape)
        velocities = (h["inertia"] * self.velocities
                      + h["cognitive"] * r_p * (self.personal_best - self.positions)
                      + h["social"] * r_g * (self.swarm_best - self.positions))
        self.velocities = np.clip(velocities, -self.v_max, self.v_max)
        self.positions = np.clip(self.positions + self.velocities, self.lower, self.upper)
        losses = self._evaluate(self.positions)
        improved = losses < self.personal_loss
        self.personal_best[improved] = self.positions[improved]
        self.personal_loss[improved] = losses[improved]
        self._update_swarm_best()
        return self._position(velocity=self.swarm_best - previous_best)

    def _evaluate(self, points: np.ndarray) -> np.ndarray:
        """Losses of all particles in one batch; NaN counts as +∞ (never a best)."""
        losses = self.problem.losses(points)
        return np.where(np.isnan(losses), np.inf, losses)

    def _update_swarm_best(self) -> None:
        best = int(np.argmin(self.personal_loss))
        self.swarm_best = self.personal_best[best].copy()
        self.swarm_best_loss = float(self.personal_loss[best])

    def _position(self, velocity: np.ndarray | None) -> Position:
        spread = float(np.max(np.abs(self.positions - self.swarm_best)))
        return Position(
            x=self.swarm_best,
            loss=self.swarm_best_loss,
            best_x=self.swarm_best,
            best_loss=self.swarm_best_loss,
            converged=spread <= self.collapse_radius,
            internals=Internals(particles=self.positions.copy(), velocity=velocity),
        )
