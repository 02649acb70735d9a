"""``landscape-app surface --model-file M.py --interpolate A.pt B.pt``: the loss on a line.

The loss of the file's model along (1 − t) θ_A + t θ_B (buffers likewise, or re-estimated with
``--bn-recompute``), in one process, written as an NPZ with ``interp_t``, ``interp_loss`` and
``metadata`` (see :mod:`landscape_app.core.usermodel.checkpoints`).
"""

from __future__ import annotations

import argparse
import sys
import time


def check_interpolation(args: argparse.Namespace) -> tuple[float, float]:
    """The options that do not apply to a line are refused; the t range, parsed."""
    from landscape_app.core.errors import LandscapeError
    from landscape_app.core.usermodel.checkpoints import parse_t_range

    if args.points < 2:
        raise LandscapeError(f"--points {args.points}: must be at least 2")
    if args.workers != 1:
        raise LandscapeError("--interpolate runs in one process; leave out --workers")
    if args.directions is not None or args.checkpoints or args.trajectory:
        raise LandscapeError("--interpolate draws a line, not a plane: leave out --directions, "
                             "--checkpoints and --trajectory")
    return parse_t_range(args.t_range)


def run_interpolation(args: argparse.Namespace) -> int:
    """Compute the line, print a summary and write ``--out`` atomically."""
    t_range = check_interpolation(args)
    import numpy as np

    from landscape_app.core.device import choose_device, describe_device
    from landscape_app.core.files.line_npz import write_line_npz
    from landscape_app.core.usermodel.checkpoints import buffers_note, fitted_state, interpolation
    from landscape_app.core.usermodel.contract import load_user_model

    user = load_user_model(args.model_file, choose_device(args.device), args.batches)
    first, second = (fitted_state(user, path, "--interpolate") for path in args.interpolate)
    ts = np.linspace(*t_range, args.points)
    started = time.perf_counter()
    losses = interpolation(user, first, second, ts, args.bn_recompute)
    seconds = time.perf_counter() - started
    device = describe_device(next(user.model.parameters()).device)
    metadata = {"kind": "usermodel-interpolation", "model_file": str(user.source.path),
                "function": user.source.function, "model_file_sha256": user.source.sha256,
                "checkpoints": list(args.interpolate), "samples": user.samples,
                "batches": len(user.batches), "loss": user.loss_name,
                "bn_recompute": bool(args.bn_recompute), "buffers": buffers_note(
                    args.bn_recompute), "device": device, "seconds": seconds}
    finite = losses[np.isfinite(losses)]
    print(f"model: {user.source.label} ({type(user.model).__name__}, {user.parameter_count} "
          f"parameters), {user.samples} samples in {len(user.batches)} batches")
    print(f"line: (1-t) {args.interpolate[0]} + t {args.interpolate[1]}, {args.points} points, "
          f"t [{ts[0]:.4g}, {ts[-1]:.4g}], {buffers_note(args.bn_recompute)}, in "
          f"{seconds:.3f} s on {device}")
    if finite.size:
        print(f"loss [{finite.min():.6g}, {finite.max():.6g}]")
    if finite.size < losses.size:
        print(f"warning: {losses.size - finite.size} of {losses.size} points gave a "
              "non-finite loss (kept as NaN)", file=sys.stderr)
    write_line_npz(args.out, ts, losses, metadata)
    print(f"wrote {args.out}")
    return 0
