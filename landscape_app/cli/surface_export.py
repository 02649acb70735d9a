"""``landscape-app export --surface-file FILE --still view.png|svg``: a surface file drawn
headless, as the window draws it (the job of Li et al.'s ``plot_2D.py`` for their ``.h5``).

Options and the still's path are checked before torch is imported and the file is read; a
bad file, a missing OpenGL for ``--view 3d``
or an option that does not apply gives one line and exit status 2.
"""

from __future__ import annotations

import argparse

#: Options of ``export`` that draw or write a race, which a surface file does not have.
RACE_OPTIONS = ("out", "trajectories", "surface", "map_out", "map_still", "map_kind", "steps",
                "frames", "duration", "axis")


def _check_options(args: argparse.Namespace) -> None:
    from landscape_app.core.errors import LandscapeError

    extra = [f"--{name.replace('_', '-')}" for name in RACE_OPTIONS
             if getattr(args, name) is not None]
    if args.model:
        extra.append("--model")
    if extra:
        raise LandscapeError(f"{', '.join(extra)}: not for --surface-file, which draws the "
                             "file as a still (--still view.png|svg, --view, --size, --title)")
    if args.still is None:
        raise LandscapeError("--surface-file needs --still view.png (or view.svg for the 2D "
                             "view)")


def run_surface_file(args: argparse.Namespace) -> int:
    """Draw ``args.surface_file`` into ``args.still``; the exit code."""
    from landscape_app.cli.arguments import parse_size
    from landscape_app.gui.export.frame_layout import FrameLayout, check_still

    _check_options(args)
    width, height = parse_size(args.size)
    check_still(args.still, FrameLayout(view=args.view, width=width, height=height))
    from landscape_app.core.surface_file import load_surface_file

    land = load_surface_file(args.surface_file)  # a bad file is refused before Qt starts
    from landscape_app.gui.app import headless_application
    from landscape_app.gui.export.frame_layout import require_opengl
    from landscape_app.gui.export.surface_still import export_surface_still, surface_title

    headless_application()
    if args.view != "2d":
        require_opengl()
    if land.missing:
        print(f"{land.path}: {land.missing_text()} (drawn as holes)")
    layout = FrameLayout(view=args.view, curves=args.curves and bool(land.lanes),
                         title=surface_title(land) if args.title is None else args.title,
                         width=width, height=height)
    path = export_surface_still(land, args.still, layout)
    print(f"wrote {path}: {width}x{height}, {args.view} view of {land.path.name}")
    return 0
