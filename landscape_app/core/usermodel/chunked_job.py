"""A run on a user's model as a job of chunks — a surface's grid or a map's cells — in one place.

A :class:`JobKind` says what differs between kinds: how the model file is loaded, what the run's
fingerprint holds, what the deciding process decides (the arrays of ``plane.npz``, the way
cells are computed and the cells per chunk) and which :class:`ChunkedJob` it makes. Everything
else is here, once:

- :meth:`JobKind.open` is the deciding process's (the single process, the one ``--workers``
  was given to, or rank 0 under torchrun): it loads the model file, checks the work directory
  against this run's fingerprint and either takes over the decision stored there (a resumed
  run, :func:`resume_decision`) or decides and writes it. :meth:`JobKind.follow` is every
  other process's: the file gives the architecture and the data, the decision the weights.
- :class:`ChunkedJob`: cell ``n = j·R + i`` is ``(axis0[i], axis1[j])``, row-major. The cells
  are cut into chunks of a size fixed in the manifest, so every process, and every rerun,
  computes the same chunk the same way: the merged result does not depend on how many
  processes computed it. A chunk is computed through the one out-of-memory fall-back
  (:meth:`~landscape_app.core.fallback.DeviceFallback.each_chunk`: halved on a GPU that runs
  out of memory, the rest moved to the CPU when one cell does not fit, :meth:`ChunkedJob.ran_on`
  saying so), written atomically to the work directory when done, and merged at the end.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, NamedTuple, Protocol

import numpy as np
import torch

from landscape_app.core.device import choose_device, describe_device
from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.core.fallback import CPU, DeviceFallback
from landscape_app.core.progress import CancelPoll
from landscape_app.core.usermodel.contract import UserModel
from landscape_app.core.usermodel.decision import (
    Decision,
    architecture_difference,
    data_digest,
    load_state,
    model_state,
    take_over,
    weights_difference,
)
from landscape_app.core.usermodel.evaluate import BATCHED, POINTWISE
from landscape_app.core.usermodel.workdir import FINGERPRINT_NAMES, ORIGIN, WorkDir

#: Fingerprint keys a process that follows the decision must share with it (paths and
#: trajectory files may differ between machines; the followers do not read checkpoints).
FOLLOWER_KEYS = ("model_file_sha256", "function", "parameter_count", "loss", "batches")


def move_user(user: UserModel, device: torch.device | None = None,
              dtype: torch.dtype | None = None) -> None:
    """The model's parameters and buffers and the batches on ``device``; with ``dtype`` the
    floating ones of the model and of the inputs in ``dtype`` (in place; None: unchanged)."""
    user.model.to(device=device, dtype=dtype)

    def moved(value, cast: bool):
        if isinstance(value, torch.Tensor):
            floating = cast and value.is_floating_point()
            return value.to(device=device, dtype=dtype if floating else None)
        if isinstance(value, (tuple, list)):
            return type(value)(moved(item, cast) for item in value)
        return value

    user.batches = [(moved(inputs, True), moved(targets, False))
                    for inputs, targets in user.batches]


class Placed(NamedTuple):
    """A job's tools (its kind's evaluators of the model) and the device they compute on
    (the job's own device object: a stand-in for a GPU is told apart from the CPU)."""

    device: torch.device
    tools: Any


@dataclass(kw_only=True)
class ChunkedJob(ABC):
    """A prepared run: the model (at the run's weights) on ``device``, the cells, how chunks
    are computed.

    ``on_disk``: chunks are written to ``work`` (False for a rank whose work directory is not
    the deciding process's, on another machine); every chunk computed is also kept in
    ``computed`` (for rank 0 to gather). ``notes``: what the user should know (printed)."""

    #: How :meth:`ran_on` names the cells and their stage, and the shape of one cell's row.
    UNIT: ClassVar[str]
    STAGE: ClassVar[str]
    ROW: ClassVar[tuple[int, ...]] = ()

    user: UserModel
    device: torch.device
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
    fallback: DeviceFallback | None = field(default=None, repr=False)

    # -- what a kind defines -----------------------------------------------------------------
    @abstractmethod
    def tools(self) -> Any:
        """The kind's evaluators of the model where it is now."""

    @abstractmethod
    def compute_cells(self, placed: Placed, cells: np.ndarray) -> np.ndarray:
        """One row per cell of ``cells`` (flat indices), computed with ``placed.tools``."""

    # -- the cells and chunks ----------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self.axis0) * len(self.axis1)

    @property
    def chunk_count(self) -> int:
        return -(-self.total // self.chunk_points)

    def cell_values(self, cells: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The two axes' values of ``cells`` (flat indices ``j·R + i``; default every cell,
        row-major)."""
        cells = np.arange(self.total) if cells is None else cells
        rows, columns = np.divmod(cells, len(self.axis0))
        return self.axis0[columns], self.axis1[rows]

    def chunk_cells(self, index: int) -> np.ndarray:
        """The flat indices of chunk ``index``'s cells."""
        begin = index * self.chunk_points
        return np.arange(begin, min(begin + self.chunk_points, self.total))

    def missing(self) -> list[int]:
        done = self.work.done()
        return [index for index in range(self.chunk_count) if index not in done]

    # -- computing ---------------------------------------------------------------------------
    def compute(self, indices: Sequence[int], on_chunk: Callable[[int], None] | None = None,
                cancelled: CancelPoll | None = None) -> None:
        """Compute the chunks ``indices``; write each to the work directory when done and tell
        ``on_chunk(cells)``. ``cancelled()`` is polled before every piece of work (true:
        :class:`CancelledError`; the chunks written so far stay for a rerun)."""
        if self.fallback is None:
            self.fallback = DeviceFallback(
                Placed(self.device, self.tools()), self.device,
                None if self.device == CPU else self._on_cpu, describe_device(self.device))
        pieces: dict[int, list[np.ndarray]] = {}

        def work(placed: Placed, cells: np.ndarray) -> np.ndarray:
            if cancelled is not None and cancelled():
                raise CancelledError("cancelled; rerun the same command to finish")
            return np.asarray(self.compute_cells(placed, cells), dtype=np.float64)

        def take(cells: np.ndarray, values: np.ndarray) -> None:
            index = int(cells[0]) // self.chunk_points
            pieces.setdefault(index, []).append(values)
            if int(cells[-1]) + 1 == min((index + 1) * self.chunk_points, self.total):
                self._finish(index, np.concatenate(pieces.pop(index)), on_chunk)

        self.fallback.each_chunk(work, [self.chunk_cells(index) for index in indices],
                                 lambda placed: self.chunk_points, take, self.STAGE, self.UNIT)

    def _finish(self, index: int, values: np.ndarray,
                on_chunk: Callable[[int], None] | None) -> None:
        self.computed[index] = values
        if self.on_disk:
            self.work.write_chunk(index, values)
        if on_chunk is not None:
            on_chunk(len(values))

    def _on_cpu(self, device: torch.device) -> Placed:
        """The model and its data moved to ``device`` (the CPU), with tools there."""
        move_user(self.user, device)
        return Placed(device, self.tools())

    def ran_on(self) -> str:
        """Where this process computed: ``CUDA (…)``, or ``CUDA (…) for 20 of 36 cells, then
        CPU`` after a fall-back."""
        if self.fallback is None:
            return describe_device(self.device)
        return self.fallback.describe(self.STAGE)

    def merged(self) -> np.ndarray:
        """``(N, *ROW)``: every cell's row in order (:class:`LandscapeError` if a chunk is
        missing or the chunks do not hold this run's cells)."""
        missing = self.missing()
        if missing:
            raise LandscapeError(f"work directory {self.work.path}: {len(missing)} chunks are "
                                 "not computed yet; rerun the same command to finish them")
        values = np.concatenate([self.work.read_chunk(i) for i in range(self.chunk_count)])
        if values.shape != (self.total, *self.ROW):
            raise LandscapeError(f"work directory {self.work.path}: its chunks do not hold the "
                                 f"{self.total} {self.UNIT} of this run; rerun with --restart")
        return values


class Choice(NamedTuple):
    """What the deciding process chose: the arrays of ``plane.npz`` (with the axes), the way
    cells are computed, cells per chunk and the loss at the run's weights."""

    arrays: dict[str, np.ndarray]
    mode: str
    chunk_points: int
    initial_loss: float


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


class JobRequest(Protocol):
    """What a run was asked for (a surface's or a map's request): its kind among them."""

    model_file: str
    device: str
    batches: int | None

    @property
    def kind(self) -> JobKind: ...

    def validated(self) -> JobRequest: ...


def job_device(device: str | torch.device) -> torch.device:
    """``auto``, ``cpu``, ``cuda``, ``mps``, or a device as it is."""
    return device if isinstance(device, torch.device) else choose_device(device)


class JobKind(ABC):
    """A kind of job (see the module docstring): the hooks below, and opening and following
    a run, the same for every kind."""

    @abstractmethod
    def load(self, request: JobRequest, device: torch.device, deciding: bool) -> UserModel:
        """The model file's model and data on ``device``; ``deciding``: with the weights the
        run starts from (the other processes take the decided ones over)."""

    @abstractmethod
    def fingerprint(self, request: JobRequest, user: UserModel, data_sha256: str) -> dict:
        """What makes two runs the same run (a rerun with another one is refused)."""

    @abstractmethod
    def choose(self, request: JobRequest, user: UserModel) -> Choice:
        """The deciding process's choice, made with the model as it is."""

    @abstractmethod
    def job(self, request: JobRequest, user: UserModel, device: torch.device, decision: Decision,
            work: WorkDir, on_disk: bool, notes: list[str]) -> ChunkedJob:
        """The job of ``decision``, whose weights ``user``'s model now holds."""

    def _job(self, request, user, device, decision, work, on_disk=True, notes=None):
        manifest = decision.manifest
        if manifest.get("mode") not in (BATCHED, POINTWISE) or "data" not in manifest:
            raise LandscapeError(f"work directory {work.path}: damaged manifest; rerun with "
                                 "--restart")
        return self.job(request, user, device, decision, work, on_disk, notes or [])

    def open(self, request: JobRequest, work_dir: str | Path, restart: bool = False,
             device: str | torch.device | None = None) -> ChunkedJob:
        """The deciding process's job: load the model file and the work directory; take over
        the decision stored there, or decide and write it.

        ``restart`` discards an existing work directory first; ``device`` overrides
        ``request.device`` (a distributed rank's own GPU).

        Raises
        ------
        LandscapeError
            A bad model file or request, or a work directory made by a different run.
        """
        import time

        request = request.validated()
        placed = job_device(device or request.device)
        user = self.load(request, placed, deciding=True)
        work = WorkDir(work_dir)
        digest = data_digest(user)
        fingerprint = self.fingerprint(request, user, digest["sha256"])
        if not restart and work.check(fingerprint) is not None:
            decision, notes = resume_decision(user, work)
            return self._job(request, user, placed, decision, work, notes=notes)
        choice = self.choose(request, user)
        manifest = {"fingerprint": fingerprint, "data": digest, "mode": choice.mode,
                    "chunk_points": int(choice.chunk_points),
                    "initial_loss": choice.initial_loss, "device": describe_device(placed),
                    "started": time.time()}
        decision = Decision(manifest, choice.arrays, model_state(user))
        work.start(decision, restart)
        return self._job(request, user, placed, decision, work)

    def follow(self, request: JobRequest, decision: Decision, work_dir: str | Path,
               device: str | torch.device | None = None, who: str = "rank 1",
               decider: str = "rank 0") -> ChunkedJob:
        """Every other process's job: the model file gives the architecture and the data,
        ``decision`` (``decider``'s) the weights, buffers, axes and chunks.

        Raises
        ------
        LandscapeError
            ``who``'s model file, model or data differ from ``decider``'s (naming what).
        """
        request = request.validated()
        placed = job_device(device or request.device)
        user = self.load(request, placed, deciding=False)
        decided = decision.manifest.get("fingerprint", {})
        mine = {"model_file_sha256": user.source.sha256, "function": user.source.function,
                "parameter_count": user.parameter_count, "loss": user.loss_name,
                "batches": request.batches}
        differ = [FINGERPRINT_NAMES[key] for key in FOLLOWER_KEYS
                  if mine[key] != decided.get(key)]
        if differ:
            raise LandscapeError(f"model file {user.source.label}: {who} and {decider} differ "
                                 f"in {', '.join(differ)}")
        take_over(user, decision, who, decider)
        work = WorkDir(work_dir)
        return self._job(request, user, placed, decision, work,
                         on_disk=work.holds(decision.manifest.get("run", "")))
