"""Custom expressions: what they compute, and everything hostile or broken they reject."""

from __future__ import annotations

import inspect
import math
import time

import numpy as np
import pytest
import torch

from landscape_app.core.errors import ExpressionError, LandscapeError
from landscape_app.core.functions import (
    expression,
    expression_rules,
    expression_source,
    get_function,
)
from landscape_app.core.functions.expression import compile_expression, custom_function
from landscape_app.core.functions.expression_rules import FUNCTIONS
from landscape_app.core.objective import Problem

ROSENBROCK = "(1-x)**2 + 100*(y-x**2)**2"


def _points(n: int = 20, seed: int = 0) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    return torch.as_tensor(rng.uniform(-2.0, 2.0, size=(n, 2)), dtype=torch.float64)


def _evaluate(function, points: torch.Tensor) -> np.ndarray:
    with torch.no_grad():
        return function.evaluate(points).numpy()


# -- what valid expressions compute ----------------------------------------------------------
@pytest.mark.parametrize(("text", "function_id"), [
    (ROSENBROCK, "rosenbrock"),
    ("(1-x)^2 + 100*(y-x^2)^2", "rosenbrock"),
    ("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", "himmelblau"),
    ("-(y+47)*sin(sqrt(abs(x/2 + y + 47))) - x*sin(sqrt(abs(x - (y+47))))", "eggholder"),
    ("-cos(x)*cos(y)*exp(-((x-pi)**2 + (y-pi)**2))", "easom"),
    ("20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)", "rastrigin"),
])
def test_typed_formula_equals_the_catalog_function(text: str, function_id: str):
    typed = custom_function(text)
    points = _points(seed=len(text))
    np.testing.assert_allclose(_evaluate(typed, points), _evaluate(get_function(function_id),
                               points), rtol=1e-13, atol=1e-12)


def test_gradient_through_autograd_is_exact():
    function = custom_function(ROSENBROCK)
    for x, y in _points(5).numpy():
        value, gradient = Problem(function).loss_and_grad(np.array([x, y]))
        expected = [-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)]
        assert value == pytest.approx((1 - x) ** 2 + 100 * (y - x**2) ** 2, rel=1e-14)
        np.testing.assert_allclose(gradient, expected, rtol=1e-12)


@pytest.mark.parametrize(("text", "value"), [("3", 3.0), ("pi + e", math.pi + math.e),
                                             ("2^-1", 0.5), ("-(2**10)**2", -1048576.0)])
def test_constant_expression_broadcasts_and_has_a_zero_gradient(text: str, value: float):
    function = custom_function(text)
    points = torch.zeros(4, 5, 2, dtype=torch.float64)
    result = function.evaluate(points)
    assert result.shape == (4, 5) and result.dtype == torch.float64
    assert torch.all(result == value)
    loss, gradient = Problem(function).loss_and_grad(np.array([1.0, -2.0]))
    assert loss == value and np.array_equal(gradient, [0.0, 0.0])


def test_expression_in_one_variable_has_the_shape_of_the_input():
    function = custom_function("x**3")
    assert function.evaluate(torch.ones(3, 2, dtype=torch.float64)).shape == (3,)
    _, gradient = Problem(function).loss_and_grad(np.array([2.0, 5.0]))
    np.testing.assert_allclose(gradient, [12.0, 0.0])


