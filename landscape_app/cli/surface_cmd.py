"""``landscape-app surface``: train a race on a small network and save its loss surface."""

from __future__ import annotations

import argparse

from landscape_app.cli import usermodel_cmd
from landscape_app.core.catalogue.networks import ACTIVATION_IDS, NETWORK_MODELS

DEFAULT_OPTIMIZERS = ["adam:lr=0.05"]

EPILOG = """\
examples:
  landscape-app surface --model moons --optimizer adam:lr=0.05 --optimizer sgd:lr=0.1 \\
      --steps 300 --directions pca --grid 101 --device auto --out surface.npz
  landscape-app surface --model moons --optimizer sgd:lr=0.3,batch_size=16 \\
      --optimizer sgd:lr=0.3 --steps 200 --grid 41 --out minibatch.npz
  (batch_size=B: each step one batch of DataLoader(TensorDataset(inputs, targets), B,
  shuffle=True, generator=torch.Generator().manual_seed(--seed)); paths are the real ones,
  path_losses the full-data loss)
  landscape-app surface --model moons --optimizer sgd:lr=0.5 --optimizer adam:lr=0.01 \
      --steps 200 --grid 31 --sharpness --sharpness-every 10 --out sharp.npz
  (path_sharpness: lambda_max of the full-data loss Hessian every 10th step, beside
  path_sharpness_threshold, 2/lr for sgd, and Adam's path_preconditioned_sharpness)

models: moons, circles, spirals, xor (MLP classifiers, cross-entropy), sine (MLP regression,
MSE), seed (the seed article's 10-parameter identity net; --hidden, --activation, --samples and
--seed do not apply to it). Search box of population methods: [-1, 1]^10 for seed, [-2, 2]^P
for the MLPs.

directions: pca = top-2 principal directions of all lanes' paths (or of --plane-lane's),
through the final point of the lane with the lowest final loss (Li et al. 2018); random =
filter-normalized Gaussian directions at that point (biases 0); hessian = eigenvectors of the
two largest Hessian eigenvalues there (Lanczos on Hessian-vector products).

The NPZ holds: values (R x R, rows are beta), alphas, betas, origin, d1, d2, method,
explained_variance, eigenvalues, device, seconds, initial_loss, origin_label, lane_labels,
lane_specs, lane_status, lane_messages, lane_offsets, path_steps, path_evals, path_coords,
path_losses (true loss along each path), path_plane_losses (loss at the projected points),
path_distances (distance of each point from the plane), interp_ts, interp_losses (start-to-end
interpolation per lane), metadata (JSON), format ("landscape-app-surface") and version (1).
Load it with numpy.load(path).

sharpness: --sharpness adds path_sharpness (lambda_max, the largest eigenvalue of the
full-data loss Hessian at each path point, by Lanczos on Hessian-vector products, warm-started),
path_sharpness_threshold (the optimizer's stability threshold: 2/lr for gradient descent,
(2 + 2 momentum)/lr with heavy-ball momentum, (2 + 2 beta1)/((1 - beta1) lr) for Adam, AdamW
and RAdam; NaN for methods without a step size) and path_preconditioned_sharpness
(lambda_max(P^-1 H) of Adam, AdamW, RAdam, RMSprop, Adagrad with P from the optimizer's state),
one value per path point, NaN where not measured. --sharpness-every K measures every K-th step
(default 50, which keeps the race within about 1.5x its time without sharpness). With
--model-file: lambda_max at each --trajectory checkpoint (every K-th, default every one).
"""


