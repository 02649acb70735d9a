"""A user-model surface as a job of chunks: decide once, compute any subset, merge.

:func:`open_job` is the deciding process's (the single process, the one ``--workers`` was
given to, or rank 0 under torchrun): it loads the model file, checks the work directory against
this run's fingerprint and either takes over the decision stored there (a resumed run) or
decides — the origin weights and buffers, the plane and the projected trajectory, the data's
digest, how chunks are computed — and writes it. :func:`follow_job` is every other process's:
it loads the model file for the architecture and the data and takes over a given
:class:`~landscape_app.core.usermodel.decision.Decision`.
The grid's points (``values[j, i]`` at ``(alphas[i], betas[j])``, row-major) are cut into
chunks of a fixed size recorded in the manifest, so every process, and every rerun, computes
the same chunk the same way: the merged grid does not depend on how many processes computed it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from landscape_app.core.device import choose_device, describe_device
from landscape_app.core.errors import LandscapeError
from landscape_app.core.fallback import DeviceFallback
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
from landscape_app.core.usermodel.contract import UserModel, load_user_model
from landscape_app.core.usermodel.decision import (
    Decision,
    architecture_difference,
    data_digest,
    load_state,
    model_state,
    take_over,
    weights_difference,
)
from landscape_app.core.usermodel.evaluate import BATCHED, POINTWISE, PlaneLoss
from landscape_app.core.usermodel.user_planes import checkpoint_vectors, make_user_plane
from landscape_app.core.usermodel.workdir import FINGERPRINT_NAMES, ORIGIN, WorkDir


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


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class SurfaceJob:
    """A prepared grid: the model, the plane, the grid's axes, how chunks are computed.

    ``on_disk``: chunks are written to ``work`` (False for a rank whose work directory is not
    the deciding process's, on another machine); every chunk computed is also kept in
    ``computed`` (for rank 0 to gather). ``notes``: what the user should know (printed)."""

    request: SurfaceRequest
    user: UserModel
    plane: Plane
    alphas: np.ndarray
    betas: np.ndarray
    mode: str
    chunk_points: int
    initial_loss: float
    path: dict[str, np.ndarray]
    work: WorkDir
    decision: Decision
    on_disk: bool = True
    computed: dict[int, np.ndarray] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.alphas) * len(self.betas)

    @property
    def chunk_count(self) -> int:
        return -(-self.total // self.chunk_points)

    def chunk_points_of(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """(α, β) of the points of chunk ``index`` (row-major over ``values[j, i]``)."""
        begin = index * self.chunk_points
        flat = np.arange(begin, min(begin + self.chunk_points, self.total))
        rows, columns = np.divmod(flat, len(self.alphas))
        return self.alphas[columns], self.betas[rows]

    def missing(self) -> list[int]:
        done = self.work.done()
        return [index for index in range(self.chunk_count) if index not in done]

    def evaluator(self) -> PlaneLoss:
        return plane_loss(self.user, self.decision.plane)

    def compute(self, indices: Sequence[int], on_chunk: Callable[[int], None] | None = None,
                ) -> None:
        """Compute the chunks ``indices`` and write each to the work directory when done."""
        evaluator = self.evaluator()
        # A chunk that runs out of GPU memory (CUDA or MPS) is computed in halves.
        split = DeviceFallback(evaluator, evaluator.device)
        for index in indices:
            alphas, betas = self.chunk_points_of(index)
            count = len(alphas)
            values = split.chunked(
                lambda placed, begin, end, a=alphas, b=betas: placed.evaluate(
                    self.mode, a[begin:end], b[begin:end]),
                count, lambda placed, n=count: n, "the grid", "grid points")
            self.computed[index] = values
            if self.on_disk:
                self.work.write_chunk(index, values)
            if on_chunk is not None:
                on_chunk(len(alphas))

    def merged(self) -> np.ndarray:
        """``(R, R)``: every chunk's values in place (:class:`LandscapeError` if any is
        missing)."""
        missing = self.missing()
        if missing:
            raise LandscapeError(f"work directory {self.work.path}: {len(missing)} chunks are "
                                 "not computed yet; rerun the same command to finish them")
        values = np.concatenate([self.work.read_chunk(i) for i in range(self.chunk_count)])
        if values.size != self.total:
            raise LandscapeError(f"work directory {self.work.path}: its chunks hold "
                                 f"{values.size} values for {self.total} grid points; rerun "
                                 "with --restart")
        return values.reshape(len(self.betas), len(self.alphas))


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


#: Fingerprint keys a process that follows the decision must share with it (paths and
#: trajectory files may differ between machines; the followers do not read checkpoints).
FOLLOWER_KEYS = ("model_file_sha256", "function", "parameter_count", "loss", "batches")


def _job_from(request: SurfaceRequest, user: UserModel, decision: Decision, work: WorkDir,
              on_disk: bool = True, notes: list[str] | None = None) -> SurfaceJob:
    """The job of ``decision``, whose weights ``user``'s model now holds."""
    manifest, arrays = decision.manifest, decision.plane
    if manifest.get("mode") not in (BATCHED, POINTWISE) or "data" not in manifest:
        raise LandscapeError(f"work directory {work.path}: damaged manifest; rerun with "
                             "--restart")
    origin = np.asarray(arrays["origin"])
    PlaneLoss(user, origin, np.zeros_like(origin), np.zeros_like(origin)).check_origin()
    path = {key: arrays[key] for key in arrays if key.startswith("path_")}
    return SurfaceJob(request, user, _plane_of(arrays), arrays["alphas"], arrays["betas"],
                      manifest["mode"], int(manifest["chunk_points"]),
                      float(manifest["initial_loss"]), path, work, decision, on_disk,
                      notes=notes or [])


