"""``landscape-app export --out lesson.html``: the interactive page, without Qt.

A ``.html`` name for ``--out`` selects the page (:mod:`landscape_app.export.page`): the race is
recorded (``--steps S``: its length), the field paths and the session's maps computed, and
one self-contained file written atomically. Options that only animations use are refused.
"""

from __future__ import annotations

import argparse
import time

#: Options of ``export`` that a page cannot honour, with their defaults.
_FRAME_ONLY = {"still": None, "trajectories": None, "surface": None, "map_out": None,
               "map_still": None, "frames": None, "duration": None, "title": None}


def wants_page(args: argparse.Namespace) -> bool:
    """Whether ``--out`` names an HTML page."""
    return bool(args.out) and str(args.out).lower().endswith((".html", ".htm"))


def check_page_args(args: argparse.Namespace) -> int | None:
    """The steps the page shows (None: the session's), or a :class:`LandscapeError` naming an
    option the page cannot take."""
    from landscape_app.core.atomic import check_writable
    from landscape_app.core.errors import LandscapeError

    for name, default in _FRAME_ONLY.items():
        if getattr(args, name, default) != default:
            option = "--" + name.replace("_", "-")
            raise LandscapeError(f"{option} cannot be combined with a page (--out {args.out}); "
                                 "export it in a second command")
    steps = None
    if args.steps is not None:
        text = str(args.steps).strip()
        if not text.isdigit() or int(text) < 1:
            raise LandscapeError(f"--steps {args.steps!r}: a page shows the whole race; give "
                                 "a whole number of steps ≥ 1, e.g. --steps 300")
        steps = int(text)
    check_writable(args.out, suffixes=(".html", ".htm"))
    return steps


def load_state(args: argparse.Namespace):
    """The session the arguments name (a scene id or a session file)."""
    if args.scene is not None:
        from landscape_app.state.scenes import load_scene

        return load_scene(args.scene).state
    from landscape_app.state.session_io import load_session

    return load_session(args.session)


def run_page(args: argparse.Namespace) -> int:
    """Write the page ``args`` ask for; prints what was written (Ctrl-C cancels)."""
    from landscape_app.cli.checks import check_source

    check_source(args.scene, args.session)
    steps = check_page_args(args)
    from landscape_app.cli.progress_bar import run_cancellable
    from landscape_app.engine.page import page_document
    from landscape_app.export.page import write_page

    state = load_state(args)
    started = time.perf_counter()
    document = run_cancellable("export", lambda progress, cancelled: page_document(
        state, steps, device=args.device, progress=progress, cancelled=cancelled))
    if document is None:
        return 130
    target = write_page(args.out, document)
    print(f"wrote {target}: an interactive page, {target.stat().st_size / 1e6:.2f} MB, "
          f"{document['steps']} steps, made in {time.perf_counter() - started:.1f} s")
    return 0
