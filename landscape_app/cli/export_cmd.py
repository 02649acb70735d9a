"""``landscape-app export``: a scene or session as GIF, MP4 or PNG frames, headless.

Also a still of the last frame (PNG, or SVG for the 2D view), the trajectories (CSV/JSON) and
the landscape grid (NPZ). Everything is validated before the race is run; every file is
written atomically, so a failed or cancelled (Ctrl-C) export leaves nothing behind.
"""

from __future__ import annotations

import argparse
import math

from landscape_app.cli.arguments import parse_size
from landscape_app.core.catalogue.kinds import LandscapeKind, MapKind
from landscape_app.export.writers import WRITERS, formats_help, output_names

EPILOG = f"""\
examples:
  landscape-app export --scene adam-vs-sgd --out demo.mp4 --size 1280x720 --fps 30 --steps 300
  landscape-app export --scene rastrigin-global --out slides.gif --size 800x600 --fps 15 \\
      --duration 8 --title "Global methods on Rastrigin" --no-curves
  landscape-app export --session my-race.json --out frames/ --frames 60 --axis evals
  landscape-app export --scene adam-vs-sgd --out middle.gif --steps 100:200 --fps 20
  landscape-app export --scene two-moons --still plane.svg --trajectories race.csv \\
      --surface plane.npz
  landscape-app export --scene himmelblau-map-basins --map-out basins.gif --map-still basins.svg \\
      --size 960x720 --frames 60 --fps 15
  landscape-app export --scene two-moons --model --model-lane 3 --out moons.gif \\
      --size 640x360 --fps 10 --steps 120 --frames 25
  landscape-app export --scene quadratic-stable-lr --sharpness --still sharp.png \\
      --size 640x360 --steps 60
  xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX" \\
      landscape-app export --scene adam-vs-sgd --view both --out both.mp4
  landscape-app export --surface-file surface.npz --still surface.svg --size 800x600
  landscape-app export --scene adam-vs-sgd --out lesson.html
  xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX" \\
      landscape-app export --surface-file model.h5 --still model_3d.png --view 3d

output formats follow the names:
{formats_help()}
Frame i of N shows step round(A + i*(S-A)/(N-1)) of steps A..S (--steps S: A = 0);
by default N = S - A + 1 (one step per frame; the first frame shows step A: the start
with --steps S). The race always runs from step 0; --steps A:B shows steps A to B of it
(the range a teacher marks on the window's timeline with I and O). Without a display the
2D view is drawn with Qt's offscreen platform; the 3D view needs OpenGL, i.e. a desktop
session or a virtual display (xvfb-run, as above). `landscape-app list scenes` lists scenes.
--surface-file draws a surface file (an NPZ of surface, seed-experiment or a grid export,
or a tomgoldstein/loss-landscape .h5, told apart by content) as a still; points it lacks
are left as holes and counted ("181 of 341 points missing").
--out NAME.html writes an interactive page instead: one self-contained file that opens
from disk in any browser, offline (play, scrub, toggle lanes, hover for the loss, click
the landscape to start there); it takes --steps S and --device only.
"""



