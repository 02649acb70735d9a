"""The lanes of one race are told apart by everyone (issue 22, item 3): any two palette colours
differ by a CIEDE2000 ΔE of at least :data:`LEAST` for normal vision and for each simulated
dichromacy. The old palette's yellow (#F0E442) and olive (#BCBD22) differed by 2.1 under
deuteranopia: this test failed on it."""

import numpy as np
import pytest

from landscape_app.state.palette import PALETTE
from tests.state.colour_vision import VISION, closest_pair, delta_e2000, lab

#: A difference of 10 in CIEDE2000 is several times the just-noticeable difference (about
#: 1–2.3): two lines of such colours read as different colours at a glance, not as shades.
LEAST = 10.0


def test_ciede2000_matches_sharma_s_reference_pairs():
    # Sharma, Wu & Dalal (2005), table 1, pairs 1, 7 and 17 (published to 4 decimals)
    pairs = [((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
             ((50, 0, 0), (50, -1, 2), 2.3669),
             ((50, 2.5, 0), (73, 25, -18), 27.1492)]
    for first, second, expected in pairs:
        assert delta_e2000(np.array(first), np.array(second)) == pytest.approx(expected,
                                                                                 abs=1e-4)


@pytest.mark.parametrize("vision", sorted(VISION))
def test_every_two_palette_colours_differ_for_every_vision(vision):
    difference, pair = closest_pair(PALETTE, vision)
    assert difference >= LEAST, f"{pair} differ by only {difference:.1f} ({vision})"


def test_dichromat_simulation_merges_red_and_green():
    # the simulation does what it is for: a red and a green that differ a lot for normal
    # vision become close for a deuteranope
    red, green = "#D62728", "#2CA02C"
    assert delta_e2000(lab(red), lab(green)) > 50
    assert delta_e2000(lab(red, "deuteranopia"), lab(green, "deuteranopia")) < 25
