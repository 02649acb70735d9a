"""Reading typed fields out of parsed JSON, with the field's path in every error message.

Session and scene files are read through :class:`Fields`, so a bad value is reported as e.g.
``lanes[1].spec.params.lr: -1 is out of range: allowed (0, inf)`` or ``landscape: missing``,
never as a ``KeyError`` or ``TypeError`` from deep inside the loader.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable
from typing import Any

from landscape_app.core.errors import LandscapeError

#: A colour as written in session files.
COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


class FieldError(LandscapeError, ValueError):
    """A field of a JSON document is missing, of the wrong type or has a bad value.

    ``path`` names the field (``lanes[1].spec.params.lr``); the message starts with it.
    """

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path or 'the document'}: {problem}")
        self.path = path
        self.problem = problem


REQUIRED: Any = object()


def json_type(value: Any) -> str:
    """How a JSON value is called in messages: ``an object``, ``a string``, ``null``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return {dict: "an object", list: "an array", str: "a string"}.get(type(value), "a value")


def join_path(path: str, key: str | int) -> str:
    """``lanes`` + 1 → ``lanes[1]``; ``lanes[1]`` + ``spec`` → ``lanes[1].spec``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def finite_number(value: Any, path: str) -> float:
    """``value`` as a finite float, or :class:`FieldError`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldError(path, f"expected a number, got {json_type(value)}")
    if not math.isfinite(value):
        raise FieldError(path, f"must be a finite number, got {value!r}")
    return float(value)


def number_list(value: Any, path: str, length: int | None = None) -> tuple[float, ...]:
    """An array of finite numbers (of ``length`` items when given)."""
    if not isinstance(value, list):
        raise FieldError(path, f"expected an array of numbers, got {json_type(value)}")
    if length is not None and len(value) != length:
        raise FieldError(path, f"expected {length} numbers, got {len(value)}")
    return tuple(finite_number(item, join_path(path, i)) for i, item in enumerate(value))


def value_range(value: Any, path: str) -> tuple[float, float] | None:
    """``null`` or ``[low, high]`` with finite low < high."""
    if value is None:
        return None
    low, high = number_list(value, path, 2)
    if not low < high:
        raise FieldError(path, f"expected [low, high] with low < high, got [{low:g}, {high:g}]")
    return low, high


class Fields:
    """One JSON object being read: typed getters that name the field on error.

    Parameters
    ----------
    data : Any
        The parsed value that should be an object.
    path : str
        Where it lies in the document (``""`` for the top level).
    allowed : iterable of str, optional
        The keys it may have; any other key is refused (it is most likely a typo).
    """

    def __init__(self, data: Any, path: str = "", allowed: Iterable[str] | None = None):
        if not isinstance(data, dict):
            raise FieldError(path, f"expected an object {{...}}, got {json_type(data)}")
        self.data = data
        self.path = path
        if allowed is not None:
            allowed = tuple(allowed)
            unknown = sorted(set(data) - set(allowed))
            if unknown:
                raise FieldError(
                    join_path(path, unknown[0]),
                    f"unknown field; the fields here are {', '.join(allowed)}",
                )

    def at(self, key: str) -> str:
        return join_path(self.path, key)

    def raw(self, key: str, default: Any = REQUIRED) -> Any:
        if key in self.data:
            return self.data[key]
        if default is REQUIRED:
            raise FieldError(self.at(key), "missing")
        return default

    def string(self, key: str, default: Any = REQUIRED, choices: Collection[str] | None = None,
               nonempty: bool = False, max_length: int | None = None) -> str:
        value = self.raw(key, default)
        if not isinstance(value, str):
            raise FieldError(self.at(key), f"expected a string, got {json_type(value)}")
        if choices is not None and value not in choices:
            raise FieldError(self.at(key), f"{value!r} is not one of {', '.join(choices)}")
        if nonempty and not value.strip():
            raise FieldError(self.at(key), "must not be empty")
        if max_length is not None and len(value) > max_length:
            raise FieldError(self.at(key), f"is longer than {max_length} characters")
        return value

    def integer(self, key: str, default: Any = REQUIRED, low: int | None = None,
                high: int | None = None) -> int:
        value = self.raw(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(self.at(key), f"expected a whole number, got {json_type(value)}"
                             + (f" {value!r}" if isinstance(value, float) else ""))
        if (low is not None and value < low) or (high is not None and value > high):
            lower = "-inf" if low is None else low
            upper = "inf" if high is None else high
            raise FieldError(self.at(key), f"{value} is out of range: allowed [{lower}, {upper}]")
        return value

    def number(self, key: str, default: Any = REQUIRED, low: float | None = None) -> float:
        value = finite_number(self.raw(key, default), self.at(key))
        if low is not None and value < low:
            raise FieldError(self.at(key), f"{value:g} is out of range: must be at least {low:g}")
        return value

    def color(self, key: str, default: Any = REQUIRED) -> str:
        value = self.string(key, default)
        if not COLOR.fullmatch(value):
            raise FieldError(self.at(key),
                             f"{value!r} is not a colour; write it as #RRGGBB (e.g. #E69F00)")
        return value

    def boolean(self, key: str, default: Any = REQUIRED) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise FieldError(self.at(key), f"expected true or false, got {json_type(value)}")
        return value

    def optional_boolean(self, key: str) -> bool | None:
        value = self.raw(key, None)
        return None if value is None else self.boolean(key)

    def array(self, key: str, default: Any = REQUIRED) -> list:
        value = self.raw(key, default)
        if not isinstance(value, list):
            raise FieldError(self.at(key), f"expected an array [...], got {json_type(value)}")
        return value

    def object(self, key: str, allowed: Iterable[str] | None = None,
               default: Any = REQUIRED) -> Fields:
        return Fields(self.raw(key, default), self.at(key), allowed)
