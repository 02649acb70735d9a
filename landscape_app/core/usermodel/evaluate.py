"""The loss of a user's model at points θ(α, β) = θ₀ + α d₁ + β d₂ of a plane.

The value at a point is the loss averaged over the whole data set: each batch's mean loss
weighted by its size, summed in float64 and divided by the number of samples, with the model
in eval mode (BatchNorm's running statistics, no dropout) under ``torch.no_grad``.

Two ways to compute it, with the same points θ (formed in float64, then cast to the model's
dtype) and the same per-batch arithmetic:

- **batched**: ``torch.func.vmap`` over the points of a chunk of a ``functional_call`` of the
  module with the point's parameters (buffers shared), one forward per batch for all points;
- **pointwise**: one ``functional_call`` per point, for models ``vmap`` cannot run (in-place
  buffer updates, data-dependent control flow, ``.item()``).

:func:`choose_mode` tries the batched way on two points and keeps it only when it runs and
agrees with the pointwise one; the choice is then fixed for the whole grid (and every process).
Non-finite losses are kept as NaN.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch.func import functional_call, vmap

from landscape_app.core.fallback import free_bytes
from landscape_app.core.usermodel.contract import UserModel, batch_size, describe_error, problem

BATCHED, POINTWISE = "batched", "pointwise"
#: Relative agreement the batched way must reach against the pointwise one to be used.
AGREEMENT = 1e-4
#: Bytes of activations per chunk of grid points on a CPU.
CPU_CHUNK_BYTES = 64 << 20
#: Fraction of the free GPU memory a chunk's activations may use.
GPU_MEMORY_FRACTION = 0.25


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

    def _unflatten(self, theta: torch.Tensor) -> dict[str, torch.Tensor]:
        tensors, offset = {}, 0
        for name, shape, count in self.shapes:
            tensors[name] = theta[offset:offset + count].view(shape)
            offset += count
        return tensors

    def _batch_loss(self, theta: torch.Tensor, inputs, targets) -> torch.Tensor:
        outputs = functional_call(self.user.model, {**self._unflatten(theta), **self.buffers},
                                  (inputs,))
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
        out = np.empty(len(alphas))
        for index, theta in enumerate(self.thetas(alphas, betas)):
            out[index] = self._average(
                lambda inputs, targets, theta=theta: self._checked(theta, inputs, targets))[0]
        return out

    def _checked(self, theta, inputs, targets) -> torch.Tensor:
        loss = self._batch_loss(theta, inputs, targets)
        if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
            shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
            raise problem(self.user.source, f"'loss' must return one number (the batch mean), "
                          f"got {shape}")
        return loss.reshape(1)

    @torch.no_grad()
    def at(self, vectors: np.ndarray) -> np.ndarray:
        """The loss at arbitrary flat parameter vectors ``(n, P)``, one at a time."""
        out = np.empty(len(vectors))
        for index, vector in enumerate(np.atleast_2d(vectors)):
            theta = torch.as_tensor(vector, dtype=torch.float64, device=self.device)
            theta = theta.to(self.dtype)
            out[index] = self._average(
                lambda inputs, targets, theta=theta: self._checked(theta, inputs, targets))[0]
        return out

    @torch.no_grad()
    def batched(self, alphas: np.ndarray, betas: np.ndarray) -> np.ndarray:
        """The loss at each point, all points of the chunk in one vmapped computation."""
        thetas = self.thetas(alphas, betas)
        mapped = vmap(self._batch_loss, in_dims=(0, None, None))
        return self._average(lambda inputs, targets: mapped(thetas, inputs, targets).reshape(-1))

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

    def choose_mode(self) -> str:
        """:data:`BATCHED` when vmap runs the model and agrees with the pointwise way."""
        alphas, betas = np.array([0.25, -0.5]), np.array([-0.5, 0.25])
        try:
            batched = self.batched(alphas, betas)
        except Exception:  # noqa: BLE001 - anything vmap cannot do means: one at a time
            return POINTWISE
        single = self.pointwise(alphas, betas)
        same = np.allclose(batched, single, rtol=AGREEMENT, atol=AGREEMENT * 1e-3,
                           equal_nan=True)
        return BATCHED if same else POINTWISE

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

    def chunk_points(self, mode: str) -> int:
        """Grid points per chunk: one pointwise; batched, as many as fit the memory budget."""
        if mode == POINTWISE:
            return 1
        free = free_bytes(self.device)  # asks CUDA with an indexed device, as torch 2.4 requires
        budget = CPU_CHUNK_BYTES if free is None else GPU_MEMORY_FRACTION * free
        return int(max(1, min(256, budget // self.bytes_per_point())))
