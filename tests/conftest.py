"""Test-suite wide set-up: every test under tests/gui is marked ``gui``."""

from pathlib import Path

import pytest

GUI_DIR = Path(__file__).parent / "gui"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if GUI_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.gui)
