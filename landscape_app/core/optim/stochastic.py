"""Where a gradient lane's gradients come from: exact, noisy, or from minibatches.

:class:`~landscape_app.core.optim.torch_based.TorchOptimizer` asks its source for two things:
the *true* loss and gradient at the current θ (what the record, the trail and the convergence
test use), and the value of the ``torch.optim`` closure (what the update uses).

- :class:`ExactGradients` (the default): both are f and ∇f at θ, evaluated once per step.
- :class:`NoisyGradients` (``grad_noise`` σ > 0, function landscapes): the closure's gradient is
  ∇f(θ) + σ ξ, ξ ~ N(0, I) drawn from ``torch.Generator().manual_seed(seed)`` (float64 on the
  CPU, then cast), a fresh ξ at every call (Heun's second call gets its own).
- :class:`MinibatchGradients` (``batch_size`` B > 0, network landscapes): each step draws the
  next batch of ``DataLoader(TensorDataset(inputs, targets), batch_size=B, shuffle=True,
  generator=torch.Generator().manual_seed(seed))``, a new iterator whenever an epoch ends,
  and the closure is that batch's mean loss (every closure call of one step on the same
  batch). The true loss and gradient are the full data set's, evaluated for the record and
  not counted as the optimizer's work: ``evals``/``grad_evals`` count batch evaluations.

The rules are :mod:`landscape_app.core.catalogue.stochastic_checks`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch
from torch.utils.data import DataLoader, TensorDataset

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.catalogue.stochastic_checks import check_lane_landscape
from landscape_app.core.objective import Problem


class ExactGradients:
    """f and ∇f at θ: the closure reuses the true evaluation of the current point."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.batch_loss: float | None = None

    def begin_step(self) -> None:
        """Prepare the gradients of the next step (nothing to do for exact ones)."""

    def true_loss(self, param: torch.Tensor) -> torch.Tensor:
        """f(θ), with ∇f(θ) left in ``param.grad`` (counted as one evaluation)."""
        return self.problem.backward_at(param)

    def closure(self, param: torch.Tensor, cached: torch.Tensor | None) -> torch.Tensor:
        """The loss the update sees, with its gradient in ``param.grad``.

        ``cached`` is the true loss at θ when ``param.grad`` still holds its gradient (the
        first call of a step), else None.
        """
        return cached if cached is not None else self.problem.backward_at(param)


class NoisyGradients(ExactGradients):
    """∇f + σξ, ξ ~ N(0, I) from a generator seeded by the race seed."""

    def __init__(self, problem: Problem, sigma: float, seed: int):
        super().__init__(problem)
        self.sigma = float(sigma)
        self.generator = torch.Generator().manual_seed(int(seed))

    def closure(self, param: torch.Tensor, cached: torch.Tensor | None) -> torch.Tensor:
        loss = super().closure(param, cached)
        xi = torch.randn(param.shape, generator=self.generator, dtype=torch.float64)
        with torch.no_grad():
            param.grad.add_(xi.to(dtype=param.dtype, device=param.device), alpha=self.sigma)
        return loss


class MinibatchGradients(ExactGradients):
    """One optimizer step per batch of a shuffled, seeded ``DataLoader``."""

    def __init__(self, problem: Problem, batch_size: int, seed: int):
        super().__init__(problem)
        self.objective = problem.objective
        inputs, targets = self.objective.training_data
        self.loader = DataLoader(TensorDataset(inputs, targets), batch_size=int(batch_size),
                                 shuffle=True, drop_last=False,
                                 generator=torch.Generator().manual_seed(int(seed)))
        self._batches: Iterator | None = None
        self._batch: tuple[torch.Tensor, torch.Tensor] | None = None

    def begin_step(self) -> None:
        """Draw the next batch (a new epoch's iterator when the last one is used up)."""
        batch = next(self._batches, None) if self._batches is not None else None
        if batch is None:
            self._batches = iter(self.loader)
            batch = next(self._batches)
        self._batch = batch
        self.batch_loss = None

    def true_loss(self, param: torch.Tensor) -> torch.Tensor:
        """The full data set's loss, with its gradient in ``param.grad`` (not counted)."""
        self.problem._check()
        param.grad = None
        value = self.objective.evaluate(param)
        value.backward()
        return value.detach()

    def closure(self, param: torch.Tensor, cached: torch.Tensor | None) -> torch.Tensor:
        self.problem._check()
        inputs, targets = self._batch
        param.grad = None
        value = self.objective.batch_loss(param, inputs, targets)
        value.backward()
        self.problem.evals += 1
        self.problem.grad_evals += 1
        if self.batch_loss is None:
            self.batch_loss = float(value.detach())
        return value.detach()


def gradient_source(problem: Problem, hyper: dict[str, Any], seed: int,
                    optimizer_id: str) -> ExactGradients:
    """The gradients ``hyper`` asks for on ``problem``'s landscape.

    Raises
    ------
    HyperparameterError
        ``batch_size`` on a landscape without a data set or larger than it, ``grad_noise`` on
        a network.
    """
    objective = problem.objective
    data = getattr(objective, "training_data", None)
    samples = None if data is None else int(data[0].shape[0])
    check_lane_landscape(optimizer_id, hyper,
                         LandscapeKind.NETWORK if data is not None else LandscapeKind.FUNCTION,
                         samples)
    if hyper.get("batch_size", 0):
        return MinibatchGradients(problem, hyper["batch_size"], seed)
    if hyper.get("grad_noise", 0.0):
        return NoisyGradients(problem, hyper["grad_noise"], seed)
    return ExactGradients(problem)
