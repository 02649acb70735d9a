"""README's "Code layout" is the map of the code: every package of ``landscape_app`` has its
entry there, under its parent, and every module directly in a ring package (``core``,
``state``, ``export``, ``engine``, ``gui``, ``cli``) is named in its ring's entry; nothing the
map names is missing from the code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "landscape_app"
#: A module file named in the map: ``name.py`` or a path ``folder/name.py``.
MODULE = re.compile(r"(?<![\w/.])((?:\w+/)*\w+\.py)\b")


@dataclass
class Entry:
    """One folder of the map: its indentation, its path and the text written under it."""

    indent: int
    path: str
    text: list[str] = field(default_factory=list)
    children: dict[str, Entry] = field(default_factory=dict)


def layout_block(readme: str) -> list[str]:
    """The lines of the fenced block, in "## Code layout", that draws ``landscape_app/``."""
    section = readme.split("\n## Code layout\n", 1)[1].split("\n## ", 1)[0]
    for block in re.findall(r"```\n(.*?)```", section, flags=re.S):
        if block.startswith("landscape_app/"):
            return block.splitlines()
    raise AssertionError("README's Code layout has no block drawing landscape_app/")


def parse_layout(lines: list[str]) -> Entry:
    """The map as a tree of folders: a line whose first word ends in ``/`` opens a folder
    under the nearest less indented folder; every other line belongs to that nearest one."""
    root = Entry(-1, "")
    stack = [root]
    for line in lines:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        while stack[-1].indent >= indent:
            stack.pop()
        first, _, rest = line.strip().partition(" ")
        if first.endswith("/"):
            parent = stack[-1]
            entry = Entry(indent, parent.path + first, [rest])
            parent.children[first[:-1]] = entry
            stack.append(entry)
        else:
            stack[-1].text.append(line.strip())
    return root


@pytest.fixture(scope="module")
def layout() -> Entry:
    tree = parse_layout(layout_block((ROOT / "README.md").read_text(encoding="utf-8")))
    return tree.children["landscape_app"]


def packages(folder: Path = PACKAGE):
    """Every package folder under ``folder`` (relative paths), and the data folder scenes/."""
    for child in sorted(folder.iterdir()):
        if child.is_dir() and ((child / "__init__.py").exists() or child.name == "scenes"):
            yield child.relative_to(PACKAGE)
            if (child / "__init__.py").exists():
                yield from packages(child)


def entry_at(layout: Entry, relative: Path) -> Entry | None:
    entry = layout
    for part in relative.parts:
        entry = entry.children.get(part)
        if entry is None:
            return None
    return entry


def named_modules(entry: Entry) -> set[str]:
    return {match for line in entry.text for match in MODULE.findall(line)}


def test_every_package_has_its_entry_under_its_parent(layout):
    missing = [f"{relative}/" for relative in packages() if entry_at(layout, relative) is None]
    assert not missing, f"README's Code layout lacks {missing}"


@pytest.mark.parametrize("ring", ["core", "state", "export", "engine", "gui", "cli"])
def test_every_module_of_a_ring_is_named_in_its_entry(layout, ring):
    named = named_modules(layout.children[ring])
    modules = sorted(path.name for path in (PACKAGE / ring).glob("*.py")
                     if not path.name.startswith("__"))
    missing = [name for name in modules if name not in named]
    assert not missing, f"README's Code layout names none of {ring}/{missing}"


def test_every_folder_and_module_the_map_names_exists(layout):
    """A name resolves from its folder in the map or from one of the folders above it."""
    stale = []

    def walk(entry: Entry, folders: list[Path]) -> None:
        folder = PACKAGE / entry.path.removeprefix("landscape_app/")
        if not folder.is_dir():
            stale.append(entry.path)
        for name in named_modules(entry):
            if not any((above / name).exists() for above in [folder, *folders]):
                stale.append(f"{entry.path}: {name}")
        for child in entry.children.values():
            walk(child, [folder, *folders])

    walk(layout, [])
    assert not stale, f"README's Code layout names what is not there: {stale}"


def test_the_parser_reads_nesting_and_continuation_lines():
    tree = parse_layout(["landscape_app/", "  core/   a ring", "    maps/  the maps",
                         "                 engine.py and more", "    grid.py, device.py",
                         "  gui/    the window"])
    core = tree.children["landscape_app"].children["core"]
    assert list(core.children) == ["maps"]
    assert named_modules(core.children["maps"]) == {"engine.py"}
    assert named_modules(core) == {"grid.py", "device.py"}
    assert "gui" in tree.children["landscape_app"].children
