"""``landscape-app map``: an outcome map — every start, or every pair of hyperparameters."""

from __future__ import annotations

import argparse
from typing import NamedTuple

from landscape_app.cli import usermodel_map_cmd
from landscape_app.cli.arguments import add_function_arguments, add_model_arguments

EPILOG = """\
examples:
  landscape-app map --function himmelblau --optimizer adam:lr=0.05 --starts 256 --steps 300 \\
      --out basins.npz
  landscape-app map --function rosenbrock --start -1.5,2 --optimizer momentum \\
      --sweep lr=1e-4:1:log --sweep momentum=0:0.999 --res 256 --steps 500 --out lr-momentum.npz
  landscape-app map --model seed --optimizer momentum --sweep lr=1e-8:1e-4:log \\
      --sweep momentum=0:0.99 --res 128 --steps 200 --out seed-map.npz
  landscape-app map --model moons --hidden 16 --optimizer adam:lr=0.05 \\
      --sweep lr_first=1e-3:1:log --sweep lr_last=1e-3:1:log --res 64 --steps 200 --png mlp.png
  landscape-app map --model moons --hidden 8 --optimizer sgd --sweep lr=0.01:3:log \\
      --sweep batch_size=4:256:log --res 12 --steps 100 --out lr-batch.npz
  landscape-app map --function himmelblau --optimizer sgd:lr=0.01,grad_noise=2 --starts 64 \\
      --steps 300 --seed 1 --tolerance 0.1 --out noisy-basins.npz
  landscape-app map --function rosenbrock --optimizer adam:lr=0.05 --starts 64 --steps 300 \\
      --paths --thin 100 --dtype float64 --out field.npz
  landscape-app map --function rosenbrock --start -1.5,2 --optimizer momentum \\
      --sweep lr=1e-5:1e-2:log --sweep momentum=0:0.99 --res 64 --steps 300 \\
      --color-by sharpness --png sharp.png --out sharp.npz

a start map (--starts N) runs the optimizer from every node of an N x N grid of starts over
--range (default: the function's view box); a sweep map (two --sweep NAME=LOW:HIGH[:log|lin],
--res R) runs it from one start (--start; networks: their initial weights) with every pair of
values. Any numeric hyperparameter of the optimizer can be swept except the schedule's
(batch_size too: its values are rounded to whole numbers, 0 is the full data set); for
networks also lr_first and lr_last (the learning rate of the first / last layer's weights and
bias). Mappable: sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, radam, heun, lookahead,
ranger (with any schedule), newton (per-cell Hessians and line searches, batched). Refused:
lbfgs, slsqp, dual-annealing (one run at a time), pso, cmaes, sa (random methods).

every cell equals the single run of `landscape-app run` with its settings (exactly, up to
rounding, in float64), --seed included: batch_size draws every cell's minibatches, and
grad_noise its noise, as a race with that seed does. A cell stops as the race does:
non-finite (NaN/inf loss or position), diverged (outside the objective's divergence radius)
or converged (gradient and last step <= 1e-10); a cell that runs to the end is converged
when its final loss is within --tolerance of the best known value (0 for networks), else
still running.

The NPZ holds (element [j, i] = axis-1 value j, axis-0 value i, as the surface NPZ):
kind ("starts" or "sweep"), axis0, axis1 (start x and y, or the two hyperparameters' values),
final (R1 x R0 x P final positions), loss, best_loss, steps_to_tolerance (first step within
tolerance, -1 for never), status (integer codes) and status_names (running, converged,
diverged, non-finite), basin (start maps: index into minima of the minimum reached, -1 for
none), minima (K x 2 known minima), seconds (compute time), device, metadata (a JSON
string: the command's settings), format ("landscape-app-map") and version (1). No pickles:
numpy.load(path) reads it.

--paths (start maps) also keeps every start's whole path, a trajectory field: paths
(N x K x 2, cell n = j*R0 + i is the start (axis0[i], axis1[j])), path_loss (N x K),
path_steps (K: the step of each kept point; every step 0..steps, or --thin N of them evenly
spread, the first and last always kept), path_status (N status codes) and path_stopped_at
(N: the step each path ended at). A path that stopped early repeats the point it stopped at
from then on. Every path equals the single run from its start, step by step.

--color-by sharpness colours every cell by lambda_max, the largest eigenvalue of the loss
Hessian at the cell's final point (log scale; grey where it is <= 0 or the point is not
finite), and adds it to the NPZ as sharpness (R1 x R0). 2D (and networks of at most 16
parameters, the seed net): the exact autograd Hessian of every cell at once; larger networks:
Lanczos on the Hessian-vector products of every cell at once, of the full-data loss. Gradient
descent is stable near a point while lr < 2/lambda_max.
"""

MAX_SWEEPS = 2


class SweepText(NamedTuple):
    """A ``--sweep`` as written (name, ends, scale), checked before torch is imported."""

    name: str
    low: float
    high: float
    log: bool