def add_parser(subparsers, name: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name,
        help="train optimizers on a small network and save its loss surface (NPZ)",
        description="Race optimizers on a small neural network, choose a plane through its "
        "weight space, evaluate the loss on a grid of that plane (batched, on the GPU when "
        "there is one), project every path onto it and save everything as NPZ.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    network = parser.add_argument_group("network")
    network.add_argument("--model", default="moons", metavar="ID",
                         help=f"one of {', '.join(NETWORK_MODELS)} (default moons)")
    network.add_argument("--hidden", default="16,16", metavar="W1,W2,...",
                         help="hidden layer widths, 1 to 4 layers of 1 to 256 (default 16,16)")
    network.add_argument("--activation", default="tanh", metavar="NAME",
                         help=f"one of {', '.join(ACTIVATION_IDS)} (default tanh)")
    network.add_argument("--samples", type=int, default=256,
                         help="generated data points, 4 to 20000 (default 256)")
    network.add_argument("--seed", type=int, default=0,
                         help="seeds the data, the initial weights, the optimizers and the "
                         "random directions (default 0)")
    network.add_argument("--dtype", default="float32", choices=("float32", "float64"),
                         help="floating-point precision (default float32)")
    race = parser.add_argument_group("race")
    race.add_argument("--optimizer", action="append", default=[], metavar="SPEC",
                      help="ID[:name=value,...], repeat for a race (default adam:lr=0.05); "
                      "`landscape-app list optimizers` shows them all")
    race.add_argument("--steps", type=int, default=300, help="steps per optimizer (default 300)")
    surface = parser.add_argument_group("surface")
    surface.add_argument("--directions", default=None, choices=("pca", "random", "hessian",
                                                                "checkpoints"),
                         help="how the plane is chosen (default pca; random with "
                         "--model-file; see below)")
    surface.add_argument("--plane-lane", type=int, default=None, metavar="K",
                         help="build the plane from lane K's path alone (0-based; default: all)")
    surface.add_argument("--grid", type=int, default=None, metavar="R",
                         help="grid of R x R points, 2 to 2001 (default 101; 51 with "
                         "--model-file)")
    surface.add_argument("--margin", type=float, default=0.25,
                         help="grid reaches this fraction of the paths' extent beyond them "
                         "(default 0.25)")
    surface.add_argument("--coverage", type=float, default=0.95,
                         help="fraction of all path points the grid covers; starts and ends "
                         "always are (default 0.95)")
    surface.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"),
                         help="auto takes CUDA, then MPS (float32 only), then the CPU; a GPU "
                         "that runs out of memory hands the rest to the CPU, and the output "
                         "says what ran where (default auto)")
    surface.add_argument("--sharpness", action="store_true",
                         help="measure lambda_max of the loss Hessian along every path "
                         "(keys path_sharpness, path_sharpness_threshold, "
                         "path_preconditioned_sharpness; see below)")
    surface.add_argument("--sharpness-every", type=int, default=None, metavar="K",
                         help="with --sharpness: measure every K-th step (default 50; every "
                         "trajectory checkpoint with --model-file)")
    parser.add_argument("--out", default=None, metavar="FILE.npz",
                        help="write the surface, paths and plane to FILE.npz (atomically)")
    usermodel_cmd.add_arguments(parser)
    parser.epilog = EPILOG + "\n" + usermodel_cmd.EPILOG
    return parser


def summary_lines(landscape) -> list[str]:
    """A short human summary of a :class:`~landscape_app.core.nn.NetworkLandscape`."""
    surface = landscape.surface
    low, high = surface.finite_range
    lines = [
        f"network: {landscape.description} ({landscape.parameter_count} parameters), "
        f"initial loss {landscape.initial_loss:.6g}",
        f"plane: {landscape.plane.describe()}, origin = end of {landscape.origin_label}",
        f"device: {landscape.device}",
        f"grid: {len(surface.alphas)}x{len(surface.betas)} on {surface.device} in "
        f"{surface.seconds:.3f} s; alpha [{surface.alphas[0]:.4g}, {surface.alphas[-1]:.4g}], "
        f"beta [{surface.betas[0]:.4g}, {surface.betas[-1]:.4g}], loss [{low:.4g}, {high:.4g}]",
    ]
    for lane in landscape.lanes:
        lines.append(f"  {lane.label}: {lane.status.value}, final loss {lane.losses[-1]:.6g}, "
                     f"max distance from plane {lane.distances.max():.4g}"
                     f"{sharpness_text(lane.sharpness)}")
    return lines


