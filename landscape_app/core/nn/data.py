"""Small data sets generated in-process, seeded (no downloads).

Every generator takes a sample count and a seed and returns float64 numpy arrays; the
objective converts them to its dtype and device once. Classification sets return integer
labels in ``{0, 1}``; regression sets return targets of shape ``(n, out)``.

- ``moons``: two interleaving half circles (as scikit-learn's ``make_moons``), noise σ = 0.1:
  upper (cos t, sin t), lower (1 − cos t, 0.5 − sin t), t ∈ [0, π].
- ``circles``: two concentric circles of radii 1 and 0.5, noise σ = 0.05.
- ``spirals``: two interleaved Archimedean spirals r = t, angle t + kπ, t ∈ [0.25, 3π]
  (scaled by 1/3π), noise σ = 0.03.
- ``xor``: points uniform in [−1, 1]², label 1 where x·y > 0 (the XOR of the signs).
- ``sine``: x uniform in [−π, π], target sin(x) + noise σ = 0.05 (regression, 1 input).
- ``identity``: the seed article's problem; built by :mod:`landscape_app.core.nn.models`
  because its inputs come from torch's global generator after the model's initialisation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Dataset:
    """Inputs ``(n, in)``; targets: labels ``(n,)`` (classification) or ``(n, out)``."""

    inputs: np.ndarray
    targets: np.ndarray
    task: str  # "classification" or "regression"

    @property
    def input_dim(self) -> int:
        return int(self.inputs.shape[1])

    @property
    def output_dim(self) -> int:
        if self.task == "classification":
            return int(self.targets.max()) + 1
        return int(self.targets.shape[1])


def _two_classes(rng: np.random.Generator, parts: tuple[np.ndarray, np.ndarray],
                 noise: float) -> Dataset:
    """Class 0's points ``parts[0]``, then class 1's, plus Gaussian noise σ = ``noise``,
    shuffled."""
    points = np.concatenate(parts)
    points += rng.normal(scale=noise, size=points.shape)
    labels = np.concatenate([np.zeros(len(parts[0])), np.ones(len(parts[1]))])
    order = rng.permutation(len(labels))
    return Dataset(points[order], labels[order].astype(np.int64), "classification")


def two_moons(samples: int, seed: int) -> Dataset:
    """Two interleaving half circles with Gaussian noise σ = 0.1."""
    rng = np.random.default_rng(seed)
    t_up = np.linspace(0.0, np.pi, samples // 2)
    t_low = np.linspace(0.0, np.pi, samples - samples // 2)
    return _two_classes(rng, (np.stack([np.cos(t_up), np.sin(t_up)], axis=1),
                              np.stack([1.0 - np.cos(t_low), 0.5 - np.sin(t_low)], axis=1)),
                        0.1)


def concentric_circles(samples: int, seed: int) -> Dataset:
    """An outer circle (radius 1, label 0) around an inner one (radius 0.5, label 1)."""
    rng = np.random.default_rng(seed)
    outer = samples // 2
    angles = rng.uniform(0.0, 2.0 * np.pi, samples)
    circle = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return _two_classes(rng, (circle[:outer], 0.5 * circle[outer:]), 0.05)


def spirals(samples: int, seed: int) -> Dataset:
    """Two interleaved spirals: radius ∝ t, angle t (label 0) and t + π (label 1)."""
    rng = np.random.default_rng(seed)
    parts = []
    for count, phase in ((samples // 2, 0.0), (samples - samples // 2, np.pi)):
        t = np.sqrt(rng.uniform(0.0, 1.0, count)) * (3.0 * np.pi - 0.25) + 0.25
        radius = t / (3.0 * np.pi)
        parts.append(np.stack([radius * np.cos(t + phase), radius * np.sin(t + phase)], axis=1))
    return _two_classes(rng, tuple(parts), 0.03)


def xor(samples: int, seed: int) -> Dataset:
    """Uniform points in [−1, 1]²; label 1 where both coordinates have the same sign."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-1.0, 1.0, size=(samples, 2))
    labels = (points[:, 0] * points[:, 1] > 0).astype(np.int64)
    return Dataset(points, labels, "classification")


def sine(samples: int, seed: int) -> Dataset:
    """x uniform in [−π, π]; target sin(x) + Gaussian noise σ = 0.05."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-np.pi, np.pi, size=(samples, 1))
    y = np.sin(x) + rng.normal(scale=0.05, size=x.shape)
    return Dataset(x, y, "regression")


#: Generated data sets by id (the seed's identity problem is built with its model).
GENERATORS: dict[str, Callable[[int, int], Dataset]] = {
    "moons": two_moons,
    "circles": concentric_circles,
    "spirals": spirals,
    "xor": xor,
    "sine": sine,
}
