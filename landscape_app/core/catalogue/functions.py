"""The ids of the analytic test functions, in display order, without torch.

:mod:`landscape_app.core.functions.catalog` defines each of them (with torch) and registers
only ids listed here, so this tuple is the list of what exists.
"""

from __future__ import annotations

from landscape_app.core.errors import UnknownIdError

FUNCTION_IDS = (
    "sphere", "quadratic", "rosenbrock", "rastrigin", "ackley", "himmelblau", "beale", "booth",
    "matyas", "goldstein-price", "styblinski-tang", "six-hump-camel", "three-hump-camel",
    "levi13", "easom", "eggholder", "saddle", "monkey-saddle",
)


def check_function_id(function_id: str) -> str:
    """``function_id`` if it exists, else an :class:`UnknownIdError` listing the known ids."""
    if function_id not in FUNCTION_IDS:
        raise UnknownIdError(
            f"unknown function {function_id!r}; known: {', '.join(FUNCTION_IDS)}"
        )
    return function_id
