"""``landscape-app run``: a race, headless, trajectories to CSV or JSON."""

from __future__ import annotations

import argparse

from landscape_app.cli.arguments import add_function_arguments

EPILOG = """\
examples:
  landscape-app run --function rosenbrock --start -1.5,2 --steps 500 \\
      --optimizer adam:lr=0.01 --optimizer sgd:lr=0.001,momentum=0.9 --seed 0 --out race.csv
  landscape-app run --expr "0.5*(x**2 + 25*y**2)" --range -3,3,-3,3 --start 2.5,1 \\
      --optimizer sgd:lr=0.085 --optimizer lookahead:inner=sgd,lr=0.085,lookahead_k=5 \\
      --steps 200 --out race.json
  (SGD's learning rate is too large for the steep y direction and it diverges; Lookahead
  around the same SGD converges)
  landscape-app run --function saddle --start 1.5,0 --steps 200 --seed 1 \\
      --optimizer sgd:lr=0.01 --optimizer sgd:lr=0.01,grad_noise=1 --out noise.csv
  (grad_noise=σ: the optimizer sees ∇f + σξ, ξ ~ N(0, I) seeded by --seed; the CSV and the
  summary keep the true loss)
  landscape-app run --function quadratic --start -4.5,1.5 --steps 100 --sharpness \
      --optimizer sgd:lr=0.079 --optimizer sgd:lr=0.081 --optimizer adam:lr=0.1 --out sharp.csv
  (λ_max = 25 everywhere: 2/η = 25.3 keeps lr=0.079 stable, 24.7 makes lr=0.081 zig-zag
  outward; Adam's preconditioned sharpness stays far below its 38/η = 380)

sharpness: --sharpness adds the columns sharpness (λ_max, the largest eigenvalue of the loss
Hessian at each recorded position), sharpness_threshold (the optimizer's stability threshold
at its current learning rate: 2/η for gradient descent, (2 + 2μ)/η with heavy-ball momentum,
(2 + 2μ)/((1 + 2μ)η) for Nesterov, (2 + 2β₁)/((1 − β₁)η) for Adam, AdamW and RAdam, 2/η for
RMSprop and Adagrad; empty for methods without a step size) and preconditioned_sharpness
(λ_max(P⁻¹H) with P = diag(√v̂ + ε) from the optimizer's state: Adam, AdamW, RAdam, RMSprop,
Adagrad). A step is stable while the (preconditioned) sharpness stays below its threshold.
In 2D the exact 2×2 Hessian is measured every step (the default); --sharpness-every K
measures every K-th step (networks, in the library, default to every 50 steps: the race then
costs at most about 1.5× the race without sharpness). Sources: Cohen et al. 2021, "Gradient
Descent on Neural Networks Typically Occurs at the Edge of Stability"; Cohen et al. 2022,
"Adaptive Gradient Methods at the Edge of Stability".

optimizer specs are ID[:name=value,...]; `landscape-app list optimizers` shows every id with
its hyperparameters, defaults and ranges. The CSV has one row per step and optimizer:
optimizer, step, evals, grad_evals, loss, best_loss, x, y, status, ...
"""


def add_parser(subparsers, name: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name,
        help="race optimizers headless and write their trajectories",
        description="Race optimizers from one start on one landscape, headless, and write every "
        "step of every optimizer to CSV or JSON.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_function_arguments(parser)
    parser.add_argument("--range", default=None, metavar="X0,X1,Y0,Y1",
                        help="domain of a custom expression (default -5,5,-5,5)")
    parser.add_argument("--start", default=None, metavar="X,Y",
                        help="start point (default: the function's suggested start)")
    parser.add_argument("--optimizer", action="append", default=[], metavar="SPEC",
                        help="ID[:name=value,...], repeat for a race (default: adam)")
    parser.add_argument("--steps", type=int, default=500, help="steps per optimizer (default 500)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", default=None, metavar="FILE",
                        help="write the trajectories to FILE (.csv or .json)")
    parser.add_argument("--sharpness", action="store_true",
                        help="measure the loss Hessian's λ_max along every lane and its "
                        "stability threshold (columns sharpness, sharpness_threshold, "
                        "preconditioned_sharpness; see below)")
    parser.add_argument("--sharpness-every", type=int, default=None, metavar="K",
                        help="with --sharpness: measure every K-th step (default 1 in 2D)")
    return parser


def check_arguments(args: argparse.Namespace) -> None:
    """Everything :func:`build_race` and :func:`run` check that needs no torch."""
    from landscape_app.cli.checks import (
        check_landscape,
        check_lane_settings,
        check_optimizers,
        check_sharpness,
        check_steps,
    )
    from landscape_app.core.atomic import check_writable
    from landscape_app.core.catalogue.kinds import LandscapeKind

    check_steps(args.steps)
    check_sharpness(args.sharpness, args.sharpness_every)
    check_landscape(args)
    check_lane_settings(check_optimizers(args.optimizer), LandscapeKind.FUNCTION)
    if args.out is not None:
        check_writable(args.out, suffixes=(".csv", ".json"))


def build_race(args: argparse.Namespace):
    """The objective and :class:`~landscape_app.core.runner.Race` the arguments describe."""
    from landscape_app.cli.arguments import parse_numbers
    from landscape_app.cli.checks import check_landscape
    from landscape_app.core.catalogue.kinds import LandscapeKind
    from landscape_app.core.labels import unique_labels
    from landscape_app.core.optim import parse_optimizer_spec
    from landscape_app.core.runner import Race, Racer
    from landscape_app.state.model import LandscapeSpec, build_objective

    check_arguments(args)
    box = check_landscape(args)
    if box is not None:
        spec = LandscapeSpec(kind=LandscapeKind.EXPRESSION, expression=args.expr,
                             x_range=box[:2], y_range=box[2:])
    else:
        spec = LandscapeSpec(kind=LandscapeKind.FUNCTION, function=args.function or "rosenbrock")
    objective = build_objective(spec)
    start = parse_numbers(args.start, 2, "--start") if args.start else objective.default_start()
    specs = [parse_optimizer_spec(text) for text in (args.optimizer or ["adam"])]
    labels = unique_labels([s.to_text() for s in specs])
    racers = [Racer(label, s) for label, s in zip(labels, specs, strict=True)]
    every = None
    if args.sharpness:
        from landscape_app.core.sharpness_probe import default_every

        every = args.sharpness_every or default_every(objective.dim)
    return objective, Race(objective, racers, start, seed=args.seed, max_steps=args.steps,
                           sharpness_every=every)


def run(args: argparse.Namespace) -> int:
    check_arguments(args)  # before torch is imported: a typo is answered at once
    from landscape_app.cli.progress_bar import ProgressBar
    from landscape_app.export.tables import summary_lines, write_trajectories

    objective, race = build_race(args)
    bar = ProgressBar()
    try:
        result = race.run(progress=bar)
    finally:
        bar.close()
    for line in summary_lines(result, objective):
        print(line)
    if args.out is not None:
        write_trajectories(args.out, result)
        print(f"wrote {args.out}")
    return 0
