"""The page's packing and writing, without a browser: typed arrays round-trip, no text in the
data can close its script element, and an oversized or misnamed page is refused."""

from __future__ import annotations

import re

import numpy as np
import pytest

from landscape_app.core.colormap_tables import SAMPLES, colormap_hex
from landscape_app.core.errors import LandscapeError
from landscape_app.export.page import MAX_BYTES, page_html, write_page
from landscape_app.export.page.pack import typed, untyped


def test_typed_arrays_round_trip_exactly():
    values = np.array([-1.5, 2.0, np.pi, 1e-300, np.nan])
    assert np.array_equal(untyped(typed(values, "f8")), values, equal_nan=True)
    assert untyped(typed(np.arange(5), "i4")).tolist() == [0, 1, 2, 3, 4]
    # Beyond float32's range: ±inf, never a cast overflow.
    assert untyped(typed(np.array([1e300, -1e300, 1.0]), "f4")).tolist() == [
        np.inf, -np.inf, 1.0]


def test_no_text_in_the_data_closes_the_script():
    text = page_html({"title": "a </script><script>alert(1)</script>", "note": "</script>"})
    data = re.search(r'<script id="page-data" type="application/json">(.*?)</script>', text,
                     re.S).group(1)
    assert "</" not in data
    assert "<title>a &lt;/script&gt;" in text


def test_the_colour_maps_are_the_windows():
    viridis = colormap_hex("viridis")
    assert len(viridis) == SAMPLES and viridis[0] == "#440154" and viridis[-1] == "#fde725"
    assert colormap_hex("turbo") != viridis


def test_wrong_names_and_oversized_pages_are_refused(tmp_path):
    with pytest.raises(LandscapeError, match="html"):
        write_page(tmp_path / "lesson.txt", {"title": "t"})
    with pytest.raises(LandscapeError, match="MB"):
        write_page(tmp_path / "lesson.html", {"title": "t", "note": "x" * MAX_BYTES})
    assert list(tmp_path.iterdir()) == []
