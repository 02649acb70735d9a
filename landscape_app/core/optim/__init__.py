"""Optimizers: one family per module, all speaking :mod:`landscape_app.core.optim.base`.

Importing this package registers every optimizer (see :mod:`.registry`).
"""

from landscape_app.core.optim import (  # noqa: F401  (registration)
    adam,
    adaptive,
    annealing,
    cmaes,
    heun,
    lbfgs,
    lookahead,
    newton,
    pso,
    radam,
    scipy_replay,
    sgd,
)
from landscape_app.core.optim.base import Internals, Optimizer, Position, StepRecord
from landscape_app.core.optim.registry import (
    OptimizerSpec,
    all_optimizers,
    optimizer_class,
    parse_optimizer_spec,
)

__all__ = [
    "Internals",
    "Optimizer",
    "OptimizerSpec",
    "Position",
    "StepRecord",
    "all_optimizers",
    "optimizer_class",
    "parse_optimizer_spec",
]
