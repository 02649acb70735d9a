"""``landscape-app gui`` (the default command): open the window.

Without options the window opens at once and imports torch in the background. Options that
name a scene, a session file, a function, an expression or optimizers are checked before the
window opens (which imports torch first), so a typo or a broken file gives a one-line error
and exit status 2, not a window.
"""

from __future__ import annotations

import argparse

EPILOG = """\
examples:
  landscape-app
  landscape-app gui --function himmelblau --optimizer adam:lr=0.1 --optimizer pso --play
  landscape-app gui --expr "x**2 + 3*sin(y)" --range=-3,3,-3,3 --start=-2,1 --speed max
  landscape-app gui --scene adam-vs-sgd --presentation
  landscape-app gui --session my-race.json
  landscape-app gui surface.npz
  landscape-app gui 'model.h5_[-1.0,1.0,51]x[-1.0,1.0,51].h5'

FILE is a session (.json), a surface NPZ (written by surface, seed-experiment, your model, or
an exported grid) or a tomgoldstein/loss-landscape .h5, told apart by its content; a surface
is shown read-only, its paths replayed, the points it lacks as holes ("181 of 341 points
missing"). A file that cannot be shown is refused before the window opens (exit status 2).

write --range=… and --start=… with "=" when the first number is negative. With --scene or
--session, the other options change what the scene or session shows.

keys in the window: space play/pause, → one step, R reset, 1–9 show/hide an optimizer,
N / P next / previous scene, F11 or F5 presentation mode (Esc leaves); click the 2D view to
move the start. `landscape-app list scenes` lists the scenes.
"""


def add_parser(subparsers, name: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name,
        help="open the window (the default command)",
        description="Open Loss Landscape Lab's window: optimizers racing live on a landscape.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", default=None, metavar="FILE",
                        help="a session .json, a surface .npz or a loss-landscape .h5 to open")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--scene", default=None, metavar="ID",
                        help="open a scene of the library (see `landscape-app list scenes`)")
    source.add_argument("--session", default=None, metavar="FILE.json",
                        help="open a saved session file")
    parser.add_argument("--presentation", action="store_true",
                        help="start in presentation mode (full screen, large type; Esc leaves)")
    landscape = parser.add_mutually_exclusive_group()
    landscape.add_argument("--function", default=None, metavar="ID",
                           help="test function to show first (see `landscape-app list functions`)")
    landscape.add_argument("--expr", default=None, metavar="EXPRESSION",
                           help='custom function of x and y, e.g. "x**2 + 3*sin(y)"')
    parser.add_argument("--range", default=None, metavar="X0,X1,Y0,Y1",
                        help="domain of a custom expression (default -5,5,-5,5)")
    parser.add_argument("--start", default=None, metavar="X,Y", help="start point")
    parser.add_argument("--optimizer", action="append", default=[], metavar="SPEC",
                        help="ID[:name=value,...]; repeat for a race (default: four classics)")
    parser.add_argument("--steps", type=int, default=None, help="steps per optimizer")
    parser.add_argument("--speed", default=None, metavar="STEPS_PER_S",
                        help='stepping speed in steps per second, or "max"')
    parser.add_argument("--play", action="store_true", help="start racing at once")
    parser.add_argument("--report-startup", action="store_true", help=argparse.SUPPRESS)
    return parser


def launch_options(args: argparse.Namespace):
    """The :class:`~landscape_app.gui.app.LaunchOptions` of the arguments, checked."""
    from landscape_app.cli.arguments import parse_numbers
    from landscape_app.cli.checks import (
        DEFAULT_BOX,
        check_landscape,
        check_lane_settings,
        check_optimizers,
        check_source,
        check_steps,
    )
    from landscape_app.core.catalogue.kinds import LandscapeKind
    from landscape_app.core.errors import LandscapeError

    surface = open_file(args)
    # Ids, numbers and paths first: no torch needed, so a typo is answered at once.
    check_steps(args.steps)
    box = check_landscape(args) or DEFAULT_BOX
    lanes = check_optimizers(args.optimizer)
    if args.scene is None and args.session is None:  # the lanes race on a function
        check_lane_settings(lanes, LandscapeKind.FUNCTION)
    check_source(args.scene, args.session)
    speed, max_speed = None, False
    if args.speed is not None:
        if args.speed.strip().lower() == "max":
            max_speed = True
        else:
            (speed,) = parse_numbers(args.speed, 1, "--speed")
            if not 0 < speed <= 1e6:
                raise LandscapeError(f"--speed {args.speed}: expected a number of steps per "
                                     "second above 0, or max")
    from landscape_app.gui.app import LaunchOptions

    options = LaunchOptions(
        function=args.function, expression=args.expr,
        x_range=box[:2] if args.expr else None, y_range=box[2:] if args.expr else None,
        optimizers=tuple(args.optimizer),
        start=parse_numbers(args.start, 2, "--start") if args.start else None,
        max_steps=args.steps, speed=speed, max_speed=max_speed, play=args.play,
        report_startup=args.report_startup, session=_load_source(args),
        scene_id=args.scene, session_path=args.session, presentation=args.presentation,
        surface=surface,
    )
    if options.function or options.expression or options.optimizers:
        _check_engine_options(options)
    return options


