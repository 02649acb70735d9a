"""The window on screens of several sizes: measurements and screenshots (issue 15).

Each screen size runs in its own process, since Qt's ``offscreen`` platform takes the screen's
size once, from a configuration file, when the application starts. The child opens the window
as the app does (:func:`~landscape_app.gui.app.open_window`: size and place from the screen),
races the default scene for 60 steps and, for each phase asked (the window; its side panels
opened; presentation mode), prints one JSON line of measurements (logical pixels): the
screen's available geometry, the window's frame, every visible dock, the table, the 2D
plot, its data box, the loss curves, the titles of the colour bar and the loss axis, the
toolbar and menus; ``--shots DIR`` also saves ``window-WxH[-phase].png`` there.

Scene phases (issue 22) show what a teacher reaches by keys and menus: ``quadratic``
(quadratic-stable-lr reached with N from himmelblau-map-basins), ``fractal``
(seed-fractal-edge from the Scenes menu after that) and ``moons`` (two-moons, its network
trained, with the model view) and ``sharpness`` (edge-of-stability from the Scenes menu, View ▸
Sharpness clicked, raced 100 steps). The presentation phase presses F11.

Usage:
    python tools/window_sizes.py [--sizes 1024x768,1280x720,1366x768,1920x1080] [--scale 1]
                                 [--shots assets] [--phases window,panels,presentation]
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
#: The most seconds a phase waits for the arrangement to come to rest.
REST_WAIT = 30.0
#: The most seconds a scene phase waits for its map (a screenshot of a map, not a progress).
MAP_WAIT = 120.0
PHASES = ("window", "panels", "presentation", "quadratic", "fractal", "moons", "sharpness")


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
    env["LANDSCAPE_APP_SETTINGS"] = config_dir  # (on every system; see gui/app_environment)
    env.setdefault("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    return env


def measure_at(width: int, height: int, scale: float = 1.0, shots: str | None = None,
               phases: tuple[str, ...] = ("window",), timeout: float = 180.0) -> dict:
    """Run the window in a child on a ``width`` × ``height`` screen (device pixels, at
    ``scale``); its measurements, one entry per phase (``window``, ``panels``: the side
    panels of a compact window opened, ``presentation``). ``shots``: a directory for
    ``window-WxH[-phase].png``."""
    with tempfile.TemporaryDirectory() as config_dir:
        command = [sys.executable, __file__, "--child", "--phases", ",".join(phases)]
        if shots:
            command += ["--shots", shots, "--name", f"{width}x{height}"]
        done = subprocess.run(command, env=screen_environment(width, height, scale, config_dir),
                              capture_output=True, text=True, timeout=timeout)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the window at {width}x{height} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def _rect(widget, window) -> list[int] | None:
    """``widget``'s rectangle in ``window``'s coordinates (None when it is hidden)."""
    from PySide6.QtCore import QPoint

    if widget is None or not widget.isVisible():
        return None
    top_left = widget.mapTo(window, QPoint(0, 0))
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def _item_rect(item, view, window) -> list[int]:
    """A graphics item's bounding rectangle in ``window``'s coordinates."""
    from PySide6.QtCore import QPoint

    rect = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
    top_left = view.viewport().mapTo(window, QPoint(rect.x(), rect.y()))
    return [top_left.x(), top_left.y(), rect.width(), rect.height()]


def _tab_titles(bar) -> dict:
    """A tab bar's titles: each one's text, whether it is inside the bar and whether it is
    whole (as wide as its size hint; narrower, it is elided with "…" when ``elide``), and
    whether the bar shows scroll arrows (``arrows``)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QToolButton

    return {"tabs": [{"text": bar.tabText(index),
                      "inside": bar.rect().contains(bar.tabRect(index)),
                      "whole": bar.tabRect(index).width() >= bar.tabSizeHint(index).width() - 1}
                     for index in range(bar.count())],
            "elide": bar.elideMode() != Qt.TextElideMode.ElideNone,
            "arrows": any(button.isVisible() for button in bar.findChildren(QToolButton))}


