"""Compare optimizers fairly: every optimizer over its tuning sweep, from many starts.

Qt-free. See :mod:`landscape_app.core.compare.runs` for the per-run arrays every path produces.
"""
