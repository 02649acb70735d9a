"""Computing a job's chunks in one process, or in every process ``torchrun`` started.

Under ``torchrun`` (``RANK``/``WORLD_SIZE`` in the environment) the processes form a
``torch.distributed`` group (gloo on CPUs; NCCL for tensors on GPUs with a gloo group for the
small control messages). Rank 0 decides the run (:func:`~landscape_app.core.usermodel.job.
open_job`; started by ``--workers``, it takes over what the launching process decided) and
sends everyone the decision (weights and buffers, plane, data digest) and the chunks still
missing; every other rank takes the decision over (:func:`~landscape_app.core.usermodel.job.
follow_job`), and a rank whose model or data differ stops the whole group, rank 0 naming what
differs. Rank ``r`` of ``W`` computes every ``W``-th chunk from the ``r``-th, writing each to
the work directory when done (when it shares rank 0's; on another machine they are kept in
memory); rank 0 draws one progress bar for the whole grid (by counting chunk files), gathers
every rank's chunks once all are through, and merges them. No shared file system is assumed.
There is no scheduler here: torchrun launches, restarts and tears down the processes; a rerun
after any failure finds the finished chunks on disk.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

import numpy as np
import torch

from landscape_app.core.errors import LandscapeError
from landscape_app.core.progress import StageProgress
from landscape_app.core.usermodel.job import SurfaceJob, SurfaceRequest, follow_job, open_job
from landscape_app.core.usermodel.workdir import WorkDir

#: How long ranks wait for each other (rank 0 may spend long on a Hessian plane).
GROUP_TIMEOUT = timedelta(hours=24)
#: Set by ``--workers`` for its torchrun workers to the work directory whose decision the
#: launching process wrote: rank 0 takes it over instead of deciding.
LAUNCHED_ENV = "LANDSCAPE_APP_DECIDED_IN"


@dataclass(frozen=True)
class Rank:
    """This process's place in a torchrun group."""

    rank: int
    world: int
    local_rank: int


def torchrun_rank() -> Rank | None:
    """The torchrun rank of this process, or None outside torchrun."""
    if "RANK" not in os.environ or "WORLD_SIZE" not in os.environ:
        return None
    return Rank(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]),
                int(os.environ.get("LOCAL_RANK", "0")))


def die_with_parent() -> None:
    """Have the kernel kill this torchrun worker when its parent, torchrun's agent, dies.

    torchrun starts its workers in sessions of their own, so killing the command (or the
    agent crashing) would otherwise leave them computing chunks in the background. Linux only
    (``prctl(PR_SET_PDEATHSIG, SIGKILL)``); elsewhere a no-op.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL))
    if os.getppid() == 1:  # the agent died before the request took effect
        os._exit(1)


class JobKind(NamedTuple):
    """How a kind of job is opened by the deciding process and taken over by the others:
    ``open(request, work_dir, restart=, device=)`` and ``follow(request, decision, work_dir,
    device, who, decider)``."""

    open: Callable
    follow: Callable


#: A surface's grid (:func:`open_job`, :func:`follow_job`); a map of a model file passes its
#: own (:mod:`~landscape_app.core.usermodel.mapjob`).
SURFACE = JobKind(open_job, follow_job)


class RankFailed(LandscapeError):
    """Rank 0 refused the run; the other ranks stop quietly (rank 0 says why)."""


def run_single(request: SurfaceRequest, work_dir, restart: bool = False,
               progress: StageProgress | None = None, kind: JobKind = SURFACE,
               ) -> tuple[SurfaceJob, np.ndarray, float]:
    """Compute the missing chunks in this process; returns the job, the merged values and
    the seconds spent computing them in this run."""
    job = kind.open(request, work_dir, restart=restart)
    started = time.perf_counter()
    missing = job.missing()
    done = job.total - sum(len(job.chunk_points_of(i)[0]) for i in missing)
    if progress is not None:
        progress("points", done / job.total)

    def finished(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress("points", done / job.total)

    job.compute(missing, finished)
    return job, job.merged(), time.perf_counter() - started


def run_distributed(request: SurfaceRequest, work_dir, rank: Rank, restart: bool = False,
                    progress: StageProgress | None = None, kind: JobKind = SURFACE,
                    ) -> tuple[SurfaceJob, np.ndarray | None, float]:
    """This rank's share of the grid; rank 0 returns the merged grid, the others None."""
    import torch.distributed as dist

    cuda = request.device in ("auto", "cuda") and torch.cuda.is_available()
    device = None
    if cuda:
        torch.cuda.set_device(rank.local_rank)
        device = "cuda"
    elif request.device == "auto":
        device = "cpu"
    dist.init_process_group("cpu:gloo,cuda:nccl" if cuda else "gloo", timeout=GROUP_TIMEOUT)
    try:
        control = dist.new_group(backend="gloo") if cuda else None
        job, missing = _agree(request, work_dir, rank, restart, device, control, kind)
        started = time.perf_counter()
        stop = threading.Event()
        watcher = None
        if rank.rank == 0 and progress is not None:
            watcher = threading.Thread(target=_watch, args=(job, stop, progress), daemon=True)
            watcher.start()
        job.compute(missing[rank.rank::rank.world])
        parts = [None] * rank.world if rank.rank == 0 else None
        dist.gather_object(job.computed if rank.rank else {}, parts, dst=0, group=control)
        if watcher is not None:
            stop.set()
            watcher.join()
        seconds = time.perf_counter() - started
        if rank.rank != 0:
            return job, None, seconds
        _keep(job, parts)
        return job, job.merged(), seconds
    finally:
        dist.destroy_process_group()


