"""Argument checks that need no torch, run by every subcommand before its heavy imports.

Importing torch takes about 2 s; a typo in an id, a number, a range or a path is answered
before that. Everything here imports only the standard library and the torch-free catalogue
(:mod:`landscape_app.core.catalogue`), the scene file list and the atomic-write checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.errors import LandscapeError

#: The domain of a custom expression when ``--range`` is not given.
DEFAULT_BOX = (-5.0, 5.0, -5.0, 5.0)


def check_optimizers(texts: Iterable[str]) -> list[tuple[str, dict]]:
    """Each ``ID[:name=value,...]`` parsed and validated: ``(id, params)`` pairs."""
    from landscape_app.core.catalogue.optimizer_specs import parse_spec

    return [parse_spec(text) for text in texts]


def check_lane_settings(lanes: Iterable[tuple[str, dict]], kind: LandscapeKind,
                        samples: int | None = None) -> None:
    """Refuse ``batch_size``/``grad_noise`` that do not fit the landscape: a batch size on a
    function or beyond the ``samples`` of a network's data set, gradient noise on a network."""
    from landscape_app.core.catalogue.stochastic_checks import check_lane_landscape

    for optimizer_id, params in lanes:
        check_lane_landscape(optimizer_id, params, kind, samples)


def check_sharpness(on: bool, every: int | None) -> None:
    """Refuse ``--sharpness-every`` below 1, or given without ``--sharpness``."""
    if every is None:
        return
    if not on:
        raise LandscapeError("--sharpness-every needs --sharpness")
    if every < 1:
        raise LandscapeError(f"--sharpness-every {every}: must be at least 1")


def check_steps(steps: int | None) -> None:
    """Refuse a step count below 1 (None: the default applies)."""
    if steps is not None and steps < 1:
        raise LandscapeError(f"--steps {steps}: must be at least 1")


def check_target(args):
    """``--function``/``--expr`` checked, and the network of ``--model`` with ``--hidden``,
    ``--activation``, ``--samples``, ``--seed`` and ``--dtype`` (None without ``--model``):
    the landscape arguments of ``map`` and ``compare``."""
    from landscape_app.cli.arguments import parse_widths
    from landscape_app.core.catalogue.functions import check_function_id
    from landscape_app.core.catalogue.networks import NetworkConfig

    if args.function is not None:
        check_function_id(args.function)
    if args.expr is not None and not args.expr.strip():
        raise LandscapeError("--expr is empty: give a function of x and y, e.g. \"x**2 + y**2\"")
    if args.model is None:
        return None
    return NetworkConfig(model=args.model, hidden=parse_widths(args.hidden),
                         activation=args.activation, samples=args.samples,
                         seed=args.seed, dtype=args.dtype).validated()


def check_landscape(args) -> tuple[float, float, float, float] | None:
    """Check ``--function``/``--expr``/``--range``/``--start``; the expression's box or None.

    ``args`` has ``function``, ``expr``, ``range`` and ``start`` attributes.
    """
    from landscape_app.cli.arguments import parse_numbers
    from landscape_app.core.catalogue.functions import check_function_id

    if args.range is not None and args.expr is None:
        raise LandscapeError("--range applies to --expr only (test functions have their own)")
    if args.function is not None:
        check_function_id(args.function)
    if args.start is not None:
        parse_numbers(args.start, 2, "--start")
    if args.expr is None:
        return None
    if not args.expr.strip():
        raise LandscapeError("--expr is empty: give a function of x and y, e.g. \"x**2 + y**2\"")
    box = parse_numbers(args.range, 4, "--range") if args.range else DEFAULT_BOX
    if box[0] >= box[1] or box[2] >= box[3]:
        raise LandscapeError(f"--range {args.range}: expected X0 < X1 and Y0 < Y1")
    return box


def check_source(scene: str | None, session: str | None) -> None:
    """Check that ``--scene`` names a scene of the library and ``--session`` a readable file."""
    if scene is not None:
        from landscape_app.state.scene_files import check_scene_id

        check_scene_id(scene)
    if session is not None:
        path = Path(session).expanduser()
        if not path.exists():
            raise LandscapeError(f"--session {session}: no such file")
        if not path.is_file():
            raise LandscapeError(f"--session {session}: not a file")