def add_parser(subparsers, name: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name,
        help="export a scene or session as GIF, MP4 or PNG frames (headless)",
        description="Run a scene's or session's race to the end and export it as an "
        "animation (GIF, MP4 or PNG frames) of the 2D view, the 3D view or both, with the loss "
        "curves and a caption; optionally a still, the trajectories and the landscape grid.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--scene", metavar="ID", help="a scene of the library, e.g. adam-vs-sgd")
    source.add_argument("--session", metavar="FILE.json", help="a saved session file")
    source.add_argument("--surface-file", metavar="FILE",
                        help="a surface file (an NPZ the app wrote, or a loss-landscape .h5), "
                        "drawn as --still with --view and --size; its paths, if any, to their "
                        "end; missing points as holes")
    outputs = parser.add_argument_group("outputs (at least one)")
    outputs.add_argument("--out", metavar="FILE",
                         help=f"the animation: {output_names()} (no extension) for PNG "
                         "frames; or lesson.html: an interactive page (see below)")
    outputs.add_argument("--still", metavar="FILE",
                         help="the last frame as an image: view.png, or view.svg (2D view only)")
    outputs.add_argument("--trajectories", metavar="FILE",
                         help="every step of every optimizer: race.csv or race.json")
    outputs.add_argument("--surface", metavar="FILE.npz",
                         help="the landscape grid (xs, ys, values, metadata) as NPZ")
    maps = parser.add_argument_group(
        "outcome map (a scene or session with a map: Maps menu, or `list scenes`)")
    maps.add_argument("--map-out", metavar="FILE",
                      help="the map over the steps: map.gif, map.mp4, or a folder of PNG "
                      "frames; frame i colours every cell by its loss after step "
                      "round(i*S/(N-1)) of the map's S steps, on one log scale (the basins "
                      "fill in)")
    maps.add_argument("--map-still", metavar="FILE",
                      help="the finished map, coloured as the session's map: map.png, or "
                      "map.svg (vector axes, labels and legend)")
    maps.add_argument("--map-kind", choices=tuple(MapKind), default=None,
                      help="which of the session's maps: the start map (default, when it has "
                      "one) or the hyperparameter map")
    look = parser.add_argument_group("frames")
    look.add_argument("--view", choices=("2d", "3d", "both"), default="2d",
                      help="2d contour map, 3d surface (needs OpenGL), or both side by side "
                      "(default 2d)")
    look.add_argument("--model", action=argparse.BooleanOptionalAction, default=False,
                      help="network scenes: the model view beside the landscape (the first "
                      "visible lane's decision regions, fitted curve or outputs at each "
                      "frame's step; default: not shown)")
    look.add_argument("--model-lane", default="1", metavar="N",
                      help="the lane the model view shows, 1 for the first in the legend "
                      "(default 1)")
    look.add_argument("--curves", action=argparse.BooleanOptionalAction, default=True,
                      help="show the loss curves panel (default: shown)")
    look.add_argument("--sharpness", action=argparse.BooleanOptionalAction, default=False,
                      help="measure each lane's sharpness and show the sharpness panel (λ_max "
                      "against the stability threshold, dashed) beside the loss curves "
                      "(default: not shown)")
    look.add_argument("--axis", choices=("steps", "evals", "grad_evals"), default=None,
                      help="x-axis of the loss curves (default: the session's, steps if it "
                      "uses wall time, which would make frames differ between runs)")
    look.add_argument("--title", metavar="TEXT", default=None,
                      help='caption text (default: the scene title; --title "" for none)')
    look.add_argument("--size", metavar="WxH", default="1280x720",
                      help="frame size in pixels (default 1280x720)")
    timing = parser.add_argument_group("timing")
    timing.add_argument("--fps", default="30", metavar="N",
                        help="frames per second (default 30; "
                        + "; ".join(f"{w.name.upper()} at most {w.max_fps:g}"
                                    for w in WRITERS.values()) + ")")
    timing.add_argument("--steps", default=None, metavar="S|A:B",
                        help="optimizer steps to run and show (default: the session's); A:B "
                        "runs B steps and shows steps A to B, e.g. 100:200")
    count = timing.add_mutually_exclusive_group()
    count.add_argument("--frames", default=None, metavar="N",
                       help="number of frames, spread over the steps (default: steps + 1)")
    count.add_argument("--duration", default=None, metavar="SECONDS",
                       help="length of the animation; frames = duration x fps")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto",
                        help="where a network landscape is trained and evaluated (default auto)")
    return parser


def _number(text: str | None, option: str, whole: bool = False) -> float | int | None:
    from landscape_app.core.errors import LandscapeError

    if text is None:
        return None
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise LandscapeError(f"{option} {text!r}: expected {kind}") from None
    if not math.isfinite(value) or value <= 0:
        raise LandscapeError(f"{option} {text!r}: must be above 0")
    return value


def parse_steps(text: str | None) -> tuple[int, int | None]:
    """``--steps``: ``"S"`` → ``(0, S)``, ``"A:B"`` → ``(A, B)``, None → ``(0, None)``; a
    :class:`LandscapeError` naming the problem otherwise."""
    from landscape_app.core.errors import LandscapeError

    if text is None:
        return 0, None
    if ":" not in text:
        return 0, _number(text, "--steps", whole=True)
    first, _, last = text.partition(":")
    try:
        first_step, last_step = int(first), int(last)
    except ValueError:
        raise LandscapeError(f"--steps {text!r}: expected S or A:B, whole numbers (e.g. "
                             "100:200)") from None
    if first_step < 0 or last_step <= first_step:
        raise LandscapeError(f"--steps {text!r}: expected 0 <= A < B")
    return first_step, last_step


