"""Planes through weight space: θ(α, β) = θ₀ + α d₁ + β d₂, and three ways to choose d₁, d₂.

- ``pca`` (Li et al. 2018, §7): the top two principal directions of the trajectory, relative to
  the origin θ₀: with the rows of ``M`` the vectors θ_t − θ₀ of every trajectory point (all
  lanes for a shared plane, one lane for a per-optimizer plane), the SVD ``M = U S Vᵀ`` gives
  d₁, d₂ = the first two rows of Vᵀ (orthonormal). ``M`` is *not* mean-centred: the plane must
  pass through θ₀, and the uncentred SVD is the best such plane in least squares. The explained
  variance of each direction is s_k² / Σ s_i².
- ``random``: filter-normalized Gaussian directions (Li et al. 2018, §4): for every filter (one
  row of a weight matrix, i.e. one neuron's incoming weights) d_row ← d_row / ‖d_row‖ · ‖θ₀_row‖;
  bias entries are set to zero (their ``ignore='biasbn'`` default). d₁ and d₂ are independent
  draws, neither orthogonalised nor unit length.
- ``hessian``: the eigenvectors of the two largest eigenvalues of ∇²f(θ₀), by Lanczos
  (``scipy.sparse.linalg.eigsh`` on a ``LinearOperator``) whose matvec is a Hessian-vector
  product (double backward through autograd); no dense Hessian is formed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

from landscape_app.core.errors import LandscapeError
from landscape_app.core.nn.network_objective import NetworkObjective

DIRECTION_METHODS: dict[str, str] = {
    "pca": "top-2 principal directions of the trajectories (Li et al. 2018)",
    "random": "filter-normalized random directions (Li et al. 2018)",
    "hessian": "top-2 Hessian eigenvectors (Lanczos on Hessian-vector products)",
}


@dataclass(frozen=True)
class Plane:
    """A plane θ(α, β) = origin + α d1 + β d2 through parameter space.

    ``explained_variance`` holds the two PCA ratios (``pca`` only); ``eigenvalues`` the two
    Hessian eigenvalues (``hessian`` only).
    """

    origin: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    method: str
    explained_variance: tuple[float, float] | None = None
    eigenvalues: tuple[float, float] | None = None

    @property
    def basis(self) -> np.ndarray:
        """``(P, 2)``: the directions as columns."""
        return np.stack([self.d1, self.d2], axis=1)

    def point(self, alpha: float, beta: float) -> np.ndarray:
        """θ(α, β)."""
        return self.origin + alpha * self.d1 + beta * self.d2

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Plane coordinates and off-plane distances of ``points`` ``(n, P)``.

        The coordinates (α, β) minimise ‖θ − θ₀ − α d₁ − β d₂‖ (least squares on the two
        directions; plain dot products when they are orthonormal); the distance is that
        minimum, the Euclidean distance from θ to the plane.

        Returns
        -------
        coords : (n, 2) array
        distances : (n,) array
        """
        offsets = np.atleast_2d(np.asarray(points, dtype=float)) - self.origin
        basis = self.basis
        coords = offsets @ np.linalg.pinv(basis).T  # non-finite rows stay non-finite
        residual = offsets - coords @ basis.T
        return coords, np.linalg.norm(residual, axis=1)

    def axis_labels(self) -> tuple[str, str]:
        """The two directions' names for the plot axes: ``PCA 1 (89.8 %)`` with the
        explained variance of a PCA plane, ``Hessian 1 (λ = 12.3)`` with the eigenvalue of a
        Hessian plane, ``random direction 1`` on a random plane."""
        if self.explained_variance is not None:
            return tuple(f"PCA {k} ({100 * ratio:.1f} %)"
                         for k, ratio in enumerate(self.explained_variance, 1))
        if self.eigenvalues is not None:
            return tuple(f"Hessian {k} (λ = {value:.4g})"
                         for k, value in enumerate(self.eigenvalues, 1))
        return ("random direction 1", "random direction 2")

    def describe(self) -> str:
        """One line for a status bar: the method and its numbers."""
        if self.explained_variance is not None:
            first, second = self.explained_variance
            return f"PCA plane: explained variance {first:.1%} + {second:.1%}"
        if self.eigenvalues is not None:
            return (f"Hessian plane: eigenvalues {self.eigenvalues[0]:.4g}, "
                    f"{self.eigenvalues[1]:.4g}")
        if self.method == "checkpoints":
            return "plane through checkpoints A (0, 0), B (1, 0), C (0, 1)"
        return "filter-normalized random plane"


def pca_plane(trajectories: Sequence[np.ndarray], origin: np.ndarray) -> Plane:
    """The PCA plane of ``trajectories`` (each ``(n_i, P)``) through ``origin``."""
    rows = np.concatenate([np.atleast_2d(t) for t in trajectories], axis=0) - origin
    rows = rows[np.all(np.isfinite(rows), axis=1) & np.any(rows != 0.0, axis=1)]
    if rows.shape[0] < 2:
        raise LandscapeError("a PCA plane needs a trajectory of at least two distinct points; "
                             "run more steps or choose random or hessian directions")
    _, singular, vt = np.linalg.svd(rows, full_matrices=False)
    energy = singular**2
    ratios = energy / energy.sum()
    d2 = vt[1] if vt.shape[0] > 1 else _orthogonal_unit(vt[0])
    second = float(ratios[1]) if ratios.size > 1 else 0.0
    return Plane(np.asarray(origin, dtype=float).copy(), vt[0].copy(), d2.copy(), "pca",
                 explained_variance=(float(ratios[0]), second))


