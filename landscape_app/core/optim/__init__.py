"""Optimizers: one family per module, all speaking :mod:`landscape_app.core.optim.optimizer_base`.

:mod:`.registry` holds the table of every optimizer by id (importing it imports them all).
"""

from landscape_app.core.optim.optimizer_base import Internals, Optimizer, Position, StepRecord
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