def sharpness_text(sharpness) -> str:
    """``, sharpness 12.3 (threshold 20)`` at a lane's last measured point; empty when off."""
    if sharpness is None:
        return ""
    import numpy as np

    values, thresholds = sharpness[:, 0], sharpness[:, 1]  # READING_COLUMNS' first two
    measured = np.flatnonzero(np.isfinite(values))
    if not measured.size:
        return ", sharpness not finite"
    last = measured[-1]
    threshold = (f" (threshold {thresholds[last]:.4g})" if np.isfinite(thresholds[last])
                 else "")
    return f", sharpness {values[last]:.4g}{threshold}"


def check_arguments(args: argparse.Namespace):
    """Every argument checked without torch: the validated network configuration."""
    from landscape_app.cli.arguments import parse_widths
    from landscape_app.cli.checks import (
        check_lane_settings,
        check_optimizers,
        check_sharpness,
        check_steps,
    )
    from landscape_app.core.atomic import check_writable
    from landscape_app.core.catalogue.grids import check_resolution
    from landscape_app.core.catalogue.kinds import LandscapeKind
    from landscape_app.core.catalogue.networks import NetworkConfig
    from landscape_app.core.errors import LandscapeError

    if args.out is not None:
        check_writable(args.out, suffixes=(".npz",))
    check_resolution(args.grid)
    check_steps(args.steps)
    check_sharpness(args.sharpness, args.sharpness_every)
    config = NetworkConfig(model=args.model, hidden=parse_widths(args.hidden),
                           activation=args.activation, samples=args.samples, seed=args.seed,
                           dtype=args.dtype).validated()
    parsed = check_optimizers(args.optimizer or DEFAULT_OPTIMIZERS)
    check_lane_settings(parsed, LandscapeKind.NETWORK, config.sample_count)
    lanes = len(parsed)
    if args.plane_lane is not None and not 0 <= args.plane_lane < lanes:
        raise LandscapeError(f"--plane-lane {args.plane_lane}: lanes are numbered 0 to "
                             f"{lanes - 1}")
    if not args.margin >= 0:
        raise LandscapeError(f"--margin {args.margin}: must be ≥ 0")
    if not 0 < args.coverage <= 1:
        raise LandscapeError(f"--coverage {args.coverage}: must be in (0, 1]")
    return config


def run(args: argparse.Namespace) -> int:
    if args.model_file is not None:
        return usermodel_cmd.run(args)
    usermodel_only = [option for option, given in (
        ("--directions checkpoints", args.directions == "checkpoints"),
        ("--checkpoints", bool(args.checkpoints)), ("--interpolate", args.interpolate),
        ("--bn-recompute", args.bn_recompute)) if given]
    if usermodel_only:
        from landscape_app.core.errors import LandscapeError

        raise LandscapeError(f"{usermodel_only[0]} needs --model-file (checkpoints of your own "
                             "model)")
    if args.directions is None:
        args.directions = "pca"
    if args.grid is None:
        args.grid = 101
    config = check_arguments(args)  # before torch is imported: a typo is answered at once
    from landscape_app.cli.progress_bar import ProgressBar
    from landscape_app.core.files.surface_npz import write_surface_npz
    from landscape_app.core.nn import build_network_landscape
    from landscape_app.core.nn.arrays import landscape_arrays
    from landscape_app.core.optim import parse_optimizer_spec
    from landscape_app.core.sharpness_probe import DEFAULT_NETWORK_EVERY

    specs = [parse_optimizer_spec(text) for text in (args.optimizer or DEFAULT_OPTIMIZERS)]
    every = (args.sharpness_every or DEFAULT_NETWORK_EVERY) if args.sharpness else None

    bar = ProgressBar()
    try:
        landscape = build_network_landscape(
            config, specs, steps=args.steps, directions=args.directions, resolution=args.grid,
            device=args.device, progress=bar, margin=args.margin, coverage=args.coverage,
            seed=args.seed, plane_lane=args.plane_lane, sharpness_every=every)
    finally:
        bar.close()
    for line in summary_lines(landscape):
        print(line)
    if args.out is not None:
        write_surface_npz(args.out, landscape_arrays(landscape))
        print(f"wrote {args.out}")
    return 0
