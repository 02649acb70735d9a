"""The colour maps' colours, Qt-free: each of the window's maps (pyqtgraph's tables) sampled at
:data:`SAMPLES` evenly spaced points, stored in ``colormaps.json`` beside this module.

The window draws with pyqtgraph's own tables; the exported page's heatmap
(:mod:`landscape_app.export.page`) and the lane colours' contrast rule
(:mod:`landscape_app.state.lane_contrast`) read these (a test checks they are pyqtgraph's).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import numpy as np

#: Colours stored per colour map.
SAMPLES = 128
#: The map used for an unknown name.
DEFAULT = "viridis"


@lru_cache(maxsize=1)
def _tables() -> dict[str, str]:
    return json.loads(resources.files(__package__).joinpath("colormaps.json")
                      .read_text("utf-8"))


def colormap_hex(name: str) -> list[str]:
    """Colour map ``name`` (else :data:`DEFAULT`) as :data:`SAMPLES` ``#rrggbb`` colours."""
    tables = _tables()
    text = tables.get(name, tables[DEFAULT])
    return ["#" + text[i:i + 6] for i in range(0, len(text), 6)]


def colormap_rgb(name: str) -> np.ndarray:
    """Colour map ``name`` as ``(SAMPLES, 3)`` RGB values 0–255."""
    return np.array([[int(h[i:i + 2], 16) for i in (1, 3, 5)] for h in colormap_hex(name)],
                    dtype=float)