@pytest.mark.parametrize(("text", "expected"), [
    ("x^2 + 1", lambda x, y: x**2 + 1),
    ("-x^2", lambda x, y: -(x**2)),
    ("2*x^3 + y", lambda x, y: 2 * x**3 + y),
    ("x ^ y", lambda x, y: x**y),
    ("x*y/2 - y", lambda x, y: x * y / 2 - y),
    ("max(x, 0) + min(2, y) + atan2(1, y)", lambda x, y: max(x, 0) + min(2, y) + math.atan2(1, y)),
    ("pow(x, 2) + pow(2, y)", lambda x, y: x**2 + 2**y),
    ("π*x + sin(y)", lambda x, y: math.pi * x + math.sin(y)),
    ("  x +\n\ty  ", lambda x, y: x + y),
])
def test_operators_and_precedence(text: str, expected):
    function = compile_expression(text)
    for x, y in [(1.5, 0.25), (0.3, -1.7), (2.0, 2.0)]:
        value = float(function(torch.tensor(x, dtype=torch.float64),
                               torch.tensor(y, dtype=torch.float64)))
        assert value == pytest.approx(expected(x, y), rel=1e-14)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_every_whitelisted_function_computes_its_math(name: str):
    references = {"abs": abs, "min": min, "max": max, "pow": math.pow, "floor": math.floor,
                  "ceil": math.ceil}
    reference = references.get(name) or getattr(math, name)
    x, y = 0.7, 0.4
    arguments = "x, y" if FUNCTIONS[name].arity == 2 else "0.5*x"
    value = float(compile_expression(f"{name}({arguments})")(
        torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)))
    expected = reference(x, y) if FUNCTIONS[name].arity == 2 else reference(0.5 * x)
    assert value == pytest.approx(expected, rel=1e-14)


def test_custom_function_defaults():
    function = custom_function(f"  {ROSENBROCK} ")
    assert function.id == "custom" and function.minima == ()
    assert (function.domain.x0, function.domain.x1) == (-5.0, 5.0)
    assert (function.domain.y0, function.domain.y1) == (-5.0, 5.0)
    assert function.view == function.domain
    assert function.latex == ROSENBROCK and ROSENBROCK in function.description
    assert function.start == (-3.0, 3.0)
    assert function.dtype == torch.float64


def test_custom_ranges_and_a_start_where_the_function_is_finite():
    function = custom_function("x + y", x_range=(0, 2), y_range=[-1.0, 1.0])
    assert (function.lower.tolist(), function.upper.tolist()) == ([0.0, -1.0], [2.0, 1.0])
    assert function.start == pytest.approx((0.4, 0.6))
    # sqrt(x) is nan left of 0: the start moves to the nearest probe point where f is finite.
    rooted = custom_function("sqrt(x) + y")
    assert rooted.start == (0.0, 3.0)
    assert math.isfinite(Problem(rooted).loss(np.array(rooted.start)))


@pytest.mark.parametrize(("x_range", "fragment"), [
    ((1, 1), "low < high"), ((2, 1), "low < high"), ((0, math.inf), "finite"),
    (("a", 1), "two numbers"), ((1, 2, 3), "two numbers"), (5, "two numbers"),
])
def test_bad_range_is_a_user_error(x_range, fragment: str):
    with pytest.raises(LandscapeError, match=fragment):
        custom_function("x + y", x_range=x_range)


def test_floor_is_allowed_and_flat_for_gradients():
    function = custom_function("floor(x) + ceil(y)")
    _, gradient = Problem(function).loss_and_grad(np.array([0.5, 0.5]))
    assert np.array_equal(gradient, [0.0, 0.0])


