"""Objects as bytes for another process: landscapes travel as their recipe.

A :class:`~landscape_app.core.functions.function2d.Function2D` holds its formula as a closure, which
pickle cannot carry. It is sent as what rebuilds it in the other process instead (the window's
race process, the comparison's worker processes):

* a catalog function as its id (``get_function("rosenbrock")`` there);
* a custom expression as its text and fields, the formula compiled again from the text, but
  only after checking that the rebuilt formula gives the very same values as the original on
  a probe grid, so a landscape that is not what its text says is never raced in its place.

Anything else is pickled as usual. :func:`dumps_factory` answers None when the object cannot
be sent (the window then steps that race in its own worker thread).
"""

from __future__ import annotations

import io
import pickle

import numpy as np

#: Points per side of the grid on which a rebuilt expression must match the original.
PROBE_POINTS = 7


def dumps_factory(factory) -> bytes | None:
    """``factory`` (a race factory, an objective…) pickled for another process, or None when
    it cannot be."""
    from landscape_app.core.functions.function2d import Function2D

    buffer = io.BytesIO()
    try:
        _RacePickler(buffer, Function2D).dump(factory)
    except Exception:  # noqa: BLE001 - whatever pickle rejects is stepped locally instead
        return None
    return buffer.getvalue()


class _RacePickler(pickle.Pickler):
    def __init__(self, buffer: io.BytesIO, function_type: type):
        super().__init__(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        self._function_type = function_type

    def reducer_override(self, obj):
        if type(obj) is self._function_type:
            return _function_recipe(obj)
        return NotImplemented


def _function_recipe(function):
    """``(callable, args)`` rebuilding ``function``, or NotImplemented (plain pickling)."""
    from landscape_app.core.errors import LandscapeError
    from landscape_app.core.functions import FUNCTIONS, get_function

    if FUNCTIONS.get(function.id) is function:
        return get_function, (function.id,)
    fields = {name: value for name, value in vars(function).items()
              if name not in ("formula", "value_and_gradient")}  # a closed form is the catalog's
    text = function.latex
    try:
        rebuilt = expression_function(text, fields)
    except (LandscapeError, TypeError):
        return NotImplemented
    if not same_values(function, rebuilt):
        return NotImplemented
    return expression_function, (text, fields)


def expression_function(text: str, fields: dict):
    """A :class:`Function2D` with ``fields`` and the formula compiled from ``text``."""
    from landscape_app.core.functions.expression import compile_expression
    from landscape_app.core.functions.function2d import Function2D

    return Function2D(formula=compile_expression(text), **fields)


def same_values(first, second) -> bool:
    """Whether two 2D functions agree exactly (NaN where NaN) on a grid over ``first``'s box."""
    import torch

    lower, upper = first.lower, first.upper
    xs = np.linspace(lower[0], upper[0], PROBE_POINTS)
    ys = np.linspace(lower[1], upper[1], PROBE_POINTS)
    points = torch.as_tensor(np.stack(np.meshgrid(xs, ys), axis=-1), dtype=first.dtype)
    with torch.no_grad():
        a = first.evaluate(points).detach().cpu().numpy()
        b = second.evaluate(points).detach().cpu().numpy()
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
