"""``landscape-app surface --model-file``: the loss surface of the user's own PyTorch model.

The options are added to the ``surface`` command's parser (:func:`add_arguments`); ``surface``
hands a run with ``--model-file`` to :func:`run`. Heavy imports happen inside :func:`run`.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial

EPILOG = """\
your own model (--model-file): RUNNING YOUR CODE IS WHAT THIS DOES. The file is imported and
FUNCTION() (default landscape_model) is called in every process that computes the grid; nothing
else in the app ever imports a model file (opening a session or a surface never does).
FUNCTION returns a mapping:
  model  a torch.nn.Module with its trained weights loaded
  data   a DataLoader, any iterable of (inputs, targets) batches, or one (inputs, targets) pair
  loss   optional: (outputs, targets) -> mean loss (default cross-entropy)
The value at a grid point is the loss averaged over the whole data set (batch means weighted by
batch size; --batches N uses the first N batches only), with the model in eval mode (BatchNorm
running statistics, dropout off) under torch.no_grad on --device. The batches are read once
and kept in memory. A worked example: examples/cnn_model.py.

  landscape-app surface --model-file examples/cnn_model.py --grid 31 --out cnn.npz
  landscape-app surface --model-file examples/cnn_model.py --directions pca \\
      --trajectory examples/cnn_checkpoints/ckpt_*.pt --grid 31 --out cnn_pca.npz
  landscape-app surface --model-file examples/cnn_model.py --workers 2 --out cnn.npz
  torchrun --nnodes 1 --nproc-per-node 2 -m landscape_app surface \\
      --model-file examples/cnn_model.py --grid 51 --out cnn.npz
  landscape-app surface --model-file examples/cnn_model.py --directions checkpoints \\
      --checkpoints A.pt B.pt C.pt --grid 31 --out cnn_abc.npz
  landscape-app surface --model-file examples/cnn_model.py --interpolate A.pt B.pt \\
      --points 51 --t-range -0.5,1.5 --out cnn_line.npz

