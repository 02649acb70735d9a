"""The lane colours (standard library only, so the window can use them before torch loads)."""

#: Lane colours, in order: Okabe–Ito's seven colours, white, a light grey, and three light
#: tints that every colour map carries (a mint, a sage and a light cyan). Any two of them differ
#: by a CIEDE2000 ΔE of at least 10 for normal vision and under simulated deuteranopia,
#: protanopia and tritanopia (tests/state/test_palette.py), so the lanes of one race are told
#: apart by everyone; nine of them stand out on every colour map
#: (:mod:`landscape_app.state.lane_contrast`).
PALETTE = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#FFFFFF",
    "#BBBBBB", "#BBFFBB", "#88BB77", "#77EEFF",
)
