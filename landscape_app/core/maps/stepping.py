"""Stepping a batch of runs: torch.optim itself (start maps) or per-cell rules (sweeps).

Both follow :class:`~landscape_app.core.optim.torch_based.TorchOptimizer` step for step: the
loss and gradient at the current rows are evaluated (one batched forward/backward), the
update is applied, the schedule advances, Lookahead pulls back every k-th step (its
:class:`~landscape_app.core.optim.lookahead.SlowWeights`, the single run's own), and the new
rows are evaluated. Rows never mix, so each row is its own run — and rows whose run has
stopped can leave the batch (:meth:`Stepper.keep`) with everything kept per row.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

import torch

from landscape_app.core.maps.direct_step import direct_step
from landscape_app.core.maps.rules import RULES
from landscape_app.core.maps.stochastic_rows import RowGradients, evaluate_rows
from landscape_app.core.optim.lookahead import Lookahead, SlowWeights
from landscape_app.core.optim.optimizer_base import Optimizer
from landscape_app.core.optim.schedules import build_scheduler


def _keep_state(state: dict, index: torch.Tensor) -> None:
    """An optimizer's per-parameter state, rows ``index`` only (its step count stays)."""
    for name, value in state.items():
        if isinstance(value, torch.Tensor) and value.dim():
            state[name] = value[index]


class Stepper(ABC):
    """One step of every row; ``loss`` is the loss at the rows before the step.

    ``evaluations`` counts the function evaluations of every row as its single run counts
    them (the same for every row here; a per-row tensor where rows differ, as Newton's).
    """

    def __init__(self, param: torch.Tensor, evaluate: Callable[[torch.Tensor], torch.Tensor],
                 gradients: RowGradients | None = None):
        self.param = param
        self.evaluate = evaluate
        self.gradients = RowGradients(evaluate) if gradients is None else gradients
        self.loss = evaluate_rows(evaluate, param)
        self.evaluations: int | torch.Tensor = self.gradients.true_cost

    def _closure(self) -> torch.Tensor:
        cached, self.loss = self.loss, None
        self.evaluations += self.gradients.closure_cost(cached)
        return self.gradients.closure(self.param, cached)

    def step(self) -> torch.Tensor:
        """Advance every row once; returns the true loss at the new rows (gradient filled)."""
        self.gradients.begin_step()
        self._update()
        self.loss = evaluate_rows(self.evaluate, self.param)
        self.evaluations += self.gradients.true_cost
        return self.loss

    @torch.no_grad()
    def keep(self, index: torch.Tensor) -> None:
        """Go on with the rows ``index`` alone: ``param`` (the same tensor object, so an
        optimizer holding it still does), its gradient, the loss and every per-row state."""
        self.param.data = self.param.data[index]
        if self.param.grad is not None:
            self.param.grad = self.param.grad[index]
        if self.loss is not None:
            self.loss = self.loss[index]
        self.gradients.keep(index)
        self._keep(index)

    @abstractmethod
    def _update(self) -> None:
        """Move ``param``'s rows one step (``param.grad`` holds their gradient)."""

    @abstractmethod
    def _keep(self, index: torch.Tensor) -> None:
        """Keep the stepper's own per-row state of the rows ``index``."""


#: Where torch.optim's fused kernels exist for SGD, Adam, AdamW and Adagrad alike (torch
#: checks the device only at the first step, and MPS lacks some of them).
FUSED_DEVICES = ("cpu", "cuda")


