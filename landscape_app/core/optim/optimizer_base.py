"""The one stepping protocol every optimizer speaks.

An optimizer is created with validated hyperparameters, then driven by::

    record = opt.reset(problem, x0, seed)   # step 0: the start point
    record = opt.step()                     # one iteration (one generation for populations)

Each call returns a :class:`StepRecord`: the current position (for population methods, the
method's current estimate), its loss, the best loss seen so far, the evaluation counts, the
learning rate in force, and the :class:`Internals` a view draws. Subclasses implement
``_start`` and ``_advance``, each returning a :class:`Position`; the base class does the
book-keeping (step count, best so far, counts, time).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from landscape_app.core.catalogue import optimizer_specs as catalogue
from landscape_app.core.catalogue.optimizer_records import OptimizerRecord, optimizer_record
from landscape_app.core.objective import Problem
from landscape_app.core.params import Param

if TYPE_CHECKING:
    from landscape_app.core.sharpness_reading import SharpnessReading


@dataclass(frozen=True)
class Internals:
    """What a view may draw of an optimizer's inner state at one step (all optional).

    gradient : ∇f at the current position (gradient methods).
    velocity : the last displacement x_t − x_{t−1} (gradient methods).
    particles : ``(n, dim)`` positions of a swarm (PSO).
    population : ``(λ, dim)`` the last generation's samples (CMA-ES).
    mean, covariance : the sampling distribution N(mean, covariance) (CMA-ES; covariance is
        σ²C, only for small dimensions).
    candidate : the proposal just considered (simulated annealing).
    accepted : whether that proposal was accepted (simulated annealing).
    temperature : the current temperature (simulated annealing).
    anchor : Lookahead's slow weights.
    """

    gradient: np.ndarray | None = None
    velocity: np.ndarray | None = None
    particles: np.ndarray | None = None
    population: np.ndarray | None = None
    mean: np.ndarray | None = None
    covariance: np.ndarray | None = None
    candidate: np.ndarray | None = None
    accepted: bool | None = None
    temperature: float | None = None
    anchor: np.ndarray | None = None


NO_INTERNALS = Internals()


@dataclass(frozen=True)
class Position:
    """What a subclass reports after starting or advancing.

    ``best_x``/``best_loss`` are given by methods that evaluate points other than ``x``
    (populations, proposals); otherwise the base class tracks the best of the ``x`` seen.
    ``converged`` is the method's own stopping test (e.g. CMA-ES ``stop()``).
    ``evals``, ``grad_evals`` and ``time`` override the counted values: methods that run a
    library routine ahead and replay its iterates (SLSQP) report what each iterate cost.
    """

    x: np.ndarray
    loss: float
    internals: Internals = NO_INTERNALS
    lr: float | None = None
    best_x: np.ndarray | None = None
    best_loss: float | None = None
    converged: bool = False
    evals: int | None = None
    grad_evals: int | None = None
    time: float | None = None
    batch_loss: float | None = None


@dataclass(frozen=True)
class StepRecord:
    """One optimizer's state after ``step`` iterations.

    ``time`` is the cumulative wall time spent inside this optimizer (seconds); ``evals`` and
    ``grad_evals`` are cumulative counts of function and gradient evaluations. ``loss`` is the
    true (full-data, noiseless) loss at ``x``; ``batch_loss`` is the minibatch loss the
    optimizer stepped on to get here (None on full-batch lanes and at step 0). ``sharpness`` is
    the race's measurement of the Hessian at ``x`` when sharpness is on and this step was
    measured (:mod:`landscape_app.core.sharpness_probe`), else None.
    """

    step: int
    x: np.ndarray
    loss: float
    best_loss: float
    best_x: np.ndarray
    evals: int
    grad_evals: int
    time: float
    lr: float | None = None
    converged: bool = False
    internals: Internals = field(default=NO_INTERNALS, repr=False)
    batch_loss: float | None = None
    sharpness: SharpnessReading | None = field(default=None, repr=False)


#: Every optimizer class by id, as the classes are defined (each one has a record).
_IMPLEMENTATIONS: dict[str, type[Optimizer]] = {}


def implementation(optimizer_id: str) -> type[Optimizer]:
    """The class of ``optimizer_id`` (its module must have been imported:
    :mod:`landscape_app.core.optim.registry` imports them all)."""
    return _IMPLEMENTATIONS[optimizer_record(optimizer_id).id]


class Optimizer(ABC):
    """Base of every optimizer: validated hyperparameters, lazy state, one step protocol.

    Subclasses set ``id`` and implement ``_start`` and ``_advance``. Everything else about
    them (title, family, hyperparameters, capabilities) is their ``record``
    (:mod:`landscape_app.core.catalogue.optimizer_records`), looked up by ``id`` when the
    class is defined: a class without a record fails at import.
    """

    id: ClassVar[str]
    record: ClassVar[OptimizerRecord]

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        if "id" in vars(cls):
            cls.record = optimizer_record(cls.id)
            _IMPLEMENTATIONS[cls.id] = cls

    def __init__(self, **hyper: Any):
        self.hyper: dict[str, Any] = catalogue.settle_values(self.id, hyper)
        self.problem: Problem | None = None
        self.step_count = 0

    @classmethod
    def param_spec(cls, values: Mapping[str, Any] | None = None) -> tuple[Param, ...]:
        """The hyperparameters of this optimizer given the values chosen so far.

        Constant for most optimizers; Lookahead's depends on its ``inner`` choice.
        """
        return catalogue.param_spec(cls.id, values)

    def describe(self) -> str:
        """``id(name=value, ...)`` listing the values that differ from the defaults."""
        defaults = {p.name: p.default for p in self.param_spec(self.hyper)}
        changed = [f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                   for k, v in self.hyper.items() if defaults.get(k) != v]
        return f"{self.id}({', '.join(changed)})" if changed else self.id

    # -- the protocol ---------------------------------------------------------------------
    def reset(self, problem: Problem, x0: np.ndarray, seed: int = 0) -> StepRecord:
        """Start afresh at ``x0`` on ``problem`` with random generator ``seed``."""
        self.problem = problem
        self.step_count = 0
        self._clock = 0.0
        self._best_loss = np.inf
        self._best_x = np.asarray(x0, dtype=float).copy()
        self.rng = np.random.default_rng(seed)
        self.seed = seed
        started = time.perf_counter()
        position = self._start(np.asarray(x0, dtype=float).copy())
        self._clock += time.perf_counter() - started
        return self._record(position)

    def step(self) -> StepRecord:
        """Advance one iteration and report where the optimizer now is."""
        if self.problem is None:
            raise RuntimeError(f"{self.id}: call reset() before step()")
        started = time.perf_counter()
        position = self._advance()
        self._clock += time.perf_counter() - started
        self.step_count += 1
        return self._record(position)

    @abstractmethod
    def _start(self, x0: np.ndarray) -> Position:
        """Create the state at ``x0`` and report the start position."""

    @abstractmethod
    def _advance(self) -> Position:
        """Do one iteration and report the new position."""

    # -- book-keeping ---------------------------------------------------------------------
    def _record(self, position: Position) -> StepRecord:
        if position.best_loss is not None and position.best_loss < self._best_loss:
            self._best_loss = position.best_loss
            self._best_x = position.best_x
        if position.loss < self._best_loss:
            self._best_loss = position.loss
            self._best_x = position.x
        return StepRecord(
            step=self.step_count,
            x=position.x,
            loss=position.loss,
            best_loss=float(self._best_loss),
            best_x=self._best_x,
            evals=self.problem.evals if position.evals is None else position.evals,
            grad_evals=(self.problem.grad_evals if position.grad_evals is None
                        else position.grad_evals),
            time=self._clock if position.time is None else position.time,
            lr=position.lr,
            converged=position.converged,
            internals=position.internals,
            batch_loss=position.batch_loss,
        )