def _measure(window) -> dict:
    """Everything the tests check, in logical pixels of the window's coordinates."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QDockWidget, QToolButton

    screen = window.screen() or QGuiApplication.primaryScreen()
    tabs = window.views.column_tabs
    available, whole = screen.availableGeometry(), screen.geometry()
    frame = window.frameGeometry()
    contour, curves, table = window.views.contour, window.views.curves, window.views.table
    header = table.horizontalHeader()
    toolbar = window.controls
    extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    hidden_tools = [action.text() or action.objectName() for action in toolbar.actions()
                    if action.isVisible() and not action.isSeparator()
                    and (toolbar.widgetForAction(action) is None
                         or not toolbar.widgetForAction(action).isVisible())]
    bar = window.menuBar()
    menus_shown = [action.text() for action in bar.actions()
                   if bar.rect().contains(bar.actionGeometry(action))]
    grab = contour.grab()
    return {
        "screen": [available.x(), available.y(), available.width(), available.height()],
        "screen_whole": [whole.x(), whole.y(), whole.width(), whole.height()],
        "dpr": screen.devicePixelRatio(),
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "window": [window.width(), window.height()],
        "arrangement": window.room.arrangement,
        "size_factor": window.views.contour.axis_fonts.factor,
        "compact": window.room.compact,
        "docks": {dock.objectName(): _rect(dock, window)
                  for dock in window.findChildren(QDockWidget)
                  if dock.isVisible() and not dock.isFloating()
                  and not dock.visibleRegion().isEmpty()},  # a tab behind another: not shown
        "dock_tabs": sorted(dock.objectName() for dock in
                            window.tabifiedDockWidgets(window.docks.landscape)),
        "table": _rect(table, window),
        "table_hscroll": table.horizontalScrollBar().isVisible(),
        "table_rows_cut": [row.label for index, row in enumerate(table.table_model.rows)
                           if not table.viewport().rect().contains(
                               table.visualRect(table.table_model.index(index, 0)))],
        "header_clipped": [header.model().headerData(column, header.orientation())
                           for column in range(1, header.count())
                           if header.sectionSize(column) < header.sectionSizeHint(column)],
        "plot": _rect(contour, window),
        "plot_box": _item_rect(contour.plot_item.vb, contour, window),
        "plot_data": _item_rect(contour.image, contour, window),
        "colorbar_title": _item_rect(contour.colorbar.axis.label, contour, window),
        "curves": _rect(curves, window),
        "loss_title": _item_rect(curves.plot_item.getAxis("left").label, curves, window),
        "note": _rect(window.views.note_scroll, window),
        "sharpness": _rect(window.views.sharpness, window),
        "sharpness_plot": _rect(window.views.sharpness.plot, window),
        "column_tabs": [tabs.tabText(i) for i in range(tabs.count())],
        "view_tabs": _tab_titles(window.views.view_tabs.tabBar()),
        "caption": _rect(window.views.caption, window),
        "toolbar": _rect(toolbar, window),
        "toolbar_hidden": hidden_tools,
        "toolbar_extension": _rect(extension, window) if extension is not None else None,
        "menubar": _rect(bar, window) if not bar.isHidden() else None,
        "menus": [action.text() for action in bar.actions()],
        "menus_shown": menus_shown,
        "grab": [grab.width(), grab.height(), grab.devicePixelRatio()],
    }


def child(phases: list[str], shots: str | None, name: str) -> int:
    """The child: the window as the app opens it, measured (and photographed) per phase."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from landscape_app.gui.app import LaunchOptions, create_application, open_window

    app = create_application([])

    def run(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    window = open_window(LaunchOptions(scene_id="adam-vs-sgd", session=_scene("adam-vs-sgd")))
    while window.controller is None or window.controller.grid is None:
        run(0.05)
    window.race_thread.worker.set_speed(None)
    window.controls.play_action.setChecked(True)
    while window.buffer.snapshot().furthest_step < 60:
        run(0.05)
    window.controls.play_action.setChecked(False)
    results = {}
    window.sessions.ask_unsaved = False  # scene phases discard the raced session
    for phase in phases:
        if phase == "panels":
            window.room.panels_action.setChecked(True)
        elif phase == "presentation":  # F11, a real key press to the focused widget
            window.room.panels_action.setChecked(False)
            window.activateWindow()
            QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F11)
        elif phase in SCENE_PHASES:
            SCENE_PHASES[phase](window, run)
        waited = 0.0  # the arrangement at rest (a loaded machine is slow)
        while not window.room.at_rest and waited < REST_WAIT:
            run(0.1)
            waited += 0.1
        results[phase] = _measure(window)
        if shots:
            suffix = "" if phase == "window" else f"-{phase}"
            window.grab().save(str(Path(shots) / f"window-{name}{suffix}.png"))
    print(json.dumps(results), flush=True)
    window.close()
    app.processEvents()
    return 0


