"""The exported map's axes: nice ticks, plain labels (not 0.247, 0.495, 0.742)."""

import numpy as np

from landscape_app.export.map_image import _ticks


def test_the_exported_maps_ticks_are_nice():
    momenta = np.linspace(0.0, 0.99, 96)
    assert [label for _, label in _ticks(momenta, False)] == ["0", "0.2", "0.4", "0.6", "0.8"]
    fractions = [f for f, _ in _ticks(momenta, False)]
    assert np.allclose(fractions, np.array([0.0, 0.2, 0.4, 0.6, 0.8]) / 0.99)
    lrs = np.geomspace(1e-8, 1e-4, 96)
    assert [label for _, label in _ticks(lrs, True)] == ["1e-08", "1e-07", "1e-06", "1e-05",
                                                          "0.0001"]
