"""Computing a job's chunks in one process, or in every process ``torchrun`` started.

Under ``torchrun`` (``RANK``/``WORLD_SIZE`` in the environment) the processes form a
``torch.distributed`` group (gloo on CPUs; NCCL for tensors on GPUs with a gloo group for the
small control messages). Rank 0 opens the work directory (computing the plane if it is new)
and sends everyone the list of chunks still missing; rank ``r`` of ``W`` computes every
``W``-th of them from the ``r``-th, writing each to the work directory when done; rank 0 draws
one progress bar for the whole grid (by counting chunk files) and, once every rank is through,
merges the chunks. There is no scheduler here: torchrun launches, restarts and tears down the
processes; a rerun after any failure finds the finished chunks on disk.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import torch

from landscape_app.core.errors import LandscapeError
from landscape_app.core.progress import StageProgress
from landscape_app.core.usermodel.job import SurfaceJob, SurfaceRequest, open_job

#: How long ranks wait for each other (rank 0 may spend long on a Hessian plane).
GROUP_TIMEOUT = timedelta(hours=24)


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


class RankFailed(LandscapeError):
    """Rank 0 refused the run; the other ranks stop quietly (rank 0 says why)."""


def run_single(request: SurfaceRequest, work_dir, restart: bool = False,
               progress: StageProgress | None = None) -> tuple[SurfaceJob, np.ndarray, float]:
    """Compute the missing chunks in this process; returns the job, the grid and the seconds
    spent computing it in this run."""
    job = open_job(request, work_dir, writer=True, restart=restart)
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
                    progress: StageProgress | None = None,
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
        message: list = [None, None]
        job = None
        if rank.rank == 0:
            try:
                job = open_job(request, work_dir, writer=True, restart=restart, device=device)
                message = [None, job.missing()]
            except LandscapeError as error:
                message = [str(error), None]
        dist.broadcast_object_list(message, src=0, group=control)
        if message[0] is not None:
            if rank.rank == 0:
                raise LandscapeError(message[0])
            raise RankFailed(message[0])
        if job is None:
            job = open_job(request, work_dir, writer=False, device=device)
        missing: list[int] = message[1]
        started = time.perf_counter()
        stop = threading.Event()
        watcher = None
        if rank.rank == 0 and progress is not None:
            watcher = threading.Thread(target=_watch, args=(job, stop, progress), daemon=True)
            watcher.start()
        job.compute(missing[rank.rank::rank.world])
        dist.barrier(group=control)
        if watcher is not None:
            stop.set()
            watcher.join()
        seconds = time.perf_counter() - started
        return job, (job.merged() if rank.rank == 0 else None), seconds
    finally:
        dist.destroy_process_group()


def _watch(job: SurfaceJob, stop: threading.Event, progress: StageProgress) -> None:
    """Rank 0's bar: the points of the chunks on disk, twice a second."""
    while True:
        done = min(job.total, len(job.work.done()) * job.chunk_points)
        progress("points", done / job.total)
        if stop.wait(0.5):
            progress("points", 1.0)
            return