#: Options that describe a race, which a surface file (read-only) does not take.
RACE_OPTIONS = ("function", "expr", "range", "start", "steps")


def open_file(args: argparse.Namespace):
    """The FILE argument, told apart by content: a session sets ``args.session``; a surface
    file is read and returned (a
    :class:`~landscape_app.core.surface_file.SurfaceFileLandscape`); None without FILE.

    Raises
    ------
    LandscapeError
        FILE with --scene or --session, with race options for a surface, a missing or
        malformed file, or one that is neither a session nor a surface.
    """
    from pathlib import Path

    from landscape_app.core.errors import LandscapeError

    if args.file is None:
        return None
    if args.scene is not None or args.session is not None:
        raise LandscapeError(f"{args.file}: give a FILE or --scene/--session, not both")
    from landscape_app.core.surface_file import H5_SUFFIXES, file_kind

    path = Path(args.file).expanduser()
    kind = file_kind(path)
    if kind == "json":
        args.session = str(path)
        return None
    if kind is None and path.suffix.lower() not in H5_SUFFIXES:
        raise LandscapeError(f"{path}: neither a session (JSON) nor a surface file (NPZ, "
                             "HDF5), by its content")
    extra = [f"--{name}" for name in RACE_OPTIONS if getattr(args, name) is not None]
    if extra or args.optimizer:
        raise LandscapeError(f"{', '.join(extra + ['--optimizer'] * bool(args.optimizer))}: "
                             f"not for a surface file, which is shown read-only")
    from landscape_app.core.surface_file import load_surface_file

    return load_surface_file(path)


def _load_source(args: argparse.Namespace):
    """The validated session of ``--session`` (imports torch), or None.

    A scene (its id checked by :func:`~landscape_app.cli.checks.check_source`) is part of
    the app and is loaded by the window, after its first frame (drawn without torch)."""
    if args.session is not None:
        from landscape_app.state.session_io import load_session

        return load_session(args.session)
    return None


def _check_engine_options(options) -> None:
    """Build what the options name (imports torch) so that mistakes stop here."""
    from landscape_app.core.catalogue.kinds import LandscapeKind
    from landscape_app.core.optim import parse_optimizer_spec
    from landscape_app.state.model import LandscapeSpec, build_objective

    if options.expression:
        build_objective(LandscapeSpec(LandscapeKind.EXPRESSION, expression=options.expression,
                                      x_range=options.x_range, y_range=options.y_range))
    elif options.function:
        build_objective(LandscapeSpec(LandscapeKind.FUNCTION, function=options.function))
    for text in options.optimizers:
        parse_optimizer_spec(text)


def check_display() -> None:
    """Refuse, with advice, to open a window where there is no screen to show it on.

    Without this Qt aborts the interpreter ("could not connect to display").
    """
    import os
    import sys

    from landscape_app.core.errors import LandscapeError

    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise LandscapeError(
            "there is no display to open the window on (DISPLAY and WAYLAND_DISPLAY are "
            "unset); run it in a desktop session, under `xvfb-run -a landscape-app`, or use "
            "the headless commands run, export and surface"
        )


def run(args: argparse.Namespace) -> int:
    from landscape_app.cli.qt_libraries import check_qt_libraries

    options = launch_options(args)
    if options.surface is not None and options.surface.missing:
        print(f"{options.surface.path}: {options.surface.missing_text()} (shown as holes)")
    check_display()
    check_qt_libraries()  # else Qt aborts with a core dump where an X11 library is missing
    from landscape_app.gui.app import run_app

    return run_app(options)
