"""A trainability map of a user's model as a job of chunks (``map --model-file``).

Cell ``n = j·R + i`` trains a copy of the model with hyperparameter values
``(axis0[i], axis1[j])`` (:mod:`~landscape_app.core.usermodel.training`) and reports the
data-set loss after training as surfaces define it (eval mode, batch means weighted by batch
size: :meth:`~landscape_app.core.usermodel.evaluate.PlaneLoss.of_states`). As a surface's grid,
the cells are cut into chunks of a size fixed in the manifest, every finished chunk is a file
of the work directory (rows: the cell's loss, NaN for none, and the step it stopped at, −1 for
none), and one process decides the run (the weights and buffers every cell starts from, the
data's digest, how cells are trained) that the others take over
(:mod:`~landscape_app.core.usermodel.decision`): the map does not depend on how many
processes computed it, and a rerun after a kill computes only the missing chunks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from landscape_app.core.catalogue.map_checks import LAYER_LR_NAMES, check_side, check_sweep
from landscape_app.core.catalogue.stochastic_checks import STOCHASTIC_NAMES
from landscape_app.core.device import choose_device, describe_device
from landscape_app.core.errors import LandscapeError
from landscape_app.core.maps.axes import SweepAxis, parse_sweep_axis
from landscape_app.core.maps.outcome import OutcomeMap
from landscape_app.core.optim.registry import OptimizerSpec, parse_optimizer_spec
from landscape_app.core.status import CellStatus
from landscape_app.core.usermodel.contract import UserModel, load_user_model
from landscape_app.core.usermodel.decision import (
    Decision,
    data_digest,
    model_state,
    take_over,
)
from landscape_app.core.usermodel.distributed import JobKind
from landscape_app.core.usermodel.evaluate import BATCHED, GROWTH, POINTWISE, PlaneLoss
from landscape_app.core.usermodel.job import FOLLOWER_KEYS, resume_decision
from landscape_app.core.usermodel.training import TRAINABLE, CellTraining
from landscape_app.core.usermodel.workdir import FINGERPRINT_NAMES, WorkDir

DTYPES = {"float32": torch.float32, "float64": torch.float64}
#: Bytes a batched chunk's copies may hold while training on a CPU (activations kept for
#: the backward pass, their gradients, the forward's own): the activations of one copy's
#: forward (:meth:`PlaneLoss.bytes_per_point`) times :data:`TRAIN_BYTES_FACTOR`.
CPU_CHUNK_BYTES = 256 << 20
TRAIN_BYTES_FACTOR = 4
#: Cells per chunk: at most this many batched, and this many one copy at a time.
MAX_BATCHED_CELLS = 64
POINTWISE_CELLS = 4


@dataclass(frozen=True)
class MapRequest:
    """What ``map --model-file`` was asked for. ``mode`` None: batched where vmap runs the
    model and agrees with one copy at a time, else one at a time."""

    model_file: str
    optimizer: str
    sweeps: tuple[str, str]
    res: int = 32
    steps: int = 50
    seed: int = 0
    dtype: str = "float32"
    device: str = "auto"
    batches: int | None = None
    chunk: int | None = None
    mode: str | None = None

    def validated(self) -> MapRequest:
        check_side(self.res, what="--res")
        if isinstance(self.steps, bool) or self.steps < 1:
            raise LandscapeError(f"--steps {self.steps}: must be at least 1")
        if self.dtype not in DTYPES:
            raise LandscapeError(f"--dtype {self.dtype}: float32 or float64")
        if self.chunk is not None and self.chunk < 1:
            raise LandscapeError(f"--chunk {self.chunk}: must be at least 1")
        if self.mode not in (None, BATCHED, POINTWISE):
            raise LandscapeError(f"mode {self.mode!r}: {BATCHED} or {POINTWISE}")
        self.axes()
        return self

    def spec(self) -> OptimizerSpec:
        return parse_optimizer_spec(self.optimizer)

    def axes(self) -> tuple[SweepAxis, SweepAxis]:
        """The two sweeps, checked against the optimizer (:func:`check_user_sweep`)."""
        if len(self.sweeps) != 2:
            raise LandscapeError(f"{len(self.sweeps)} --sweep options: a map has two axes; "
                                 "give exactly two")
        axes = tuple(parse_sweep_axis(text) for text in self.sweeps)
        check_user_sweep(self.spec(), axes)
        return axes


def check_user_sweep(spec: OptimizerSpec, axes: Sequence[SweepAxis]) -> None:
    """A model file's map trains with torch.optim's element-wise methods, with a constant
    learning rate, sweeping two of the optimizer's own settings."""
    if spec.id not in TRAINABLE:
        raise LandscapeError(f"{spec.id} cannot map a model file: it trains with one of "
                             f"{', '.join(TRAINABLE)}")
    hyper = spec.create().hyper
    if hyper.get("schedule", "constant") != "constant" or hyper.get("warmup", 0):
        raise LandscapeError(f"--optimizer {spec.to_text()}: a model file's map keeps the "
                             "learning rate constant (no schedule or warmup)")
    fixed = [name for name in STOCHASTIC_NAMES if hyper.get(name)]
    unfit = fixed + [axis.name for axis in axes
                     if axis.name in STOCHASTIC_NAMES or axis.name in LAYER_LR_NAMES]
    if unfit:
        raise LandscapeError(f"{unfit[0]}: a model file's map trains on the file's batches in "
                             "order with one learning rate; sweep the optimizer's own settings "
                             "(lr, momentum, weight_decay, beta1, ...)")
    check_sweep(spec.id, spec.params, axes, network=False)


