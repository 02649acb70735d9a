"""Test-suite wide set-up: the window's settings in a temporary folder
(``LANDSCAPE_APP_SETTINGS``); every test under tests/gui is marked ``gui``; a test marked
``cuda`` is skipped, with the reason, where CUDA is not available; ``broken_gpu``, a GPU that
is reported present but cannot start (for the core's device choice and the window alike); a
session with a hidden lane and its recording (for the recording's tests and the frames')."""

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


@pytest.fixture
def broken_gpu(monkeypatch):
    """CUDA reported present, MPS absent, and CUDA's first allocation failing for real (as on
    a CPU build of torch); skips where CUDA really starts. The device module's cached verdict
    is cleared before and after."""
    import torch

    from landscape_app.core import device as device_module

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(device_module, "mps_available", lambda: False)
    device_module.device_failure.cache_clear()
    try:
        if device_module.device_failure("cuda") is None:
            pytest.skip("CUDA starts on this machine")
        yield
    finally:
        device_module.device_failure.cache_clear()


#: Steps of :func:`hidden_lane_recording`.
RECORDED_STEPS = 24


@pytest.fixture(scope="module")
def hidden_lane_session():
    """adam-vs-sgd with a fourth, hidden lane in a pink far from viridis and from every lane
    colour of the scene."""
    from dataclasses import replace

    from landscape_app.state.scenes import load_scene

    scene = load_scene("adam-vs-sgd").state
    hidden = replace(scene.lanes[2], label="hidden Adam", color="#ff2d95", visible=False)
    return replace(scene, lanes=(*scene.lanes, hidden))


@pytest.fixture(scope="module")
def hidden_lane_recording(hidden_lane_session):
    """:func:`hidden_lane_session` recorded for :data:`RECORDED_STEPS` steps on the CPU."""
    from landscape_app.engine.recording import record_session

    return record_session(hidden_lane_session, steps=RECORDED_STEPS, device="cpu")
