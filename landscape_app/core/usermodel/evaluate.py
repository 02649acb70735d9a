"""The loss of a user's model at points θ(α, β) = θ₀ + α d₁ + β d₂ of a plane.

The value at a point is the loss averaged over the whole data set: each batch's mean loss
weighted by its size, summed in float64 and divided by the number of samples, with the model
in eval mode (BatchNorm's running statistics, no dropout) under ``torch.no_grad``.

Two ways to compute it, with the same points θ (formed in float64, then cast to the model's
dtype) and the same per-batch arithmetic:

- **batched**: ``torch.func.vmap`` over the points of a chunk of a ``functional_call`` of the
  module with the point's parameters (buffers shared), one forward per batch for all points;
- **pointwise**: one point at a time — a private copy of the model with θ copied into its
  parameters (:mod:`~landscape_app.core.usermodel.inplace`: exactly the plain loop's
  arithmetic, the batches fused into one forward where that gives the same outputs), else one
  ``functional_call`` per batch — also for models ``vmap`` cannot run (in-place buffer
  updates, data-dependent control flow, ``.item()``).

:meth:`PlaneLoss.choose_mode` tries the batched way on two points and keeps it as a candidate
only when it runs and agrees with the pointwise one within :meth:`PlaneLoss.tolerance`; then it
*times* both ways on the first points (vmap chunks of 4, 16, 64, … points against the
pointwise loop) and keeps the fastest, with its chunk size. The choice is fixed for the whole
grid (the manifest records it, so every process and every rerun uses it). Which way wins is a
matter of speed only: per point, the two agree within the derived tolerance, and the pointwise
way is bitwise the plain loop. Non-finite losses are kept as NaN.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import torch
from torch.func import functional_call, vmap

from landscape_app.core.fallback import points_per_chunk
from landscape_app.core.usermodel.contract import UserModel, batch_size, describe_error, problem
from landscape_app.core.usermodel.inplace import InPlaceModel

BATCHED, POINTWISE = "batched", "pointwise"
#: Growth factor of the batched/pointwise agreement (see :meth:`PlaneLoss.tolerance`).
GROWTH = 4
#: Grid points per chunk in the pointwise way when it is not timed (a chunk is the unit of
#: work and of the files the work directory keeps: one point per chunk would write, and
#: fsync, a file per point).
POINTWISE_CHUNK = 32
#: A timed pointwise chunk takes about this long: its file's write and fsync (~10 ms on a
#: busy disk) stay near a tenth of it, and a small grid still has chunks enough for every
#: worker (they take every k-th chunk). Within :data:`POINTWISE_LIMITS` points.
CHUNK_SECONDS = 0.1
POINTWISE_LIMITS = (8, 1024)
#: vmap chunk sizes the timing tries, in order, and the seconds it may spend in all.
TRIAL_SIZES = (4, 16, 64, 256)
TRIAL_SECONDS = 0.6
#: Bytes of activations per chunk of grid points on a CPU (on a GPU, the fall-back's share of
#: the free memory), and the most points of a vmap chunk.
CPU_CHUNK_BYTES = 64 << 20
MOST_VMAP_POINTS = 256


class PlaneLoss:
    """Evaluates a :class:`UserModel`'s data-set loss at points of a plane."""

    def __init__(self, user: UserModel, origin: np.ndarray, d1: np.ndarray, d2: np.ndarray):
        self.user = user
        module = user.model
        self.parameters = dict(module.named_parameters())
        self.buffers = dict(module.named_buffers())
        first = next(iter(self.parameters.values()))
        self.device, self.dtype = first.device, first.dtype
        self.shapes = [(name, p.shape, p.numel()) for name, p in self.parameters.items()]
        self.origin = torch.as_tensor(origin, dtype=torch.float64, device=self.device)
        self.d1 = torch.as_tensor(d1, dtype=torch.float64, device=self.device)
        self.d2 = torch.as_tensor(d2, dtype=torch.float64, device=self.device)
        self.samples = user.samples

    def thetas(self, alphas: np.ndarray, betas: np.ndarray) -> torch.Tensor:
        """``(k, P)``: θ at each (α, β), in the model's dtype."""
        a = torch.as_tensor(np.asarray(alphas, dtype=float), device=self.device)[:, None]
        b = torch.as_tensor(np.asarray(betas, dtype=float), device=self.device)[:, None]
        return (self.origin + a * self.d1 + b * self.d2).to(self.dtype)

    def _batch_loss(self, theta: torch.Tensor, inputs, targets,
                    buffers: dict[str, torch.Tensor] | None = None) -> torch.Tensor:
        outputs = functional_call(
            self.user.model, {**unflatten(theta, self.shapes),
                              **(self.buffers if buffers is None else buffers)}, (inputs,))
        return self.user.loss(outputs, targets)

    def _average(self, per_batch: Callable[[object, torch.Tensor], torch.Tensor]) -> np.ndarray:
        total = None
        for inputs, targets in self.user.batches:
            losses = per_batch(inputs, targets).detach().to(torch.float64)
            term = losses * batch_size(targets)
            total = term if total is None else total + term
        values = (total / self.samples).cpu().numpy()
        values[~np.isfinite(values)] = np.nan
        return values

    @torch.no_grad()
    def pointwise(self, alphas: np.ndarray, betas: np.ndarray) -> np.ndarray:
        """The loss at each point, one point at a time."""
        return self._one_by_one(self.thetas(alphas, betas))

    def _checked(self, theta, inputs, targets, buffers=None) -> torch.Tensor:
        loss = self._batch_loss(theta, inputs, targets, buffers)
        if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
            shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
            raise problem(self.user.source, f"'loss' must return one number (the batch mean), "
                          f"got {shape}")
        return loss.reshape(1)

    def _functional(self, theta: torch.Tensor,
                    buffers: dict[str, torch.Tensor] | None = None) -> torch.Tensor:
        """``(1,)`` float64: the loss at one θ through ``functional_call`` (the reference),
        with the model's buffers or ``buffers``."""
        total = None
        for inputs, targets in self.user.batches:
            term = (self._checked(theta, inputs, targets, buffers).detach().to(torch.float64)
                    * batch_size(targets))
            total = term if total is None else total + term
        return total / self.samples

    def _one_by_one(self, thetas: torch.Tensor) -> np.ndarray:
        if not hasattr(self, "_inplace"):  # built on first use; None: functional_call
            self._inplace = InPlaceModel.build(self.user, thetas[0], self._functional)
        if self._inplace is None:
            values = torch.cat([self._functional(theta) for theta in thetas]).cpu().numpy()
        else:
            values = np.array([self._inplace.loss(theta) for theta in thetas], dtype=float)
        values[~np.isfinite(values)] = np.nan
        return values

    @torch.no_grad()
    def at(self, vectors: np.ndarray) -> np.ndarray:
        """The loss at arbitrary flat parameter vectors ``(n, P)``, one at a time."""
        vectors = torch.as_tensor(np.atleast_2d(vectors), dtype=torch.float64,
                                  device=self.device)
        return self._one_by_one(vectors.to(self.dtype))

    @torch.no_grad()
    def batched(self, alphas: np.ndarray, betas: np.ndarray) -> np.ndarray:
        """The loss at each point, all points of the chunk in one vmapped computation."""
        thetas = self.thetas(alphas, betas)
        mapped = vmap(self._batch_loss, in_dims=(0, None, None))
        return self._average(lambda inputs, targets: mapped(thetas, inputs, targets).reshape(-1))

    @torch.no_grad()
    def of_states(self, thetas: torch.Tensor, buffers: dict[str, torch.Tensor],
                  mode: str) -> np.ndarray:
        """The loss of ``k`` copies of the model, each with its own parameters (rows of
        ``thetas``, ``(k, P)``) and buffers (``buffers[name]``, ``(k, …)``: the BatchNorm
        statistics of a trained copy): all copies in one vmapped computation (``mode``
        :data:`BATCHED`), else one ``functional_call`` per copy and batch."""
        if mode == BATCHED:
            mapped = vmap(self._batch_loss, in_dims=(0, None, None, 0))
            return self._average(
                lambda inputs, targets: mapped(thetas, inputs, targets, buffers).reshape(-1))
        values = torch.cat([self._functional(theta, {name: value[row] for name, value
                                                     in buffers.items()})
                            for row, theta in enumerate(thetas)]).cpu().numpy()
        values[~np.isfinite(values)] = np.nan
        return values

    def evaluate(self, mode: str, alphas: np.ndarray, betas: np.ndarray) -> np.ndarray:
        """The loss at each (α, β), by ``mode`` (:data:`BATCHED` or :data:`POINTWISE`)."""
        return (self.batched if mode == BATCHED else self.pointwise)(alphas, betas)

    def check_origin(self) -> float:
        """The loss at θ₀, pointwise; a model that raises on forward is a clear error."""
        from landscape_app.core.errors import LandscapeError

        try:
            return float(self.pointwise(np.zeros(1), np.zeros(1))[0])
        except LandscapeError:
            raise
        except Exception as error:  # noqa: BLE001 - the user's model may raise anything
            raise problem(self.user.source, "the model (or its loss) raised on forward: "
                          f"{describe_error(error, self.user.source.path)}") from None

    def tolerance(self) -> float:
        """Relative (and absolute) agreement of the batched way with the pointwise one.

        The two differ only in the order of floating-point sums: a sum of K terms is off by at
        most K·ε of its terms' magnitude, and the errors of successive layers add, so the
        bound is ε(dtype) × Σ fan-in (the inputs each weight tensor's output sums over:
        numel / first dimension) × :data:`GROWTH` (4: the loss's log-sum-exp, the batch mean
        and the weighted average over batches each add a few roundings).
        """
        fan_in = sum(p.numel() // p.shape[0] for p in self.parameters.values() if p.ndim > 1)
        return float(torch.finfo(self.dtype).eps) * max(1, fan_in) * GROWTH

    def choose_mode(self) -> str:
        """The faster of the ways that run and agree, timed on the first points.

        The batched way is a candidate when vmap runs the model and agrees with the pointwise
        way within :meth:`tolerance`; the timing then picks it (with the chunk size
        :meth:`chunk_points` returns) only when it beats one point at a time.
        """
        alphas, betas = np.array([0.25, -0.5]), np.array([-0.5, 0.25])
        single = self.pointwise(alphas, betas)
        pointwise = self._time_per_point(self.pointwise, 8)
        low, high = POINTWISE_LIMITS
        self._tuned = {POINTWISE: int(min(high, max(low, CHUNK_SECONDS // max(pointwise, 1e-9))))}
        try:
            batched = self.batched(alphas, betas)
        except Exception:  # noqa: BLE001 - anything vmap cannot do means: one at a time
            return POINTWISE
        tolerance = self.tolerance()
        if not np.allclose(batched, single, rtol=tolerance, atol=tolerance, equal_nan=True):
            return POINTWISE
        size = self._time_batched(pointwise)
        if size is None:
            return POINTWISE
        self._tuned[BATCHED] = size
        return BATCHED

    def _time_per_point(self, way, count: int) -> float:
        alphas = np.linspace(-1.0, 1.0, count)
        started = time.perf_counter()
        way(alphas, -alphas)
        return (time.perf_counter() - started) / count

    def _time_batched(self, pointwise: float) -> int | None:
        """The vmap chunk size that beats ``pointwise`` seconds per point by the most."""
        cap = self._memory_chunk()
        sizes = [size for size in TRIAL_SIZES if size <= cap] or [cap]
        deadline = time.perf_counter() + TRIAL_SECONDS
        return fastest_chunk(pointwise, sizes,
                             lambda size: self._time_per_point(self.batched, size),
                             lambda: time.perf_counter() > deadline)

    @torch.no_grad()
    def bytes_per_point(self) -> int:
        """Bytes of the module's outputs (every submodule's) on the largest batch, per point."""
        total = 0

        def count(_module, _inputs, output):
            nonlocal total
            if isinstance(output, torch.Tensor):
                total += output.numel() * output.element_size()

        largest = max(self.user.batches, key=lambda batch: batch_size(batch[1]))
        handles = [m.register_forward_hook(count) for m in self.user.model.modules()]
        try:
            self.user.model(largest[0])
        finally:
            for handle in handles:
                handle.remove()
        return max(1, total + 4 * self.origin.numel())

    def _memory_chunk(self) -> int:
        return points_per_chunk(self.device, self.bytes_per_point(), MOST_VMAP_POINTS,
                                CPU_CHUNK_BYTES)

    def chunk_points(self, mode: str) -> int:
        """Grid points per chunk: as :meth:`choose_mode` timed it (pointwise: about
        :data:`CHUNK_SECONDS` of work); else pointwise :data:`POINTWISE_CHUNK`, batched as
        many as fit the memory budget."""
        tuned = getattr(self, "_tuned", {})
        if mode in tuned:
            return tuned[mode]
        return POINTWISE_CHUNK if mode == POINTWISE else self._memory_chunk()


def unflatten(theta: torch.Tensor, shapes) -> dict[str, torch.Tensor]:
    """The named parameter tensors that the flat vector ``theta`` holds, in the order of
    ``shapes`` (``(name, shape, numel)`` each): views, no copies."""
    tensors, offset = {}, 0
    for name, shape, count in shapes:
        tensors[name] = theta[offset:offset + count].view(shape)
        offset += count
    return tensors


def fastest_chunk(pointwise: float, sizes: list[int], per_point: Callable[[int], float],
                  out_of_time: Callable[[], bool]) -> int | None:
    """The chunk size whose ``per_point(size)`` seconds beat ``pointwise`` by the most.

    Sizes are tried in increasing order and the trial stops at the first size slower than
    the one before (past the sweet spot: vmap's cost per point falls with the chunk until
    the chunk's activations leave the cache) or once ``out_of_time()``. ``None``: no chunk
    size beat one point at a time.
    """
    best, best_size, last = pointwise, None, float("inf")
    for size in sizes:
        seconds = per_point(size)
        if seconds < best:
            best, best_size = seconds, size
        if seconds > last or out_of_time():
            break
        last = seconds
    return best_size