def cast_user(user: UserModel, dtype: torch.dtype) -> None:
    """The model's floating parameters and buffers, and the batches' floating inputs, in
    ``dtype`` (in place)."""
    user.model.to(dtype)

    def cast(value):
        if isinstance(value, torch.Tensor):
            return value.to(dtype) if value.is_floating_point() else value
        if isinstance(value, (tuple, list)):
            return type(value)(cast(item) for item in value)
        return value

    user.batches = [(cast(inputs), targets) for inputs, targets in user.batches]


@dataclass
class MapJob:
    """A prepared map: the model (at the run's weights), the cells, how chunks are trained.

    ``on_disk`` and ``computed`` as :class:`~landscape_app.core.usermodel.job.SurfaceJob`'s."""

    request: MapRequest
    user: UserModel
    spec: OptimizerSpec
    axes: tuple[SweepAxis, SweepAxis]
    axis0: np.ndarray
    axis1: np.ndarray
    mode: str
    chunk_points: int
    initial_loss: float
    work: WorkDir
    decision: Decision
    on_disk: bool = True
    computed: dict[int, np.ndarray] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.axis0) * len(self.axis1)

    @property
    def chunk_count(self) -> int:
        return -(-self.total // self.chunk_points)

    def cell_values(self, cells: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The two hyperparameters' values of ``cells`` (flat indices ``j·R + i``; default
        every cell, row-major)."""
        cells = np.arange(self.total) if cells is None else cells
        rows, columns = np.divmod(cells, len(self.axis0))
        return self.axis0[columns], self.axis1[rows]

    def chunk_points_of(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """The two hyperparameters' values of chunk ``index``'s cells."""
        begin = index * self.chunk_points
        return self.cell_values(np.arange(begin, min(begin + self.chunk_points, self.total)))

    def missing(self) -> list[int]:
        done = self.work.done()
        return [index for index in range(self.chunk_count) if index not in done]

    def trainer(self) -> CellTraining:
        return CellTraining(self.user, self.spec, [axis.name for axis in self.axes],
                            self.request.steps, self.request.seed)

    def compute(self, indices: Sequence[int], on_chunk: Callable[[int], None] | None = None,
                ) -> None:
        """Train the cells of chunks ``indices``; write each chunk when done."""
        trainer, evaluator = self.trainer(), start_loss(self.user)
        for index in indices:
            values = np.stack(self.chunk_points_of(index), axis=1)
            result = cell_results(trainer, evaluator, self.mode, values)
            self.computed[index] = result
            if self.on_disk:
                self.work.write_chunk(index, result)
            if on_chunk is not None:
                on_chunk(len(values))

    def merged(self) -> np.ndarray:
        """``(N, 2)``: every cell's loss and stop step (:class:`LandscapeError` if a chunk is
        missing)."""
        missing = self.missing()
        if missing:
            raise LandscapeError(f"work directory {self.work.path}: {len(missing)} chunks are "
                                 "not computed yet; rerun the same command to finish them")
        values = np.concatenate([self.work.read_chunk(i) for i in range(self.chunk_count)])
        if values.shape != (self.total, 2):
            raise LandscapeError(f"work directory {self.work.path}: its chunks do not hold the "
                                 f"{self.total} cells of this map; rerun with --restart")
        return values


def start_loss(user: UserModel) -> PlaneLoss:
    """The evaluator of the model's data-set loss (its origin: the weights cells start at)."""
    origin = torch.nn.utils.parameters_to_vector(user.model.parameters()).detach()
    origin = origin.cpu().double().numpy()
    return PlaneLoss(user, origin, np.zeros_like(origin), np.zeros_like(origin))


