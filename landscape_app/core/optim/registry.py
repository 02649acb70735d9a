"""Optimizers by stable string id, and parsing of ``adam:lr=0.01,beta1=0.9`` specs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from landscape_app.core.errors import HyperparameterError, UnknownIdError
from landscape_app.core.optim.base import Optimizer
from landscape_app.core.params import parse_assignments

OPTIMIZERS: dict[str, type[Optimizer]] = {}

#: The order lists show: first-order methods from simple to elaborate, then curvature, then
#: derivative-free and global methods. Ids not named here follow, in registration order.
DISPLAY_ORDER = (
    "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "radam", "heun",
    "lookahead", "ranger", "lbfgs", "newton", "slsqp", "pso", "cmaes", "sa", "dual-annealing",
)


def register(cls: type[Optimizer]) -> type[Optimizer]:
    """Class decorator: make ``cls`` available under ``cls.id``."""
    if cls.id in OPTIMIZERS:
        raise ValueError(f"optimizer id {cls.id!r} registered twice")
    OPTIMIZERS[cls.id] = cls
    return cls


def optimizer_class(optimizer_id: str) -> type[Optimizer]:
    """The class registered under ``optimizer_id``."""
    _load_all()
    try:
        return OPTIMIZERS[optimizer_id]
    except KeyError:
        raise UnknownIdError(
            f"unknown optimizer {optimizer_id!r}; known: {', '.join(sorted(OPTIMIZERS))}"
        ) from None


def all_optimizers() -> dict[str, type[Optimizer]]:
    """Every registered optimizer, by id, in :data:`DISPLAY_ORDER`."""
    _load_all()
    rank = {optimizer_id: i for i, optimizer_id in enumerate(DISPLAY_ORDER)}
    return dict(sorted(OPTIMIZERS.items(), key=lambda item: rank.get(item[0], len(rank))))


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
    optimizer_id, _, body = text.strip().partition(":")
    if not optimizer_id:
        raise HyperparameterError(f"expected ID[:name=value,...], got {text!r}")
    cls = optimizer_class(optimizer_id.strip())
    # The spec may depend on a choice (Lookahead's ``inner``): read that one first.
    chosen = {}
    for item in body.split(","):
        name, _, raw = item.partition("=")
        if name.strip() == "inner":
            chosen["inner"] = raw.strip()
    params = parse_assignments(body, cls.param_spec(chosen), cls.id)
    spec = OptimizerSpec(cls.id, params)
    spec.create()  # validates the combination
    return spec


def _load_all() -> None:
    """Import every optimizer module so that the registry is complete."""
    import landscape_app.core.optim  # noqa: F401  (its __init__ imports the families)