def resume_decision(user: UserModel, work: WorkDir) -> tuple[Decision, list[str]]:
    """The work directory's decision, loaded into ``user``'s model: its weights are the run's
    truth (a note says so when the model file now gives other ones)."""
    decision = work.decision()
    different = architecture_difference(user, decision.state)
    if different is not None:
        raise LandscapeError(f"work directory {work.path} holds points of a different run: "
                             f"the model's parameters changed ({different}); rerun with "
                             "--restart to discard them, or choose another --work-dir")
    gap = weights_difference(user, decision.state)
    notes = []
    if gap:
        notes.append(f"work directory {work.path}: the model file now gives weights that differ "
                     f"from this run's by up to {gap:.3g}; the run goes on with the weights it "
                     f"started with ({ORIGIN}), so every point is of one model (--restart "
                     "starts over with the new ones)")
    load_state(user, decision.state)
    return decision, notes


def _decide(request: SurfaceRequest, user: UserModel, fingerprint: dict,
            digest: dict) -> Decision:
    """This process's model, as it is, decides the run: origin, plane, mode and chunk size."""
    origin = np.asarray(_flat(user))
    initial_loss = PlaneLoss(user, origin, np.zeros_like(origin),
                             np.zeros_like(origin)).check_origin()
    arrays = _prepare_plane(request, user, lambda plane: PlaneLoss(
        user, plane.origin, plane.d1, plane.d2))
    evaluator = plane_loss(user, arrays)
    mode = evaluator.choose_mode()
    chunk = request.chunk or evaluator.chunk_points(mode)
    manifest = {"fingerprint": fingerprint, "data": digest, "mode": mode,
                "chunk_points": int(chunk), "initial_loss": initial_loss,
                "device": describe_device(evaluator.device), "started": time.time()}
    return Decision(manifest, arrays, model_state(user))


def _flat(user: UserModel) -> np.ndarray:
    from landscape_app.core.usermodel.user_planes import flat_parameters

    return flat_parameters(user)


def open_job(request: SurfaceRequest, work_dir: str | Path, restart: bool = False,
             device: str | None = None) -> SurfaceJob:
    """The deciding process's job: load the model file and the work directory; take over the
    decision stored there, or decide and write it.

    Parameters
    ----------
    request : SurfaceRequest
    work_dir : path
    restart : bool
        Discard an existing work directory first.
    device : str, optional
        Overrides ``request.device`` (a distributed rank's own GPU).

    Raises
    ------
    LandscapeError
        A bad model file, or a work directory made by a different run.
    """
    request = request.validated()
    user = load_user_model(request.model_file, choose_device(device or request.device),
                           request.batches)
    if request.directions == "checkpoints":  # A's weights and buffers are the run's origin
        load_into(user, fitted_state(user, request.checkpoints[0], "--checkpoints"))
    work = WorkDir(work_dir)
    digest = data_digest(user)
    fingerprint = _fingerprint(request, user, digest["sha256"])
    if not restart and work.check(fingerprint) is not None:
        decision, notes = resume_decision(user, work)
        return _job_from(request, user, decision, work, notes=notes)
    decision = _decide(request, user, fingerprint, digest)
    work.start(decision, restart)
    return _job_from(request, user, decision, work)


def follow_job(request: SurfaceRequest, decision: Decision, work_dir: str | Path,
               device: str | None = None, who: str = "rank 1",
               decider: str = "rank 0") -> SurfaceJob:
    """Every other process's job: the model file gives the architecture and the data, the
    ``decision`` (``decider``'s) the weights, buffers, plane and chunks.

    Raises
    ------
    LandscapeError
        ``who``'s model file, model or data differ from ``decider``'s (naming what differs).
    """
    request = request.validated()
    user = load_user_model(request.model_file, choose_device(device or request.device),
                           request.batches)
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
        "device": np.array(describe_device(job.evaluator().device)),
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
