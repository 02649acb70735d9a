"""Custom landscapes typed as an expression in x and y, parsed safely.

The text is parsed with :func:`ast.parse` (``mode="eval"``) and the tree is walked against a
whitelist (:mod:`landscape_app.core.functions.expression_rules`): numbers, ``x``, ``y``,
``pi``, ``e``, unary ``+ -``, binary ``+ - * / **``, parentheses and calls of whitelisted math
functions by plain name. ``^`` is read as a power, with the precedence of ``**``
(``x^2 + 1`` is x² + 1). Everything else is rejected with an
:class:`~landscape_app.core.errors.ExpressionError` saying what is wrong and at which column.

Accepted trees are interpreted into a closure of torch operations: user text is never passed
to ``eval``, ``exec`` or ``compile``. Constant subexpressions are folded once, in float64
torch arithmetic (so ``10**400`` is ``inf`` at once, never a Python big integer). The closure
broadcasts over tensors of any shape and is differentiable through autograd.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from landscape_app.core.errors import ExpressionError, LandscapeError
from landscape_app.core.functions.expression_rules import (
    BINARY_OPERATORS,
    CONSTANTS,
    FORBIDDEN_OPERATORS,
    FORBIDDEN_SYNTAX,
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_LITERAL,
    MAX_NODES,
    UNARY_OPERATORS,
    VARIABLES,
    MathFunction,
)
from landscape_app.core.functions.expression_source import ExpressionSource
from landscape_app.core.functions.function2d import Box, Formula, Function2D

DEFAULT_RANGE = (-5.0, 5.0)
#: Points per side of the grid an expression is tried on before it is accepted.
PROBE_POINTS = 11

Value = torch.Tensor | float
Evaluator = Callable[[torch.Tensor, torch.Tensor], Value]


def custom_function(text: str, x_range: Sequence[float] | None = None,
                    y_range: Sequence[float] | None = None) -> Function2D:
    """A :class:`Function2D` (id ``custom``) from an expression in ``x`` and ``y``.

    Parameters
    ----------
    text : str
        The expression, e.g. ``"(1-x)**2 + 100*(y-x**2)**2"``.
    x_range, y_range : pair of float, optional
        The box searched and drawn; ``[-5, 5]`` when not given.

    Returns
    -------
    Function2D
        Its minima are unknown (empty). The suggested start is the point 60 % of the way from
        the centre towards the top-left corner (or the nearest probe point where f is finite).

    Raises
    ------
    ExpressionError
        When the text is not an allowed expression, or is not finite anywhere in the box.
    LandscapeError
        When a range is not two finite numbers, low < high.
    """
    formula = compile_expression(text)
    box = Box(*_checked_range("x", x_range), *_checked_range("y", y_range))
    start = _probe(formula, box)
    shown = text.strip()
    return Function2D(
        "custom", "Custom expression", formula, domain=box, view=box, minima=(),
        start=start, description=f"f(x, y) = {shown}", latex=shown,
    )


def compile_expression(text: str) -> Formula:
    """Parse and check ``text``; the formula ``f(x, y)`` it denotes, on tensors.

    Raises
    ------
    ExpressionError
        With the reason and, where it applies, ``position`` (0-based character offset).
    """
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, not {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("the expression is empty; type a formula in x and y, "
                              "such as x**2 + y**2")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is too long ({len(text)} characters; "
                              f"at most {MAX_LENGTH})", MAX_LENGTH)
    source = ExpressionSource(text)
    tree = source.parse()
    nodes = sum(1 for node in ast.walk(tree) if isinstance(node, ast.expr))
    if nodes > MAX_NODES:
        raise ExpressionError(f"the expression is too complex ({nodes} parts; "
                              f"at most {MAX_NODES})")
    part = _Compiler(source).visit(tree.body, 1)
    if part.constant is not None:
        constant = part.constant
        return lambda x, y: x * 0.0 + constant  # broadcast, and a (zero) gradient path
    return part.evaluate  # it uses x or y, so it returns a tensor of their shape


# -- the tree walker -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Part:
    """A checked subexpression: a folded ``constant``, or ``evaluate(x, y)`` on tensors."""

    constant: float | None = None
    evaluate: Evaluator | None = None

    def evaluator(self) -> Evaluator:
        if self.constant is not None:
            constant = self.constant
            return lambda x, y: constant
        return self.evaluate


def _fold(operation: Callable, constants: Sequence[float]) -> float:
    """``operation`` on constants, in float64 torch arithmetic (overflow gives inf, not hangs)."""
    with torch.no_grad():
        return float(operation(*(torch.tensor(c, dtype=torch.float64) for c in constants)))


def _tensor_arguments(operation: Callable) -> Callable:
    """Wrap a two-argument torch function so a float argument becomes a tensor like the other."""
    def apply(a: Value, b: Value) -> torch.Tensor:
        if not isinstance(a, torch.Tensor):
            a = b.new_tensor(a)
        elif not isinstance(b, torch.Tensor):
            b = a.new_tensor(b)
        return operation(a, b)
    return apply


def _combine(operation: Callable, parts: Sequence[_Part]) -> _Part:
    if all(part.constant is not None for part in parts):
        return _Part(constant=_fold(operation, [part.constant for part in parts]))
    evaluators = [part.evaluator() for part in parts]
    if len(evaluators) == 1:
        (only,) = evaluators
        return _Part(evaluate=lambda x, y: operation(only(x, y)))
    first, second = evaluators
    return _Part(evaluate=lambda x, y: operation(first(x, y), second(x, y)))


def _is_power(node: ast.AST) -> bool:
    """Whether ``node`` (under any unary signs) is itself a power: ``a**b`` or ``pow(a, b)``."""
    while isinstance(node, ast.UnaryOp):
        node = node.operand
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Pow)
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "pow")


class _Compiler:
    """Checks each node against the whitelist and turns it into a :class:`_Part`."""

    def __init__(self, source: ExpressionSource):
        self.source = source

    def visit(self, node: ast.AST, depth: int) -> _Part:
        if depth > MAX_DEPTH:
            raise self.source.error(node, f"the expression is nested too deeply (more than "
                                          f"{MAX_DEPTH} levels)")
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node, depth)
        if isinstance(node, ast.BinOp):
            return self._binary(node, depth)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        label = FORBIDDEN_SYNTAX.get(type(node))
        if label is not None:
            raise self.source.error(node, f"{label} are not allowed: "
                                          f"{self.source.snippet(node)}")
        raise self.source.error(node, f"{self.source.snippet(node)} is not allowed",
                                "use numbers, x, y, pi, e, + - * / ** and math functions")

    def _number(self, node: ast.Constant) -> _Part:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "strings" if isinstance(value, str | bytes) else (
                "imaginary numbers" if isinstance(value, complex) else repr(value))
            verb = "is" if kind == repr(value) else "are"
            raise self.source.error(node, f"{kind} {verb} not allowed: "
                                          f"{self.source.snippet(node)}")
        # int vs float comparison is exact in Python: no overflow for a huge integer literal.
        if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > MAX_LITERAL:
            raise self.source.error(node, f"the number {self.source.snippet(node)} is too large",
                                    f"numbers may be at most {MAX_LITERAL:g} in size")
        return _Part(constant=float(value))

    def _name(self, node: ast.Name) -> _Part:
        name = node.id
        if name in VARIABLES:
            index = VARIABLES.index(name)
            return _Part(evaluate=(lambda x, y: x) if index == 0 else (lambda x, y: y))
        if name in CONSTANTS:
            return _Part(constant=CONSTANTS[name])
        if name in FUNCTIONS:
            raise self.source.error(node, f"'{name}' is a function",
                                    f"call it on something, like {name}(x)")
        raise self.source.error(node, f"unknown name '{name}'", "use x, y, pi or e")

    def _unary(self, node: ast.UnaryOp, depth: int) -> _Part:
        if type(node.op) not in UNARY_OPERATORS:
            symbol = FORBIDDEN_OPERATORS.get(type(node.op), type(node.op).__name__)
            raise self.source.error(node, f"operator '{symbol}' is not allowed",
                                    "use + - * / ** (or ^)")
        _, operation = UNARY_OPERATORS[type(node.op)]
        return _combine(operation, [self.visit(node.operand, depth + 1)])

    def _binary(self, node: ast.BinOp, depth: int) -> _Part:
        if type(node.op) not in BINARY_OPERATORS:
            symbol = FORBIDDEN_OPERATORS.get(type(node.op), type(node.op).__name__)
            position = self.source.operator_offset(node, symbol)
            raise self.source.error_at(position, f"operator '{symbol}' is not allowed",
                                       "use + - * / ** (or ^)")
        _, operation = BINARY_OPERATORS[type(node.op)]
        if isinstance(node.op, ast.Pow):
            return self._power(operation, node.left, node.right, depth)
        parts = [self.visit(node.left, depth + 1), self.visit(node.right, depth + 1)]
        return _combine(operation, parts)

    def _power(self, operation: Callable, base: ast.AST, exponent: ast.AST,
               depth: int) -> _Part:
        """``base ** exponent``: no power inside the exponent, constant exponents bounded."""
        if _is_power(exponent):
            raise self.source.error(exponent, "a power inside an exponent (a**b**c) is not "
                                              "allowed", "use one power at a time")
        base_part = self.visit(base, depth + 1)
        exponent_part = self.visit(exponent, depth + 1)
        value = exponent_part.constant
        if value is not None and not (math.isfinite(value) and abs(value) <= MAX_EXPONENT):
            raise self.source.error(exponent, f"the exponent {value:g} is too large",
                                    f"constant exponents may be at most {MAX_EXPONENT:g} "
                                    "in size")
        return _combine(operation, [base_part, exponent_part])

    def _call(self, node: ast.Call, depth: int) -> _Part:
        function = self._called_function(node)
        if node.keywords:
            keyword = node.keywords[0]
            raise self.source.error(keyword, f"keyword arguments are not allowed: "
                                             f"{self.source.snippet(keyword)}")
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise self.source.error(argument, "starred arguments (*a) are not allowed")
        if len(node.args) != function.arity:
            plural = "s" if function.arity != 1 else ""
            raise self.source.error(node, f"{function.name} takes {function.arity} "
                                          f"argument{plural}, got {len(node.args)}")
        operation = (_tensor_arguments(function.operation) if function.needs_tensors
                     else function.operation)
        if function.name == "pow":
            return self._power(operation, node.args[0], node.args[1], depth)
        return _combine(operation, [self.visit(arg, depth + 1) for arg in node.args])

    def _called_function(self, node: ast.Call) -> MathFunction:
        func = node.func
        # ``(sin)(x)`` parses like ``sin(x)``; the call then starts before the name does.
        if not isinstance(func, ast.Name) or func.col_offset != node.col_offset:
            raise self.source.error(node, f"calling {self.source.snippet(func)} is not "
                                          "allowed", "call a math function by name, like sin(x)")
        if func.id in FUNCTIONS:
            return FUNCTIONS[func.id]
        what = "is not a function" if func.id in VARIABLES or func.id in CONSTANTS else (
            "is not an allowed function")
        raise self.source.error(func, f"'{func.id}' {what}",
                                f"the functions are {', '.join(FUNCTIONS)}")


# -- ranges and the probe --------------------------------------------------------------------
def _checked_range(axis: str, bounds: Sequence[float] | None) -> tuple[float, float]:
    if bounds is None:
        return DEFAULT_RANGE
    try:
        low, high = (float(value) for value in bounds)
    except (TypeError, ValueError):
        raise LandscapeError(f"the {axis} range must be two numbers (low, high), "
                             f"got {bounds!r}") from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise LandscapeError(f"the {axis} range must be two finite numbers with low < high, "
                             f"got ({low:g}, {high:g})")
    return low, high


def _probe(formula: Formula, box: Box) -> tuple[float, float]:
    """Try ``formula`` on a grid over ``box``; the suggested start point.

    Raises ExpressionError when f is finite nowhere on the grid.
    """
    xs = torch.linspace(box.x0, box.x1, PROBE_POINTS, dtype=torch.float64)
    ys = torch.linspace(box.y0, box.y1, PROBE_POINTS, dtype=torch.float64)
    grid_x, grid_y = torch.meshgrid(xs, ys, indexing="xy")
    try:
        with torch.no_grad():
            values = formula(grid_x, grid_y)
    except RuntimeError as error:
        raise ExpressionError(f"the expression cannot be evaluated: {error}") from None
    finite = torch.isfinite(values).numpy()
    if not finite.any():
        raise ExpressionError(
            "the expression is not finite anywhere in the range "
            f"x ∈ [{box.x0:g}, {box.x1:g}], y ∈ [{box.y0:g}, {box.y1:g}]"
        )
    preferred = np.array([box.x0 + 0.2 * (box.x1 - box.x0), box.y0 + 0.8 * (box.y1 - box.y0)])
    with torch.no_grad():
        preferred_value = float(formula(*torch.tensor(preferred, dtype=torch.float64)))
    if math.isfinite(preferred_value):
        return float(preferred[0]), float(preferred[1])
    points = np.stack([grid_x.numpy()[finite], grid_y.numpy()[finite]], axis=1)
    nearest = points[np.argmin(np.linalg.norm(points - preferred, axis=1))]
    return float(nearest[0]), float(nearest[1])
