"""Optimizers by stable string id, and parsing of ``adam:lr=0.01,beta1=0.9`` specs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from landscape_app.core.catalogue.optimizer_params import OPTIMIZER_IDS
from landscape_app.core.catalogue.optimizers import check_optimizer_id, parse_spec
from landscape_app.core.optim.base import Optimizer

OPTIMIZERS: dict[str, type[Optimizer]] = {}


def register(cls: type[Optimizer]) -> type[Optimizer]:
    """Class decorator: make ``cls`` available under ``cls.id`` (an id of the catalogue,
    :data:`~landscape_app.core.catalogue.optimizer_params.OPTIMIZER_IDS`)."""
    if cls.id not in OPTIMIZER_IDS:
        raise ValueError(f"optimizer id {cls.id!r} is not in the catalogue's OPTIMIZER_IDS")
    if cls.id in OPTIMIZERS:
        raise ValueError(f"optimizer id {cls.id!r} registered twice")
    OPTIMIZERS[cls.id] = cls
    return cls


def optimizer_class(optimizer_id: str) -> type[Optimizer]:
    """The class registered under ``optimizer_id``."""
    _load_all()
    return OPTIMIZERS[check_optimizer_id(optimizer_id)]


def all_optimizers() -> dict[str, type[Optimizer]]:
    """Every registered optimizer, by id, in the catalogue's display order."""
    _load_all()
    return {optimizer_id: OPTIMIZERS[optimizer_id] for optimizer_id in OPTIMIZER_IDS}


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


def _load_all() -> None:
    """Import every optimizer module so that the registry is complete."""
    import landscape_app.core.optim  # noqa: F401  (its __init__ imports the families)