Directions: random (default; filter-normalized as Li et al. 2018: every filter of a weight
tensor scaled to the norm of the model's filter, biases and BatchNorm parameters 0 unless
--include-bias, seeded by --seed), pca (the plane through the model's weights spanned by the
top-2 principal directions of the --trajectory checkpoints, which are projected onto it as a
path), hessian (the two top Hessian eigenvectors, Lanczos on Hessian-vector products),
checkpoints (origin A, d1 = B - A, d2 = C - A of --checkpoints A B C, which sit at (0,0),
(1,0), (0,1); buffers such as BatchNorm statistics follow the same combination, or with
--bn-recompute are re-estimated at every point by one pass over the data in train mode; the
NPZ adds points, point_labels). --interpolate A B computes the loss along (1-t)A + tB
instead (buffers likewise; NPZ interp_t, interp_loss). Checkpoints are state dicts (or hold
one under state_dict or model), read with torch.load(weights_only=True). The
grid spans --range (default -1,1,-1,1; -0.5,1.5 twice for checkpoints; around the projected
path for pca). origin, d1, d2 in
the NPZ are flat in parameters_to_vector(model.parameters()) order: the value at
(alphas[i], betas[j]) is values[j, i], the loss at origin + alphas[i]*d1 + betas[j]*d2. Grid
points are computed one at a time (a copy of the model with each point's weights copied in:
the plain loop's arithmetic, exactly) or batched with torch.func.vmap, whichever the first
points time faster (vmap only where the model allows it and agrees with one at a time).
Non-finite losses are kept as NaN (holes in the picture). On a GPU a chunk that runs out of
memory is computed in halves, and when one point does not fit the rest runs on the CPU (the
NPZ's device says so).

Many processes: --workers K runs the grid in K local processes (torchrun's launcher, one CPU
thread each unless OMP_NUM_THREADS says otherwise); the same command under torchrun spreads
it over GPUs and machines (torch.distributed: gloo on CPUs, NCCL on GPUs). One process (the
one you started, or rank 0 under torchrun) decides the origin's weights and buffers, the
plane and the data's digest; the others load them into their model (your file gives them the
architecture and the data only), so a file that trains its model when it runs works whatever
the thread count. Data that differ between processes are refused, naming what differs. Every
finished chunk of points is written to the work directory (--work-dir, default OUT.work beside
--out) at once (ranks on other machines send theirs to rank 0); rerunning the same command
after a crash or a kill computes only the missing points, and the merged NPZ is the same,
value for value, however many processes computed it. The work directory's weights (origin.pt)
are the run's: a rerun whose file now gives other weights goes on with them and says so. A
changed model file, data, grid or direction seed is refused (--restart discards the old
points). The work directory is removed once the NPZ is written.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``--model-file`` options of ``surface``."""
    group = parser.add_argument_group(
        "your own model (runs your code; see below)")
    group.add_argument("--model-file", default=None, metavar="PATH.py[:FUNCTION]",
                       help="import PATH.py and call FUNCTION() (default landscape_model) for "
                       "the model, data and loss; --model, --hidden, --activation, --samples, "
                       "--dtype, --optimizer, --steps, --plane-lane, --margin and --coverage "
                       "do not apply")
    add_job_arguments(group, "points", "grid points per chunk (default: as the timing of the "
                      "first points chose; 32 one at a time)")
    group.add_argument("--trajectory", nargs="+", default=[], metavar="CKPT.pt",
                       help="state dicts saved during training, in order (for --directions "
                       "pca; the path drawn on the plane)")
    group.add_argument("--checkpoints", nargs="+", default=[], metavar="CKPT.pt",
                       help="three state dicts A B C for --directions checkpoints: the plane "
                       "through them, A at (0,0), B at (1,0), C at (0,1)")
    group.add_argument("--bn-recompute", action="store_true",
                       help="re-estimate BatchNorm statistics at every point (one pass over "
                       "the data in train mode) instead of blending them like the weights")
    group.add_argument("--interpolate", nargs=2, default=None, metavar=("A.pt", "B.pt"),
                       help="instead of a grid: the loss along (1-t)A + tB (buffers "
                       "likewise), saved as interp_t, interp_loss")
    group.add_argument("--points", type=int, default=51, metavar="N",
                       help="values of t for --interpolate (default 51)")
    group.add_argument("--t-range", default="-0.5,1.5", metavar="T0,T1",
                       help="the range of t for --interpolate (default -0.5,1.5)")
    group.add_argument("--include-bias", action="store_true",
                       help="random directions also move biases and BatchNorm parameters")
    group.add_argument("--range", default=None, metavar="A0,A1,B0,B1",
                       help="alpha and beta ranges of the grid (default -1,1,-1,1)")


def add_job_arguments(group, unit: str, chunk_help: str) -> None:
    """The options of a job of chunks (``surface`` and ``map --model-file``): --batches,
    --workers, --work-dir, --restart, --chunk; ``unit`` names what is computed (``points``,
    ``cells``)."""
    group.add_argument("--batches", type=int, default=None, metavar="N",
                       help="use only the first N batches of the data (default all)")
    group.add_argument("--workers", type=int, default=1, metavar="K",
                       help=f"local processes computing the {unit} (default 1)")
    group.add_argument("--work-dir", default=None, metavar="DIR",
                       help="where finished chunks are kept (default OUT.work beside --out)")
    group.add_argument("--restart", action="store_true",
                       help=f"discard the {unit} of an earlier, different run in the work "
                       "directory")
    group.add_argument("--chunk", type=int, default=None, metavar="N", help=chunk_help)


def parse_range(text: str | None) -> tuple[float, float, float, float] | None:
    from landscape_app.core.errors import LandscapeError

    if text is None:
        return None
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 4:
        raise LandscapeError(f"--range {text!r}: expected A0,A1,B0,B1, e.g. -1,1,-1,1")
    return values  # type: ignore[return-value]


def request_from(args: argparse.Namespace):
    from landscape_app.core.usermodel import SurfaceRequest

    return SurfaceRequest(
        model_file=args.model_file, directions=args.directions or "random", seed=args.seed,
        include_bias=args.include_bias, trajectory=tuple(args.trajectory),
        resolution=args.grid if args.grid is not None else 51, range=parse_range(args.range),
        batches=args.batches, device=args.device, chunk=args.chunk,
        checkpoints=tuple(args.checkpoints), bn_recompute=args.bn_recompute,
    ).validated()


def worker_command(args: argparse.Namespace, work_dir: str) -> list[str]:
    """The torchrun command that computes the grid in ``args.workers`` local processes."""
    from landscape_app.core.usermodel.distributed import torchrun_command

    command = [*torchrun_command(args.workers, "surface"), "--model-file", args.model_file,
               "--out", args.out, "--work-dir", work_dir, "--seed", str(args.seed),
               "--device", args.device]
    for option, value in (("--directions", args.directions), ("--grid", args.grid),
                          ("--range", args.range), ("--batches", args.batches),
                          ("--chunk", args.chunk)):
        if value is not None:
            command.append(f"{option}={value}")
    if args.include_bias:
        command.append("--include-bias")
    if args.bn_recompute:
        command.append("--bn-recompute")
    if args.checkpoints:
        command += ["--checkpoints", *args.checkpoints]
    if args.trajectory:
        command += ["--trajectory", *args.trajectory]
    if args.sharpness:
        command.append("--sharpness")
    if args.sharpness_every is not None:
        command.append(f"--sharpness-every={args.sharpness_every}")
    return command


def summary_lines(job, values, seconds: float, processes: int) -> list[str]:
    import numpy as np

    from landscape_app.core.grid import finite_range

    low, high = finite_range(values)
    user = job.user
    holes = int(np.count_nonzero(~np.isfinite(values)))
    lines = [
        f"model: {user.source.label} ({type(user.model).__name__}, {user.parameter_count} "
        f"parameters), {user.samples} samples in {len(user.batches)} batches, loss "
        f"{user.loss_name} = {job.initial_loss:.6g} at its weights",
        f"plane: {job.plane.describe()}",
        f"grid: {len(job.alphas)}x{len(job.betas)} ({job.mode}, {job.chunk_points} points per "
        f"chunk, {processes} process{'es' if processes > 1 else ''}) in {seconds:.3f} s; alpha "
        f"[{job.alphas[0]:.4g}, {job.alphas[-1]:.4g}], beta [{job.betas[0]:.4g}, "
        f"{job.betas[-1]:.4g}], loss [{low:.4g}, {high:.4g}]",
    ]
    if holes:
        lines.append(f"warning: model file {user.source.label}: {holes} of {values.size} grid "
                     "points gave a non-finite loss (kept as NaN, drawn as holes)")
    return lines


def print_notes(job) -> None:
    """The job's notes (a resumed run keeps its weights, ...) on stderr."""
    for note in job.notes:
        print(f"note: {note}", file=sys.stderr)


def run_job(args: argparse.Namespace, request, worker_command, cells: int):
    """The job of ``request`` in this process, ``--workers`` local ones or this torchrun
    rank, with a progress bar of ``cells``; its notes printed. The
    :class:`~landscape_app.core.usermodel.distributed.JobRun`, or the exit status when this
    process has nothing to write."""
    from landscape_app.cli.progress_bar import ProgressBar
    from landscape_app.core.usermodel import RankFailed, default_work_dir
    from landscape_app.core.usermodel import run_job as run

    work_dir = args.work_dir or str(default_work_dir(args.out))
    bar = ProgressBar()
    try:
        done = run(request, work_dir, args.workers, partial(worker_command, args, work_dir),
                   args.restart, partial(bar, of=cells))  # the bar counts the cells too
    except RankFailed:
        return 2  # rank 0, or the launching process, says why
    finally:
        bar.close()
    print_notes(done.job)
    return 0 if done.values is None else done


def check_job_arguments(args: argparse.Namespace, unit: str) -> None:
    """--out (a writable .npz, needed: finished ``unit`` are kept beside it), --workers and
    the model file, checked before torch is imported."""
    from landscape_app.core.atomic import check_writable
    from landscape_app.core.errors import LandscapeError

    if args.out is None:
        raise LandscapeError(f"--model-file needs --out FILE.npz (finished {unit} are kept "
                             "beside it until the run is complete)")
    check_writable(args.out, suffixes=(".npz",))
    if args.workers < 1:
        raise LandscapeError(f"--workers {args.workers}: must be at least 1")
    check_model_path(args.model_file)


def check_model_path(text: str) -> None:
    """``PATH.py[:FUNCTION]`` names a file (as the loader reads it), checked without torch."""
    from pathlib import Path

    from landscape_app.core.errors import LandscapeError

    head, sep, tail = text.rpartition(":")
    path = Path(head if sep and tail.isidentifier() and head else text).expanduser()
    if not path.is_file():
        raise LandscapeError(f"model file {path}: "
                             f"{'no such file' if not path.exists() else 'not a file'}")


def check_paths(args: argparse.Namespace) -> None:
    """``--out``, ``--workers``, the model file and the ``--trajectory`` files, checked before
    torch is imported (a typo is answered at once, not after torch's seconds of loading)."""
    from pathlib import Path

    from landscape_app.cli.checks import check_sharpness
    from landscape_app.core.errors import LandscapeError

    check_job_arguments(args, "points")
    check_sharpness(args.sharpness, args.sharpness_every)
    if args.sharpness and not args.trajectory:
        raise LandscapeError("--sharpness with --model-file measures the Hessian at the "
                             "--trajectory checkpoints; give --directions pca --trajectory "
                             "ckpt_000.pt ckpt_010.pt ...")
    for option, paths in (("--trajectory", args.trajectory),
                          ("--checkpoints", args.checkpoints),
                          ("--interpolate", args.interpolate or [])):
        for checkpoint in paths:
            if not Path(checkpoint).is_file():
                hint = (" (a pattern no file matched?)" if any(c in checkpoint for c in "*?[")
                        else "")
                raise LandscapeError(f"{option} {checkpoint}: no such file{hint}")


def run(args: argparse.Namespace) -> int:
    check_paths(args)
    if args.interpolate is not None:
        from landscape_app.cli.interpolate_cmd import run_interpolation

        return run_interpolation(args)

    from landscape_app.core.files.surface_npz import write_surface_npz
    from landscape_app.core.usermodel import surface_arrays

    request = request_from(args)
    done = run_job(args, request, worker_command, request.resolution ** 2)
    if isinstance(done, int):
        return done
    job, values, seconds, processes = done
    for line in summary_lines(job, values, seconds, processes):
        print(line, file=sys.stderr if line.startswith("warning") else sys.stdout)
    every = (args.sharpness_every or 1) if args.sharpness else None
    write_surface_npz(args.out, surface_arrays(job, values, seconds, processes, every))
    job.work.remove()
    print(f"wrote {args.out}")
    return 0