def build_request(args: argparse.Namespace, session_axis: str = "steps"):
    """The :class:`~landscape_app.gui.export.request.ExportRequest` of the arguments.

    ``session_axis`` is the session's loss-plot axis, used unless ``--axis`` is given (wall
    time is replaced by steps).
    """
    from landscape_app.gui.export.frame_layout import FrameLayout
    from landscape_app.gui.export.request import ExportRequest

    width, height = parse_size(args.size)
    axis = args.axis or (session_axis if session_axis != "time" else "steps")
    layout = FrameLayout(view=args.view, curves=args.curves, width=width, height=height,
                         axis=axis, model=bool(getattr(args, "model", False)),
                         model_lane=_number(getattr(args, "model_lane", "1"), "--model-lane",
                                            whole=True) - 1,
                         sharpness=bool(getattr(args, "sharpness", False)))
    first_step, steps = parse_steps(args.steps)
    return ExportRequest(
        layout=layout, title=args.title, fps=_number(args.fps, "--fps"),
        steps=steps, first_step=first_step,
        frames=_number(args.frames, "--frames", whole=True),
        duration=_number(args.duration, "--duration"),
        animation=args.out, still=args.still, trajectories=args.trajectories,
        surface=args.surface, map_still=args.map_still, map_animation=args.map_out,
        map_kind=None if args.map_kind is None else MapKind(args.map_kind), device=args.device,
    )


def request_lane(args: argparse.Namespace) -> int:
    """``--model-lane`` as a whole number (1 for the first lane)."""
    return int(_number(args.model_lane, "--model-lane", whole=True))


def summary_lines(report) -> list[str]:
    """What was written, for stdout."""
    lines = []
    animations = {a.path: a for a in (report.animation, report.map_animation) if a is not None}
    for path in report.written:
        animation = animations.get(path)
        if animation is not None:
            lines.append(f"wrote {path}: {animation.frames} frames, {animation.width}x"
                         f"{animation.height}, {animation.fps:g} fps "
                         f"({animation.frames / animation.fps:.1f} s), "
                         f"{animation.bytes / 1e6:.2f} MB")
        else:
            lines.append(f"wrote {path}")
    if report.steps:
        lines.append(f"{report.steps} steps recorded in {report.record_seconds:.1f} s"
                     + (f", frames rendered and encoded in {report.render_seconds:.1f} s"
                        if report.frames else ""))
    return lines


def run(args: argparse.Namespace) -> int:
    from landscape_app.cli.page_export import load_state, run_page, wants_page

    if wants_page(args) and args.surface_file is None:
        return run_page(args)
    if args.surface_file is not None:
        from landscape_app.cli.surface_export import run_surface_file

        return run_surface_file(args)
    from landscape_app.cli.checks import check_source
    from landscape_app.gui.export.request import check_request

    # Ids, sizes, numbers and paths first: no torch needed, so a typo is answered at once.
    check_source(args.scene, args.session)
    check_request(build_request(args))
    from landscape_app.gui.app import headless_application
    from landscape_app.gui.export.frame_layout import require_opengl
    from landscape_app.gui.export.frames import run_export

    state = load_state(args)
    if args.model and state.landscape.kind != LandscapeKind.NETWORK:
        from landscape_app.core.errors import LandscapeError

        raise LandscapeError("--model shows a network's model; this is a 2D landscape (choose "
                             "a network scene such as two-moons, or leave out --model)")
    if args.model and request_lane(args) > len(state.lanes):
        from landscape_app.core.errors import LandscapeError

        raise LandscapeError(f"--model-lane {request_lane(args)}: the session has "
                             f"{len(state.lanes)} lanes")
    request = build_request(args, state.view.x_axis)
    if request.needs_frames:
        headless_application()
        if request.layout.needs_opengl:
            require_opengl()
    from landscape_app.cli.progress_bar import run_cancellable

    report = run_cancellable("export", lambda progress, cancelled: run_export(
        state, request, progress=progress, cancelled=cancelled))
    if report is None:
        return 130
    for line in summary_lines(report):
        print(line)
    return 0
