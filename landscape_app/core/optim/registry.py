"""Optimizers by stable string id, and parsing of ``adam:lr=0.01,beta1=0.9`` specs.

Each class of the family modules (which this module imports, and which never import it back)
names its record of :mod:`landscape_app.core.catalogue.optimizer_records` by its ``id``;
:data:`OPTIMIZERS` lists them in the records' order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from landscape_app.core.catalogue.optimizer_records import OPTIMIZER_IDS
from landscape_app.core.catalogue.optimizer_specs import check_optimizer_id, parse_spec

# Defining the classes registers each under its id (:func:`.base.implementation`).
from landscape_app.core.optim import (  # noqa: F401
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
from landscape_app.core.optim.optimizer_base import Optimizer, implementation

#: Every optimizer's class by id, in the records' order (a record without a class fails
#: here, at import).
OPTIMIZERS: dict[str, type[Optimizer]] = {
    optimizer_id: implementation(optimizer_id) for optimizer_id in OPTIMIZER_IDS}


def optimizer_class(optimizer_id: str) -> type[Optimizer]:
    """The class registered under ``optimizer_id``."""
    return OPTIMIZERS[check_optimizer_id(optimizer_id)]


def all_optimizers() -> dict[str, type[Optimizer]]:
    """Every registered optimizer, by id, in display order."""
    return dict(OPTIMIZERS)


@dataclass(frozen=True)
class OptimizerSpec:
    """An optimizer id with hyperparameter values: what scenes, sessions and the CLI store."""

    id: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def create(self) -> Optimizer:
        """A new, validated optimizer instance."""
        return optimizer_class(self.id)(**dict(self.params))

    def to_text(self) -> str:
        """Back to ``id:name=value,...`` form."""
        if not self.params:
            return self.id
        body = ",".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}"
                        for k, v in self.params.items())
        return f"{self.id}:{body}"


def parse_optimizer_spec(text: str) -> OptimizerSpec:
    """Parse ``"adam:lr=0.01,beta1=0.9"`` into a validated :class:`OptimizerSpec`.

    Raises
    ------
    UnknownIdError, HyperparameterError
        With a message naming the unknown id or the bad value.
    """
    spec = OptimizerSpec(*parse_spec(text))
    spec.create()  # builds it, as a last check
    return spec