def add_parser(subparsers, name: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name,
        help="outcome map of every start or every pair of hyperparameters (NPZ, PNG)",
        description="Run one optimizer from every start of a grid, or with every pair of "
        "values of two hyperparameters, all at once as one tensor (on the GPU when there is "
        "one), and save what became of each cell.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    landscape = add_function_arguments(parser)
    add_model_arguments(parser, landscape,
                        "a network: seed, moons, circles, spirals, xor, sine (sweeps)")
    parser.add_argument("--range", default=None, metavar="X0,X1,Y0,Y1",
                        help="start map extent (default the function's view box); for --expr "
                        "also its domain (default -5,5,-5,5)")
    parser.add_argument("--start", default=None, metavar="X,Y",
                        help="the start of a sweep map (default the function's suggested start)")
    parser.add_argument("--optimizer", default="adam", metavar="SPEC",
                        help="ID[:name=value,...] (default adam)")
    parser.add_argument("--starts", type=int, default=None, metavar="N",
                        help="a start map of N x N starts")
    parser.add_argument("--sweep", action="append", default=[], metavar="NAME=LOW:HIGH[:log]",
                        help="a hyperparameter axis; give exactly two for a sweep map")
    parser.add_argument("--res", type=int, default=128, metavar="R",
                        help="cells per side of a sweep map (default 128)")
    parser.add_argument("--steps", type=int, default=300, help="steps per cell (default 300)")
    parser.add_argument("--tolerance", type=float, default=1e-3,
                        help="loss within this of the best known value counts as reached "
                        "(default 1e-3)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seeds an MLP's data and initial weights, and the minibatches "
                        "(batch_size) or gradient noise (grad_noise) of every cell; with "
                        "--model-file torch.manual_seed before each cell's training, for "
                        "dropout (default 0)")
    parser.add_argument("--dtype", default="float32", choices=("float32", "float64"),
                        help="floating-point precision (default float32)")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"),
                        help="auto takes CUDA, then MPS, then the CPU (default auto)")
    parser.add_argument("--out", default=None, metavar="FILE.npz",
                        help="write the map to FILE.npz (atomically)")
    parser.add_argument("--paths", action="store_true",
                        help="start maps: also keep every start's whole path in the NPZ "
                        "(keys paths, path_loss, path_steps, path_status, path_stopped_at)")
    parser.add_argument("--thin", type=int, default=None, metavar="N",
                        help="with --paths: keep at most N points per path (>= 2; the first "
                        "and the last always)")
    parser.add_argument("--png", default=None, metavar="FILE.png",
                        help="draw the map with axes and a legend to FILE.png")
    parser.add_argument("--color-by", default=None,
                        choices=("basin", "loss", "steps", "status", "sharpness"),
                        help="what the PNG colours (default basin for start maps, status for "
                        "sweeps, loss for --model-file); sharpness also measures it and "
                        "stores it in the NPZ (see below)")
    usermodel_map_cmd.add_arguments(parser)
    parser.epilog = EPILOG + "\n" + usermodel_map_cmd.EPILOG
    return parser


def _check_arguments(args):
    """Everything checked without torch (so a typo is answered at once); (axes, start, box)."""
    from landscape_app.cli.arguments import parse_numbers
    from landscape_app.cli.checks import check_optimizers, check_steps, check_target
    from landscape_app.core.atomic import check_writable
    from landscape_app.core.catalogue.map_checks import (
        check_map_optimizer,
        check_side,
        parse_sweep_text,
    )
    from landscape_app.core.errors import LandscapeError

    if args.out is not None:
        check_writable(args.out, suffixes=(".npz",))
    if args.png is not None:
        check_writable(args.png, suffixes=(".png",))
    check_steps(args.steps)
    config = check_target(args)
    [(optimizer_id, params)] = check_optimizers([args.optimizer])
    samples = None if config is None else config.sample_count
    if len(args.sweep) > MAX_SWEEPS:
        raise LandscapeError(f"{len(args.sweep)} --sweep options: a map has two axes; give "
                             "exactly two")
    axes = [SweepText(*parse_sweep_text(text)) for text in args.sweep]
    if args.starts is not None and axes:
        raise LandscapeError("--starts and --sweep are two kinds of map; choose one")
    if args.model is not None and args.starts is not None:
        raise LandscapeError("a network has no start map; sweep two hyperparameters")
    if args.starts is None and len(axes) != MAX_SWEEPS:
        raise LandscapeError("give --starts N for a start map, or two --sweep options for a "
                             "hyperparameter map")
    if args.starts is not None:
        check_side(args.starts, what="--starts")
    else:
        check_side(args.res, what="--res")
    check_map_optimizer(optimizer_id, params, axes, config is not None, samples)
    _check_paths(args)
    box = parse_numbers(args.range, 4, "--range") if args.range else None
    if box is not None and (box[0] >= box[1] or box[2] >= box[3]):
        raise LandscapeError(f"--range {args.range}: expected X0 < X1 and Y0 < Y1")
    if args.range is not None and axes and args.expr is None:
        raise LandscapeError("--range sets a start map's extent (or --expr's domain)")
    start = parse_numbers(args.start, 2, "--start") if args.start else None
    if start is not None and args.starts is not None:
        raise LandscapeError("--start applies to sweep maps; a start map uses --range")
    if not (args.tolerance >= 0):
        raise LandscapeError(f"--tolerance {args.tolerance}: must be ≥ 0")
    return axes, start, box


