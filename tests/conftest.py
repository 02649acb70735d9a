"""Test-suite wide set-up: every test under tests/gui is marked ``gui``; a test marked ``cuda``
is skipped, with the reason, where CUDA is not available."""

from pathlib import Path

import pytest

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
