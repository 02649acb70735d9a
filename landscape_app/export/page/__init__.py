"""A finished race as ONE self-contained interactive HTML page (plain JS + canvas).

Qt-free. :func:`page_html` fills the template (``template.html``, ``page.css``, ``page.js``:
package data) with the document :func:`~landscape_app.export.page.pack.pack_page` built; the
result needs no network: no external script, style, font or image. :func:`write_page`
writes it atomically and refuses one over :data:`MAX_BYTES`.
"""

from __future__ import annotations

import html
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

from landscape_app.core.atomic import ExportError, atomic_write, check_writable
from landscape_app.export.page.pack import (
    FieldPaths,
    ModelFrame,
    PageExtras,
    PageMap,
    pack_page,
)

#: The largest page written (bytes): every built-in scene fits at its default settings.
MAX_BYTES = 10_000_000

__all__ = ["MAX_BYTES", "FieldPaths", "ModelFrame", "PageExtras", "PageMap", "pack_page",
           "page_html", "write_page"]


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text("utf-8")


def page_html(document: dict[str, Any]) -> str:
    """The page's HTML text with ``document`` embedded as JSON (``</`` escaped, so no text in
    it can close the script element)."""
    data = json.dumps(document, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    data = data.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    text = _asset("template.html")
    for key, value in (("__TITLE__", html.escape(str(document.get("title", "")))),
                       ("__CSS__", _asset("page.css")), ("__JS__", _asset("page.js")),
                       ("__DATA__", data)):
        text = text.replace(key, value, 1)
    return text


def write_page(path: str | os.PathLike, document: dict[str, Any]) -> Path:
    """Write the page of ``document`` to ``path`` (``.html``), atomically."""
    target = check_writable(path, suffixes=(".html", ".htm"))
    text = page_html(document)
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise ExportError(f"cannot write {target}: the page would be {size / 1e6:.1f} MB, over "
                          f"the {MAX_BYTES / 1e6:.0f} MB limit (fewer steps or a coarser grid)")
    with atomic_write(target, "w") as handle:
        handle.write(text)
    return target
