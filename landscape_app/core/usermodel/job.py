"""A user-model surface (``surface --model-file``) as a kind of job of chunks.

The deciding process (:data:`SURFACE`'s ``open``, :func:`open_job`) decides the origin weights
and buffers, the plane and the projected trajectory and how grid points are computed; the
grid's points (``values[j, i]`` at ``(alphas[i], betas[j])``, row-major) are the job's cells,
computed, resumed and merged as
:mod:`~landscape_app.core.usermodel.chunked_job` does for every kind.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import torch

from landscape_app.core.errors import LandscapeError
from landscape_app.core.grid import check_resolution
from landscape_app.core.nn.arrays import plane_arrays
from landscape_app.core.nn.directions import Plane
from landscape_app.core.nn.surface import plane_ranges
from landscape_app.core.usermodel.checkpoints import (
    CHECKPOINT_RANGE,
    check_checkpoint_request,
    checkpoint_fingerprint,
    checkpoint_plane_arrays,
    checkpoint_surface_arrays,
    fitted_state,
    load_into,
    plane_loss,
)
from landscape_app.core.usermodel.chunked_job import Choice, ChunkedJob, JobKind, Placed
from landscape_app.core.usermodel.contract import UserModel, load_user_model
from landscape_app.core.usermodel.decision import Decision
from landscape_app.core.usermodel.evaluate import PlaneLoss
from landscape_app.core.usermodel.user_planes import (
    checkpoint_vectors,
    flat_parameters,
    make_user_plane,
)
from landscape_app.core.usermodel.workdir import WorkDir


@dataclass(frozen=True)
class SurfaceRequest:
    """What ``surface --model-file`` was asked for (the command's options)."""

    model_file: str
    directions: str = "random"
    seed: int = 0
    include_bias: bool = False
    trajectory: tuple[str, ...] = ()
    resolution: int = 51
    range: tuple[float, float, float, float] | None = None
    batches: int | None = None
    device: str = "auto"
    chunk: int | None = None
    checkpoints: tuple[str, ...] = ()
    bn_recompute: bool = False

    def validated(self) -> SurfaceRequest:
        check_resolution(self.resolution)
        if self.range is not None:
            a0, a1, b0, b1 = self.range
            if not all(np.isfinite(self.range)) or a0 >= a1 or b0 >= b1:
                raise LandscapeError(f"--range {','.join(map(str, self.range))}: expected "
                                     "finite A0,A1,B0,B1 with A0 < A1 and B0 < B1")
        if self.chunk is not None and self.chunk < 1:
            raise LandscapeError(f"--chunk {self.chunk}: must be at least 1")
        if self.trajectory and self.directions != "pca":
            raise LandscapeError("--trajectory gives the paths of --directions pca; add "
                                 "--directions pca")
        check_checkpoint_request(self.directions, self.checkpoints, self.bn_recompute)
        return self

    @property
    def kind(self) -> SurfaceKind:
        return SURFACE


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(kw_only=True)
class SurfaceJob(ChunkedJob):
    """A prepared grid (:class:`~landscape_app.core.usermodel.chunked_job.ChunkedJob`): the
    value at ``(alphas[i], betas[j])`` is cell ``j·R + i``; ``path``: the projected
    trajectory's arrays."""

    UNIT: ClassVar[str] = "grid points"
    STAGE: ClassVar[str] = "the grid"

    request: SurfaceRequest
    plane: Plane
    path: dict[str, np.ndarray]

    @property
    def alphas(self) -> np.ndarray:
        return self.axis0

    @property
    def betas(self) -> np.ndarray:
        return self.axis1

    def evaluator(self) -> PlaneLoss:
        return plane_loss(self.user, self.decision.plane)

    def tools(self) -> PlaneLoss:
        return self.evaluator()

    def compute_cells(self, placed: Placed, cells: np.ndarray) -> np.ndarray:
        return placed.tools.evaluate(self.mode, *self.cell_values(cells))

    def merged(self) -> np.ndarray:
        """``(R, R)``: every chunk's values in place (:class:`LandscapeError` if any is
        missing)."""
        return super().merged().reshape(len(self.betas), len(self.alphas))


def _fingerprint(request: SurfaceRequest, user: UserModel, data_sha256: str) -> dict:
    trajectory = []
    for path in request.trajectory:
        try:
            trajectory.append(_sha256(Path(path).read_bytes()))
        except OSError as error:
            raise LandscapeError(f"--trajectory {path}: {error.strerror or error}") from None
    return {
        "model_file": str(user.source.path),
        "model_file_sha256": user.source.sha256,
        "function": user.source.function,
        "parameter_count": user.parameter_count,
        "data_sha256": data_sha256,
        "loss": user.loss_name,
        "batches": request.batches,
        "grid": request.resolution,
        "range": list(request.range) if request.range is not None else None,
        "directions": request.directions,
        "seed": request.seed if request.directions not in ("pca", "checkpoints") else None,
        "include_bias": request.include_bias if request.directions == "random" else None,
        "trajectory_sha256": trajectory,
        **checkpoint_fingerprint(request.checkpoints, request.bn_recompute),
    }


def _checkpoint_steps(paths: Sequence[str]) -> np.ndarray:
    """The number in each checkpoint's name (``ckpt_010.pt`` → 10), else 0, 1, 2, …"""
    import re

    numbers = [re.findall(r"\d+", Path(path).stem) for path in paths]
    if all(numbers):
        steps = [int(found[-1]) for found in numbers]
        if len(set(steps)) == len(steps):
            return np.array(steps)
    return np.arange(len(paths))


def _prepare_plane(request: SurfaceRequest, user: UserModel, evaluator_for) -> dict:
    """The plane and the projected trajectory as arrays (what ``plane.npz`` holds)."""
    if request.directions == "checkpoints":
        arrays = checkpoint_plane_arrays(user, request.checkpoints, request.bn_recompute)
        a0, a1, b0, b1 = request.range or (*CHECKPOINT_RANGE, *CHECKPOINT_RANGE)
        arrays["alphas"] = np.linspace(a0, a1, request.resolution)
        arrays["betas"] = np.linspace(b0, b1, request.resolution)
        return arrays
    trajectory = (checkpoint_vectors(user, request.trajectory) if request.trajectory
                  else None)
    plane = make_user_plane(user, request.directions, seed=request.seed,
                            include_bias=request.include_bias, trajectory=trajectory)
    arrays = plane_arrays(plane)
    if trajectory is not None:
        coords, distances = plane.project(trajectory)
        evaluator = evaluator_for(plane)
        on_plane = plane.origin + coords @ plane.basis.T
        arrays.update(path_steps=_checkpoint_steps(request.trajectory), path_coords=coords,
                      path_distances=distances, path_losses=evaluator.at(trajectory),
                      path_plane_losses=evaluator.at(on_plane))
    if request.range is not None:
        a0, a1, b0, b1 = request.range
        alpha_range, beta_range = (a0, a1), (b0, b1)
    elif trajectory is not None:
        coords = arrays["path_coords"]
        alpha_range, beta_range = plane_ranges(coords, 0.25, anchors=coords[[0, -1]])
    else:
        alpha_range, beta_range = (-1.0, 1.0), (-1.0, 1.0)
    arrays["alphas"] = np.linspace(*alpha_range, request.resolution)
    arrays["betas"] = np.linspace(*beta_range, request.resolution)
    return arrays


def _plane_of(arrays: dict) -> Plane:
    variance, eigen = arrays["explained_variance"], arrays["eigenvalues"]
    return Plane(arrays["origin"], arrays["d1"], arrays["d2"], str(arrays["method"]),
                 explained_variance=None if np.isnan(variance).all() else tuple(variance),
                 eigenvalues=None if np.isnan(eigen).all() else tuple(eigen))


class SurfaceKind(JobKind):
    """A surface's grid as a :class:`~landscape_app.core.usermodel.chunked_job.JobKind`."""

    def load(self, request: SurfaceRequest, device: torch.device,
             deciding: bool) -> UserModel:
        user = load_user_model(request.model_file, device, request.batches)
        if deciding and request.directions == "checkpoints":  # A's weights are the origin
            load_into(user, fitted_state(user, request.checkpoints[0], "--checkpoints"))
        return user

    def fingerprint(self, request: SurfaceRequest, user: UserModel, data_sha256: str) -> dict:
        return _fingerprint(request, user, data_sha256)

    def choose(self, request: SurfaceRequest, user: UserModel) -> Choice:
        """Origin, plane, mode and chunk size, from the model as it is."""
        origin = np.asarray(flat_parameters(user))
        initial_loss = PlaneLoss(user, origin, np.zeros_like(origin),
                                 np.zeros_like(origin)).check_origin()
        arrays = _prepare_plane(request, user, lambda plane: PlaneLoss(
            user, plane.origin, plane.d1, plane.d2))
        evaluator = plane_loss(user, arrays)
        mode = evaluator.choose_mode()
        return Choice(arrays, mode, request.chunk or evaluator.chunk_points(mode),
                      initial_loss)

    def job(self, request: SurfaceRequest, user: UserModel, device: torch.device,
            decision: Decision, work: WorkDir, on_disk: bool, notes: list[str]) -> SurfaceJob:
        manifest, arrays = decision.manifest, decision.plane
        origin = np.asarray(arrays["origin"])
        PlaneLoss(user, origin, np.zeros_like(origin), np.zeros_like(origin)).check_origin()
        return SurfaceJob(
            request=request, user=user, device=device, plane=_plane_of(arrays),
            axis0=arrays["alphas"], axis1=arrays["betas"], mode=manifest["mode"],
            chunk_points=int(manifest["chunk_points"]),
            initial_loss=float(manifest["initial_loss"]),
            path={key: arrays[key] for key in arrays if key.startswith("path_")}, work=work,
            decision=decision, on_disk=on_disk, notes=notes)


#: Opens and follows a surface's grid (``run_single`` and ``run_distributed`` take it from
#: :attr:`SurfaceRequest.kind`).
SURFACE = SurfaceKind()
open_job = SURFACE.open
follow_job = SURFACE.follow


def trajectory_sharpness(job: SurfaceJob, every: int = 1) -> dict[str, np.ndarray]:
    """λ_max of the data-set loss's Hessian at every ``every``-th ``--trajectory`` checkpoint
    (``job`` must have some: the ``surface`` command refuses ``--sharpness`` without them)
    (the first always; NaN between), as ``path_sharpness``; the threshold and the
    preconditioned sharpness need the optimizer that trained the model, which the
    checkpoints do not hold, so theirs are NaN. Lanczos on Hessian-vector products
    (:func:`~landscape_app.core.sharpness.hessian_spectrum`), warm-started from the previous
    checkpoint's top eigenvector; the model in eval mode, its buffers the origin's."""
    from landscape_app.core.nn.arrays import SHARPNESS_KEYS
    from landscape_app.core.sharpness import hessian_spectrum
    from landscape_app.core.usermodel.user_planes import DataSetLoss

    loss = DataSetLoss(job.user)
    points = checkpoint_vectors(job.user, job.request.trajectory)
    sharpness = np.full(len(points), np.nan)
    vector = None
    for index in range(0, len(points), every):
        spectrum = hessian_spectrum(loss.evaluate, loss.as_tensor(points[index]), 1, vector)
        sharpness[index], vector = spectrum.top, spectrum.vector
    nan = np.full(len(points), np.nan)
    return dict(zip(SHARPNESS_KEYS, (sharpness, nan, nan.copy()), strict=True))


def surface_arrays(job: SurfaceJob, values: np.ndarray, seconds: float,
                   processes: int = 1, sharpness_every: int | None = None,
                   ) -> dict[str, np.ndarray]:
    """The NPZ of a user-model surface, with the built-in surfaces' keys (see
    :mod:`landscape_app.core.nn.arrays`); the trajectory (``pca``) is its one lane, and with
    ``sharpness_every`` its :func:`trajectory_sharpness`."""
    plane, user, path = job.plane, job.user, job.path
    lanes = ["trajectory"] if path else []
    count = len(path.get("path_steps", ()))
    description = f"{user.source.path.name}:{user.source.function} ({type(user.model).__name__})"
    metadata = {
        "kind": "usermodel", "description": description,
        "model_file": str(user.source.path), "function": user.source.function,
        "model_file_sha256": user.source.sha256, "parameter_count": user.parameter_count,
        "samples": user.samples, "batches": len(user.batches), "loss": user.loss_name,
        "plane": plane.describe(), "mode": job.mode, "chunk_points": job.chunk_points,
        "processes": processes, "seed": job.request.seed,
        "include_bias": job.request.include_bias, "trajectory": list(job.request.trajectory),
        "checkpoints": list(job.request.checkpoints),
    }
    empty = np.zeros(0)
    return {
        "values": values,
        "alphas": job.alphas,
        "betas": job.betas,
        **plane_arrays(plane),
        "device": np.array(job.ran_on()),
        "seconds": np.array(seconds),
        "initial_loss": np.array(job.initial_loss),
        "origin_label": np.array("the model file's weights"),
        "lane_labels": np.array(lanes, dtype=str),
        "lane_specs": np.array(["checkpoints" for _ in lanes], dtype=str),
        "lane_status": np.array(["finished" for _ in lanes], dtype=str),
        "lane_messages": np.array(["" for _ in lanes], dtype=str),
        "lane_offsets": np.array([0, count] if lanes else [0]),
        "path_steps": path.get("path_steps", empty.astype(int)),
        "path_evals": path.get("path_steps", empty.astype(int)),
        "path_coords": path.get("path_coords", np.zeros((0, 2))),
        "path_losses": path.get("path_losses", empty),
        "path_plane_losses": path.get("path_plane_losses", empty),
        "path_distances": path.get("path_distances", empty),
        "interp_ts": empty,
        "interp_losses": np.zeros((len(lanes), 0)),
        "metadata": np.array(json.dumps(metadata)),
        **checkpoint_surface_arrays(job.decision.plane, metadata, job.evaluator()),
        **({} if sharpness_every is None else trajectory_sharpness(job, sharpness_every)),
    }
