"""The lane colours (standard library only, so the window can use them before torch loads)."""

#: Lane colours, in order: distinct, readable on dark and light backgrounds, colour-blind safe
#: as far as eight colours can be (Okabe–Ito, then two Tableau tones).
PALETTE = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#FFFFFF",
    "#8C564B", "#BCBD22",
)