class TorchStepper(Stepper):
    """torch.optim itself on the stacked rows, built by the app's optimizer class — with
    ``fused``, its fused implementation on :data:`FUSED_DEVICES` (one pass over the rows
    instead of one per operation; the same arithmetic within the exactness tests' bound),
    else the single run's single-tensor code — after the first step called directly where
    that is all ``step`` does (:mod:`.direct_step`: the same code, without the wrapper that
    costs as much on a preview's single row)."""

    def __init__(self, optimizer: Optimizer, param, evaluate, gradients=None, fused=True):
        super().__init__(param, evaluate, gradients)
        fused = fused and param.device.type in FUSED_DEVICES
        self.torch_optimizer = optimizer.make_torch_optimizer([param], fused=fused)
        if not fused and param.device.type == "cpu":
            for group in self.torch_optimizer.param_groups:  # what torch picks on the CPU
                if "foreach" in group and group["foreach"] is None:  # decided once, not
                    group["foreach"] = False                      # again at every step
        self.scheduler = build_scheduler(self.torch_optimizer, optimizer.hyper)
        self.pull = None
        if isinstance(optimizer, Lookahead):
            h = optimizer.hyper
            self.pull = SlowWeights(param, h["lookahead_k"], h["lookahead_alpha"])
        self.steps_with = None  # after the first step: how the others are taken

    def _update(self) -> None:
        if self.steps_with is None:
            self.torch_optimizer.step(self._closure)  # creates the optimizer's state
            self.steps_with = (direct_step(self.torch_optimizer, self.param)
                               or self.torch_optimizer.step)
        else:
            self.steps_with(self._closure)
        if self.scheduler is not None:
            self.scheduler.step()
        if self.pull is not None:
            self.pull.after_step(self.param)

    def _keep(self, index):
        _keep_state(self.torch_optimizer.state[self.param], index)
        if self.pull is not None:
            self.pull.keep(index)


class _LearningRates:
    """The scheduled learning rate of every cell: torch's scheduler on one group per value."""

    def __init__(self, lr, hyper: dict):
        self.lr = lr
        constant = hyper["schedule"] == "constant" and hyper["warmup"] == 0
        self.scheduler = None
        if constant:
            return
        base = lr if isinstance(lr, torch.Tensor) else torch.tensor([lr], dtype=torch.float64)
        values, self.inverse = torch.unique(base.cpu(), return_inverse=True)
        self.shape, self.device = base.shape, base.device
        groups = [{"params": [torch.zeros(1, requires_grad=True)], "lr": float(v)}
                  for v in values]
        self.dummy = torch.optim.SGD(groups, lr=float(values[0]))
        self.scheduler = build_scheduler(self.dummy, hyper)
        self.scalar = not isinstance(lr, torch.Tensor)
        self._read()

    def _read(self) -> None:
        current = torch.tensor([g["lr"] for g in self.dummy.param_groups], dtype=torch.float64)
        if self.scalar:
            self.lr = float(current[0])
        else:
            self.lr = current[self.inverse].reshape(self.shape).to(self.device)

    def keep(self, index: torch.Tensor) -> None:
        if isinstance(self.lr, torch.Tensor):
            self.lr = self.lr[index]
        if self.scheduler is not None and not self.scalar:
            self.inverse = self.inverse[index.cpu()]  # shaped like the rates
            self.shape = self.inverse.shape

    def advance(self) -> None:
        if self.scheduler is not None:
            self.dummy.step()
            self.scheduler.step()
            self._read()


class RuleStepper(Stepper):
    """Per-cell hyperparameters: the rule of :mod:`.rules` with tensor-valued settings.

    ``hyper`` is the optimizer's validated settings with the swept ones replaced by float64
    tensors ``(N, 1)`` (or ``(N, P)`` for per-layer learning rates).
    """

    def __init__(self, optimizer: Optimizer, hyper: dict, param, evaluate, gradients=None):
        super().__init__(param, evaluate, gradients)
        inner = optimizer.inner if isinstance(optimizer, Lookahead) else optimizer
        self.rule = RULES[inner.record.map_rule]()
        self.hyper = hyper
        self.state: dict = {}
        self.rates = _LearningRates(hyper["lr"], hyper)
        self.pull = None
        if isinstance(optimizer, Lookahead):
            self.pull = SlowWeights(param, hyper["lookahead_k"], hyper["lookahead_alpha"])

    @torch.no_grad()
    def _update(self) -> None:
        self._closure()  # consumed as torch.optim's closure would (the step's gradient)
        grad = self.param.grad
        self.rule.step(self.param, grad, self.state, self.hyper, self.rates.lr, self._closure)
        self.rates.advance()
        if self.pull is not None:
            self.pull.after_step(self.param)

    def _keep(self, index):
        self.hyper = {name: value[index] if isinstance(value, torch.Tensor) else value
                      for name, value in self.hyper.items()}
        _keep_state(self.state, index)
        self.rates.keep(index)
        if self.pull is not None:
            self.pull.keep(index)