def _orthogonal_unit(vector: np.ndarray) -> np.ndarray:
    """Some unit vector orthogonal to ``vector`` (when a trajectory spans one direction)."""
    candidate = np.zeros_like(vector)
    candidate[int(np.argmin(np.abs(vector)))] = 1.0
    candidate -= candidate.dot(vector) * vector
    return candidate / np.linalg.norm(candidate)


def filter_normalized_direction(objective: NetworkObjective, origin: np.ndarray,
                                rng: np.random.Generator) -> np.ndarray:
    """A Gaussian direction with every weight row rescaled to the norm of θ₀'s row; biases 0."""
    direction = rng.standard_normal(objective.dim)
    for block in objective.blocks:
        if len(block.shape) == 1:
            direction[block.offset:block.stop] = 0.0
            continue
        rows = direction[block.offset:block.stop].reshape(block.shape)
        weight_rows = origin[block.offset:block.stop].reshape(block.shape)
        scale = np.linalg.norm(weight_rows, axis=1) / np.linalg.norm(rows, axis=1)
        direction[block.offset:block.stop] = (rows * scale[:, None]).ravel()
    return direction


def random_plane(objective: NetworkObjective, origin: np.ndarray, seed: int = 0) -> Plane:
    """Two filter-normalized random directions at ``origin`` (reproducible from ``seed``)."""
    rng = np.random.default_rng(seed)
    d1 = filter_normalized_direction(objective, origin, rng)
    d2 = filter_normalized_direction(objective, origin, rng)
    return Plane(np.asarray(origin, dtype=float).copy(), d1, d2, "random")


def hessian_plane(objective: NetworkObjective, origin: np.ndarray, seed: int = 0) -> Plane:
    """The eigenvectors of the two largest Hessian eigenvalues at ``origin`` (Lanczos).

    Each matvec is one Hessian-vector product ``∇(∇f(θ₀) · v)``, from a gradient graph built
    once. For fewer than 3 parameters ARPACK cannot run; the tiny Hessian is formed densely.
    """
    theta = objective.as_tensor(origin).detach().clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(objective.evaluate(theta), theta, create_graph=True)

    def matvec(vector: np.ndarray) -> np.ndarray:
        v = objective.as_tensor(np.asarray(vector, dtype=float).reshape(-1))
        (product,) = torch.autograd.grad(gradient, theta, grad_outputs=v, retain_graph=True)
        return product.detach().cpu().numpy().astype(float)

    dim = objective.dim
    if dim < 3:
        dense = np.stack([matvec(column) for column in np.eye(dim)], axis=1)
        values, vectors = np.linalg.eigh((dense + dense.T) / 2.0)
    else:
        operator = LinearOperator((dim, dim), matvec=matvec, dtype=float)
        start = np.random.default_rng(seed).standard_normal(dim)
        try:
            values, vectors = eigsh(operator, k=2, which="LA", v0=start,
                                    maxiter=max(1000, 20 * dim), tol=1e-10)
        except ArpackNoConvergence as error:
            raise LandscapeError("the Hessian eigenvectors did not converge; "
                                 "choose pca or random directions") from error
    order = np.argsort(values)[::-1][:2]
    first, second = vectors[:, order[0]], vectors[:, order[1]]
    return Plane(np.asarray(origin, dtype=float).copy(), first, second, "hessian",
                 eigenvalues=(float(values[order[0]]), float(values[order[1]])))


def make_plane(objective: NetworkObjective, method: str,
               trajectories: Sequence[np.ndarray] | None = None,
               origin: np.ndarray | None = None, seed: int = 0) -> Plane:
    """The plane of ``method`` (``pca``, ``random`` or ``hessian``) for ``objective``.

    Parameters
    ----------
    objective : NetworkObjective
    method : str
        A key of :data:`DIRECTION_METHODS`.
    trajectories : sequence of (n_i, P) arrays, optional
        The optimizers' paths; ``pca`` needs them (one for a per-optimizer plane, all lanes for
        a shared one).
    origin : (P,) array, optional
        θ₀. Default: the last point of the first trajectory (pass the best lane's final point
        for a race), or the objective's start when there are no trajectories.
    seed : int
        Seeds the random directions and the Lanczos start vector.
    """
    if method not in DIRECTION_METHODS:
        raise LandscapeError(f"unknown directions {method!r}; choose one of "
                             f"{', '.join(DIRECTION_METHODS)}")
    if origin is None:
        origin = (np.atleast_2d(trajectories[0])[-1] if trajectories
                  else objective.initial_parameters())
    origin = np.asarray(origin, dtype=float)
    if method == "pca":
        if not trajectories:
            raise LandscapeError("PCA directions need at least one trajectory")
        return pca_plane(trajectories, origin)
    if method == "random":
        return random_plane(objective, origin, seed)
    return hessian_plane(objective, origin, seed)
