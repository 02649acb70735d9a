"""``landscape-app compare``: which optimizer is better, each tuned, from many starts."""

from __future__ import annotations

import argparse

from landscape_app.cli.arguments import add_function_arguments, add_model_arguments

EPILOG = """\
examples:
  landscape-app compare --function himmelblau --optimizer adam --optimizer sgd \\
      --optimizer momentum --optimizer rmsprop --starts 16 --steps 300 --out compare.npz \\
      --png compare.png
  landscape-app compare --function rosenbrock --optimizer adam --sweep lr=1e-4:1:log:16 \\
      --optimizer momentum --sweep lr=1e-5:1e-1:log:4 --sweep momentum=0:0.99:4 \\
      --starts 8 --range -2,2,-1,3 --steps 500 --tolerance 1e-2
  landscape-app compare --model seed --optimizer sgd --sweep lr=1e-9:1e-5:log:16 \\
      --optimizer adam --sweep lr=1e-3:10:log:16 --starts 8 --steps 200 --tolerance 4

Each --optimizer runs at every setting of its sweep from every start. --sweep
NAME=LOW:HIGH[:log|lin][:K] (K values, default 32) applies to the --optimizer before it; a
second --sweep makes the settings the grid of both (K1 x K2, the first sweep's value changing
slowest). Without one an optimizer sweeps its learning rate over four decades around its
default (lr/100 to lr*100, 32 values, log). Every optimizer needs the same number of settings:
the same tuning budget. --starts N: an N x N grid of starts over --range (default the
function's view box); networks: N*N initial weights drawn with the seeds --seed, --seed+1,
... (the seed net's x0 = 0.1*randn(10) with that numpy seed, 42 being the article's).

A run succeeds when its final loss is within --tolerance of the best known value (networks:
below --tolerance). Per optimizer and setting: the success rate, the share that reached the
goal within an equal budget of --budget function evaluations (default steps + 1, what a
method with one evaluation per step spends), the median final loss and the median steps and
evaluations to the goal (over the runs that reached it); per optimizer the best setting and
the tuning curve: the expected best success rate after k settings drawn at random,
k = 1..L (E[max] = sum_i s_(i) ((i/L)^k - ((i-1)/L)^k), rates sorted ascending).

Every run equals `landscape-app run` from its start with its setting (float64: relative
1e-10 on the final loss), --seed included. sgd, momentum, nesterov, adagrad, rmsprop, adam,
adamw, radam, heun, lookahead, ranger and newton run batched, every setting from every
start at once; the others (lbfgs, slsqp, pso, cmaes, sa, dual-annealing) one start at a time
in --workers processes, their main setting swept by default.

The NPZ (format "landscape-app-compare", version 1; numpy.load reads it) holds optimizers
(O), sweep_name, sweep_values (O x L), sweep2_name, sweep2_values (O x L, NaN without a
second sweep), starts (S x 2, or S seeds), final_loss, steps_to_tolerance,
evaluations_to_tolerance (-1 never) and evaluations (O x L x S), success, success_at_budget
and median_loss (O x L), tuning_curve (O x K), best (O) and metadata (JSON).
"""


class _PlanAction(argparse.Action):
    """Keeps ``--optimizer`` and ``--sweep`` in the order given: each sweep belongs to the
    optimizer before it."""

    def __call__(self, parser, namespace, values, option_string=None):
        plan = list(getattr(namespace, "plan", None) or [])
        plan.append((self.dest, values))
        namespace.plan = plan


