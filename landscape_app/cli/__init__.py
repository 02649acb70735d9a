"""``landscape-app``: the command line. ``gui`` (the default), ``run``, ``surface``, ``export``,
``list``, ``seed-experiment``, ``map``, ``compare``.

Only argparse is imported at start-up: each subcommand lives in its own module whose heavy
imports (torch, Qt) happen inside its ``run`` function, so ``--help`` is instant.
Errors meant for the user (:class:`LandscapeError`) print one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from landscape_app import __version__

#: Subcommand name -> module under landscape_app.cli providing ``add_parser`` and ``run``.
SUBCOMMANDS = {
    "gui": "gui_cmd",
    "run": "run_cmd",
    "surface": "surface_cmd",
    "export": "export_cmd",
    "list": "list_cmd",
    "seed-experiment": "seed_cmd",
    "map": "map_cmd",
    "compare": "compare_cmd",
}

EXIT_USAGE = 2

#: Options whose value may begin with a minus sign (``--start -1.5,2``): argparse would take
#: such a value for an option, so it is glued on as ``--start=-1.5,2`` first.
NEGATIVE_VALUE_OPTIONS = frozenset({"--start", "--range", "--t-range"})


def _glue_negative_values(argv: list[str]) -> list[str]:
    glued: list[str] = []
    tokens = iter(argv)
    for token in tokens:
        if token in NEGATIVE_VALUE_OPTIONS:
            value = next(tokens, None)
            if value is not None and value[:1] == "-" and value[1:2] in "0123456789.":
                glued.append(f"{token}={value}")
                continue
            glued.append(token)
            if value is not None:
                glued.append(value)
            continue
        glued.append(token)
    return glued


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="landscape-app",
        description="Loss Landscape Lab: watch optimizers race across loss landscapes. "
        "Without a subcommand, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in SUBCOMMANDS.items():
        module = importlib.import_module(f"landscape_app.cli.{module_name}")
        sub = module.add_parser(subparsers, name)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``landscape-app`` script; returns the exit code."""
    argv = _glue_negative_values(list(sys.argv[1:] if argv is None else argv))
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv = ["gui", *argv]  # the window is the default command
    args = build_parser().parse_args(argv)
    # Idle OpenMP threads sleep instead of spinning (libgomp's default): on a machine with
    # few cores, spinning workers starve the window's thread and each other. Must be set
    # before torch is imported, which happens in the handlers.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from landscape_app.core.errors import LandscapeError

    try:
        return int(args.handler(args) or 0)
    except LandscapeError as error:
        print(f"landscape-app {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"landscape-app {args.command}: interrupted", file=sys.stderr)
        return 130
