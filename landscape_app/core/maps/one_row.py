"""One float64 row's closed-form loss and gradient in Python numbers: the same operations.

A drag preview steps a single ``(1, 2)`` row on the CPU, and its closed-form gradient
(:mod:`~landscape_app.core.catalogue.function_forms`) is a dozen tensor operations there,
each costing ~2 µs of dispatch for one number: 25 µs of Rosenbrock's, half a preview step.
:class:`Number` gives a Python float the methods those functions call (``pow(2)``, ``mul``,
``add``, ``sub``, in place or not, ``neg_``, ``1 − x``), so the catalogue's own function runs
on the row's two coordinates in 8 µs, tensors made of its three results at the end.

The numbers are the tensors' bit for bit: float64 addition, subtraction and multiplication
are IEEE's, correctly rounded, in Python as in torch's CPU kernels (whose ``a + α·b`` with
α = ±1 is exact in the product, fused or not), and ``pow(2)`` is ``x · x`` in both; the
functions do nothing else (a method they would call and :class:`Number` lacks raises).
``tests/core/maps/test_one_row.py`` holds them equal over the points the closed forms are
tested on. float64 only: a float32 tensor rounds every operation to float32, which Python's
floats do not.
"""

from __future__ import annotations

from collections.abc import Callable

import torch


class Number:
    """A Python float with the tensor methods the closed forms call; ``value`` the float."""

    __slots__ = ("value",)

    def __init__(self, value: float):
        self.value = value

    def pow(self, exponent: float) -> Number:
        if exponent != 2:
            raise ValueError(f"only squares are computed as torch computes them, not ^{exponent}")
        return Number(self.value * self.value)

    def mul(self, other: Number | float) -> Number:
        return Number(self.value * _float(other))

    def mul_(self, other: Number | float) -> Number:
        self.value *= _float(other)
        return self

    def add(self, other: Number | float) -> Number:
        return Number(self.value + _float(other))

    def add_(self, other: Number | float) -> Number:
        self.value += _float(other)
        return self

    __iadd__ = add_

    def sub(self, other: Number | float) -> Number:
        return Number(self.value - _float(other))

    def sub_(self, other: Number | float) -> Number:
        self.value -= _float(other)
        return self

    def neg_(self) -> Number:
        self.value = -self.value
        return self

    def __rsub__(self, other: float) -> Number:
        return Number(other - self.value)


def _float(value: Number | float) -> float:
    return value.value if type(value) is Number else value


def one_row(points: torch.Tensor) -> bool:
    """Whether ``points`` is one float64 row of two coordinates on the CPU."""
    return (points.dtype == torch.float64 and points.shape == (1, 2)
            and points.device.type == "cpu")


def row_value_and_grad(gradient: Callable, points: torch.Tensor) -> tuple[torch.Tensor,
                                                                          torch.Tensor]:
    """``gradient(x, y)`` (a catalogue closed form) at the :func:`one_row` ``points``: the
    loss ``(1,)`` and gradient ``(1, 2)`` it gives on tensors, computed in Python numbers."""
    ((x, y),) = points.tolist()
    value, dx, dy = gradient(Number(x), Number(y))
    return (torch.tensor([value.value], dtype=torch.float64),
            torch.tensor([[dx.value, dy.value]], dtype=torch.float64))


__all__ = ["Number", "one_row", "row_value_and_grad"]
