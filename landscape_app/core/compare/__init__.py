"""Compare optimizers fairly: every optimizer over its tuning sweep, from many starts.

Qt-free. Public API (what the ``compare`` command uses)::

    from landscape_app.core.compare import compare, grid_starts, seed_starts

    result = compare(objective, [("adam", []), ("sgd:momentum=0.9", [])],
                     grid_starts((-5, 5), (-5, 5), 32), steps=300, tolerance=1e-3)
    result.success, result.tuning_curve, result.best      # (O, L), (O, K), (O,)

See :class:`~landscape_app.core.compare.comparison.CompareResult` for every field,
:mod:`.tuning` for the figures and :mod:`landscape_app.core.catalogue.compare_sweeps` for the
sweeps.
"""

from landscape_app.core.compare.comparison import (
    CompareResult,
    compare,
    grid_starts,
    seed_starts,
)
from landscape_app.core.compare.runs import RunArrays

__all__ = ["CompareResult", "RunArrays", "compare", "grid_starts", "seed_starts"]
