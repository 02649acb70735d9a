"""2D test functions by stable id, and custom expressions.

``get_function("rosenbrock")`` returns a :class:`Function2D`; ``all_functions()`` lists them
in display order.
"""

from landscape_app.core.functions.catalog import FUNCTIONS, all_functions, get_function
from landscape_app.core.functions.function2d import Box, Function2D

__all__ = ["FUNCTIONS", "Box", "Function2D", "all_functions", "get_function"]
