"""Optimizers by stable string id, and parsing of ``adam:lr=0.01,beta1=0.9`` specs.

:data:`OPTIMIZERS` is a plain table built from the family modules, which this module imports
and which never import it back (Lookahead finds its inner optimizers in its own table).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from landscape_app.core.catalogue.optimizers import check_optimizer_id, parse_spec
from landscape_app.core.optim.adam import Adam, AdamW
from landscape_app.core.optim.adaptive import Adagrad, RMSprop
from landscape_app.core.optim.annealing import SimulatedAnnealing
from landscape_app.core.optim.base import Optimizer
from landscape_app.core.optim.cmaes import CMAES
from landscape_app.core.optim.heun import Heun
from landscape_app.core.optim.lbfgs import LBFGS
from landscape_app.core.optim.lookahead import Lookahead, Ranger
from landscape_app.core.optim.newton import Newton
from landscape_app.core.optim.pso import ParticleSwarm
from landscape_app.core.optim.radam import RAdam
from landscape_app.core.optim.scipy_replay import SLSQP, DualAnnealing
from landscape_app.core.optim.sgd import SGD, Momentum, Nesterov

#: Every optimizer by id, in the order lists show them: first-order methods from simple to
#: elaborate, then curvature, then derivative-free and global methods (the catalogue's
#: :data:`~landscape_app.core.catalogue.optimizer_params.OPTIMIZER_IDS`). A new optimizer is
#: added here, its id and hyperparameters to the catalogue (and, if Lookahead can wrap it, to
#: :data:`.lookahead.WRAPPABLE`).
OPTIMIZERS: dict[str, type[Optimizer]] = {cls.id: cls for cls in (
    SGD, Momentum, Nesterov, Adagrad, RMSprop, Adam, AdamW, RAdam, Heun, Lookahead, Ranger,
    LBFGS, Newton, SLSQP, ParticleSwarm, CMAES, SimulatedAnnealing, DualAnnealing,
)}


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
