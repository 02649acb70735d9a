"""Hyperparameters declared once, as data.

A :class:`Param` names one hyperparameter with its type (taken from its default), range and
help text. The optimizers declare a tuple of them; the GUI builds its editors from that tuple,
the CLI parses ``adam:lr=0.01,beta1=0.9`` with it, and sessions validate what they load with it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from landscape_app.core.errors import HyperparameterError

Value = float | int | bool | str

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass(frozen=True)
class Param:
    """One hyperparameter: name, default (which fixes its type), range and help.

    Parameters
    ----------
    name : str
        The keyword, following ``torch.optim`` where it has one (``lr``, ``momentum``...).
    default : float | int | bool | str
        Default value; its Python type is the parameter's type.
    help : str
        One line for tooltips and ``landscape-app list optimizers``.
    low, high : float, optional
        Inclusive bounds unless ``low_open``/``high_open`` make them exclusive.
    choices : tuple of str, optional
        For string parameters, the allowed values.
    log_scale : bool
        Hint for editors: the value spans orders of magnitude (learning rates).
    """

    name: str
    default: Value
    help: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[str, ...] | None = None
    log_scale: bool = False

    @property
    def kind(self) -> type:
        """The parameter's Python type: bool, int, float or str."""
        return type(self.default)

    def range_text(self) -> str:
        """The allowed range in interval notation, e.g. ``(0, inf)`` or ``{a, b}``."""
        if self.choices is not None:
            return "{" + ", ".join(self.choices) + "}"
        if self.kind is bool:
            return "{true, false}"
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        left = "(" if self.low is None or self.low_open else "["
        right = ")" if self.high is None or self.high_open else "]"
        return f"{left}{lo}, {hi}{right}"

    def parse(self, text: str) -> Value:
        """Convert command-line text to a validated value."""
        text = text.strip()
        if self.kind is bool:
            low = text.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise HyperparameterError(f"{self.name}={text!r}: expected true or false")
        if self.kind is str:
            return self.validate(text)
        try:
            number = float(text)
        except ValueError:
            raise HyperparameterError(
                f"{self.name}={text!r}: expected a number in {self.range_text()}"
            ) from None
        return self.validate(number)

    def validate(self, value: Any) -> Value:
        """Return ``value`` coerced to the parameter's type, or raise naming what is wrong."""
        kind = self.kind
        if kind is bool:
            if isinstance(value, bool):
                return value
            raise HyperparameterError(f"{self.name}={value!r}: expected true or false")
        if kind is str:
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                raise HyperparameterError(
                    f"{self.name}={value!r}: expected one of {self.range_text()}"
                )
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise HyperparameterError(f"{self.name}={value!r}: expected a number")
        if not math.isfinite(value):
            raise HyperparameterError(f"{self.name}={value!r}: must be a finite number")
        if kind is int:
            if float(value) != int(value):
                raise HyperparameterError(f"{self.name}={value!r}: expected a whole number")
            value = int(value)
        else:
            value = float(value)
        if not self._in_range(value):
            raise HyperparameterError(
                f"{self.name}={value:g} is out of range: allowed {self.range_text()}"
            )
        return value

    def _in_range(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        return not (
            self.high is not None and (value > self.high or (self.high_open and value == self.high))
        )


def validate_params(spec: Iterable[Param], given: Mapping[str, Any], owner: str) -> dict:
    """Merge ``given`` over the defaults of ``spec``, validating every value.

    Raises
    ------
    HyperparameterError
        For a name not in ``spec`` (listing the known ones) or a bad value; its ``name`` is
        the first name at fault.
    """
    by_name = {p.name: p for p in spec}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        raise HyperparameterError(
            f"{owner} has no hyperparameter {', '.join(unknown)}; "
            f"it has: {', '.join(by_name) or 'none'}", name=unknown[0]
        )
    values = {name: p.default for name, p in by_name.items()}
    for name, value in given.items():
        try:
            values[name] = by_name[name].validate(value)
        except HyperparameterError as error:
            raise HyperparameterError(str(error), name=name) from None
    return values


def _assignments(text: str, owner: str) -> list[tuple[str, str]]:
    """``"lr=0.01, beta1=0.9"`` → ``[("lr", "0.01"), ("beta1", "0.9")]`` (text not parsed).

    Blank text has no assignments.

    Raises
    ------
    HyperparameterError
        Naming ``owner``: an empty item (a stray or trailing comma), an item without ``=``,
        or a name given twice.
    """
    if not text.strip():
        return []
    pairs: list[tuple[str, str]] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            raise HyperparameterError(
                f"{owner}: empty item in {text!r} (a stray comma?); write name=value,name=value"
            )
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep:
            raise HyperparameterError(f"{owner}: expected name=value, got {item!r}")
        if any(name == seen for seen, _ in pairs):
            raise HyperparameterError(f"{owner}: {name} is given twice in {text!r}", name=name)
        pairs.append((name, raw))
    return pairs


def parse_assignments(text: str, spec: Iterable[Param], owner: str) -> dict:
    """Parse ``"lr=0.01,beta1=0.9"`` against ``spec`` into validated values (no defaults).

    Raises
    ------
    HyperparameterError
        Naming ``owner`` and the item: an empty item (a stray comma), an item without ``=``,
        a name given twice, an unknown name or a bad value; its ``name`` is the name at fault.
    """
    by_name = {p.name: p for p in spec}
    values: dict[str, Value] = {}
    for name, raw in _assignments(text, owner):
        if name not in by_name:
            raise HyperparameterError(
                f"{owner} has no hyperparameter {name!r}; it has: {', '.join(by_name) or 'none'}",
                name=name,
            )
        try:
            values[name] = by_name[name].parse(raw)
        except HyperparameterError as error:
            raise HyperparameterError(f"{owner}: {error}", name=name) from None
    return values


def settle_spec(
    text: str, param_spec: Callable[[Mapping[str, Any]], Iterable[Param]], owner: str
) -> tuple[Param, ...]:
    """The spec that ``"inner=sgd,momentum=0.5"`` is parsed against, when the spec depends on
    its choice parameters (Lookahead's ``inner`` brings the inner optimizer's parameters).

    ``param_spec`` is asked with the choices written in ``text`` that its answer declares, and
    again with those of its new answer, until the answer settles. It is given the choices as
    written and refuses one it cannot build on; :func:`parse_assignments` then validates all.
    """
    written = dict(_assignments(text, owner))
    spec = tuple(param_spec({}))
    for _ in written:
        chosen = {p.name: written[p.name].strip() for p in spec
                  if p.choices is not None and p.name in written}
        settled = tuple(param_spec(chosen))
        if settled == spec:
            break
        spec = settled
    return spec
