"""Compute an outcome map: many runs of one optimizer configuration as one tensor, chunked.

    from landscape_app.core.maps import StartGrid, compute_map
    from landscape_app.core.functions import get_function

    result = compute_map(get_function("himmelblau"), "adam:lr=0.05",
                         StartGrid((-5, 5), (-5, 5), 256), steps=300)
    result.basin            # (256, 256): index of the minimum each start reached, −1 none

A :class:`StartGrid` runs torch.optim itself on the stacked starts (its fused implementation
on the CPU and CUDA); a :class:`Sweep` steps the cells with per-cell hyperparameters
(:mod:`.rules`). A cell that stops (:mod:`.tracker`) leaves the batch, and a chunk ends when
all its cells have stopped. Rows are cut into chunks so memory stays bounded; on a CUDA
out-of-memory error the chunk is retried at half the size.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Mapping, Sequence

import numpy as np
import torch

from landscape_app.core.catalogue.kinds import MapKind
from landscape_app.core.catalogue.map_checks import LAYER_LR_NAMES, check_side
from landscape_app.core.catalogue.stochastic_checks import STOCHASTIC_NAMES
from landscape_app.core.device import choose_device, warm_up
from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.core.fallback import CPU, DeviceFallback, points_per_chunk
from landscape_app.core.maps.axes import StartGrid, Sweep
from landscape_app.core.maps.network_rows import row_evaluator
from landscape_app.core.maps.newton_rows import NewtonStepper
from landscape_app.core.maps.outcome import OutcomeMap
from landscape_app.core.maps.stepping import RuleStepper, Stepper, TorchStepper
from landscape_app.core.maps.stochastic_rows import RowGradients, row_gradients, rows_evaluate
from landscape_app.core.maps.support import check_map_request
from landscape_app.core.maps.threads import one_thread
from landscape_app.core.maps.tracker import Tracker
from landscape_app.core.nn.models import NetworkConfig
from landscape_app.core.nn.network_objective import NetworkObjective, build_network
from landscape_app.core.objective import Objective
from landscape_app.core.optim.registry import OptimizerSpec, parse_optimizer_spec
from landscape_app.core.progress import CancelPoll, StageProgress
from landscape_app.core.status import CellStatus

#: The stage of a map in :meth:`DeviceFallback.describe`.
MAP_STAGE = "map"
#: Memory a chunk may use on the CPU (bytes); on a GPU, this fraction of the free memory, at
#: most :data:`GPU_CHUNK_BYTES`.
CPU_CHUNK_BYTES = 256 << 20
GPU_CHUNK_FRACTION = 0.5
GPU_CHUNK_BYTES = 8 << 30
#: Largest size of the recorded snapshots (bytes).
MAX_SNAPSHOT_BYTES = 1 << 30
#: Largest size of the recorded paths, positions and losses in float64 (bytes).
MAX_PATH_BYTES = 1 << 30
#: How often (steps) ``cancelled`` is polled and ``progress`` told inside a chunk.
POLL_EVERY = 16
DTYPES = {"float32": torch.float32, "float64": torch.float64}


@dataclasses.dataclass(frozen=True)
class _Job:
    objective: Objective
    optimizer_spec: OptimizerSpec
    kind: MapKind                      # STARTS: every row from its own start (start maps,
    #                                    run_rows' settings × starts); SWEEP: from ``start``
    starts: np.ndarray | None          # every row's start (n, P): start maps, settings × starts
    start: np.ndarray | None           # sweeps: (P,), every row's
    cells: tuple[np.ndarray, ...] | None  # every row's swept values, one array per name
    cell_names: tuple[str, ...]        # the swept hyperparameters
    steps: int
    target: float
    device: torch.device
    dtype: torch.dtype
    snapshot_steps: tuple[int, ...]
    seed: int = 0
    path_steps: tuple[int, ...] = ()
    fused: bool = True                 # torch.optim's fused kernels where they exist

    @property
    def rows(self) -> int:
        return len(self.starts) if self.kind is MapKind.STARTS else len(self.cells[0])

    def groups(self) -> list[np.ndarray]:
        """Row indices run together: all rows, or one group per swept batch size (rows of
        one batch size draw the same batches)."""
        if self.cells is not None:
            for name, values in zip(self.cell_names, self.cells, strict=True):
                if name == "batch_size":
                    return [np.flatnonzero(values == value) for value in np.unique(values)]
        return [np.arange(self.rows)]


def compute_map(
    target: Objective | NetworkConfig,
    optimizer: OptimizerSpec | str,
    region: StartGrid | Sweep,
    steps: int,
    *,
    tolerance: float = 1e-3,
    device: str | torch.device = "auto",
    dtype: str = "float32",
    progress: StageProgress | None = None,
    cancelled: CancelPoll | None = None,
    snapshot_steps: Sequence[int] = (),
    chunk_rows: int | None = None,
    seed: int = 0,
    path_steps: Sequence[int] = (),
) -> OutcomeMap:
    """Run ``optimizer`` from every start of a :class:`StartGrid` or with every cell of a
    :class:`Sweep` for ``steps`` steps and report each cell's outcome.

    Parameters
    ----------
    target : Objective or NetworkConfig
        A 2D landscape (start maps and sweeps) or a network (sweeps; its ``dtype`` is
        replaced by ``dtype``).
    optimizer : OptimizerSpec or str
        ``"adam:lr=0.05"`` or a parsed spec; see
        :data:`~landscape_app.core.catalogue.map_checks.MAPPABLE`.
    region : StartGrid or Sweep
    steps : int
    tolerance : float
        A cell has reached the minimum when its loss is ≤ the best known value (0 for
        networks) + ``tolerance``.
    device : ``auto``, ``cpu``, ``cuda``, ``mps`` or a torch device.
    dtype : ``float32`` or ``float64``.
    progress : callable(stage, fraction), optional
    cancelled : callable() -> bool, optional
        Polled every few steps; True raises :class:`CancelledError`.
    snapshot_steps : sequence of int
        Record every cell's loss after these steps (``OutcomeMap.snapshots``).
    chunk_rows : int, optional
        Rows per chunk (default: what fits the device's budget).
    seed : int
        Seeds the gradient noise (``grad_noise``) and the minibatches (``batch_size``) as a
        race's seed does: every cell equals a single run with this seed.
    path_steps : sequence of int
        Record every cell's position and loss after these steps (``OutcomeMap.paths``,
        ``path_loss``; :func:`~landscape_app.core.maps.field.compute_field` asks for them).

    Raises
    ------
    LandscapeError
        For anything that cannot be mapped, named in one line.
    CancelledError
        When ``cancelled()`` turned true.
    """
    job = _prepare(target, optimizer, region, steps, tolerance, device, dtype, snapshot_steps)
    job = dataclasses.replace(job, seed=int(seed), path_steps=_check_paths(job, path_steps))
    warm_up(job.device, job.dtype, optim=True)  # one-off set-up costs outside the timing
    started = time.perf_counter()
    arrays, fallback = _run_chunks(job, progress, cancelled, chunk_rows)
    if job.device.type == "cuda":
        torch.cuda.synchronize(job.device)
    seconds = time.perf_counter() - started
    return _assemble(job, region, arrays, seconds, tolerance, target,
                     fallback.describe(MAP_STAGE))


def run_rows(
    objective: Objective,
    optimizer: OptimizerSpec,
    starts: np.ndarray,
    settings: Mapping[str, np.ndarray],
    steps: int,
    goal: float,
    *,
    device: torch.device,
    dtype: str,
    progress: StageProgress | None = None,
    cancelled: CancelPoll | None = None,
    chunk_rows: int | None = None,
    seed: int = 0,
    path_steps: Sequence[int] = (),
    fused: bool = True,
) -> dict[str, np.ndarray]:
    """Run ``optimizer`` on rows that each have their own start and settings, chunked as
    :func:`compute_map` runs a map: row ``n`` starts at ``starts[n]`` with the swept
    hyperparameters ``settings[name][n]`` (the spec's values for the rest).

    ``objective`` is built on ``device`` (a network in ``dtype``, the dtype the rows run
    in: ``float32`` or ``float64``); ``goal`` the loss counted
    as reached. The arguments are checked by the caller
    (:mod:`landscape_app.core.compare.batched`). Returns ``(n,)`` arrays ``loss`` (final),
    ``reached`` (steps to the goal, −1 never), ``evaluations`` (spent over the run, as the
    single run counts them), ``reach_evaluations`` (spent by the reach step, −1 never),
    ``status`` and ``stopped_at``, and ``final`` ``(n, P)``. With ``path_steps`` (sorted)
    also every row's ``paths`` ``(n, K, P)`` and ``path_loss`` ``(n, K)`` there, and
    ``step_evaluations`` ``(steps + 1,)``: the evaluations spent after each step, the same
    for every row (−1 for steps no row ran, and for every step where rows count their own,
    as damped Newton's line search does). ``fused=False`` steps torch.optim's single-tensor
    code, the single run's own (its fused kernels may round differently).
    """
    names = tuple(settings)
    job = _Job(kind=MapKind.STARTS, objective=objective, optimizer_spec=optimizer,
               starts=np.asarray(starts, dtype=float), start=None,
               cells=tuple(np.asarray(settings[name], dtype=float) for name in names) or None,
               cell_names=names, steps=steps, target=float(goal), device=device,
               dtype=DTYPES[dtype], snapshot_steps=(), seed=int(seed),
               path_steps=tuple(path_steps), fused=fused)
    warm_up(device, job.dtype, optim=True)
    return _run_chunks(job, progress, cancelled, chunk_rows)[0]


def _prepare(target, optimizer, region, steps, tolerance, device, dtype, snapshot_steps) -> _Job:
    spec = parse_optimizer_spec(optimizer) if isinstance(optimizer, str) else optimizer
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise LandscapeError(f"steps {steps!r}: must be a whole number ≥ 1")
    if not (np.isfinite(tolerance) and tolerance >= 0):
        raise LandscapeError(f"tolerance {tolerance!r}: must be a finite number ≥ 0")
    if dtype not in DTYPES:
        raise LandscapeError(f"dtype must be float32 or float64, got {dtype!r}")
    snaps = tuple(sorted(set(int(s) for s in snapshot_steps)))
    if snaps and not (snaps[0] >= 0 and snaps[-1] <= steps):
        raise LandscapeError(f"snapshot steps must lie in 0..{steps}")
    torch_device = (device if isinstance(device, torch.device)
                    else choose_device(device, getattr(torch, dtype)))  # auto: MPS only for float32
    network = isinstance(target, NetworkConfig)
    if network:
        objective = build_network(dataclasses.replace(target, dtype=dtype), torch_device)
    else:
        objective = target
    check_side(region.res, objective.dim)
    rows = region.res**2
    element = DTYPES[dtype].itemsize
    if len(snaps) * rows * element > MAX_SNAPSHOT_BYTES:
        raise LandscapeError(f"{len(snaps)} snapshots of {rows} cells exceed "
                             f"{MAX_SNAPSHOT_BYTES >> 20} MiB; record fewer steps")
    check_map_request(spec, region, objective, network)
    known = objective.best_known_value
    goal = (0.0 if known is None else known) + tolerance
    common = {"objective": objective, "optimizer_spec": spec, "steps": steps, "target": goal,
              "device": torch_device, "dtype": DTYPES[dtype], "snapshot_steps": snaps}
    if isinstance(region, StartGrid):
        if network or objective.dim != 2:
            raise LandscapeError("a start map needs a 2D landscape; for a network sweep "
                                 "two hyperparameters instead")
        return _Job(kind=MapKind.STARTS, starts=region.starts(), start=None, cells=None,
                    cell_names=(), **common)
    start = np.asarray(objective.default_start() if region.start is None or network
                       else region.start, dtype=float).reshape(-1)
    if start.shape != (objective.dim,):
        raise LandscapeError(f"the start has {start.size} coordinates; the landscape has "
                             f"{objective.dim}")
    return _Job(kind=MapKind.SWEEP, starts=None, start=start, cells=region.cell_values(),
                cell_names=(region.axis0.name, region.axis1.name), **common)


def _check_paths(job: _Job, path_steps: Sequence[int]) -> tuple[int, ...]:
    """``path_steps`` sorted, checked against the steps and :data:`MAX_PATH_BYTES`."""
    steps = tuple(sorted(set(int(s) for s in path_steps)))
    if steps and not (steps[0] >= 0 and steps[-1] <= job.steps):
        raise LandscapeError(f"path steps must lie in 0..{job.steps}")
    size = job.rows * len(steps) * (job.objective.dim + 1) * 8
    if size > MAX_PATH_BYTES:
        raise LandscapeError(f"paths of {len(steps)} points from {job.rows} cells would take "
                             f"{size >> 20} MiB (at most {MAX_PATH_BYTES >> 20} MiB); keep "
                             "fewer points per path (--thin) or take fewer starts")
    return steps


def _budget_rows(job: _Job) -> int:
    objective = job.objective
    element = torch.finfo(job.dtype).bits // 8
    per_row = objective.dim * element * 16
    per_row += len(job.path_steps) * (objective.dim + 1) * element * 2  # recorded, filled
    if isinstance(objective, NetworkObjective):
        widest = max(layer.out_features for layer in objective.layers)
        per_row += (objective.inputs.shape[0] * widest * element * 4 * len(objective.layers))
    return points_per_chunk(job.device, per_row, job.rows, CPU_CHUNK_BYTES,
                            GPU_CHUNK_FRACTION, GPU_CHUNK_BYTES)


def _run_chunks(job: _Job, progress, cancelled,
                chunk_rows) -> tuple[dict[str, np.ndarray], DeviceFallback]:
    """Every cell, in chunks of ``chunk_rows`` (None: what fits the device's budget), through
    the one out-of-memory loop of :class:`DeviceFallback`: a chunk that does not fit is
    halved; a single cell that does not fit on a GPU moves the rest of the map to the CPU."""
    n = job.rows
    out = {
        "final": np.empty((n, job.objective.dim)), "loss": np.empty(n),
        "best_loss": np.empty(n), "reached": np.empty(n, dtype=np.int64),
        "status": np.empty(n, dtype=np.int8), "stopped_at": np.empty(n, dtype=np.int64),
        "snapshots": np.empty((len(job.snapshot_steps), n)),
        "evaluations": np.empty(n, dtype=np.int64),
        "reach_evaluations": np.empty(n, dtype=np.int64),
    }
    if job.path_steps:
        out["paths"] = np.empty((n, len(job.path_steps), job.objective.dim))
        out["path_loss"] = np.empty((n, len(job.path_steps)))
        out["step_evaluations"] = np.full(job.steps + 1, -1, dtype=np.int64)
    done = 0

    def take(rows: np.ndarray, tracker: Tracker) -> None:
        nonlocal done
        out["final"][rows] = tracker.final_x.cpu().numpy()
        out["loss"][rows] = tracker.final_loss.cpu().numpy()
        out["best_loss"][rows] = tracker.best.cpu().numpy()
        out["reached"][rows] = tracker.reached.cpu().numpy()
        out["status"][rows] = tracker.status.cpu().numpy()
        out["stopped_at"][rows] = tracker.stopped_at.cpu().numpy()
        out["snapshots"][:, rows] = tracker.snapshots.cpu().numpy()
        out["evaluations"][rows] = tracker.evaluations.cpu().numpy()
        out["reach_evaluations"][rows] = tracker.reach_evaluations.cpu().numpy()
        if job.path_steps:
            paths, losses = tracker.path_x.cpu().numpy(), tracker.path_loss.cpu().numpy()
            if len(rows) == n and np.array_equal(rows, range(n)):
                # one chunk of every row: its step-major buffers as they are, in float64
                # (astype keeps the layout: a view, or a copy in memory order), not a 30 MB
                # transposing copy of a 64² field (a fifth of its time)
                out["paths"] = paths.astype(np.float64, copy=False)
                out["path_loss"] = losses.astype(np.float64, copy=False)
            else:
                out["paths"][rows] = paths
                out["path_loss"][rows] = losses
            counts = tracker.history  # empty where rows count their own
            out["step_evaluations"][:len(counts)] = counts
        done += len(rows)

    fallback = DeviceFallback(job, job.device, None if job.device == CPU
                              else lambda device: _job_on(job, device))
    fallback.each_chunk(lambda on, rows: _run_chunk(on, rows, done, progress, cancelled),
                        job.groups(), lambda on: min(n, chunk_rows or _budget_rows(on)), take,
                        MAP_STAGE, "cells")
    return out, fallback


def _job_on(job: _Job, device: torch.device) -> _Job:
    """``job`` computing on ``device`` (a network's objective moved there)."""
    objective = job.objective
    if isinstance(objective, NetworkObjective):
        objective = objective.to(device)
    return dataclasses.replace(job, objective=objective, device=device)


def _run_chunk(job: _Job, rows: np.ndarray, done: int, progress, cancelled) -> Tracker:
    """Run the cells ``rows`` (indices); ``done`` cells were run before them (a small
    block on one CPU thread: :mod:`.threads`)."""
    if cancelled is not None and cancelled():
        raise CancelledError("map cancelled")
    with one_thread(len(rows) * job.objective.dim, job.device):
        return _step_chunk(job, rows, done, progress, cancelled)


def _step_chunk(job: _Job, rows: np.ndarray, done: int, progress, cancelled) -> Tracker:
    options = {"dtype": job.dtype, "device": job.device}
    optimizer = job.optimizer_spec.create()
    network = isinstance(job.objective, NetworkObjective)
    evaluate = row_evaluator(job.objective) if network else rows_evaluate(job.objective)
    batch_evaluator = ((lambda inputs, targets: row_evaluator(job.objective, inputs, targets))
                       if network else None)
    if job.kind is MapKind.STARTS:
        param = torch.as_tensor(job.starts[rows], **options).clone().requires_grad_(True)
    else:
        param = torch.as_tensor(job.start, **options).expand(len(rows), -1).clone()
        param.requires_grad_(True)
    hyper = None if job.cells is None else _cell_hyper(job, optimizer, rows)
    gradients = row_gradients(evaluate, optimizer.hyper if hyper is None else hyper, job.seed,
                              job.objective, batch_evaluator)
    stepper = make_stepper(optimizer, param, evaluate, gradients, hyper, fused=job.fused)
    radius = job.objective.divergence_radius
    tracker = Tracker(param, stepper.loss, radius, job.target, job.snapshot_steps,
                      job.path_steps, stepper.evaluations)
    _drop_stopped(stepper, tracker.update(0, param.detach(), stepper.loss, None, None,
                                          stepper.evaluations))
    total = job.rows * job.steps
    # the rows' positions without their graph: a view, which every step (in place) updates
    position, previous = param.detach(), torch.empty_like(param)
    for step in range(1, job.steps + 1):
        if not tracker.live:
            break  # every row has stopped
        if previous.shape != param.shape:  # rows have left the batch: a new tensor
            position, previous = param.detach(), torch.empty_like(param)
        previous.copy_(position)
        loss = stepper.step()
        _drop_stopped(stepper, tracker.update(step, position, loss, param.grad, previous,
                                              stepper.evaluations))
        if step % POLL_EVERY == 0 or step == job.steps:
            if cancelled is not None and cancelled():
                raise CancelledError("map cancelled")
            if progress is not None:
                progress("map", (done * job.steps + len(rows) * step) / total)
    if progress is not None and tracker.step < job.steps:  # every cell stopped early
        progress("map", (done + len(rows)) * job.steps / total)
    tracker.finish(job.steps, param, stepper.loss, stepper.evaluations)
    return tracker


def _drop_stopped(stepper: Stepper, keep: torch.Tensor | None) -> None:
    """The rows that stopped leave the batch (``keep``: the others, None for all)."""
    if keep is not None:
        stepper.keep(keep)


def make_stepper(optimizer, param: torch.Tensor, evaluate,
                 gradients: RowGradients | None = None, hyper: dict | None = None, *,
                 fused: bool = True) -> Stepper:
    """What steps ``param``'s rows with ``gradients`` (exact, noisy or minibatch; None:
    exact): ``hyper`` None for one setting on every row (start maps: torch.optim itself,
    ``fused`` or not), else per-row settings (sweeps: :mod:`.rules`); damped Newton (exact
    gradients only) has its own batched line search either way."""
    if optimizer.id == "newton":
        return NewtonStepper(optimizer.hyper if hyper is None else hyper, param, evaluate)
    if hyper is None:
        return TorchStepper(optimizer, param, evaluate, gradients, fused=fused)
    return RuleStepper(optimizer, hyper, param, evaluate, gradients)


def _cell_hyper(job: _Job, optimizer, rows: np.ndarray) -> dict:
    """The optimizer's settings with the swept ones as float64 tensors over the rows (a swept
    batch size, one value for all of them, as a whole number)."""
    hyper = dict(optimizer.hyper)
    options = {"dtype": torch.float64, "device": job.device}
    objective = job.objective
    for name, values in zip(job.cell_names, job.cells, strict=True):
        if name == "batch_size":
            hyper["batch_size"] = int(values[rows[0]])
            continue
        column = torch.as_tensor(values[rows], **options).unsqueeze(1)
        if name not in LAYER_LR_NAMES:
            hyper[name] = column
            continue
        lr = hyper["lr"]
        if not isinstance(lr, torch.Tensor) or lr.shape[1] == 1:
            lr = (lr if isinstance(lr, torch.Tensor) else torch.tensor(lr, **options))
            lr = lr.expand(len(rows), objective.dim).clone()
        layer = 0 if name == "lr_first" else len(objective.layers) - 1
        for block in objective.blocks:
            if block.name.startswith(f"layer{layer}."):
                lr[:, block.offset:block.stop] = column
        hyper["lr"] = lr
    return hyper


def _assemble(job: _Job, region, arrays, seconds, tolerance, target,
              device: str) -> OutcomeMap:
    res = region.res
    grid = (res, res)
    status = arrays["status"]
    minima = np.array([m.position for m in job.objective.minima], dtype=float).reshape(-1, 2) \
        if job.kind is MapKind.STARTS else np.zeros((0, 2))
    basin = np.full(res * res, -1, dtype=np.int64)
    if job.kind is MapKind.STARTS and len(minima):
        final = arrays["final"]
        distance = np.linalg.norm(final[:, None, :] - minima[None, :, :], axis=2)
        nearest = np.argmin(np.nan_to_num(distance, nan=np.inf), axis=1)
        reached = ((arrays["loss"] <= job.target) & (status != CellStatus.DIVERGED)
                   & (status != CellStatus.NON_FINITE))
        basin = np.where(reached, nearest, -1)
    if job.kind is MapKind.STARTS:
        axis0, axis1 = region.axis0, region.axis1
        names, logs = ("x", "y"), (False, False)
    else:
        axis0 = region.axis0.values(res)
        axis1 = region.axis1.values(res)
        names = (region.axis0.name, region.axis1.name)
        logs = (region.axis0.log, region.axis1.log)
    snaps = arrays["snapshots"].reshape(len(job.snapshot_steps), *grid)
    settings = {
        "kind": job.kind,
        "target": (target.describe() if isinstance(target, NetworkConfig)
                   else getattr(target, "id", job.objective.name)),
        "optimizer": job.optimizer_spec.to_text(), "steps": job.steps, "tolerance": tolerance,
        "dtype": str(job.dtype).removeprefix("torch."), "res": res,
        "axes": [{"name": n, "log": lg, "low": float(a[0]), "high": float(a[-1])}
                 for n, lg, a in zip(names, logs, (axis0, axis1), strict=True)],
        "target_loss": job.target,
    }
    if any(name in job.optimizer_spec.params for name in STOCHASTIC_NAMES) or \
            set(names) & STOCHASTIC_NAMES:
        settings["seed"] = job.seed  # the minibatches' or the noise's
    if job.start is not None:
        settings["start"] = [float(v) for v in job.start] if job.objective.dim <= 16 else None
    json.dumps(settings)  # JSON-friendly by construction
    return OutcomeMap(
        kind=settings["kind"], axis0=np.asarray(axis0, dtype=float),
        axis1=np.asarray(axis1, dtype=float), axis_names=names, axis_log=logs,
        final=arrays["final"].reshape(*grid, -1), loss=arrays["loss"].reshape(grid),
        best_loss=arrays["best_loss"].reshape(grid),
        steps_to_tolerance=arrays["reached"].reshape(grid), status=status.reshape(grid),
        stopped_at=arrays["stopped_at"].reshape(grid), basin=basin.reshape(grid),
        minima=minima, seconds=seconds, device=device, steps=job.steps,
        tolerance=tolerance, snapshot_steps=np.asarray(job.snapshot_steps, dtype=np.int64),
        snapshots=snaps if job.snapshot_steps else None, settings=settings,
        path_steps=np.asarray(job.path_steps, dtype=np.int64),
        paths=arrays.get("paths"), path_loss=arrays.get("path_loss"),
    )


__all__ = ["compute_map"]
