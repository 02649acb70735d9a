"""``landscape-app seed-experiment``: re-run the seed article's optimizer comparison."""

from __future__ import annotations

import argparse
from pathlib import Path

EPILOG = """\
examples:
  landscape-app seed-experiment                  print the article's table beside the app's
  landscape-app seed-experiment --out results/   also write results/seed_experiment.npz and
                                                 results/seed_experiment.json (an existing folder)
  landscape-app seed-experiment --grid 101 --out seed.npz
                                                 a finer surface on the PCA plane, seed.npz and
                                                 seed.json
  landscape-app seed-experiment --directions random --out seed-random.npz
  landscape-app gui --scene seed-pca             the same experiment as a scene in the window

The set-up is the seed article's, exactly: torch.manual_seed(42), np.random.seed(42); the model
Sequential(Linear(2,2,bias=False), ReLU(), Linear(2,2)) in float64; 32 inputs with column 1
scaled by 1e3; target = input; MSE; x0 = 0.1*randn(10). Each method runs through the app's own
optimizer and race runner:

  Adam     adam:lr=1, 100 steps (the article prints the loss of its 100th evaluation)
  SLSQP    slsqp:eps=0.001,maxiter=100 (finite differences, as the article)
  PSO      pso:swarm_size=100,inertia=0.5,cognitive=0.5,social=0.5,velocity_clamp=1,
           100 steps on [-1, 1]^10 (pyswarm's settings; a different random stream)
  CMA-ES   cmaes:sigma0=0.25,use_bounds=false (sigma 0.5), cma seed 42, 100 generations,
           best sampled loss
  SA       dual-annealing:maxiter=100,initial_temp=1,use_start=false on [-1, 1]^10, seed 42

The table shows the article's loss, the brief's re-run with today's libraries, the app's loss
and the evaluations the app spent. --out writes the runs (JSON) and the PCA plane of all
methods' paths with its surface (NPZ, keys as `landscape-app surface --help` lists them).
"""

OUT_NAME = "seed_experiment"


def add_parser(subparsers, name: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name,
        help="re-run the seed article's optimizer comparison and print both tables",
        description="Run the seed article's 10-parameter experiment with Adam, SLSQP, PSO, "
        "CMA-ES and simulated annealing, and print the article's results beside the app's.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--grid", type=int, default=51, metavar="R",
                        help="surface grid of R x R points on the PCA plane (default 51)")
    parser.add_argument("--directions", default="pca", choices=("pca", "random", "hessian"),
                        help="plane of the surface (default pca)")
    parser.add_argument("--device", default="cpu", choices=("auto", "cpu", "cuda", "mps"),
                        help="device (default cpu: float64 there reproduces the article "
                        "bit for bit)")
    parser.add_argument("--out", default=None, metavar="DIR_OR_FILE",
                        help="an existing folder (writes seed_experiment.npz and "
                        "seed_experiment.json in it) or a FILE.npz (and FILE.json beside it)")
    return parser


def output_paths(out: str) -> tuple[Path, Path]:
    """The NPZ and JSON paths ``--out`` names, checked writable before any work."""
    from landscape_app.core.atomic import check_writable
    from landscape_app.core.errors import LandscapeError

    target = Path(out).expanduser()
    if target.is_dir():
        npz, json_path = target / f"{OUT_NAME}.npz", target / f"{OUT_NAME}.json"
    elif target.suffix.lower() == ".npz":
        npz, json_path = target, target.with_suffix(".json")
    else:
        raise LandscapeError(f"--out {out}: give an existing folder or a file name ending "
                             "in .npz")
    return check_writable(npz, suffixes=(".npz",)), check_writable(json_path, suffixes=(".json",))


def experiment_json(experiment) -> dict:
    """The table and every run's records as plain JSON values (non-finite numbers as null)."""
    import math

    def number(value: float) -> float | None:
        return float(value) if math.isfinite(value) else None

    return {
        "format": "landscape-app-seed-experiment",
        "version": 1,
        "initial_loss": experiment.initial_loss,
        "table": [{"method": row.method.name, "spec": row.method.spec,
                   "article": row.method.article, "rerun": row.method.rerun,
                   "app": number(row.loss), "evaluations": row.evals,
                   "status": row.status.value}
                  for row in experiment.rows],
        "runs": [{"label": run.label, "spec": run.spec.to_text(), "status": run.status.value,
                  "message": run.message,
                  "records": [{"step": r.step, "evals": r.evals, "loss": number(r.loss),
                               "best_loss": number(r.best_loss),
                               "x": [number(v) for v in r.x]} for r in run.records]}
                 for run in experiment.runs],
    }


def run(args: argparse.Namespace) -> int:
    import json

    from landscape_app.core.catalogue.grids import check_resolution

    # Before torch is imported: a typo is answered at once.
    paths = output_paths(args.out) if args.out is not None else None
    check_resolution(args.grid)
    from landscape_app.cli.progress import ProgressBar
    from landscape_app.cli.surface_cmd import summary_lines
    from landscape_app.core.atomic import atomic_write
    from landscape_app.core.files.surface_npz import write_surface_npz
    from landscape_app.core.nn.arrays import landscape_arrays
    from landscape_app.core.nn.seed_experiment import run_seed_experiment

    bar = ProgressBar()
    try:
        experiment = run_seed_experiment(surface=paths is not None, directions=args.directions,
                                         resolution=args.grid, device=args.device, progress=bar)
    finally:
        bar.close()
    for line in experiment.table_lines():
        print(line)
    if paths is not None:
        for line in summary_lines(experiment.landscape)[1:3]:
            print(line)
        write_surface_npz(paths[0], landscape_arrays(experiment.landscape))
        with atomic_write(paths[1]) as handle:
            json.dump(experiment_json(experiment), handle, indent=1)
        print(f"wrote {paths[0]} and {paths[1]}")
    return 0
