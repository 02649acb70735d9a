"""Run pytest with PySide6, shiboken6 and pyqtgraph made unimportable.

The inner rings (core, state, export) and the headless command line must work on a machine
without Qt; running their tests with Qt blocked proves it (napari's headless test run does the
same with a separate environment). Usage: python tools/pytest_without_qt.py [pytest args]
"""

import importlib.abc
import sys

BLOCKED = {"PySide6", "shiboken6", "pyqtgraph", "pytestqt", "OpenGL"}


class BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked: this test run proves the code needs no Qt")
        return None


sys.meta_path.insert(0, BlockQt())
for loaded in [m for m in sys.modules if m.split(".")[0] in BLOCKED]:
    del sys.modules[loaded]

import pytest  # noqa: E402

# pytest-qt and pytest-xvfb are off here, so their ini options are unknown to pytest.
IGNORE_THEIR_OPTIONS = "ignore:Unknown config option:pytest.PytestConfigWarning"
ARGS = ["-p", "no:pytest-qt", "-p", "no:xvfb", "-W", IGNORE_THEIR_OPTIONS]
if __name__ == "__main__":  # the race process's fork server imports this file again
    sys.exit(pytest.main([*ARGS, *sys.argv[1:]]))
