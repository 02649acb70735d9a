"""``landscape-app``: the command line. ``gui`` (the default), ``run``, ``surface``, ``export``,
``list``, ``seed-experiment``.

Only argparse is imported at start-up: each subcommand lives in its own module whose heavy
imports (torch, Qt) happen inside its ``run`` function, so ``--help`` is instant.
Errors meant for the user (:class:`LandscapeError`) print one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
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
}

EXIT_USAGE = 2


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
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui", *(argv if argv is not None else sys.argv[1:])])
    from landscape_app.core.errors import LandscapeError

    try:
        return int(args.handler(args) or 0)
    except LandscapeError as error:
        print(f"landscape-app {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"landscape-app {args.command}: interrupted", file=sys.stderr)
        return 130
