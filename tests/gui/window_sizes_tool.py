"""``tools/window_sizes.py`` (a script, not a module of the package), loaded once for the
tests that measure the window with it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parents[2] / "tools" / "window_sizes.py"
_spec = importlib.util.spec_from_file_location("window_sizes", TOOL)
window_sizes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(window_sizes)