def _open(window, run, scene_id: str, how) -> None:
    """Open ``scene_id`` by ``how`` (a key press or a menu action) and wait for its grid
    and, up to :data:`MAP_WAIT` seconds, for its background work (a map) to finish."""
    from landscape_app.gui.live.tasks import live_task_threads

    how()
    title = _scene(scene_id).title
    while window.controller.state.title != title or window.controller.grid is None:
        run(0.05)
    waited = 0.0
    while live_task_threads() and waited < MAP_WAIT:
        run(0.2)
        waited += 0.2


def _quadratic(window, run) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    _open(window, run, "himmelblau-map-basins",
          window.scenes.scene_actions["himmelblau-map-basins"].trigger)
    run(1.0)
    window.activateWindow()
    _open(window, run, "quadratic-stable-lr", lambda: QTest.keyClick(window, Qt.Key.Key_N))


def _fractal(window, run) -> None:
    _open(window, run, "seed-fractal-edge",
          window.scenes.scene_actions["seed-fractal-edge"].trigger)


def _moons(window, run) -> None:
    _open(window, run, "two-moons", window.scenes.scene_actions["two-moons"].trigger)
    while (window.controller.landscape is None
           or window.controller.landscape.kind != "network"):
        run(0.1)


def _sharpness(window, run) -> None:
    _open(window, run, "edge-of-stability",
          window.scenes.scene_actions["edge-of-stability"].trigger)
    window.sharpness_view.action.trigger()  # View ▸ Sharpness
    while not window.sharpness_on:
        run(0.05)
    while window.buffer.snapshot().furthest_step < 100:
        if not window.controls.play_action.isChecked():  # the race restarts paused to measure
            window.race_thread.worker.set_speed(None)
            window.controls.play_action.setChecked(True)
        run(0.1)
    window.controls.play_action.setChecked(False)


#: The scene phases: how each reaches its scene.
SCENE_PHASES = {"quadratic": _quadratic, "fractal": _fractal, "moons": _moons,
                "sharpness": _sharpness}


def _scene(scene_id: str):
    from landscape_app.state.scenes import load_scene

    return load_scene(scene_id).state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(SIZES),
                        help="comma-separated screen sizes in device pixels (default: %(default)s)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="QT_SCALE_FACTOR of the screen (2 for 200 %%)")
    parser.add_argument("--shots", metavar="DIR", help="save window-WxH[-PHASE].png in DIR")
    parser.add_argument("--phases", default="window",
                        help="what to measure, in order: window, panels (a compact window's "
                             "side panels opened), presentation, quadratic, fractal, moons "
                             "(scenes reached by keys and menus), sharpness "
                             "(edge-of-stability with View ▸ Sharpness) (default: %(default)s)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--name", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    phases = [phase for phase in args.phases.split(",") if phase]
    if not phases or set(phases) - set(PHASES):
        print(f"window_sizes: unknown phases {args.phases!r} ({', '.join(PHASES)})",
              file=sys.stderr)
        return 2
    if args.child:
        return child(phases, args.shots, args.name)
    try:
        sizes = [parse_size(text) for text in args.sizes.split(",")]
    except argparse.ArgumentTypeError as error:
        print(f"window_sizes: {error}", file=sys.stderr)
        return 2
    if args.shots:
        Path(args.shots).mkdir(parents=True, exist_ok=True)
    for width, height in sizes:
        results = measure_at(width, height, args.scale, args.shots, tuple(phases), timeout=600)
        for phase, result in results.items():
            plot, window = result["plot"], result["window"]
            shown = (f"2D plot {plot[2:]} = {plot[2] * plot[3] / (window[0] * window[1]):.0%} "
                     f"of the window ({plot[2] / window[0]:.0%} of its width)" if plot
                     else "2D plot not shown (another tab: a map scene shows its map)")
            print(f"{width}x{height} @{args.scale:g} {phase}: window {window}, "
                  f"{result['arrangement']}, {shown}, docks {sorted(result['docks'])}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
