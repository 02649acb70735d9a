"""A trainability map of a user's model as a job of chunks (``map --model-file``).

Cell ``n = j·R + i`` trains a copy of the model with hyperparameter values
``(axis0[i], axis1[j])`` (:mod:`~landscape_app.core.usermodel.training`) and reports the
data-set loss after training as surfaces define it (eval mode, batch means weighted by batch
size: :meth:`~landscape_app.core.usermodel.evaluate.PlaneLoss.of_states`). The map is a kind
of :mod:`~landscape_app.core.usermodel.chunked_job` (:data:`MAP`), as a surface's grid is:
chunks of cells in the work directory (rows: the cell's loss, NaN for none, and the step it
stopped at, −1 for none), decided by one process (the weights and buffers every cell starts
from, the data's digest, how cells are trained) and taken over by the others, so the map does
not depend on how many processes computed it, and a rerun after a kill computes only the
missing chunks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import torch

from landscape_app.core.catalogue.map_checks import LAYER_LR_NAMES, check_side, check_sweep
from landscape_app.core.catalogue.stochastic_checks import STOCHASTIC_NAMES
from landscape_app.core.errors import LandscapeError
from landscape_app.core.maps.axes import SweepAxis, parse_sweep_axis
from landscape_app.core.maps.outcome import OutcomeMap
from landscape_app.core.optim.registry import OptimizerSpec, parse_optimizer_spec
from landscape_app.core.status import CellStatus
from landscape_app.core.usermodel.chunked_job import (
    Choice,
    ChunkedJob,
    JobKind,
    Placed,
    move_user,
)
from landscape_app.core.usermodel.contract import UserModel, load_user_model
from landscape_app.core.usermodel.decision import Decision
from landscape_app.core.usermodel.evaluate import BATCHED, GROWTH, POINTWISE, PlaneLoss
from landscape_app.core.usermodel.training import TRAINABLE, CellTraining
from landscape_app.core.usermodel.workdir import WorkDir

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

    @property
    def kind(self) -> MapKind:
        return MAP

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


@dataclass(kw_only=True)
class MapJob(ChunkedJob):
    """A prepared map (:class:`~landscape_app.core.usermodel.chunked_job.ChunkedJob`): cell
    ``j·R + i`` trains with ``(axis0[i], axis1[j])``; its row: the data-set loss after training
    (NaN for none) and the step it stopped at (−1: none)."""

    UNIT: ClassVar[str] = "cells"
    STAGE: ClassVar[str] = "the map"
    ROW: ClassVar[tuple[int, ...]] = (2,)

    request: MapRequest
    spec: OptimizerSpec
    axes: tuple[SweepAxis, SweepAxis]

    def trainer(self) -> CellTraining:
        return CellTraining(self.user, self.spec, [axis.name for axis in self.axes],
                            self.request.steps, self.request.seed)

    def tools(self) -> tuple[CellTraining, PlaneLoss]:
        return self.trainer(), start_loss(self.user)

    def compute_cells(self, placed: Placed, cells: np.ndarray) -> np.ndarray:
        trainer, evaluator = placed.tools
        return cell_results(trainer, evaluator, self.mode,
                            np.stack(self.cell_values(cells), axis=1))


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


class MapKind(JobKind):
    """A map's cells as a :class:`~landscape_app.core.usermodel.chunked_job.JobKind`."""

    def load(self, request: MapRequest, device: torch.device, deciding: bool) -> UserModel:
        user = load_user_model(request.model_file, device, request.batches)
        move_user(user, dtype=DTYPES[request.dtype])
        return user

    def fingerprint(self, request: MapRequest, user: UserModel, data_sha256: str) -> dict:
        return _fingerprint(request, user, request.spec(), request.axes(), data_sha256)

    def choose(self, request: MapRequest, user: UserModel) -> Choice:
        """Weights as they are; the mode and the cells per chunk."""
        axes = request.axes()
        evaluator = start_loss(user)
        initial_loss = evaluator.check_origin()
        spec = request.spec()
        mode = choose_mode(request, user, spec, axes)
        arrays = {"axis0": axes[0].values(request.res), "axis1": axes[1].values(request.res)}
        if request.chunk:
            return Choice(arrays, mode, request.chunk, initial_loss)
        trainer = CellTraining(user, spec, [axis.name for axis in axes], request.steps,
                               request.seed)
        cells = np.stack([np.tile(arrays["axis0"], request.res),
                          np.repeat(arrays["axis1"], request.res)], axis=1)
        return Choice(arrays, mode, chunk_cells(mode, evaluator, trainer, cells), initial_loss)

    def job(self, request: MapRequest, user: UserModel, device: torch.device,
            decision: Decision, work: WorkDir, on_disk: bool, notes: list[str]) -> MapJob:
        manifest = decision.manifest
        return MapJob(request=request, user=user, device=device, spec=request.spec(),
                      axes=request.axes(), axis0=np.asarray(decision.plane["axis0"]),
                      axis1=np.asarray(decision.plane["axis1"]), mode=manifest["mode"],
                      chunk_points=int(manifest["chunk_points"]),
                      initial_loss=float(manifest["initial_loss"]), work=work,
                      decision=decision, on_disk=on_disk, notes=notes)


#: Opens and follows a map's cells (``run_single`` and ``run_distributed`` take it from
#: :attr:`MapRequest.kind`).
MAP = MapKind()
open_map_job = MAP.open


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
        device=job.ran_on(), steps=job.request.steps,
        tolerance=tolerance, settings=settings)
