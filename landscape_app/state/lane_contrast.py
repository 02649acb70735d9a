"""Lane colours and trail halos that stand out on the active colour map.

A trail is a coloured line (the *core*) on a darker or lighter *halo* (an outline). Whether it
can be seen from the back of a room is measured with WCAG 2.x relative-luminance contrast
(the Web Content Accessibility Guidelines' measure; criterion 1.4.11 asks at least 3:1
between a graphical object and what is next to it): luminance, not hue, is what carries a thin
line across a projector and for colour-blind viewers.

Across its width a trail shows both its core and its halo, so over a background colour ``b``
it stands out when ``max(contrast(core, b), contrast(halo, b))`` is high. With one halo no
colour but the brightest reaches 3:1 over *every* colour of a map that runs from dark to light
(the worst background is the one midway, in luminance, between halo and core), so
:func:`trail_colors` asks :data:`COLOR_CONTRAST` = 2.5 of that worst case over the colour map
(sampled): a colour that passes is kept, another is replaced by the next palette colour that
passes and no other lane uses. The rendered trails are then measured against the surface
actually beneath them (``tests/gui/test_trail_contrast.py``), where 3:1 is required.
:func:`halo_color` picks, per colour map, the dark or light halo under which more of the
palette passes. Pure numpy on the colour maps' tables
(:mod:`landscape_app.core.colormap_tables`, pyqtgraph's colours); cached. Qt-free, so the
window and the exported page (:mod:`landscape_app.engine.page`) draw lanes in the same colours.

The window applies this once, when a lane is created (:func:`new_lane_color` for a lane added,
:func:`trail_colors` for the lanes of a scene or session opened): the lane keeps the colour it
got, whatever lanes are added later, and that colour is the one saved. The page applies
:func:`trail_colors` to the lanes it draws, as the window does on opening the same session.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from landscape_app.core.colormap_tables import colormap_rgb
from landscape_app.state.palette import PALETTE

#: Least worst-case contrast (core or halo, over every colour of the map) a lane colour needs.
COLOR_CONTRAST = 2.5
#: Halo colours: one dark, one light.
DARK_HALO, LIGHT_HALO = "#0b0b0b", "#f4f4f4"


def _rgb(color: str) -> np.ndarray:
    text = color.lstrip("#")
    return np.array([int(text[i:i + 2], 16) for i in (0, 2, 4)], dtype=float)


def relative_luminance(rgb) -> np.ndarray:
    """WCAG relative luminance of sRGB colours (``(..., 3)`` values 0–255)."""
    c = np.asarray(rgb, dtype=float) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(a, b) -> np.ndarray:
    """WCAG contrast ratio (1–21) between luminances ``a`` and ``b`` (broadcast)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


@lru_cache(maxsize=32)
def colormap_luminance(name: str) -> np.ndarray:
    """Luminances of the colours evenly spread along colour map ``name``
    (:data:`~landscape_app.core.colormap_tables.SAMPLES` of them)."""
    return relative_luminance(colormap_rgb(name))


def worst_contrast(color: str, halo: str, colormap: str) -> float:
    """The lowest, over the colour map's colours, of the better of core and halo contrast."""
    background = colormap_luminance(colormap)
    core = contrast_ratio(relative_luminance(_rgb(color)), background)
    outline = contrast_ratio(relative_luminance(_rgb(halo)), background)
    return float(np.maximum(core, outline).min())


@lru_cache(maxsize=32)
def halo_color(colormap: str) -> str:
    """The halo drawn under trails on ``colormap``: dark or light, whichever lets more palette
    colours stand out everywhere on it (ties: the one contrasting more with the map's
    median colour)."""
    median = float(np.median(colormap_luminance(colormap)))

    def score(halo: str) -> tuple[int, float]:
        passing = sum(worst_contrast(c, halo, colormap) >= COLOR_CONTRAST for c in PALETTE)
        return passing, float(contrast_ratio(relative_luminance(_rgb(halo)), median))

    return max((DARK_HALO, LIGHT_HALO), key=score)


@lru_cache(maxsize=256)
def trail_colors(colors: tuple[str, ...], colormap: str) -> tuple[str, ...]:
    """The colours to draw lanes ``colors`` in on ``colormap``.

    A colour that stands out everywhere on the map (see :func:`worst_contrast`) is kept;
    another is replaced by the first palette colour that does and is not used by any lane
    (when none is left: the unused palette colour with the best worst-case contrast). The
    result is the same for the same inputs, so the legend, curves and table agree with the
    map.
    """
    halo = halo_color(colormap)
    shown = [c.upper() if c.startswith("#") and len(c) == 7 else c for c in colors]
    fine = [_valid(c) and worst_contrast(c, halo, colormap) >= COLOR_CONTRAST for c in shown]
    used = {c for c, ok in zip(shown, fine, strict=True) if ok}
    for index, ok in enumerate(fine):
        if ok:
            continue
        spare = [c for c in PALETTE if c not in used]
        if not spare:
            continue
        good = [c for c in spare if worst_contrast(c, halo, colormap) >= COLOR_CONTRAST]
        pick = good[0] if good else max(spare, key=lambda c: worst_contrast(c, halo, colormap))
        shown[index] = pick
        used.add(pick)
    return tuple(shown)


def new_lane_color(used: tuple[str, ...], colormap: str) -> str:
    """The colour of a lane added beside lanes coloured ``used`` on ``colormap``: the first
    palette colour no lane uses that stands out on the map (else the unused one that stands
    out best; with every colour used, the palette again in order). Picked once, when the lane
    is created: the lane keeps it."""
    taken = {c.upper() for c in used}
    spare = [c for c in PALETTE if c not in taken]
    if not spare:
        return PALETTE[len(used) % len(PALETTE)]
    halo = halo_color(colormap)
    good = [c for c in spare if worst_contrast(c, halo, colormap) >= COLOR_CONTRAST]
    return good[0] if good else max(spare, key=lambda c: worst_contrast(c, halo, colormap))


def _valid(color: str) -> bool:
    text = color.lstrip("#")
    return color.startswith("#") and len(text) == 6 and all(ch in "0123456789abcdefABCDEF"
                                                           for ch in text)