def add_parser(subparsers, name: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name,
        help="which optimizer is better: each tuned over a sweep, from many starts (NPZ, PNG)",
        description="Run every optimizer at every setting of a hyperparameter sweep from "
        "every start of a grid (or every initialisation of a network), and report each "
        "one's success rate, medians, best setting and tuning curve.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    landscape = add_function_arguments(parser)
    add_model_arguments(parser, landscape, "a network: seed, moons, circles, spirals, xor, sine")
    parser.set_defaults(plan=[])
    parser.add_argument("--optimizer", dest="optimizer", action=_PlanAction, metavar="SPEC",
                        help="ID[:name=value,...]; repeat for each optimizer")
    parser.add_argument("--sweep", dest="sweep", action=_PlanAction,
                        metavar="NAME=LOW:HIGH[:log][:K]",
                        help="the preceding optimizer's settings (one or two per optimizer)")
    parser.add_argument("--starts", type=int, default=16, metavar="N",
                        help="N x N starts, or N*N network initialisations (default 16)")
    parser.add_argument("--range", default=None, metavar="X0,X1,Y0,Y1",
                        help="the starts' extent (default the function's view box; "
                        "X0:X1,Y0:Y1 also reads)")
    parser.add_argument("--steps", type=int, default=300, help="steps per run (default 300)")
    parser.add_argument("--tolerance", type=float, default=1e-3,
                        help="success: final loss within this of the best known value "
                        "(networks: below it; default 1e-3)")
    parser.add_argument("--budget", type=int, default=None, metavar="EVALS",
                        help="the equal evaluation budget (default steps + 1)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seeds the random optimizers, minibatches and noise, an MLP's "
                        "data, and the first network initialisation (default 0)")
    parser.add_argument("--dtype", default="float32", choices=("float32", "float64"),
                        help="floating-point precision (default float32)")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"),
                        help="auto takes CUDA, then MPS, then the CPU (default auto)")
    parser.add_argument("--workers", type=int, default=1, metavar="K",
                        help="processes for the optimizers run one start at a time (default 1)")
    parser.add_argument("--out", default=None, metavar="FILE.npz",
                        help="write the comparison to FILE.npz (atomically)")
    parser.add_argument("--png", default=None, metavar="FILE.png",
                        help="draw success against setting and the tuning curves to FILE.png")
    return parser


def _check_arguments(args):
    """Everything checked without torch: ``(plan, box, config)`` with ``plan`` a list of
    ``(spec text, [CompareSweep])``."""
    from landscape_app.cli.arguments import parse_numbers
    from landscape_app.cli.checks import (
        check_lane_settings,
        check_optimizers,
        check_steps,
        check_target,
    )
    from landscape_app.core.atomic import check_writable
    from landscape_app.core.catalogue.compare_sweeps import (
        check_compare_sweeps,
        default_sweep,
        parse_compare_sweep,
    )
    from landscape_app.core.catalogue.map_checks import check_side
    from landscape_app.core.errors import LandscapeError

    for path, suffix in ((args.out, ".npz"), (args.png, ".png")):
        if path is not None:
            check_writable(path, suffixes=(suffix,))
    check_steps(args.steps)
    config = check_target(args)
    plan: list[tuple[str, list]] = []
    for option, text in args.plan:
        if option == "optimizer":
            plan.append((text, []))
        elif not plan:
            raise LandscapeError(f"--sweep {text}: give the --optimizer it belongs to first")
        else:
            plan[-1][1].append(parse_compare_sweep(text))
    if not plan:
        raise LandscapeError("give at least one --optimizer, e.g. --optimizer adam "
                             "--optimizer sgd")
    kind = "function" if config is None else "network"
    samples = None if config is None else config.sample_count
    counts = set()
    for (optimizer_id, params), (_, sweeps) in zip(
            check_optimizers(text for text, _ in plan), plan, strict=True):
        check_lane_settings([(optimizer_id, params)], kind, samples)
        sweeps[:] = sweeps or [default_sweep(optimizer_id, params)]
        check_compare_sweeps(optimizer_id, params, sweeps, network=config is not None)
        counts.add(_count(sweeps))
    if len(counts) > 1:
        raise LandscapeError("every optimizer needs the same number of settings (a fair "
                             f"tuning budget); the sweeps give {sorted(counts)}")
    check_side(args.starts, what="--starts")
    if not args.tolerance >= 0:
        raise LandscapeError(f"--tolerance {args.tolerance}: must be ≥ 0")
    if args.budget is not None and args.budget < 1:
        raise LandscapeError(f"--budget {args.budget}: must be at least 1")
    if args.workers < 1:
        raise LandscapeError(f"--workers {args.workers}: must be at least 1")
    box = None
    if args.range is not None:
        if config is not None:
            raise LandscapeError("--range sets the starts of a function; a network starts "
                                 "from its initialisations")
        box = parse_numbers(args.range.replace(":", ","), 4, "--range")
        if box[0] >= box[1] or box[2] >= box[3]:
            raise LandscapeError(f"--range {args.range}: expected X0 < X1 and Y0 < Y1")
    return plan, box, config


