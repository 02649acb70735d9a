"""Are the system libraries Qt's X11 (xcb) platform plugin needs installed? Asked before Qt.

PySide6's wheels bring Qt but not the X11 libraries its ``xcb`` plugin links to; where one is
missing (``libxcb-cursor0`` is absent from many desktop installs) Qt prints a plugin message
and aborts the interpreter with a core dump. :func:`missing_libraries` tries to load each
library the plugin needs, by its file name, so the window can refuse with the apt command that
installs them instead. Run as ``python -m landscape_app.cli.qt_libraries`` (``tools/launch.sh``
does, before installing anything) it prints that command and exits 2 when something is
missing. Standard library only.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Mapping

#: The libraries ``libqxcb.so`` and ``libQt6XcbQpa.so.6`` of PySide6 6.11 link to (their
#: ELF NEEDED entries, less what Qt and the C runtime bring), by file name, with the Debian
#: and Ubuntu package that installs each.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libGL.so.1": "libgl1",
}


def uses_xcb(environ: Mapping[str, str], platform: str) -> bool:
    """Whether Qt will open its windows through the xcb plugin.

    On Linux and the BSDs with an X display, unless ``QT_QPA_PLATFORM`` names another
    platform or a Wayland session will be used (Qt prefers Wayland there).
    """
    if platform.startswith(("win", "darwin")) or not environ.get("DISPLAY"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip().lower()
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    wayland = environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland"
    return not wayland


def missing_libraries(libraries: Mapping[str, str] = XCB_LIBRARIES) -> dict[str, str]:
    """The entries of ``libraries`` (file name → package) that the dynamic loader cannot load."""
    missing = {}
    for name, package in libraries.items():
        try:
            ctypes.CDLL(name)
        except OSError:
            missing[name] = package
    return missing


def advice(missing: Mapping[str, str]) -> str:
    """One line: what is missing and the command that installs it."""
    packages = " ".join(dict.fromkeys(missing.values()))
    return (f"the window needs system libraries that are missing: {', '.join(missing)}. "
            f"On Debian or Ubuntu install them with: sudo apt-get install {packages} "
            "(elsewhere, the packages that provide these files); or use the headless "
            "commands run, export and surface")


def check_qt_libraries(environ: Mapping[str, str] | None = None, platform: str | None = None,
                       libraries: Mapping[str, str] = XCB_LIBRARIES) -> None:
    """Raise a :class:`~landscape_app.core.errors.LandscapeError` with :func:`advice` when Qt
    will use xcb and one of ``libraries`` cannot be loaded; do nothing otherwise."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not uses_xcb(environ, platform):
        return
    missing = missing_libraries(libraries)
    if missing:
        from landscape_app.core.errors import LandscapeError

        raise LandscapeError(advice(missing))


def main() -> int:
    """Print the advice and return 2 when libraries are missing, else return 0 silently."""
    if uses_xcb(os.environ, sys.platform):
        missing = missing_libraries()
        if missing:
            print(f"landscape-app: {advice(missing)}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
