"""``landscape-app map --model-file``: a trainability map of the user's own PyTorch model.

The options are added to the ``map`` command's parser (:func:`add_arguments`); ``map`` hands a
run with ``--model-file`` to :func:`run`. Heavy imports happen inside :func:`run`.
"""

from __future__ import annotations

import argparse

from landscape_app.cli.usermodel_cmd import add_job_arguments

EPILOG = """\
your own model (--model-file): RUNNING YOUR CODE IS WHAT THIS DOES (the contract of
`surface --model-file`: FUNCTION() returns model, data and optionally loss). Every cell of the
R x R map trains a copy of the file's model from its weights for --steps steps with that cell's
two hyperparameter values (any numeric setting of the optimizer: lr, momentum, weight_decay,
beta1, beta2, eps, ...): step t runs batch t mod B of the data, in order, in train mode, takes
the file's loss, back-propagates and steps torch.optim's update. The cell's value (loss in the
NPZ) is then the loss over the whole data set as surfaces define it (eval mode, batch means
weighted by batch size). A cell whose training loss becomes non-finite stops there: status
diverged (so is a cell whose final loss is non-finite); converged: final loss <= --tolerance;
running: trained every step.

  landscape-app map --model-file examples/cnn_model.py --optimizer momentum \\
      --sweep lr=1e-3:10:log --sweep momentum=0:0.99 --res 16 --steps 20 --out cnn-map.npz \\
      --png cnn-map.png
  landscape-app map --model-file examples/cnn_model.py --optimizer adam \\
      --sweep lr=1e-4:1:log --sweep beta1=0:0.99 --res 8 --steps 10 --workers 2 \\
      --out cnn-adam.npz
  torchrun --nnodes 1 --nproc-per-node 2 -m landscape_app map \\
      --model-file examples/cnn_model.py --optimizer sgd --sweep lr=1e-3:10:log \\
      --sweep weight_decay=0:0.1 --res 32 --steps 50 --out cnn-sgd.npz

Optimizers: sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, radam, with a constant
learning rate. Dropout: torch.manual_seed(--seed) before each cell's first step, so every cell
draws the same masks at step t (a plain loop seeded the same way reproduces any cell). The
cells are trained together with torch.func (functional_call + vmap over stacked copies, each
with its own BatchNorm statistics, the update applied to all rows with per-row settings as
torch.optim's own rule) where vmap runs the model and agrees with one copy at a time on the
first cells, else one copy at a time with torch.optim itself; either way every cell equals a
torch.optim loop on a copy of the model, up to rounding. --dtype float64 casts the model and
the data's floating inputs. --workers K, torchrun, the work directory (--work-dir, resumed
after a kill, --restart) and --chunk are those of surface --model-file: the map is the same
however many processes computed it. On a GPU a chunk that runs out of memory is trained in
halves, and when one cell does not fit the rest runs on the CPU (the NPZ's device says so).
The NPZ has the keys of the built-in sweep maps (final
holds no weights: R x R x 0; steps_to_tolerance is -1), so --png and File > Open map... in
the window show it.
"""

#: Options of a built-in map that a map of a model file does not take.
BUILT_IN_ONLY = ("function", "expr", "model", "starts", "start", "range", "paths", "thin")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``--model-file`` options of ``map``."""
    group = parser.add_argument_group("your own model (runs your code; see below)")
    group.add_argument("--model-file", default=None, metavar="PATH.py[:FUNCTION]",
                       help="train copies of the model FUNCTION() (default landscape_model) "
                       "returns, one per cell")
    add_job_arguments(group, "cells", "cells per chunk (default: batched, the fastest of 2 to 64 "
                      "timed on the first cells within what fits the memory; 4 one at a time)")


def refuse_without_model_file(args: argparse.Namespace) -> None:
    """The options of a model file's map given to a built-in one: one line naming the first."""
    from landscape_app.core.errors import LandscapeError

    given = [option for option, value in (
        ("--batches", args.batches), ("--workers", args.workers != 1 or None),
        ("--work-dir", args.work_dir), ("--restart", args.restart or None),
        ("--chunk", args.chunk)) if value is not None]
    if given:
        raise LandscapeError(f"{given[0]} needs --model-file (a map of your own model)")


