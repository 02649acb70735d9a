"""The window refuses, with the apt command, where Qt's xcb plugin would abort for a missing
system library. The real check runs; a library name that cannot exist stands for a missing one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from landscape_app.cli.qt_libraries import (
    XCB_LIBRARIES,
    check_qt_libraries,
    missing_libraries,
    uses_xcb,
)
from landscape_app.core.errors import LandscapeError

ABSENT = {"libno-such-library-for-landscape-app.so.7": "libno-such-library7"}
X11 = {"DISPLAY": ":0"}


def test_a_missing_library_is_refused_with_the_apt_command():
    with pytest.raises(LandscapeError) as error:
        check_qt_libraries(X11, "linux", {**XCB_LIBRARIES, **ABSENT})
    message = str(error.value)
    assert "libno-such-library-for-landscape-app.so.7" in message
    assert "sudo apt-get install libno-such-library7" in message
    assert "libxcb1" not in message  # only what is missing is named


@pytest.mark.parametrize("environ", [
    {},  # no display: gui_cmd.check_display answers that
    {"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"},
    {"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"},
    {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"},
])
def test_no_check_when_qt_will_not_use_xcb(environ):
    assert not uses_xcb(environ, "linux")
    check_qt_libraries(environ, "linux", ABSENT)  # does not raise


@pytest.mark.parametrize("environ, platform", [
    ({"DISPLAY": ":0"}, "linux"),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux"),
    ({"DISPLAY": ":1", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "x11"}, "linux"),
    ({"DISPLAY": ":0"}, "freebsd14"),
])
def test_the_check_runs_where_qt_will_use_xcb(environ, platform):
    assert uses_xcb(environ, platform)
    assert not uses_xcb(environ, "darwin") and not uses_xcb(environ, "win32")


def test_the_test_set_up_installs_every_library_the_plugin_needs():
    listed = set(Path("tools/system-packages.txt").read_text().split())
    assert set(XCB_LIBRARIES.values()) <= listed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xcb is the Linux plugin")
def test_the_libraries_load_where_the_test_set_up_installed_them():
    assert missing_libraries() == {}


def test_the_module_runs_as_a_script_for_launch_sh():
    environ = {**os.environ, "DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}
    done = subprocess.run([sys.executable, "-m", "landscape_app.cli.qt_libraries"], env=environ,
                          capture_output=True, text=True, timeout=60)
    expected = 2 if missing_libraries() else 0
    assert done.returncode == expected, done.stderr