def cell_results(trainer: CellTraining, evaluator: PlaneLoss, mode: str,
                 values: np.ndarray) -> np.ndarray:
    """``(k, 2)``: each cell's data-set loss after training (NaN when it stopped) and the step
    it stopped at (−1: none)."""
    trained = trainer.train(mode, values)
    live = torch.as_tensor(trained.stopped_at < 0, device=trained.thetas.device)
    loss = np.full(len(values), np.nan)
    if bool(live.any()):
        loss[trained.stopped_at < 0] = evaluator.of_states(
            trained.thetas[live], {name: value[live] for name, value in trained.buffers.items()},
            mode)
    return np.stack([loss, trained.stopped_at.astype(float)], axis=1)


def choose_mode(request: MapRequest, user: UserModel, spec: OptimizerSpec,
                axes: Sequence[SweepAxis]) -> str:
    """Batched when vmap trains the model and agrees with one copy at a time on the first
    two cells after one step, within :meth:`PlaneLoss.tolerance` × :data:`GROWTH` (the step's
    backward pass and update add a few roundings per layer); else one at a time."""
    if request.mode is not None:
        return request.mode
    probe = CellTraining(user, spec, [axis.name for axis in axes], 1, request.seed)
    evaluator = start_loss(user)
    values = np.array([[axes[0].values(request.res)[i], axes[1].values(request.res)[0]]
                       for i in (0, 1)])
    single = cell_results(probe, evaluator, POINTWISE, values)[:, 0]
    try:
        batched = cell_results(probe, evaluator, BATCHED, values)[:, 0]
    except Exception:  # noqa: BLE001 - anything vmap cannot do means: one at a time
        return POINTWISE
    tolerance = evaluator.tolerance() * GROWTH
    same = np.allclose(batched, single, rtol=tolerance, atol=tolerance, equal_nan=True)
    return BATCHED if same else POINTWISE


