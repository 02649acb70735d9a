"""Test-suite wide set-up: the window's settings in a temporary folder
(``LANDSCAPE_APP_SETTINGS``); every test under tests/gui is marked ``gui``; a test marked
``cuda`` is skipped, with the reason, where CUDA is not available."""

import os
import tempfile
from pathlib import Path

import pytest

# Never the user's settings: every window a test opens, in this process or a child, keeps its
# settings (the remembered geometry) in a folder of the test run's own.
os.environ["LANDSCAPE_APP_SETTINGS"] = tempfile.mkdtemp(prefix="landscape-app-test-settings-")

GUI_DIR = Path(__file__).parent / "gui"


def pytest_collection_modifyitems(config, items):
    cuda = None
    for item in items:
        if GUI_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.gui)
        if item.get_closest_marker("cuda") is not None:
            if cuda is None:
                import torch

                cuda = torch.cuda.is_available()
            if not cuda:
                item.add_marker(pytest.mark.skip(
                    reason="needs CUDA, which this machine lacks; bench/gpu.py runs it on a GPU"))
