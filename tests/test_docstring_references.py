"""Every ``landscape_app.…`` a docstring or comment names exists: a module, a name defined at
the top of that module, or a name defined in one of its classes (found by reading the source,
so no module is imported and the check runs without Qt). A role broken over two lines
(``:mod:`~landscape_app.gui.`` then ``presentation```) is read joined, as it was meant."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: ``landscape_app`` then dotted names (a role's ``~`` and a trailing ``.`` are not part).
REFERENCE = re.compile(r"(?<![\w.])landscape_app(?:\.\w+)+")
SCANNED = ("landscape_app", "tests", "bench", "tools")


def prose(source: str) -> list[tuple[int, str]]:
    """The comments and string literals of ``source`` with their line numbers, a dotted name
    broken at a line end (``a.b.`` / ``c``) joined back together."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.STRING, tokenize.COMMENT):
            found.append((token.start[0], re.sub(r"\.\n\s*(?:#\s*)?", ".", token.string)))
    return found


@cache
def defined_names(path: Path) -> dict[str, set[str]]:
    """The names ``path`` defines at its top (key ``""``) and in each of its classes, with
    what the classes inherit from bases defined in this package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: dict[str, set[str]] = {"": set()}
    for node in tree.body:
        names[""] |= _bound(node)
        if isinstance(node, ast.ClassDef):
            names[node.name] = set().union(*(_bound(item) for item in node.body))
            names[node.name] |= {target.attr for target in ast.walk(node)
                                 if isinstance(target, ast.Attribute)
                                 and isinstance(target.ctx, ast.Store)}
            for base in node.bases:
                names[node.name] |= _inherited(tree, names, ast.unparse(base))
    return names


def _inherited(tree: ast.Module, names: dict[str, set[str]], base: str) -> set[str]:
    """The names of class ``base``: defined above in this module, or imported from one."""
    if base in names:
        return names[base]
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and any(
                (alias.asname or alias.name) == base for alias in node.names):
            module = ROOT.joinpath(*node.module.split(".")).with_suffix(".py")
            if module.is_file():
                return defined_names(module).get(base, set())
    return set()


def _bound(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    if isinstance(node, (ast.If, ast.Try)):  # TYPE_CHECKING imports, guarded definitions
        return set().union(set(), *(_bound(child) for child in ast.iter_child_nodes(node)
                                    if isinstance(child, ast.stmt)))
    targets = {ast.Assign: lambda n: n.targets, ast.AnnAssign: lambda n: [n.target]}
    for kind, get in targets.items():
        if isinstance(node, kind):
            return {name.id for target in get(node) for name in ast.walk(target)
                    if isinstance(name, ast.Name)}
    return set()


def resolves(reference: str) -> bool:
    """Whether the longest module prefix of ``reference`` exists and the rest is defined."""
    parts = reference.split(".")
    for split in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:split])
        module = base.with_suffix(".py") if base.with_suffix(".py").is_file() else (
            base / "__init__.py")
        if module.is_file():
            rest = parts[split:]
            names = defined_names(module)
            if not rest:
                return True
            if rest[0] not in names[""]:
                return False
            return len(rest) == 1 or rest[0] not in names or rest[1] in names[rest[0]]
    return False


def test_every_reference_in_docstrings_and_comments_resolves():
    stale = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == Path(__file__).resolve():
                continue  # this file names what is not there on purpose
            for line, text in prose(path.read_text(encoding="utf-8")):
                stale += [f"{path.relative_to(ROOT)}:{line}: {reference}"
                          for reference in REFERENCE.findall(text)
                          if not resolves(reference.rstrip("."))]
    assert not stale, "references to what is not there:\n" + "\n".join(stale)


def test_the_check_tells_a_moved_module_and_a_missing_name():
    assert resolves("landscape_app.gui.classroom.presentation")
    assert resolves("landscape_app.state.network_settings.NetworkSurfaceSpec")
    assert resolves("landscape_app.gui.main_window.MainWindow.coreReady")
    assert resolves("landscape_app.engine.session_model.SessionModel.set_map")  # a mixin's
    assert not resolves("landscape_app.gui.presentation")
    assert not resolves("landscape_app.state.network_settings.NetworkSpec")
    assert prose('"""see :mod:`~landscape_app.gui.\n    presentation`"""') == [
        (1, '"""see :mod:`~landscape_app.gui.presentation`"""')]
