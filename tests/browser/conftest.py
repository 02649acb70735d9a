"""Browser tests: exported pages opened from ``file://`` in Debian's headless Chromium,
driven by Playwright for Python (its own browser download is not used: CI installs the
``chromium`` package, see tools/system-packages.txt). Skipped, with the reason, only where
that browser or Playwright is missing."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Steps of the exported race (short, so the module's export stays quick).
PAGE_STEPS = 120


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (the system package), for the whole session."""
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (apt-get install chromium; tools/test.sh does)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="needs Playwright for Python (the test extra)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """adam-vs-sgd exported for PAGE_STEPS steps as a page by the command line, and its race
    recorded again, separately, as trajectories (CSV); returns (page path, CSV rows by
    optimizer, the page's embedded document)."""
    from landscape_app.cli import main
    from landscape_app.engine.recording import record_session
    from landscape_app.export.tables import write_csv
    from landscape_app.state.scenes import load_scene

    folder = tmp_path_factory.mktemp("page")
    page, table = folder / "lesson.html", folder / "race.csv"
    assert main(["export", "--scene", "adam-vs-sgd", "--out", str(page),
                 "--steps", str(PAGE_STEPS)]) == 0
    write_csv(table, record_session(load_scene("adam-vs-sgd").state, PAGE_STEPS).result)
    rows: dict[str, list[dict]] = {}
    with table.open(newline="") as handle:
        for row in csv.DictReader(handle):
            rows.setdefault(row["optimizer"], []).append(row)
    return page, rows, embedded_document(page)


def embedded_document(page: Path) -> dict:
    """The JSON document a page embeds."""
    text = page.read_text("utf-8")
    match = re.search(r'<script id="page-data" type="application/json">(.*?)</script>', text,
                      re.S)
    return json.loads(match.group(1))


class OpenPage:
    """A page opened in a fresh browser context, with its console messages, page errors and
    every request recorded."""

    def __init__(self, browser, path: Path, width: int = 1280, height: int = 900,
                 touch: bool = False):
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           has_touch=touch)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text)
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.__page && window.__page.state().drawn > 0")

    def state(self) -> dict:
        """What the page last drew, once it has drawn the step it is at (drawing follows an
        input on the next animation frame)."""
        self.page.wait_for_function(
            "(s => s.drawnStep === s.step && !s.pending)(window.__page.state())")
        return self.page.evaluate("window.__page.state()")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_page(browser):
    """``open_page(path, **viewport)`` → :class:`OpenPage`, closed after the test."""
    pages = []

    def opener(path: Path, **kwargs) -> OpenPage:
        pages.append(OpenPage(browser, path, **kwargs))
        return pages[-1]

    yield opener
    for page in pages:
        page.close()
