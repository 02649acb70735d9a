"""One lane's sharpness along its path: measured every ``every`` steps, warm-started.

:class:`SharpnessProbe` is what :class:`~landscape_app.core.runner.Race` calls after a lane's
step when sharpness is on: λ_max and the top-k eigenvalues of the full-data loss Hessian at
the lane's position, the optimizer's stability threshold (:mod:`landscape_app.core.stability`)
and, for adaptive methods, the preconditioned sharpness λ_max(P⁻¹H). Its evaluations are not
counted against the lane (they are a measurement, not part of the method).
"""

from __future__ import annotations

import numpy as np

from landscape_app.core.sharpness import hessian_spectrum
from landscape_app.core.sharpness_reading import TOP_K, SharpnessReading
from landscape_app.core.stability import stability

#: On networks the default measures every this many steps: the race then costs at most about
#: 1.5× the race without sharpness (bench/sharpness.py measures it); every step on 2D.
DEFAULT_NETWORK_EVERY = 50


def default_every(dim: int) -> int:
    """The default measuring interval: every step in 2D, :data:`DEFAULT_NETWORK_EVERY` above."""
    return 1 if dim <= 2 else DEFAULT_NETWORK_EVERY


class SharpnessProbe:
    """Measures one lane; keeps the last top eigenvectors to warm-start the next Lanczos.

    ``k``: how many of the top eigenvalues each reading holds; by default all (up to
    :data:`TOP_K`) in 2D, where the dense Hessian gives them at no cost, and λ_max alone on
    networks: warm-started, it takes about 5 Hessian-vector products where the top 5 take
    about 60 (call :func:`~landscape_app.core.sharpness.hessian_spectrum` with ``k=5`` at one
    point for those).
    """

    def __init__(self, objective, every: int = 1, k: int | None = None):
        if every < 1:
            raise ValueError(f"sharpness every {every} steps: expected a whole number ≥ 1")
        self.objective = objective
        self.every = int(every)
        self.k = (TOP_K if objective.dim <= 2 else 1) if k is None else k
        self._vector: np.ndarray | None = None
        self._preconditioned_vector: np.ndarray | None = None

    def due(self, step: int) -> bool:
        return step % self.every == 0

    def measure(self, optimizer, x: np.ndarray) -> SharpnessReading:
        """The reading at position ``x`` of ``optimizer`` (its state as it stands)."""
        point = self.objective.as_tensor(np.asarray(x, dtype=float))
        plain = hessian_spectrum(self.objective.evaluate, point, self.k, self._vector)
        self._vector = plain.vector
        rule = stability(optimizer)
        preconditioned = None
        if rule.preconditioner is not None:
            scale = rule.preconditioner.reshape(-1).to(point).rsqrt()
            spectrum = hessian_spectrum(self.objective.evaluate, point, 1,
                                        self._preconditioned_vector, scale)
            self._preconditioned_vector = spectrum.vector
            preconditioned = spectrum.top
        return SharpnessReading(plain.top, tuple(float(v) for v in plain.eigenvalues),
                                rule.threshold, preconditioned)
