"""``landscape-app export --out lesson.html``: what a page cannot take is refused at once,
exit 2, nothing written; --help documents the page."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _export(*args, cwd):
    return subprocess.run([sys.executable, "-m", "landscape_app", "export", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("extra, message", [
    (["--steps", "10:20"], "whole number of steps"),
    (["--steps", "0"], "whole number of steps"),
    (["--trajectories", "race.csv"], "--trajectories cannot be combined"),
    (["--still", "v.png"], "--still cannot be combined"),
])
def test_what_a_page_cannot_take_is_refused(tmp_path, extra, message):
    done = _export("--scene", "adam-vs-sgd", "--out", "lesson.html", *extra, cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_scene_is_refused(tmp_path):
    done = _export("--scene", "no-such-scene", "--out", "lesson.html", cwd=tmp_path)
    assert done.returncode == 2 and "no-such-scene" in done.stderr


def test_help_documents_the_page(tmp_path):
    done = _export("--help", cwd=tmp_path)
    assert "--out lesson.html" in done.stdout and "interactive page" in done.stdout
