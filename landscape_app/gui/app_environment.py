"""Where the window keeps its settings, and which of Qt's messages it keeps off stderr.

- ``LANDSCAPE_APP_SETTINGS=FOLDER``: the window's settings (its remembered geometry, see
  :mod:`landscape_app.gui.room`) are an INI file in ``FOLDER`` instead of the user's
  (``~/.config/landscape-app/`` on Linux, the registry on Windows, a plist on macOS).
  Benchmarks and tests set it, so that they never change what the next ``landscape-app gui``
  opens with.
- Qt's platform plugins without size hints (``offscreen``: headless exports, tests) warn
  "This plugin does not support propagateSizeHints()" whenever a shown window's minimum or
  maximum size changes; that one message says nothing to a user and is dropped. Every other
  message goes on to stderr as before.
"""

from __future__ import annotations

import os
import sys

SETTINGS_ENV = "LANDSCAPE_APP_SETTINGS"
#: Qt messages dropped (matched at their start).
QUIET_MESSAGES = ("This plugin does not support propagateSizeHints()",)

_installed = False


def use_settings_folder() -> str | None:
    """Point every later ``QSettings()`` at ``$LANDSCAPE_APP_SETTINGS`` when set; the folder."""
    folder = os.environ.get(SETTINGS_ENV)
    if not folder:
        return None
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
    return folder


def quiet_qt_messages() -> None:
    """Install (once) a Qt message handler that drops :data:`QUIET_MESSAGES`."""
    global _installed
    if _installed:
        return
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(mode, context, message):
        if message.startswith(QUIET_MESSAGES):
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(f"{message}\n")

    previous = qInstallMessageHandler(handler)
    _installed = True
