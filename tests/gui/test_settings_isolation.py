"""Benchmarks and tests never touch the user's window settings; Qt's size-hint noise is
kept off stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from landscape_app.gui.app_environment import SETTINGS_ENV

REPO = Path(__file__).resolve().parents[2]


def test_the_close_benchmark_leaves_the_users_settings_alone(tmp_path):
    """``bench/ui.py --only close`` as a user runs it: no settings folder named in the
    environment, the user's own config folder (XDG_CONFIG_HOME) and home."""
    config, home = tmp_path / "user-config", tmp_path / "home"
    config.mkdir()
    home.mkdir()
    env = {key: value for key, value in os.environ.items() if key != SETTINGS_ENV}
    env.update(XDG_CONFIG_HOME=str(config), HOME=str(home), PYTHONPATH=str(REPO),
               QT_QPA_PLATFORM="offscreen", OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, str(REPO / "bench" / "ui.py"), "--only", "close"],
                          env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert "window gone" in done.stdout, done.stdout
    written = [path for path in (*config.rglob("*"), *home.rglob("*")) if path.is_file()]
    assert not [path for path in written if "landscape" in str(path).lower()], written


CHILD = """
from PySide6.QtCore import QSettings, qWarning
from PySide6.QtWidgets import QWidget
from landscape_app.gui.app import create_application
app = create_application()
print(QSettings().fileName())
widget = QWidget()
widget.show()
app.processEvents()
widget.setMinimumSize(120, 90)  # the offscreen plugin warns about propagateSizeHints
widget.setMaximumSize(700, 500)
app.processEvents()
qWarning("a message that stays")
"""


def test_the_app_keeps_settings_in_the_named_folder_and_drops_size_hint_noise(tmp_path):
    """A real application (``create_application``, as ``landscape-app gui`` makes it) in a
    child process: pytest-qt replaces Qt's message handler in this one."""
    folder = tmp_path / "settings"
    env = {**os.environ, SETTINGS_ENV: str(folder), "PYTHONPATH": str(REPO),
           "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(str(folder))
    assert "propagateSizeHints" not in done.stderr
    assert "a message that stays" in done.stderr