# -- what is rejected ------------------------------------------------------------------------
HOSTILE = [
    # (text, fragment of the message, position or None)
    ("", "empty", None),
    ("   \t ", "empty", None),
    ("x" * 501, "too long (501 characters; at most 500)", 500),
    ("x +* 2", "syntax error at column 4", 3),
    ("sin(x", "'(' was never closed", 3),
    ("z + 1", "unknown name 'z'", 0),
    ("x + os", "unknown name 'os'", 4),
    ("x.real", "attributes (a.b) are not allowed", 0),
    ("().__class__", "attributes (a.b) are not allowed", 0),
    ("().__class__.__bases__[0]", "subscripts", 0),
    ("x[0]", "subscripts", 0),
    ("lambda: 1", "lambdas are not allowed", 0),
    ("[i for i in (x,)]", "comprehensions are not allowed", 0),
    ("sum(i for i in (x,))", "'sum' is not an allowed function", 0),
    ("'a' * 10", "strings are not allowed", 0),
    ("b'a'", "strings are not allowed", 0),
    ("f'{x}'", "f-strings are not allowed", 0),
    ("sin(x=1)", "keyword arguments are not allowed", 4),
    ("max(*x)", "starred arguments", 4),
    ("(z := x)", "assignments (:=) are not allowed", 1),
    ("x < y", "comparisons", 0),
    ("x and y", "boolean operators", 0),
    ("x if y else 1", "conditional expressions", 0),
    ("__import__('os')", "'__import__' is not an allowed function", 0),
    ("__import__('os').system('true')", 'calling "__import__(\'os\').system" is not allowed', 0),
    ("open('/etc/passwd')", "'open' is not an allowed function", 0),
    ("eval('1')", "'eval' is not an allowed function", 0),
    ("(sin)(x)", "calling 'sin' is not allowed", 0),
    ("sin(x)(y)", "calling 'sin(x)' is not allowed", 0),
    ("x(2)", "'x' is not a function", 0),
    ("sin + x", "'sin' is a function", 0),
    ("sin(x, y)", "sin takes 1 argument, got 2", 0),
    ("atan2(x)", "atan2 takes 2 arguments, got 1", 0),
    ("9**9**9", "a power inside an exponent", 3),
    ("10**10**10", "a power inside an exponent", 4),
    ("x ^ y ^ 2", "a power inside an exponent", 4),
    ("x**-y**2", "a power inside an exponent", 3),
    ("pow(x, pow(x, 2))", "a power inside an exponent", 7),
    ("x**1e6", "the exponent 1e+06 is too large", 3),
    ("2**1000 + x", "the exponent 1000 is too large", 3),
    ("1e10 * x", "the number '1e10' is too large", 0),
    ("1" + "0" * 300 + " * x", "is too large", 0),
    ("1e999 + x", "is too large", 0),
    ("x % 2", "operator '%' is not allowed at column 3", 2),
    ("x // 2", "operator '//'", 2),
    ("x @ y", "operator '@'", 2),
    ("~x", "operator '~'", 0),
    ("not x", "operator 'not'", 0),
    ("1j * x", "imaginary numbers", 0),
    ("True + x", "True is not allowed", 0),
    ("None", "None is not allowed", 0),
    ("(x, y)", "tuples", 0),
    ("{x: y}", "dicts", 0),
    ("-" * 80 + "x", "nested too deeply", 50),
    ("+".join(["x"] * 200), "too complex (399 parts; at most 300)", None),
    ("(" * 210 + "x" + ")" * 210, "too many nested parentheses", 200),
    ("exp(1000)", "not finite anywhere in the range", None),
    ("log(-1 - x**2)", "not finite anywhere in the range", None),
    ("x^2 + z", "unknown name 'z' at column 7", 6),
    ("π*x + é", "unknown name 'é' at column 7", 6),
    ("x +\n z", "unknown name 'z'", 5),
    ("   q", "unknown name 'q' at column 4", 3),
    ("yield x", "syntax error", 0),
    ("x\x00", "cannot", None),
    ("x²", "syntax error at column 2", 1),
]


@pytest.mark.parametrize(("text", "fragment", "position"), HOSTILE,
                         ids=[repr(text[:24]) for text, _, _ in HOSTILE])
def test_hostile_or_invalid_expression_is_rejected_quickly(text: str, fragment: str, position):
    started = time.perf_counter()
    with pytest.raises(ExpressionError) as caught:
        custom_function(text)
    assert time.perf_counter() - started < 1.0  # generous: the real cost is well under 10 ms
    assert fragment in str(caught.value)
    if position is not None:
        assert caught.value.position == position


def test_rejected_expressions_are_never_run(tmp_path):
    marker = tmp_path / "ran"
    attempts = [f"__import__('os').system('touch {marker}')",
                f"open('{marker}', 'w')",
                f"[c for c in ().__class__.__base__.__subclasses__()] or open('{marker}', 'w')"]
    for text in attempts:
        with pytest.raises(ExpressionError):
            custom_function(text)
    assert not marker.exists()


def test_text_is_never_evaluated_by_python():
    for module in (expression, expression_rules, expression_source):
        source = inspect.getsource(module)
        for banned in ("eval(", "exec(", "compile("):
            assert banned not in source, f"{module.__name__} calls {banned}"


def test_non_text_is_rejected():
    with pytest.raises(ExpressionError, match="must be text"):
        compile_expression(42)
