"""The torch-free catalogue agrees with the torch-backed registries, and imports no torch."""

from __future__ import annotations

import subprocess
import sys

from landscape_app.core.catalogue.optimizer_specs import (
    LOOKAHEAD_INNER,
    TORCH_OPTIM_IDS,
    inner_choices,
    param_spec,
)
from landscape_app.core.optim import all_optimizers
from landscape_app.core.optim.lookahead import Lookahead
from landscape_app.core.optim.torch_based import TorchOptimizer


def test_catalogue_families_match_the_classes():
    for optimizer_id, cls in all_optimizers().items():
        assert issubclass(cls, TorchOptimizer) == (optimizer_id in TORCH_OPTIM_IDS), optimizer_id
        assert issubclass(cls, Lookahead) == (optimizer_id in LOOKAHEAD_INNER), optimizer_id
        assert cls.param_spec({}) == param_spec(optimizer_id, {})
    assert LOOKAHEAD_INNER == {"lookahead": None, "ranger": "radam"}


def test_lookahead_wraps_the_torch_optim_methods_but_lbfgs():
    assert set(inner_choices()) == TORCH_OPTIM_IDS - {"lbfgs", "lookahead", "ranger"}


def test_the_catalogue_modules_import_no_torch():
    modules = ("optimizer_records", "optimizer_specs", "functions", "networks", "grids",
               "map_checks")
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module('landscape_app.core.catalogue.' + name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'numpy')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