def chunk_cells(mode: str, evaluator: PlaneLoss, trainer: CellTraining,
                cells: np.ndarray) -> int:
    """Cells per chunk: one at a time :data:`POINTWISE_CELLS`; batched the chunk that trains
    fastest per cell (:meth:`CellTraining.fastest_chunk`, timed on the first of the map's
    ``cells``, their values ``(N, 2)``) among those :data:`CPU_CHUNK_BYTES` of training
    activations allow (on a GPU a quarter of its free memory), at most
    :data:`MAX_BATCHED_CELLS`."""
    if mode == POINTWISE:
        return POINTWISE_CELLS
    from landscape_app.core.fallback import free_bytes

    free = free_bytes(evaluator.device)
    budget = CPU_CHUNK_BYTES if free is None else free // 4
    per_cell = evaluator.bytes_per_point() * TRAIN_BYTES_FACTOR
    return trainer.fastest_chunk(cells, int(max(1, min(MAX_BATCHED_CELLS,
                                                         budget // per_cell))))


def _fingerprint(request: MapRequest, user: UserModel, spec: OptimizerSpec,
                 axes: Sequence[SweepAxis], data_sha256: str) -> dict:
    return {
        "model_file": str(user.source.path), "model_file_sha256": user.source.sha256,
        "function": user.source.function, "parameter_count": user.parameter_count,
        "data_sha256": data_sha256, "loss": user.loss_name, "batches": request.batches,
        "optimizer": spec.to_text(), "sweeps": [axis.to_text() for axis in axes],
        "res": request.res, "steps": request.steps, "map_seed": request.seed,
        "dtype": request.dtype,
    }


def _load(request: MapRequest, device: str | None) -> UserModel:
    user = load_user_model(request.model_file, choose_device(device or request.device),
                           request.batches)
    cast_user(user, DTYPES[request.dtype])
    return user


def _job_from(request: MapRequest, user: UserModel, decision: Decision, work: WorkDir,
              on_disk: bool = True, notes: list[str] | None = None) -> MapJob:
    manifest = decision.manifest
    if manifest.get("mode") not in (BATCHED, POINTWISE) or "data" not in manifest:
        raise LandscapeError(f"work directory {work.path}: damaged manifest; rerun with "
                             "--restart")
    axes = request.axes()
    return MapJob(request, user, request.spec(), axes, np.asarray(decision.plane["axis0"]),
                  np.asarray(decision.plane["axis1"]), manifest["mode"],
                  int(manifest["chunk_points"]), float(manifest["initial_loss"]), work,
                  decision, on_disk, notes=notes or [])


def open_map_job(request: MapRequest, work_dir: str | Path, restart: bool = False,
                 device: str | None = None) -> MapJob:
    """The deciding process's job: load the model file and the work directory; take over the
    decision stored there, or decide (weights, buffers, data digest, mode, chunk size) and
    write it.

    Raises
    ------
    LandscapeError
        A bad model file, optimizer or sweep, or a work directory made by a different run.
    """
    request = request.validated()
    spec, axes = request.spec(), request.axes()
    user = _load(request, device)
    work = WorkDir(work_dir)
    digest = data_digest(user)
    fingerprint = _fingerprint(request, user, spec, axes, digest["sha256"])
    if not restart and work.check(fingerprint) is not None:
        decision, notes = resume_decision(user, work)
        return _job_from(request, user, decision, work, notes=notes)
    evaluator = start_loss(user)
    initial_loss = evaluator.check_origin()
    mode = choose_mode(request, user, spec, axes)
    plane = {"axis0": axes[0].values(request.res), "axis1": axes[1].values(request.res)}
    trainer = CellTraining(user, spec, [axis.name for axis in axes], request.steps, request.seed)
    cells = np.stack([np.tile(plane["axis0"], request.res),
                      np.repeat(plane["axis1"], request.res)], axis=1)
    manifest = {"fingerprint": fingerprint, "data": digest, "mode": mode,
                "chunk_points": int(request.chunk or chunk_cells(mode, evaluator, trainer, cells)),
                "initial_loss": initial_loss, "device": describe_device(evaluator.device),
                "started": time.time()}
    decision = Decision(manifest, plane, model_state(user))
    work.start(decision, restart)
    return _job_from(request, user, decision, work)


def follow_map_job(request: MapRequest, decision: Decision, work_dir: str | Path,
                   device: str | None = None, who: str = "rank 1",
                   decider: str = "rank 0") -> MapJob:
    """Every other process's job: the file gives the architecture and the data, ``decision``
    the weights, buffers and chunks (:class:`LandscapeError` naming what differs)."""
    request = request.validated()
    user = _load(request, device)
    decided = decision.manifest.get("fingerprint", {})
    mine = {"model_file_sha256": user.source.sha256, "function": user.source.function,
            "parameter_count": user.parameter_count, "loss": user.loss_name,
            "batches": request.batches}
    differ = [FINGERPRINT_NAMES[key] for key in FOLLOWER_KEYS if mine[key] != decided.get(key)]
    if differ:
        raise LandscapeError(f"model file {user.source.label}: {who} and {decider} differ in "
                             f"{', '.join(differ)}")
    take_over(user, decision, who, decider)
    work = WorkDir(work_dir)
    return _job_from(request, user, decision, work,
                     on_disk=work.holds(decision.manifest.get("run", "")))


def map_outcome(job: MapJob, cells: np.ndarray, seconds: float, tolerance: float,
                processes: int = 1) -> OutcomeMap:
    """The map as the built-in sweeps' :class:`OutcomeMap` (same NPZ keys): ``loss`` the
    data-set loss after training; status diverged where the training loss became non-finite
    (``stopped_at`` that step) or the final loss is, converged where the loss is within
    ``tolerance`` of 0, else running (trained every step); ``final`` holds no weights
    (``(R, R, 0)``) and ``steps_to_tolerance`` is −1 (the data-set loss is taken once, after
    training)."""
    side = (len(job.axis1), len(job.axis0))
    loss, stopped = cells[:, 0], cells[:, 1].astype(np.int64)
    status = np.where(stopped >= 0, CellStatus.DIVERGED, np.where(
        ~np.isfinite(loss), CellStatus.DIVERGED,
        np.where(loss <= tolerance, CellStatus.CONVERGED, CellStatus.RUNNING)))
    user = job.user
    settings = {
        "kind": "sweep", "target": f"{user.source.path.name}:{user.source.function} "
        f"({type(user.model).__name__})", "model_file": str(user.source.path),
        "function": user.source.function, "model_file_sha256": user.source.sha256,
        "parameter_count": user.parameter_count, "samples": user.samples,
        "batches": len(user.batches), "loss_name": user.loss_name,
        "optimizer": job.spec.to_text(), "steps": job.request.steps, "tolerance": tolerance,
        "dtype": job.request.dtype, "res": job.request.res,
        "axes": [{"name": a.name, "log": a.log, "low": float(v[0]), "high": float(v[-1])}
                 for a, v in zip(job.axes, (job.axis0, job.axis1), strict=True)],
        "target_loss": tolerance, "initial_loss": job.initial_loss, "mode": job.mode,
        "chunk_points": job.chunk_points, "processes": processes,
        "seed": job.request.seed,
        "seeding": f"torch.manual_seed({job.request.seed}) before each cell's first step "
                   "(dropout masks: the same at step t in every cell)",
        "training": "step t: batch t mod B in order, train mode, the file's loss; loss: "
                    "the data-set loss after training (eval mode, batch means weighted by "
                    "batch size)",
    }
    return OutcomeMap(
        kind="sweep", axis0=job.axis0.astype(float), axis1=job.axis1.astype(float),
        axis_names=(job.axes[0].name, job.axes[1].name),
        axis_log=(job.axes[0].log, job.axes[1].log),
        final=np.zeros((*side, 0)), loss=loss.reshape(side), best_loss=loss.reshape(side),
        steps_to_tolerance=np.full(side, -1, dtype=np.int64),
        status=status.reshape(side).astype(np.int64),
        stopped_at=np.where(stopped >= 0, stopped, job.request.steps).reshape(side),
        basin=np.full(side, -1, dtype=np.int64), minima=np.zeros((0, 2)), seconds=seconds,
        device=describe_device(next(user.model.parameters()).device), steps=job.request.steps,
        tolerance=tolerance, settings=settings)


#: How ``run_single`` and ``run_distributed`` open and take over a map's job.
MAP = JobKind(open_map_job, follow_map_job)
