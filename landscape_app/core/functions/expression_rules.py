"""What a custom expression may contain: the whitelist and the limits, as data.

The parser in :mod:`landscape_app.core.functions.expression` accepts exactly what is listed
here and rejects everything else with a message built from these tables.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

#: Longest expression accepted, in characters.
MAX_LENGTH = 500
#: Most syntax-tree nodes accepted (numbers, names, operators, calls...).
MAX_NODES = 300
#: Deepest nesting accepted (each operator or call is one level).
MAX_DEPTH = 50
#: Largest magnitude of a number written in the expression.
MAX_LITERAL = 1e9
#: Largest magnitude of a constant exponent (``x**100`` is accepted, ``x**1e6`` is not).
MAX_EXPONENT = 100.0

#: The variables, in the order the formula receives them.
VARIABLES = ("x", "y")

#: Named constants (``π`` is accepted as a spelling of ``pi``).
CONSTANTS: dict[str, float] = {"pi": math.pi, "π": math.pi, "e": math.e}


@dataclass(frozen=True)
class MathFunction:
    """A function an expression may call: its name, number of arguments and torch operation."""

    name: str
    arity: int
    operation: Callable[..., torch.Tensor]
    needs_tensors: bool = False  # the torch operation rejects plain floats as arguments


def _functions(*functions: MathFunction) -> dict[str, MathFunction]:
    return {function.name: function for function in functions}


#: Every callable function. ``floor`` and ``ceil`` are piecewise constant: their gradient is 0
#: almost everywhere, so gradient methods stand still on them while derivative-free methods
#: (PSO, simulated annealing, CMA-ES) still work, which is what they are there to show.
FUNCTIONS = _functions(
    MathFunction("sin", 1, torch.sin),
    MathFunction("cos", 1, torch.cos),
    MathFunction("tan", 1, torch.tan),
    MathFunction("asin", 1, torch.asin),
    MathFunction("acos", 1, torch.acos),
    MathFunction("atan", 1, torch.atan),
    MathFunction("atan2", 2, torch.atan2, needs_tensors=True),
    MathFunction("sinh", 1, torch.sinh),
    MathFunction("cosh", 1, torch.cosh),
    MathFunction("tanh", 1, torch.tanh),
    MathFunction("exp", 1, torch.exp),
    MathFunction("log", 1, torch.log),
    MathFunction("log10", 1, torch.log10),
    MathFunction("log2", 1, torch.log2),
    MathFunction("sqrt", 1, torch.sqrt),
    MathFunction("abs", 1, torch.abs),
    MathFunction("min", 2, torch.minimum, needs_tensors=True),
    MathFunction("max", 2, torch.maximum, needs_tensors=True),
    MathFunction("pow", 2, torch.pow),
    MathFunction("floor", 1, torch.floor),
    MathFunction("ceil", 1, torch.ceil),
)

#: Binary operators: the symbol and the operation (Python's operators dispatch to torch).
BINARY_OPERATORS: dict[type[ast.operator], tuple[str, Callable]] = {
    ast.Add: ("+", lambda a, b: a + b),
    ast.Sub: ("-", lambda a, b: a - b),
    ast.Mult: ("*", lambda a, b: a * b),
    ast.Div: ("/", lambda a, b: a / b),
    ast.Pow: ("**", lambda a, b: a**b),
}

#: Unary operators that are allowed.
UNARY_OPERATORS: dict[type[ast.unaryop], tuple[str, Callable]] = {
    ast.UAdd: ("+", lambda a: +a),
    ast.USub: ("-", lambda a: -a),
}

#: Operators Python knows that an expression may not use, with their symbols.
FORBIDDEN_OPERATORS: dict[type, str] = {
    ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.Invert: "~", ast.Not: "not",
}

#: What to call each kind of forbidden syntax in a message (plural, as in "... are not allowed").
FORBIDDEN_SYNTAX: dict[type, str] = {
    ast.Attribute: "attributes (a.b)",
    ast.Subscript: "subscripts (a[i])",
    ast.Slice: "slices",
    ast.Lambda: "lambdas",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.JoinedStr: "f-strings",
    ast.FormattedValue: "f-strings",
    ast.NamedExpr: "assignments (:=)",
    ast.Compare: "comparisons (<, ==, ...)",
    ast.BoolOp: "boolean operators (and, or)",
    ast.IfExp: "conditional expressions (a if c else b)",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Set: "sets",
    ast.Dict: "dicts",
    ast.Starred: "starred arguments (*a)",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}

#: One paragraph for the window's expression page: what an expression may contain.
EXPRESSION_HELP = (
    "An expression in x and y: numbers, + - * / and ** for powers (^ works too, with the "
    "same meaning and precedence), parentheses, the constants pi and e, and the functions "
    + ", ".join(FUNCTIONS)
    + f". min, max, atan2 and pow take two arguments. At most {MAX_LENGTH} characters; "
    f"constant exponents at most {MAX_EXPONENT:g} in size. Example: (1-x)**2 + 100*(y-x**2)**2"
)
