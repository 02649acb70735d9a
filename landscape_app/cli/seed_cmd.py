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
  landscape-app seed-experiment --fair --inits 4 --settings 3 --budget 1000 --workers 2
                                                 the fair version, small: every method tuned
                                                 over 3 settings, from 4 initializations, at
                                                 1000 evaluations per run (about a minute)
  landscape-app seed-experiment --fair           the default: 8 initializations, 5 settings,
                                                 2000 evaluations (minutes; --workers speeds it)

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

--fair: one start and one hand-picked setting per method is no ranking. Each method instead
runs over its main setting (K values: Adam lr 1e-3..10 log, SLSQP eps 1e-9..1e-1 log, PSO
inertia 0.1..0.9, CMA-ES sigma0 0.025..2.5 log, SA initial_temp 0.1..10 log; the article's
value is among the default 5) from N initializations (seeds 42, 43, ...: x0 = 0.1*randn(10)
after np.random.seed(seed); 42 is the article's x0; every method starts there, SA too), each
run stopped at the same budget of E function evaluations (its loss is the last one within the
budget). The table gives, beside the article's one-start loss and setting, each method's best
setting (highest success, then lowest median loss), the median loss over the initializations
at that setting and its success (loss <= --goal), then one line on how the ranking changes.
Each run is a single race of the app (seeded 42 for PSO, CMA-ES and SA), the other methods'
run in --workers processes; Adam's runs go all at once through the batched comparison of
`landscape-app compare` (E evaluations are E-1 steps), which sums the network's loss in
another order: the last bits differ, and over 2000 steps on this badly scaled network that
can move a loss in the third decimal (as moving x0 by one ulp does in a single race).
"""

OUT_NAME = "seed_experiment"
#: --fair's options and their defaults.
FAIR_DEFAULTS = {"inits": 8, "settings": 5, "budget": 2000, "goal": 1.0, "workers": 1}


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
    fair = parser.add_argument_group("the fair comparison")
    fair.add_argument("--fair", action="store_true",
                      help="tune every method and run it from many initializations at one "
                      "evaluation budget; print that table beside the article's numbers")
    fair.add_argument("--inits", type=int, default=None, metavar="N",
                      help="initializations, seeds 42 .. 42+N-1 "
                      f"(default {FAIR_DEFAULTS['inits']})")
    fair.add_argument("--settings", type=int, default=None, metavar="K",
                      help="values of each method's swept setting "
                      f"(default {FAIR_DEFAULTS['settings']})")
    fair.add_argument("--budget", type=int, default=None, metavar="E",
                      help=f"function evaluations per run, at least 2 (default "
                      f"{FAIR_DEFAULTS['budget']}; the article's methods spent 100 to 10,100)")
    fair.add_argument("--goal", type=float, default=None, metavar="LOSS",
                      help="a run succeeds when its loss is at most this (default "
                      f"{FAIR_DEFAULTS['goal']:g}: below every article loss but SA's 0.783)")
    fair.add_argument("--workers", type=int, default=None, metavar="K",
                      help=f"processes for the runs (default {FAIR_DEFAULTS['workers']})")
    return parser


def fair_settings(args: argparse.Namespace) -> dict | None:
    """The fair comparison's settings (defaults filled in), None without ``--fair``; options
    that do not fit are refused before torch is imported."""
    import math

    from landscape_app.core.errors import LandscapeError

    given = [name for name in FAIR_DEFAULTS if getattr(args, name) is not None]
    if not args.fair:
        if given:
            raise LandscapeError(f"--{given[0]} applies to --fair only")
        return None
    if args.out is not None:
        raise LandscapeError("--out applies to the one-start experiment, not to --fair")
    settings = {name: FAIR_DEFAULTS[name] if getattr(args, name) is None else getattr(args, name)
                for name in FAIR_DEFAULTS}
    for name, low, high in (("inits", 1, 1000), ("settings", 1, 100),
                            ("budget", 2, 1_000_000), ("workers", 1, 256)):
        if not low <= settings[name] <= high:
            raise LandscapeError(f"--{name} must be from {low} to {high:,}, "
                                 f"got {settings[name]}")
    if not (math.isfinite(settings["goal"]) and settings["goal"] >= 0):
        raise LandscapeError(f"--goal must be a finite loss >= 0, got {settings['goal']}")
    return settings


def run_fair(settings: dict) -> int:
    from landscape_app.cli.progress_bar import ProgressBar
    from landscape_app.core.nn.seed_fair import run_fair_seed_experiment

    bar = ProgressBar()
    try:
        experiment = run_fair_seed_experiment(**settings, progress=bar)
    finally:
        bar.close()
    for line in experiment.table_lines():
        print(line)
    return 0


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
    fair = fair_settings(args)
    if fair is not None:
        return run_fair(fair)
    paths = output_paths(args.out) if args.out is not None else None
    check_resolution(args.grid)
    from landscape_app.cli.progress_bar import ProgressBar
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