def request_from(args: argparse.Namespace):
    from landscape_app.core.usermodel.mapjob import MapRequest

    return MapRequest(model_file=args.model_file, optimizer=args.optimizer,
                      sweeps=tuple(args.sweep), res=args.res, steps=args.steps, seed=args.seed,
                      dtype=args.dtype, device=args.device, batches=args.batches,
                      chunk=args.chunk).validated()


def worker_command(args: argparse.Namespace, work_dir: str) -> list[str]:
    """The torchrun command that trains the cells in ``args.workers`` local processes."""
    from landscape_app.core.usermodel.distributed import torchrun_command

    command = [*torchrun_command(args.workers, "map"), "--model-file", args.model_file,
               "--optimizer", args.optimizer, "--res", str(args.res), "--steps",
               str(args.steps), "--seed", str(args.seed), "--dtype", args.dtype, "--device",
               args.device, "--tolerance", str(args.tolerance), "--out", args.out,
               "--work-dir", work_dir]
    for text in args.sweep:
        command.append(f"--sweep={text}")
    for option, value in (("--batches", args.batches), ("--chunk", args.chunk)):
        if value is not None:
            command.append(f"{option}={value}")
    return command


def check_arguments(args: argparse.Namespace) -> None:
    """What can be checked before torch is imported: the built-in options not given, --out,
    --png, --workers, the model file, the sweeps' syntax."""
    from landscape_app.cli.usermodel_cmd import check_job_arguments
    from landscape_app.core.atomic import check_writable
    from landscape_app.core.catalogue.map_checks import check_side, parse_sweep_text
    from landscape_app.core.errors import LandscapeError

    given = [name for name in BUILT_IN_ONLY if getattr(args, name) not in (None, False)]
    if given:
        raise LandscapeError(f"--{given[0]} is for built-in maps; a map of --model-file "
                             "sweeps two hyperparameters of the file's model")
    check_job_arguments(args, "cells")
    if args.png is not None:
        check_writable(args.png, suffixes=(".png",))
    if len(args.sweep) != 2:
        raise LandscapeError("a map of --model-file sweeps two hyperparameters: give two "
                             "--sweep NAME=LOW:HIGH[:log] options")
    for text in args.sweep:
        parse_sweep_text(text)
    check_side(args.res, what="--res")
    if args.steps < 1:
        raise LandscapeError(f"--steps {args.steps}: must be at least 1")


def summary_lines(job, result, processes: int) -> list[str]:
    user = job.user
    counts = ", ".join(f"{name} {count}" for name, count in result.counts().items())
    return [
        f"model: {user.source.label} ({type(user.model).__name__}, {user.parameter_count} "
        f"parameters), {user.samples} samples in {len(user.batches)} batches, loss "
        f"{user.loss_name} = {job.initial_loss:.6g} at its weights",
        f"map: {len(job.axis0)}x{len(job.axis1)} cells x {job.request.steps} steps of "
        f"{job.spec.to_text()} ({job.mode}, {job.chunk_points} cells per chunk, {processes} "
        f"process{'es' if processes > 1 else ''}) on {result.device} in {result.seconds:.3f} s",
        f"status: {counts}",
    ]


def run(args: argparse.Namespace) -> int:
    check_arguments(args)
    from landscape_app.cli.usermodel_cmd import run_job
    from landscape_app.core.files.map_npz import write_map_npz
    from landscape_app.core.usermodel.mapjob import map_outcome

    request = request_from(args)
    done = run_job(args, request, worker_command, request.res ** 2)
    if isinstance(done, int):
        return done
    job, cells, seconds, processes = done
    result = map_outcome(job, cells, seconds, args.tolerance, processes)
    for line in summary_lines(job, result, processes):
        print(line)
    write_map_npz(args.out, result)
    job.work.remove()
    print(f"wrote {args.out}")
    if args.png is not None:
        from landscape_app.export.map_image import render_map_png

        render_map_png(result, args.png, args.color_by or "loss")
        print(f"wrote {args.png}")
    return 0