def _check_paths(args) -> None:
    from landscape_app.core.errors import LandscapeError

    if args.paths and args.starts is None:
        raise LandscapeError("--paths keeps the path from every start: give --starts N")
    if args.thin is not None and not args.paths:
        raise LandscapeError("--thin N thins the paths of --paths; give --paths too")
    if args.thin is not None and args.thin < 2:
        raise LandscapeError(f"--thin {args.thin}: a path keeps at least 2 points (its start "
                             "and its end)")
    if args.paths and args.out is None:
        raise LandscapeError("--paths writes the paths to the NPZ: give --out FILE.npz")


def _target(args, box):
    from landscape_app.cli.checks import check_target
    from landscape_app.core.catalogue.kinds import LandscapeKind
    from landscape_app.state.model import LandscapeSpec, build_objective

    if args.model is not None:
        return check_target(args)
    if args.expr is not None:
        domain = box or (-5.0, 5.0, -5.0, 5.0)
        spec = LandscapeSpec(kind=LandscapeKind.EXPRESSION, expression=args.expr,
                             x_range=domain[:2], y_range=domain[2:])
    else:
        spec = LandscapeSpec(kind=LandscapeKind.FUNCTION, function=args.function or "rosenbrock")
    return build_objective(spec)


def _compute(args, target, spec, region, bar):
    """The map, and the field when ``--paths`` asks for it (else None)."""
    from landscape_app.core.maps import compute_field, compute_map

    options = {"tolerance": args.tolerance, "device": args.device, "dtype": args.dtype,
               "progress": bar, "seed": args.seed}
    if not args.paths:
        return compute_map(target, spec, region, args.steps, **options), None
    field = compute_field(target, spec, region, args.steps, thin=args.thin, **options)
    return field.outcome, field


def _range_text(values) -> str:
    """``from 0.5 to 1.2e+03`` over the finite values, or ``not finite anywhere``."""
    import numpy as np

    finite = values[np.isfinite(values)]
    if not finite.size:
        return "not finite anywhere"
    return f"from {finite.min():.4g} to {finite.max():.4g}"


def run(args: argparse.Namespace) -> int:
    if args.model_file is not None:
        return usermodel_map_cmd.run(args)
    usermodel_map_cmd.refuse_without_model_file(args)
    axes, start, box = _check_arguments(args)  # before torch is imported
    from landscape_app.cli.progress_bar import ProgressBar
    from landscape_app.core.catalogue.kinds import MapKind
    from landscape_app.core.files.map_npz import write_map_npz
    from landscape_app.core.maps import StartGrid, Sweep, SweepAxis
    from landscape_app.core.optim import parse_optimizer_spec

    spec = parse_optimizer_spec(args.optimizer)
    target = _target(args, box)
    if args.starts is not None:
        view = getattr(target, "view", None)
        extent = box or ((view.x0, view.x1, view.y0, view.y1) if view is not None else
                         (target.lower[0], target.upper[0], target.lower[1], target.upper[1]))
        region = StartGrid(tuple(extent[:2]), tuple(extent[2:]), args.starts)
    else:
        region = Sweep(SweepAxis(*axes[0]), SweepAxis(*axes[1]), args.res, start=start)
    bar = ProgressBar()
    try:
        result, field = _compute(args, target, spec, region, bar)
        if args.color_by == "sharpness":
            from landscape_app.core.maps.cell_sharpness import with_sharpness

            result = with_sharpness(result, target, args.device, progress=bar)
    finally:
        bar.close()
    counts = ", ".join(f"{name} {count}" for name, count in result.counts().items())
    stepped = int(result.stopped_at.clip(min=0).sum())  # stopped cells left the batch
    print(f"map: {result.kind}, {result.shape[1]}x{result.shape[0]} cells x {result.steps} "
          f"steps on {result.device} in {result.seconds:.3f} s "
          f"({stepped:.3g} cell-steps run, {stepped / max(result.seconds, 1e-9):.3g}/s)")
    print(f"status: {counts}")
    if result.sharpness is not None:
        print(f"sharpness: lambda_max {_range_text(result.sharpness)} at the final points")
    if result.kind is MapKind.STARTS and len(result.minima):
        shares = ", ".join(f"{k}: {int((result.basin == k).sum())}"
                           for k in range(len(result.minima)))
        print(f"basins: {shares}, none: {int((result.basin < 0).sum())}")
    if args.out is not None:
        if field is not None:
            print(f"paths: {field.paths.shape[0]} starts x {field.paths.shape[1]} points")
        write_map_npz(args.out, result, field)
        print(f"wrote {args.out}")
    if args.png is not None:
        from landscape_app.export.map_image import render_map_png

        color_by = args.color_by or ("basin" if result.kind is MapKind.STARTS else "status")
        render_map_png(result, args.png, color_by)
        print(f"wrote {args.png}")
    return 0
