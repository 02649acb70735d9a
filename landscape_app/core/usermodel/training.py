"""Training copies of a user's model, one per map cell, each with its own hyperparameters.

Every cell starts from the model's weights and buffers and takes ``steps`` steps: step t runs
batch ``t mod B`` of the data (in order) through the model in train mode, takes the file's
loss, and — when that loss is finite — back-propagates and updates the weights with the
cell's settings; a non-finite loss stops the cell there (it diverged). Dropout draws from
torch's global generator, seeded with ``torch.manual_seed(seed)`` before a cell's first step,
so that every cell sees the same masks at step t as a plain loop seeded the same way.

Two ways, the same values up to rounding:

- **batched**: the copies' weights are the rows of one ``(k, P)`` tensor and their buffers
  are stacked (``torch.func.stack_module_state``'s layout): one ``vmap`` of
  ``functional_call`` (``randomness="same"``: one dropout mask per step, shared as the seeded
  loop's) gives every copy's loss, one backward every copy's gradient, and the update is
  torch.optim's own single-tensor rule with a hyperparameter per row
  (:mod:`landscape_app.core.maps.rules`); BatchNorm updates each copy's running statistics;
- **pointwise**: one ``copy.deepcopy`` of the model at a time with ``torch.optim`` itself
  built by the app's optimizer class with the cell's settings — the plain loop — for models
  ``vmap`` cannot run (data-dependent control flow, ``.item()``, in-place updates of
  unbatched tensors).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch.func import functional_call, vmap
from torch.nn.utils import parameters_to_vector

from landscape_app.core.catalogue.optimizer_records import ids_where, optimizer_record
from landscape_app.core.maps.rules import RULES
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.core.usermodel.contract import UserModel
from landscape_app.core.usermodel.evaluate import BATCHED, fastest_chunk, unflatten

#: The optimizers a map of a model file can run: torch.optim's element-wise methods whose
#: per-row rule (:data:`~landscape_app.core.maps.rules.RULES`) takes the update alone
#: (:attr:`~landscape_app.core.catalogue.optimizer_records.OptimizerRecord.trains_model_file`).
TRAINABLE = ids_where(lambda record: record.trains_model_file)
#: Cells per batched chunk that :meth:`CellTraining.fastest_chunk` tries, in order; the steps
#: each try trains, and how often (the fastest counts: other processes on the machine only
#: ever slow a try down), after an untimed try of the same shape (torch's first run of a
#: shape sets up its kernels); the seconds the trial may spend in all.
TRIAL_CELLS = (2, 4, 8, 16, 32, 64)
TRIAL_STEPS = 2
TRIAL_REPEATS = 3
TRIAL_SECONDS = 3.0


@dataclass
class Trained:
    """``k`` copies after training: weights ``(k, P)``, buffers by name ``(k, …)``, and the
    step each copy stopped at (−1: it ran every step)."""

    thetas: torch.Tensor
    buffers: dict[str, torch.Tensor]
    stopped_at: np.ndarray


class CellTraining:
    """Trains copies of ``user``'s model (holding the run's weights) with ``spec`` and the
    cells' values of the hyperparameters ``names``."""

    def __init__(self, user: UserModel, spec: OptimizerSpec, names: Sequence[str], steps: int,
                 seed: int):
        self.user, self.spec, self.names = user, spec, tuple(names)
        self.steps, self.seed = steps, seed
        module = user.model
        self.shapes = [(name, p.shape, p.numel()) for name, p in module.named_parameters()]
        self.theta0 = parameters_to_vector(module.parameters()).detach().clone()
        self.buffers0 = {name: b.detach().clone() for name, b in module.named_buffers()}

    def train(self, mode: str, values: np.ndarray) -> Trained:
        """Train one copy per row of ``values`` (``(k, len(names))``) by ``mode``."""
        try:
            return (self.batched if mode == BATCHED else self.pointwise)(values)
        finally:
            self.user.model.eval()

    def fastest_chunk(self, values: np.ndarray, cap: int) -> int:
        """The batched chunk, at most ``cap`` cells, that trains fastest per cell, timed.

        The first :data:`TRIAL_CELLS` rows of ``values`` (cells' settings, ``(N, len(names))``;
        no more than ``N``) train :data:`TRIAL_STEPS` steps as a chunk, for each size in turn
        until one is slower than the one before
        (:func:`~landscape_app.core.usermodel.evaluate.fastest_chunk`). Per cell, vmap's cost
        first falls with the chunk (one Python pass and one dispatch per operation for every
        copy) and then rises once the chunk's activations leave the cache: BatchNorm's and
        ReLU's passes over them become bound by memory bandwidth (64 copies of the example CNN
        hold 16 MB per activation, 4 MB fit a core's L2 cache).
        """
        trial = CellTraining(self.user, self.spec, self.names, TRIAL_STEPS, self.seed)
        most = max(1, min(cap, len(values)))
        sizes = [size for size in TRIAL_CELLS if size <= most] or [most]
        deadline = time.perf_counter() + TRIAL_SECONDS

        def per_cell(size: int) -> float:
            rows = values[:size]
            trial.train(BATCHED, rows)
            seconds = []
            for _ in range(TRIAL_REPEATS):
                started = time.perf_counter()
                trial.train(BATCHED, rows)
                seconds.append(time.perf_counter() - started)
            return min(seconds) / size

        return fastest_chunk(float("inf"), sizes, per_cell,
                             lambda: time.perf_counter() > deadline)

    # -- batched --------------------------------------------------------------------------
    def _loss(self, theta, buffers, inputs, targets) -> torch.Tensor:
        outputs = functional_call(self.user.model, {**unflatten(theta, self.shapes), **buffers},
                                  (inputs,))
        return self.user.loss(outputs, targets)

    def _hyper(self, values: np.ndarray) -> dict:
        """The optimizer's settings, the swept ones as float64 columns ``(k, 1)``."""
        hyper = dict(self.spec.create().hyper)
        for column, name in enumerate(self.names):
            hyper[name] = torch.as_tensor(values[:, column], dtype=torch.float64,
                                          device=self.theta0.device).unsqueeze(1)
        return hyper

    def batched(self, values: np.ndarray) -> Trained:
        """Every copy at once (see the module docstring)."""
        count = len(values)
        theta = self.theta0.expand(count, -1).clone()
        buffers = {name: b.expand(count, *b.shape).clone() for name, b in self.buffers0.items()}
        rule = RULES[optimizer_record(self.spec.id).map_rule]()
        state, hyper = {}, self._hyper(values)
        trained = Trained(theta.clone(), {k: v.clone() for k, v in buffers.items()},
                          np.full(count, -1))
        rows = torch.arange(count, device=theta.device)  # the copies still training
        mapped = vmap(self._loss, in_dims=(0, 0, None, None), randomness="same")
        batches = self.user.batches
        torch.manual_seed(self.seed)
        self.user.model.train()
        for step in range(self.steps):
            inputs, targets = batches[step % len(batches)]
            theta.requires_grad_(True)
            losses = mapped(theta, buffers, inputs, targets)
            finite = torch.isfinite(losses.detach())
            if bool(finite.all()):
                (grad,) = torch.autograd.grad(losses.sum(), theta)
            else:  # those copies stop here; the others' forward stands (one mask per step)
                trained.stopped_at[rows[~finite].cpu().numpy()] = step
                keep = torch.nonzero(finite).reshape(-1)
                if not len(keep):
                    return trained
                (grad,) = torch.autograd.grad(losses[keep].sum(), theta)
                grad, theta, rows = grad[keep], theta[keep], rows[keep]
                buffers = {name: value[keep] for name, value in buffers.items()}
                hyper = _rows_of(hyper, keep)
                state = _rows_of(state, keep)
            theta = theta.detach()
            with torch.no_grad():
                rule.step(theta, grad, state, hyper, hyper["lr"], None)
        trained.thetas[rows] = theta
        for name, value in buffers.items():
            trained.buffers[name][rows] = value
        return trained

    # -- pointwise ------------------------------------------------------------------------
    def pointwise(self, values: np.ndarray) -> Trained:
        """One copy at a time, with torch.optim itself (see the module docstring)."""
        model = copy.deepcopy(self.user.model)
        parameters = list(model.parameters())
        thetas, buffers, stopped = [], {name: [] for name in self.buffers0}, []
        starts = unflatten(self.theta0, self.shapes).values()
        for row in values:
            with torch.no_grad():
                for parameter, start in zip(parameters, starts, strict=True):
                    parameter.copy_(start)
                for name, buffer in model.named_buffers():
                    buffer.copy_(self.buffers0[name])
            settings = {**self.spec.params, **dict(zip(self.names, map(float, row),
                                                        strict=True))}
            optimizer = OptimizerSpec(self.spec.id, settings).create() \
                .make_torch_optimizer(parameters)
            stopped.append(self._plain_loop(model, optimizer))
            thetas.append(parameters_to_vector(parameters).detach().clone())
            for name, buffer in model.named_buffers():
                buffers[name].append(buffer.detach().clone())
        return Trained(torch.stack(thetas), {name: torch.stack(items)
                                             for name, items in buffers.items()},
                       np.array(stopped))

    def _plain_loop(self, model: torch.nn.Module, optimizer) -> int:
        """Train ``model`` in place; the step it stopped at (−1: none)."""
        batches = self.user.batches
        torch.manual_seed(self.seed)
        model.train()
        for step in range(self.steps):
            inputs, targets = batches[step % len(batches)]
            optimizer.zero_grad()
            loss = self.user.loss(model(inputs), targets)
            if not bool(torch.isfinite(loss.detach()).all()):
                return step
            loss.backward()
            optimizer.step()
        model.eval()
        return -1


def _rows_of(tensors: dict, keep: torch.Tensor) -> dict:
    """Per-row settings or optimizer state, rows ``keep`` only (numbers stay)."""
    return {name: value[keep] if isinstance(value, torch.Tensor) and value.dim() else value
            for name, value in tensors.items()}
