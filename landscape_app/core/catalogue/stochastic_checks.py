"""Stochastic gradients, declared without torch: minibatches on networks, noise on functions.

Every gradient lane that ``torch.optim`` drives (all but L-BFGS; Lookahead and Ranger through
their inner optimizer) takes two more settings:

- ``batch_size`` B (network landscapes). Each step draws the next batch of a
  ``DataLoader(TensorDataset(inputs, targets), batch_size=B, shuffle=True,
  generator=torch.Generator().manual_seed(seed))`` (a new iterator per epoch, the last batch of
  an epoch may be smaller) and takes one optimizer step on that batch's mean loss. ``seed`` is
  the race's seed, so every lane of a race sees the same batches. 0 (the default) is the full
  data set, every step.
- ``grad_noise`` σ (function and expression landscapes). The optimizer sees
  g̃ = ∇f(θ) + σ ξ with ξ ~ N(0, I), drawn from a generator seeded by the race's seed (each lane
  its own generator, so lanes see the same noise). 0 (the default) is the exact gradient.

Trails, the table and the loss curves keep the true values: the path actually taken and the
full-data (or noiseless) loss at each point.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.catalogue.networks import MAX_SAMPLES
from landscape_app.core.catalogue.optimizer_records import ids_where
from landscape_app.core.errors import HyperparameterError
from landscape_app.core.params import Param

BATCH_SIZE = Param(
    "batch_size", 0, "networks: minibatch size B of a shuffled DataLoader seeded by the race "
    "seed, one step per batch (0: the full data set)", low=0, high=MAX_SAMPLES)
GRAD_NOISE = Param(
    "grad_noise", 0.0, "functions: σ of the gradient noise, the optimizer sees ∇f + σξ, "
    "ξ ~ N(0, I) seeded by the race seed (0: exact)", low=0.0)

#: The settings every stochastic-capable gradient lane takes.
STOCHASTIC_PARAMS: tuple[Param, ...] = (BATCH_SIZE, GRAD_NOISE)
STOCHASTIC_NAMES = frozenset(p.name for p in STOCHASTIC_PARAMS)

#: Optimizer ids that take them (Lookahead and Ranger through their inner optimizer).
STOCHASTIC_IDS = frozenset(ids_where(lambda record: record.stochastic))

#: The model of noise, for ``list optimizers`` and the window's help.
NOISE_MODEL = (
    "Minibatches (batch_size B, network landscapes): each step draws the next batch of "
    "DataLoader(TensorDataset(inputs, targets), batch_size=B, shuffle=True, "
    "generator=torch.Generator().manual_seed(seed)), a new iterator per epoch, drop_last=False, "
    "and steps on that batch's mean loss; seed is the race's --seed, so every lane sees the "
    "same batches. Gradient noise (grad_noise σ, function landscapes): the optimizer sees "
    "∇f + σξ, "
    "ξ ~ N(0, I) from a generator seeded by the race's seed (one per lane). Trails, tables and "
    "loss curves show the true path and the full-data (noiseless) loss; L-BFGS, Newton, SLSQP "
    "and the population and global methods always use the full data set and the exact "
    "gradient."
)


def refuse_stochastic(optimizer_id: str, names: Iterable[str]) -> None:
    """Refuse ``batch_size``/``grad_noise`` on a method that does not take them.

    Raises
    ------
    HyperparameterError
        One line naming the method and what it uses instead.
    """
    if optimizer_id in STOCHASTIC_IDS:
        return
    for name in names:
        if name in STOCHASTIC_NAMES:
            raise HyperparameterError(
                f"{optimizer_id}: {name} is for the gradient methods "
                f"({', '.join(sorted(STOCHASTIC_IDS))}); L-BFGS, Newton, SLSQP and the "
                "population and global methods always use the full data set and the exact "
                "gradient", name=name)


def check_lane_landscape(optimizer_id: str, params: Mapping[str, Any], kind: LandscapeKind,
                         samples: int | None = None) -> None:
    """Refuse stochastic settings that do not fit the landscape a lane runs on.

    Parameters
    ----------
    optimizer_id, params :
        The lane (``params`` as written or with defaults).
    kind : LandscapeKind
        A network (a data set of ``samples`` points), or a function or expression.
    samples : int, optional
        The network's data set size.

    Raises
    ------
    HyperparameterError
        ``batch_size`` on a function or larger than the data set, ``grad_noise`` on a network.
    """
    batch = params.get("batch_size", 0) or 0
    noise = params.get("grad_noise", 0.0) or 0.0
    if kind == LandscapeKind.NETWORK:
        if noise:
            raise HyperparameterError(
                f"{optimizer_id}: grad_noise={noise:g} applies to function landscapes; on a "
                "network use batch_size (minibatches are its real gradient noise)",
                name="grad_noise")
        if samples is not None and batch > samples:
            raise HyperparameterError(
                f"{optimizer_id}: batch_size={batch:g} is larger than the data set "
                f"({samples} samples)", name="batch_size")
    elif batch:
        raise HyperparameterError(
            f"{optimizer_id}: batch_size={batch:g} needs a network landscape (a data set to "
            "draw minibatches from); on a function use grad_noise", name="batch_size")
