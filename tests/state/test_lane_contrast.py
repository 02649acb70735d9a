"""The lane-colour rule, Qt-free (issue 24): the window and the exported page draw lanes in
the colours :func:`trail_colors` picks on the colour map."""

from landscape_app.state.colormaps import COLORMAPS
from landscape_app.state.lane_contrast import (
    COLOR_CONTRAST,
    halo_color,
    trail_colors,
    worst_contrast,
)
from landscape_app.state.palette import PALETTE


def test_lane_colours_change_only_where_they_would_not_stand_out():
    for colormap in COLORMAPS:
        halo = halo_color(colormap)
        shown = trail_colors(("#E69F00", "#56B4E9", "#009E73"), colormap)
        assert shown[:2] == ("#E69F00", "#56B4E9")  # fine: kept
        assert shown[2] != "#009E73" and shown[2] in PALETTE and len(set(shown)) == 3
        assert all(worst_contrast(c, halo, colormap) >= COLOR_CONTRAST for c in shown)
    custom = trail_colors(("#E69F00", "#123456"), "viridis")  # a dark colour of the user's
    assert custom[0] == "#E69F00" and custom[1] in PALETTE and custom[1] != custom[0]
    crowded = PALETTE + ("#123456",)  # more lanes than palette colours: nothing left to swap
    assert len(trail_colors(crowded, "viridis")) == len(crowded)
