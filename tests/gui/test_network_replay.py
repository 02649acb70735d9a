"""A network landscape in the window: trained in the background, then replayed on its plane."""

import numpy as np
import pytest

from landscape_app.core.device import pick_device
from landscape_app.core.nn.models import DTYPES

pytestmark = pytest.mark.gui


def test_network_surface_is_built_in_the_background_and_replayed(window, qtbot):
    panel, controller = window.landscape_panel, window.controller
    window.controls.max_steps.setValue(30)
    window.controls.max_steps.editingFinished.emit()
    page = panel.network
    page.model.setCurrentIndex(page.model.findData("seed"))
    page.resolution.setValue(15)
    panel.tabs.setCurrentIndex(2)
    with qtbot.waitSignal(controller.networkReady, timeout=60_000) as ready:
        page.build.click()
        assert not page.build.isEnabled()  # busy: progress shown, cancel offered
    # the device auto chose for the network's dtype: the CPU here, CUDA (…) on a GPU machine
    chosen = pick_device("auto", DTYPES[controller.landscape.config.dtype]).description
    assert "10 parameters" in ready.args[0] and f"computed on {chosen} in" in ready.args[0]
    assert page.info.text() == ready.args[0] and not page.progress.isVisible()
    assert not controller.landscape.live and controller.state.landscape.kind == "network"
    assert window.views.table.table_model.headers[5] == "off plane"
    assert not window.views.contour.start_marker.isVisible()
    assert controller.grid.values.shape == (15, 15)
    window.controls.speed.setCurrentIndex(window.controls.speed.findData(None))
    window.controls.play_action.setChecked(True)
    qtbot.waitUntil(lambda: window.buffer.snapshot().done, timeout=30_000)
    snapshot = window.buffer.snapshot()
    assert [lane.label for lane in snapshot.lanes] == [lane.label for lane in
                                                       controller.state.lanes]
    for lane, path in zip(snapshot.lanes, controller.landscape.lanes, strict=True):
        assert np.allclose(lane.xy, path.coords)
        assert np.allclose(lane.column("loss"), path.losses)
    qtbot.waitUntil(lambda: not window.controls.play_action.isChecked())


def test_network_build_can_be_cancelled(window, qtbot):
    panel, controller = window.landscape_panel, window.controller
    window.controls.max_steps.setValue(100_000)
    window.controls.max_steps.editingFinished.emit()
    panel.tabs.setCurrentIndex(2)
    with qtbot.waitSignal(controller.networkFailed, timeout=60_000) as failed:
        panel.network.build.click()
        qtbot.waitUntil(lambda: panel.network.progress.isVisible(), timeout=30_000)
        panel.network.progress.cancel.click()
    assert "cancel" in failed.args[0]
    assert panel.network.error.isVisible() and panel.network.build.isEnabled()
    assert controller.landscape is None and controller.model.blocked
    assert not window.controls.play_action.isEnabled()
