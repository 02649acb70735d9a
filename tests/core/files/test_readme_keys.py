"""README's table of NPZ files names, for each kind, exactly the keys its module declares
(``KEYS`` of :mod:`landscape_app.core.files`), and its ``format``."""

import re
from pathlib import Path

import pytest

from landscape_app.core.files import compare_npz, grid_npz, line_npz, map_npz, surface_npz

README = Path(__file__).resolve().parents[3] / "README.md"
MODULES = {module.KIND.format: module for module in (grid_npz, surface_npz, line_npz, map_npz,
                                                 compare_npz)}


def _rows() -> dict[str, list[str]]:
    """The table's rows under "### NPZ files", by format: [written by, keys]."""
    section = README.read_text(encoding="utf-8").split("\n### NPZ files\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`landscape-app-"):
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def _names(text: str) -> set[str]:
    return set(re.findall(r"`(\w+)`", text))


def test_the_table_has_a_row_for_every_kind():
    assert set(_rows()) == set(MODULES)


@pytest.mark.parametrize("fmt", sorted(MODULES))
def test_readme_names_each_kinds_keys(fmt):
    written_by, keys = _rows()[fmt]
    module = MODULES[fmt]
    required = {name for name, key in module.KEYS.items() if key.required}
    assert _names(keys) == required
    optional = set(module.KEYS) - required
    if optional:  # the map's trajectory field (--paths), a checkpoint plane's points
        assert _names(written_by.split(":", 1)[1]) == optional
