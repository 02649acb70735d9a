"""The gradients a map's rows step on: exact, noisy, or one minibatch per step.

A map cell is a single run (:mod:`landscape_app.core.optim.stochastic`) with the map's seed,
so every row draws what that run draws:

- gradient noise: one ξ ~ N(0, I) of ``torch.Generator().manual_seed(seed)`` per closure call
  (float64 on the CPU, then cast), shared by every row and scaled by each row's σ (a float,
  or a float64 column ``(N, 1)`` when σ is swept);
- minibatches: the next batch of ``DataLoader(TensorDataset(inputs, targets), batch_size=B,
  shuffle=True, generator=torch.Generator().manual_seed(seed))``, the same batch for every row
  of one batch size (a swept batch size runs each value's rows as a group of their own).

The loss after each step, which the tracker judges, is the true (full-data) loss.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import torch
from torch.utils.data import DataLoader, TensorDataset

from landscape_app.core.maps.one_row import one_row, row_value_and_grad

Evaluate = Callable[[torch.Tensor], torch.Tensor]


class ClosedFormRows:
    """A landscape's ``evaluate`` that also gives the rows' gradient in closed form
    (:meth:`~landscape_app.core.functions.function2d.Function2D.value_and_grad`: autograd's
    operations written out, so bit for bit its gradient, without building a graph); one
    float64 row (a drag preview's) in Python numbers (:mod:`.one_row`: the same bits)."""

    def __init__(self, objective):
        self.objective = objective

    def __call__(self, points: torch.Tensor) -> torch.Tensor:
        return self.objective.evaluate(points)

    def value_and_grad(self, points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if one_row(points):
            return row_value_and_grad(self.objective.value_and_gradient, points)
        return self.objective.value_and_grad(points)


def rows_evaluate(objective) -> Evaluate:
    """What evaluates a 2D landscape's rows: with the closed-form gradient where the catalogue
    has one, else ``objective.evaluate`` (autograd differentiates it)."""
    if getattr(objective, "value_and_gradient", None) is not None:
        return ClosedFormRows(objective)
    return objective.evaluate


def evaluate_rows(evaluate: Evaluate, param: torch.Tensor) -> torch.Tensor:
    """The loss of every row of the leaf ``param`` ``(N, P)``; fills ``param.grad``.

    The rows' losses are independent, so the gradient of their sum is every row's gradient
    (autograd's, or the same numbers in closed form: :class:`ClosedFormRows`).
    """
    closed_form = getattr(evaluate, "value_and_grad", None)
    if closed_form is not None:
        value, param.grad = closed_form(param.detach())
        return value
    param.grad = None
    with torch.enable_grad():
        value = evaluate(param)
        value.sum().backward()
    return value.detach()


class RowGradients:
    """Exact gradients: the closure reuses the true evaluation of the rows.

    ``true_cost``: evaluations a single run counts for the true loss after each step (and at
    the start) — 1, or 0 with minibatches, whose runs count batch evaluations only.
    """

    true_cost = 1

    def __init__(self, evaluate: Evaluate):
        self.evaluate = evaluate

    def closure_cost(self, cached: torch.Tensor | None) -> int:
        """Evaluations a single run counts for a closure call (a reused true loss: none)."""
        return 0 if cached is not None else 1

    def begin_step(self) -> None:
        """Prepare the next step's gradients (nothing for exact ones)."""

    def closure(self, param: torch.Tensor, cached: torch.Tensor | None) -> torch.Tensor:
        """The rows' loss the update sees, gradients in ``param.grad`` (``cached``: the true
        loss at the rows while ``param.grad`` still holds its gradient)."""
        return cached if cached is not None else evaluate_rows(self.evaluate, param)

    def keep(self, index: torch.Tensor) -> None:
        """Go on with the rows ``index`` alone (the draws are shared by every row)."""


class NoisyRowGradients(RowGradients):
    """∇f + σξ: one ξ per call from the seeded generator, for every row."""

    def __init__(self, evaluate: Evaluate, sigma, seed: int):
        super().__init__(evaluate)
        self.sigma = sigma
        self.generator = torch.Generator().manual_seed(int(seed))

    def keep(self, index):
        if isinstance(self.sigma, torch.Tensor):
            self.sigma = self.sigma[index]

    def closure(self, param, cached):
        loss = super().closure(param, cached)
        xi = torch.randn(param.shape[-1], generator=self.generator, dtype=torch.float64)
        xi = xi.to(dtype=param.dtype, device=param.device)
        with torch.no_grad():
            if isinstance(self.sigma, torch.Tensor):
                param.grad.add_(self.sigma.to(param.dtype) * xi)
            else:
                param.grad.add_(xi, alpha=float(self.sigma))
        return loss


class MinibatchRowGradients(RowGradients):
    """Each step one batch of the seeded, shuffled ``DataLoader``, for every row."""

    true_cost = 0

    def __init__(self, evaluate: Evaluate, batch_evaluator: Callable[..., Evaluate],
                 data: tuple[torch.Tensor, torch.Tensor], batch_size: int, seed: int):
        super().__init__(evaluate)
        self.batch_evaluator = batch_evaluator
        self.loader = DataLoader(TensorDataset(*data), batch_size=int(batch_size), shuffle=True,
                                 drop_last=False,
                                 generator=torch.Generator().manual_seed(int(seed)))
        self._batches: Iterator | None = None
        self._evaluate_batch: Evaluate | None = None

    def begin_step(self) -> None:
        batch = next(self._batches, None) if self._batches is not None else None
        if batch is None:
            self._batches = iter(self.loader)
            batch = next(self._batches)
        self._evaluate_batch = self.batch_evaluator(*batch)

    def closure(self, param, cached):
        return evaluate_rows(self._evaluate_batch, param)

    def closure_cost(self, cached):
        return 1  # every call evaluates a batch


def row_gradients(evaluate: Evaluate, hyper: dict, seed: int, objective,
                  batch_evaluator: Callable[..., Evaluate] | None) -> RowGradients:
    """The gradients ``hyper`` asks for (its ``grad_noise`` may be a per-row column; its
    ``batch_size`` is one value for all the rows)."""
    batch = int(hyper.get("batch_size", 0) or 0)
    if batch:
        return MinibatchRowGradients(evaluate, batch_evaluator, objective.training_data, batch,
                                     seed)
    sigma = hyper.get("grad_noise", 0.0)
    if isinstance(sigma, torch.Tensor) or sigma:
        return NoisyRowGradients(evaluate, sigma, seed)
    return RowGradients(evaluate)
