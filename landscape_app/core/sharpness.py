"""Sharpness: the top eigenvalues of the loss Hessian at a point, exactly.

On a 2D landscape the Hessian is the dense 2×2 autograd Hessian and its eigenvalues come from
``torch.linalg.eigvalsh``. On a network (the loss over the flat parameter vector) the Hessian is
never formed: Lanczos iteration on Hessian-vector products (double backward through one forward
pass) with full reorthogonalization finds the ``k`` largest eigenvalues, warm-started from the
previous top eigenvector when there is one. With full reorthogonalization and as many steps as
dimensions, Lanczos is exact (up to rounding); it stops earlier once the Ritz residuals of the
top ``k`` are below :func:`tolerance` relative to the largest Ritz magnitude. For a symmetric
operator each Ritz value θ with residual r lies within ‖r‖ of an eigenvalue, so the reported
eigenvalues are then within that tolerance (relative to ‖H‖) of the true ones.

The *preconditioned* sharpness of an adaptive method is λ_max(P⁻¹H) with P = diag(p), p > 0,
computed as the top eigenvalue of the symmetric P^{-1/2} H P^{-1/2} (same spectrum).

The Hessian is always the objective's own loss: for a network that is the full-data loss, so a
minibatch lane is measured on the full data, not on its batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from landscape_app.core.errors import CancelledError
from landscape_app.core.progress import CancelPoll, StageProgress
from landscape_app.core.sharpness_reading import TOP_K

#: Lanczos steps at most (fewer when the dimension is smaller).
MAX_LANCZOS_STEPS = 80
#: Stop once every top-k Ritz residual is below this (float64), relative to the largest
#: |eigenvalue|; in float32, 64 machine epsilons (rounding makes smaller residuals unreachable).
LANCZOS_TOL = 1e-8
#: The share of a random vector mixed into a warm start.
WARM_MIX = 0.01
#: A Lanczos vector whose norm falls below this (relative) means the Krylov space is invariant.
BREAKDOWN = 1e-12


@dataclass(frozen=True)
class Spectrum:
    """The largest Hessian eigenvalues found (descending) and the top eigenvector."""

    eigenvalues: np.ndarray
    vector: np.ndarray | None

    @property
    def top(self) -> float:
        return float(self.eigenvalues[0])

    @property
    def negatives(self) -> int:
        """How many of the reported eigenvalues are negative (a saddle's index, up to k)."""
        return int(np.sum(self.eigenvalues < 0))


def dense_hessian(evaluate: Callable[[torch.Tensor], torch.Tensor],
                  x: torch.Tensor) -> torch.Tensor:
    """The exact Hessian of the scalar ``evaluate`` at ``x`` (autograd, dense)."""
    return torch.autograd.functional.hessian(evaluate, x.detach())


def hvp_operator(evaluate: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                 scale: torch.Tensor | None = None) -> Callable[[torch.Tensor], torch.Tensor]:
    """``v ↦ D H D v`` at ``x`` (D = diag(scale), identity when None) by double backward.

    One forward pass and one gradient graph are built here; each product is one more backward.
    """
    point = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(evaluate(point), point, create_graph=True)

    def apply(v: torch.Tensor) -> torch.Tensor:
        w = v if scale is None else v * scale
        (hv,) = torch.autograd.grad(grad, point, grad_outputs=w, retain_graph=True)
        return hv.detach() if scale is None else hv.detach() * scale

    return apply


def lanczos(apply: Callable[[torch.Tensor], torch.Tensor], dim: int, like: torch.Tensor,
            k: int = TOP_K, start: np.ndarray | None = None, seed: int = 0,
            progress: StageProgress | None = None,
            cancelled: CancelPoll | None = None) -> Spectrum:
    """The ``k`` largest eigenvalues of the symmetric operator ``apply`` (Lanczos, full
    reorthogonalization), and the top eigenvector; ``start`` warm-starts the first vector.
    ``progress("spectrum", j / steps)`` after each product; ``cancelled()`` is polled
    before each (raising :class:`~landscape_app.core.errors.CancelledError`)."""
    k = min(k, dim)
    steps = min(dim, max(MAX_LANCZOS_STEPS, k))
    generator = torch.Generator().manual_seed(seed)
    basis = torch.zeros((steps, dim), dtype=like.dtype, device=like.device)
    alphas, betas = [], []
    q = _first_vector(start, dim, like, generator)
    for j in range(steps):
        if cancelled is not None and cancelled():
            raise CancelledError("the eigenvalues were not computed: cancelled")
        basis[j] = q
        w = apply(q)
        if progress is not None:
            progress("spectrum", (j + 1) / steps)
        alphas.append(float(w @ q))
        w = w - basis[: j + 1].T @ (basis[: j + 1] @ w)  # full reorthogonalization (twice)
        w = w - basis[: j + 1].T @ (basis[: j + 1] @ w)
        beta = float(torch.linalg.vector_norm(w))
        if j + 1 == steps or _converged(alphas, betas, beta, k, tolerance(like.dtype)):
            break
        if beta <= BREAKDOWN * max(1.0, max(abs(a) for a in alphas)):
            w, beta = _restart(basis[: j + 1], dim, like, generator), 0.0
            q = w
        else:
            q = w / beta
        betas.append(beta)
    return _ritz(alphas, betas, basis[: len(alphas)], k)


def _first_vector(start, dim, like, generator) -> torch.Tensor:
    """The warm start (when given) plus a 1 % random part, so that an eigenvalue which has
    overtaken the previous top one is still in the Krylov space; else a random vector."""
    q = torch.randn(dim, generator=generator, dtype=like.dtype).to(like.device)
    q = q / torch.linalg.vector_norm(q)
    if start is not None and start.shape == (dim,) and np.linalg.norm(start) > 0:
        warm = torch.as_tensor(start, dtype=like.dtype, device=like.device)
        q = warm / torch.linalg.vector_norm(warm) + WARM_MIX * q
    return q / torch.linalg.vector_norm(q)


def _restart(basis, dim, like, generator) -> torch.Tensor:
    """A fresh unit vector orthogonal to the basis (the Krylov space was invariant)."""
    w = torch.randn(dim, generator=generator, dtype=like.dtype).to(like.device)
    for _ in range(2):
        w = w - basis.T @ (basis @ w)
    return w / torch.linalg.vector_norm(w)


def _tridiagonal_eigh(alphas, betas) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and eigenvectors of the Lanczos tridiagonal (LAPACK's
    tridiagonal solver: numpy's dense ``eigh`` spends milliseconds in threaded BLAS here)."""
    from scipy.linalg import eigh_tridiagonal

    diagonal = np.asarray(alphas, dtype=float)
    if diagonal.size == 1:
        return diagonal.copy(), np.ones((1, 1))
    return eigh_tridiagonal(diagonal, np.asarray(betas[: diagonal.size - 1], dtype=float))


def tolerance(dtype: torch.dtype) -> float:
    """The relative residual Lanczos stops at in ``dtype``."""
    return max(LANCZOS_TOL, 64 * torch.finfo(dtype).eps)


def _converged(alphas, betas, beta: float, k: int, tol: float) -> bool:
    """Whether the top ``k`` Ritz pairs of the current tridiagonal have residuals below tol."""
    m = len(alphas)
    if m < k or m % 5:
        return False
    values, vectors = _tridiagonal_eigh(alphas, betas)
    scale = max(float(np.max(np.abs(values))), np.finfo(float).tiny)
    residuals = np.abs(beta * vectors[-1, -k:])
    return bool(np.all(residuals <= tol * scale))


def _ritz(alphas, betas, basis: torch.Tensor, k: int) -> Spectrum:
    values, vectors = _tridiagonal_eigh(alphas, betas)
    top = values[::-1][:k]
    coefficients = torch.as_tensor(vectors[:, -1], dtype=basis.dtype, device=basis.device)
    vector = (basis.T @ coefficients).detach().cpu().numpy().astype(float)
    return Spectrum(np.asarray(top, dtype=float), vector)


def hessian_spectrum(evaluate: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                     k: int = TOP_K, start: np.ndarray | None = None,
                     scale: torch.Tensor | None = None,
                     progress: StageProgress | None = None,
                     cancelled: CancelPoll | None = None) -> Spectrum:
    """The top ``k`` eigenvalues of D H D at ``x`` (D = diag(scale) or I).

    Two dimensions: the dense autograd Hessian and ``eigvalsh`` (exact). More: :func:`lanczos`
    on Hessian-vector products, warm-started from ``start``, reporting ``progress`` and
    polling ``cancelled`` (see there).
    """
    x = x.detach()
    if x.numel() <= 2:
        h = dense_hessian(evaluate, x)
        if scale is not None:
            h = scale[:, None] * h * scale[None, :]
        values, vectors = torch.linalg.eigh(h)
        return Spectrum(values.flip(0)[:k].cpu().numpy().astype(float),
                        vectors[:, -1].cpu().numpy().astype(float))
    return lanczos(hvp_operator(evaluate, x, scale), x.numel(), x, k, start,
                   progress=progress, cancelled=cancelled)
