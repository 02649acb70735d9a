"""The window on screens of several sizes: measurements and screenshots (issue 15).

Each screen size runs in its own process, since Qt's ``offscreen`` platform takes the screen's
size once, from a configuration file, when the application starts. The child opens the window
as the app does (:func:`~landscape_app.gui.app.open_window`: size and place from the screen),
races the default scene for 40 steps, and prints one JSON line of measurements (logical pixels):
the screen's available geometry, the window's frame, every visible dock, the table, the 2D
plot and the loss curves; ``--shots DIR`` also saves ``window-WxH.png`` there.

Usage:
    python tools/window_sizes.py [--sizes 1024x768,1280x720,1366x768,1920x1080] [--scale 1]
                                 [--shots assets] [--presentation]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = ("1024x768", "1280x720", "1366x768", "1920x1080")


def parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    if not (width.isdigit() and height.isdigit()) or int(width) < 320 or int(height) < 240:
        raise argparse.ArgumentTypeError(f"screen size must look like 1024x768, not {text!r}")
    return int(width), int(height)


def screen_environment(width: int, height: int, scale: float, config_dir: str) -> dict:
    """The environment of a child whose offscreen screen is ``width`` × ``height`` device
    pixels at ``scale`` (``QT_SCALE_FACTOR``)."""
    config = Path(config_dir) / f"screen-{width}x{height}.json"
    config.write_text(json.dumps({"screens": [{
        "name": "room", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    env["QT_SCALE_FACTOR"] = f"{scale:g}"
    env["XDG_CONFIG_HOME"] = config_dir  # no remembered geometry: the first window
    env.setdefault("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    return env


def measure_at(width: int, height: int, scale: float = 1.0, shot: str | None = None,
               presentation: bool = False, timeout: float = 180.0,
               panels: bool = False) -> dict:
    """Run the window in a child on a ``width`` × ``height`` screen; its measurements."""
    with tempfile.TemporaryDirectory() as config_dir:
        command = [sys.executable, __file__, "--child"]
        if shot:
            command += ["--shot", shot]
        if presentation:
            command.append("--presentation")
        if panels:
            command.append("--panels")
        done = subprocess.run(command, env=screen_environment(width, height, scale, config_dir),
                              capture_output=True, text=True, timeout=timeout)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the window at {width}x{height} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def _rect(widget, window) -> list[int]:
    from PySide6.QtCore import QPoint

    top_left = widget.mapTo(window, QPoint(0, 0))
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def child(shot: str | None, presentation: bool, panels: bool = False) -> int:
    """The child: the window as the app opens it, measured (and photographed)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QDockWidget

    from landscape_app.gui.app import LaunchOptions, create_application, open_window

    app = create_application([])

    def run(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    window = open_window(LaunchOptions(scene_id="adam-vs-sgd", presentation=presentation,
                                       session=_scene("adam-vs-sgd")))
    while window.controller is None or window.controller.grid is None:
        run(0.05)
    window.race_thread.worker.set_speed(None)
    window.controls.play_action.setChecked(True)
    while window.buffer.snapshot().furthest_step < 40:
        run(0.05)
    window.controls.play_action.setChecked(False)
    if panels and window.room.panels_action.isVisible():
        window.room.panels_action.setChecked(True)
    run(0.5)
    screen = QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    frame = window.frameGeometry()
    docks = {dock.objectName(): _rect(dock, window) for dock in window.findChildren(QDockWidget)
             if dock.isVisible() and not dock.isFloating()}
    table = window.table
    result = {
        "screen": [available.x(), available.y(), available.width(), available.height()],
        "dpr": screen.devicePixelRatio(),
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "window": [window.width(), window.height()],
        "docks": docks,
        "table": _rect(table, window) if table.isVisible() else None,
        "table_hscroll": table.horizontalScrollBar().isVisible(),
        "plot": _rect(window.contour, window) if window.contour.isVisible() else None,
        "curves": _rect(window.curves, window) if window.curves.isVisible() else None,
        "note": _rect(window.note_panel, window) if window.note_panel.isVisible() else None,
        "arrangement": window.room.arrangement if hasattr(window, "room") else None,
    }
    if shot:
        window.grab().save(shot)
    print(json.dumps(result), flush=True)
    window.close()
    app.processEvents()
    return 0


def _scene(scene_id: str):
    from landscape_app.state.scenes import load_scene

    return load_scene(scene_id).state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(SIZES),
                        help="comma-separated screen sizes in device pixels (default: %(default)s)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="QT_SCALE_FACTOR of the screen (2 for 200 %%)")
    parser.add_argument("--shots", metavar="DIR", help="save window-WxH.png screenshots in DIR")
    parser.add_argument("--presentation", action="store_true", help="open in presentation mode")
    parser.add_argument("--panels", action="store_true",
                        help="open the side panels of a compact window")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--shot", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.shot, args.presentation, args.panels)
    try:
        sizes = [parse_size(text) for text in args.sizes.split(",")]
    except argparse.ArgumentTypeError as error:
        print(f"window_sizes: {error}", file=sys.stderr)
        return 2
    for width, height in sizes:
        shot = None
        if args.shots:
            Path(args.shots).mkdir(parents=True, exist_ok=True)
            suffix = "-presentation" if args.presentation else ""
            shot = str(Path(args.shots) / f"window-{width}x{height}{suffix}.png")
        result = measure_at(width, height, args.scale, shot, args.presentation)
        plot = result["plot"]
        share = plot[2] * plot[3] / (result["window"][0] * result["window"][1]) if plot else 0
        print(f"{width}x{height} @{args.scale:g}: window {result['window']}, "
              f"2D plot {plot[2:] if plot else None} = {share:.0%} of the window, "
              f"docks {result['docks']}" + (f" -> {shot}" if shot else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
