"""Optimizer ids, their hyperparameters and ``ID[:name=value,...]`` specs, without torch.

:func:`param_spec` is what an optimizer takes (its own declarations, the learning-rate
schedule for the gradient methods, Lookahead's inner optimizer's); :func:`parse_spec` turns
``adam:lr=0.01`` into validated values; :func:`check_combination` refuses values that are
each in range but do not go together. The optimizer classes validate with the same functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from landscape_app.core.catalogue.optimizer_params import SCHEDULE_PARAMS
from landscape_app.core.catalogue.optimizer_records import (
    ids_where,
    optimizer_record,
)
from landscape_app.core.catalogue.stochastic_checks import STOCHASTIC_PARAMS, refuse_stochastic
from landscape_app.core.errors import HyperparameterError
from landscape_app.core.params import Param, parse_assignments, settle_spec, validate_params

#: Optimizers that ``torch.optim`` drives (their own or their inner optimizer's): they take a
#: learning-rate schedule.
TORCH_OPTIM_IDS = frozenset(ids_where(lambda record: record.torch_based))

#: The Lookahead family, with the inner optimizer each fixes (None: the user's ``inner``).
LOOKAHEAD_INNER: dict[str, str | None] = {
    optimizer_id: optimizer_record(optimizer_id).fixed_inner
    for optimizer_id in ids_where(lambda record: record.lookahead)}

DEFAULT_INNER = "adam"


def check_optimizer_id(optimizer_id: str) -> str:
    """``optimizer_id`` if it exists, else an :class:`UnknownIdError` listing the known ids."""
    return optimizer_record(optimizer_id).id


def inner_choices() -> tuple[str, ...]:
    """Ids of the optimizers Lookahead can wrap, in display order."""
    return ids_where(lambda record: record.wrappable)


#: Lookahead's choice of inner optimizer.
INNER = Param("inner", DEFAULT_INNER, "the inner (fast) optimizer", choices=inner_choices())


def param_spec(optimizer_id: str, values: Mapping[str, Any] | None = None) -> tuple[Param, ...]:
    """The hyperparameters of ``optimizer_id`` given the values chosen so far.

    Constant for most optimizers; Lookahead's depends on its ``inner`` choice. The gradient
    methods end with the schedule's and then the stochastic settings
    (:mod:`landscape_app.core.catalogue.stochastic_checks`).

    Raises
    ------
    UnknownIdError, HyperparameterError
        For an unknown id, or an ``inner`` Lookahead cannot wrap.
    """
    record = optimizer_record(optimizer_id)
    own = record.params
    if record.lookahead:
        fixed = record.fixed_inner
        if fixed is not None:
            return own + param_spec(fixed, values)
        choices = inner_choices()
        inner = (values or {}).get("inner", DEFAULT_INNER)
        if inner not in choices:
            raise HyperparameterError(f"{optimizer_id}: inner={inner!r} cannot be wrapped; "
                                      f"choose one of {', '.join(choices)}")
        return (INNER,) + own + param_spec(inner, values)
    if record.stochastic:
        return own + SCHEDULE_PARAMS + STOCHASTIC_PARAMS
    if record.torch_based:
        return own + SCHEDULE_PARAMS
    return own


def check_combination(optimizer_id: str, values: Mapping[str, Any]) -> None:
    """Refuse validated values that do not go together (each is in range on its own)."""
    inner = LOOKAHEAD_INNER.get(optimizer_id, optimizer_id) or values.get("inner")
    if inner != optimizer_id and inner is not None:
        check_combination(inner, values)
    if optimizer_id == "nesterov" and (values["momentum"] == 0 or values["dampening"] != 0):
        raise HyperparameterError(
            f"{optimizer_id}: Nesterov momentum needs momentum > 0 and dampening = 0 "
            f"(got momentum={values['momentum']:g}, dampening={values['dampening']:g})"
        )
    if optimizer_id == "cmaes" and values["popsize"] == 1:
        raise HyperparameterError(
            f"{optimizer_id}: popsize=1 is too small: use 0 (cma's default 4 + 3 ln n) or "
            "at least 2")


def settle_values(optimizer_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Every hyperparameter of ``optimizer_id`` with ``params`` written over the defaults,
    validated (each value, and their combination): what the optimizer built from ``params``
    runs with.

    Raises
    ------
    UnknownIdError, HyperparameterError
        Naming the unknown id, or the optimizer and the bad value.
    """
    refuse_stochastic(check_optimizer_id(optimizer_id), params)
    values = validate_params(param_spec(optimizer_id, params), params, optimizer_id)
    check_combination(optimizer_id, values)
    return values


def parse_spec(text: str) -> tuple[str, dict[str, Any]]:
    """``"adam:lr=0.01,beta1=0.9"`` → ``("adam", {"lr": 0.01, "beta1": 0.9})``, validated.

    Only the values written are returned (no defaults); their combination is checked.

    Raises
    ------
    UnknownIdError, HyperparameterError
        Naming the unknown id, or the optimizer and the bad value.
    """
    optimizer_id, colon, body = text.strip().partition(":")
    optimizer_id = optimizer_id.strip()
    if not optimizer_id:
        raise HyperparameterError(f"expected ID[:name=value,...], got {text!r}")
    check_optimizer_id(optimizer_id)
    if colon and not body.strip():
        raise HyperparameterError(f"{optimizer_id}: nothing after ':' in {text!r}; write "
                                  f"{optimizer_id} alone for the defaults")
    if colon:
        refuse_stochastic(optimizer_id, (item.partition("=")[0].strip()
                                         for item in body.split(",")))
    spec = settle_spec(body, lambda values: param_spec(optimizer_id, values), optimizer_id)
    params = parse_assignments(body, spec, optimizer_id) if colon else {}
    defaults = {p.name: p.default for p in spec}
    check_combination(optimizer_id, {**defaults, **params})
    return optimizer_id, params