def _agree(request: SurfaceRequest, work_dir, rank: Rank, restart: bool, device: str | None,
           control, kind: JobKind) -> tuple[SurfaceJob, list[int]]:
    """Rank 0 decides (or takes over the launching process's decision) and broadcasts it with
    the chunks still missing; the others take it over. Any rank's refusal stops every rank:
    rank 0 raises :class:`LandscapeError` naming it, the others :class:`RankFailed`."""
    import torch.distributed as dist

    launched = os.environ.get(LAUNCHED_ENV) == str(work_dir)
    decider = "the launching process" if launched else "rank 0"
    message: list = [None, None, None]
    job = None
    if rank.rank == 0:
        try:
            job = (kind.follow(request, WorkDir(work_dir).decision(), work_dir, device,
                               "rank 0", decider) if launched
                   else kind.open(request, work_dir, restart=restart, device=device))
            message = [None, job.decision, job.missing()]
        except LandscapeError as error:
            message = [str(error), None, None]
    dist.broadcast_object_list(message, src=0, group=control)
    error, decision, missing = message
    if error is not None:
        raise LandscapeError(error) if rank.rank == 0 else RankFailed(error)
    refusal = None
    if job is None:
        try:
            job = kind.follow(request, decision, work_dir, device, f"rank {rank.rank}", decider)
        except LandscapeError as refused:
            refusal = str(refused)
    refusals: list = [None] * rank.world
    dist.all_gather_object(refusals, refusal, group=control)
    refused = [text for text in refusals if text is not None]
    if refused:
        more = f" (and {len(refused) - 1} more ranks)" if len(refused) > 1 else ""
        raise (LandscapeError if rank.rank == 0 else RankFailed)(refused[0] + more)
    return job, missing


def _keep(job: SurfaceJob, parts: list) -> None:
    """Rank 0 writes the chunks other ranks computed that its work directory lacks (theirs
    was not this one: another machine)."""
    done = job.work.done()
    for part in parts[1:]:
        for index, values in (part or {}).items():
            if index not in done:
                job.work.write_chunk(index, values)


def _watch(job: SurfaceJob, stop: threading.Event, progress: StageProgress) -> None:
    """Rank 0's bar: the points of the chunks on disk, twice a second."""
    while True:
        done = min(job.total, len(job.work.done()) * job.chunk_points)
        progress("points", done / job.total)
        if stop.wait(0.5):
            progress("points", 1.0)
            return
