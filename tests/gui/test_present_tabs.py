"""Presenting at 1024 × 768 the view tabs fit or are elided with "…", never cut mid-word
behind scroll arrows (issue 22, item 2). Before: the bar read "2D landscape | 3D surface |
Hyperparameter map | Com" with scroll arrows."""

import pytest

from tests.gui.window_sizes_tool import window_sizes

pytestmark = pytest.mark.gui


def test_the_view_tabs_fit_or_elide_when_presenting_at_1024_by_768():
    result = window_sizes.measure_at(1024, 768, phases=("presentation",),
                                     timeout=400)["presentation"]
    bar = result["view_tabs"]
    assert [tab["text"] for tab in bar["tabs"]][:2] == ["2D  landscape", "3D  surface"]
    assert len(bar["tabs"]) >= 3  # the maps' tabs too, the case that overflowed
    assert not bar["arrows"]
    for tab in bar["tabs"]:
        assert tab["inside"], tab
        assert tab["whole"] or bar["elide"], tab  # narrower than its title: elided with "…"