def _count(sweeps) -> int:
    count = 1
    for sweep in sweeps:
        count *= sweep.count
    return count


def _objective(args, box):
    from landscape_app.state.model import LandscapeSpec, build_objective

    if args.expr is not None:
        domain = box or (-5.0, 5.0, -5.0, 5.0)
        spec = LandscapeSpec(kind="expression", expression=args.expr, x_range=domain[:2],
                             y_range=domain[2:])
    else:
        spec = LandscapeSpec(kind="function", function=args.function or "rosenbrock")
    return build_objective(spec)


def _setting_text(names, values) -> str:
    return ", ".join(f"{name}={value:.3g}" for name, value in zip(names, values, strict=False))


def print_table(result) -> None:
    """One block per optimizer: its best setting and that setting's figures, and the tuning
    curve at a few k."""
    count = result.success.shape[1]
    print(f"{result.final_loss.shape[2]} starts x {count} settings x "
          f"{result.metadata['steps']} steps per optimizer in {result.seconds:.3f} s on "
          f"{result.metadata['device']}; success: final loss <= {result.goal:.6g}; "
          f"budget {result.budget} evaluations")
    header = (f"{'optimizer':<22} {'best setting':<28} {'success':>8} {'at budget':>9} "
              f"{'median loss':>12} {'steps':>7} {'evals':>7}  tuning k=1/4/{count}")
    print(header)
    for o, name in enumerate(result.optimizers):
        best = int(result.best[o])
        curve = result.tuning_curve[o]
        picks = [curve[k - 1] for k in (1, min(4, len(curve)), len(curve))]
        steps, evals = result.median_steps[o, best], result.median_evaluations[o, best]
        print(f"{name:<22} {_setting_text(result.sweep_names[o], result.settings[o, best]):<28} "
              f"{result.success[o, best]:>8.3f} {result.success_at_budget[o, best]:>9.3f} "
              f"{result.median_loss[o, best]:>12.4g} {steps:>7.0f} {evals:>7.0f}  "
              + "/".join(f"{v:.3f}" for v in picks))


def run(args: argparse.Namespace) -> int:
    plan, box, config = _check_arguments(args)  # before torch is imported
    from landscape_app.cli.progress_bar import ProgressBar
    from landscape_app.core.compare import compare, grid_starts, seed_starts
    from landscape_app.core.files.compare_npz import write_compare_npz

    if config is not None:
        target, starts = config, seed_starts(args.seed, args.starts)
    else:
        target = _objective(args, box)
        view = getattr(target, "view", None)
        extent = box or ((view.x0, view.x1, view.y0, view.y1) if view is not None else
                         (target.lower[0], target.upper[0], target.lower[1], target.upper[1]))
        starts = grid_starts(extent[:2], extent[2:], args.starts)
    bar = ProgressBar()
    try:
        result = compare(target, plan, starts, args.steps, args.tolerance, dtype=args.dtype,
                         device=args.device, seed=args.seed, workers=args.workers,
                         budget=args.budget, progress=bar)
    finally:
        bar.close()
    print_table(result)
    if args.out is not None:
        write_compare_npz(args.out, result)
        print(f"wrote {args.out}")
    if args.png is not None:
        from landscape_app.export.compare_image import render_compare_png
        from landscape_app.state.palette import PALETTE

        render_compare_png(result, args.png, PALETTE)
        print(f"wrote {args.png}")
    return 0
