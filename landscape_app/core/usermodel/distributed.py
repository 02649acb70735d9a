"""Running a job of chunks (a surface's grid, a map's cells): in one process, in the ``K``
local processes ``--workers K`` launches, or in every process ``torchrun`` started
(:func:`run_job` chooses; a request's ``kind`` opens and follows its job).

Under ``torchrun`` (``RANK``/``WORLD_SIZE`` in the environment) the processes form a
``torch.distributed`` group (gloo on CPUs; NCCL for tensors on GPUs with a gloo group for the
small control messages). Rank 0 decides the run
(:meth:`~landscape_app.core.usermodel.chunked_job.JobKind.open`; started by ``--workers``, it
takes over what the launching process decided) and sends everyone the decision (weights and
buffers, plane, data digest) and the chunks still missing; every other rank takes the decision
over (:meth:`~landscape_app.core.usermodel.chunked_job.JobKind.follow`), and a rank whose
model or data differ stops the whole group, rank 0 naming what differs. Rank ``r`` of ``W``
computes every ``W``-th chunk from the ``r``-th, writing each to the work directory when done
(when it shares rank 0's; on another machine they are kept in memory); rank 0 draws one
progress bar for all cells (by counting chunk files), gathers every rank's chunks once all are
through, and merges them. No shared file system is assumed.
There is no scheduler here: torchrun launches, restarts and tears down the processes; a rerun
after any failure finds the finished chunks on disk.
"""

from __future__ import annotations

import os
import subprocess
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
from landscape_app.core.progress import CancelPoll, StageProgress
from landscape_app.core.usermodel.chunked_job import ChunkedJob, JobRequest
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


class RankFailed(LandscapeError):
    """Rank 0 refused the run; the other ranks stop quietly (rank 0 says why)."""


class JobRun(NamedTuple):
    """What a process ran: its job, the merged values (None: another process writes them),
    the seconds spent computing in this run and how many processes computed."""

    job: ChunkedJob
    values: np.ndarray | None
    seconds: float
    processes: int


def run_single(request: JobRequest, work_dir, restart: bool = False,
               progress: StageProgress | None = None, cancelled: CancelPoll | None = None,
               ) -> tuple[ChunkedJob, np.ndarray, float]:
    """Compute the missing chunks in this process; returns the job, the merged values and
    the seconds spent computing them in this run (``progress("points", fraction)`` counts
    the cells done, those of an earlier run included)."""
    job = request.kind.open(request, work_dir, restart=restart)
    started = time.perf_counter()
    missing = job.missing()
    done = job.total - sum(len(job.chunk_cells(i)) for i in missing)
    if progress is not None:
        progress("points", done / job.total)

    def finished(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress("points", done / job.total)

    job.compute(missing, finished, cancelled)
    return job, job.merged(), time.perf_counter() - started


def run_distributed(request: JobRequest, work_dir, rank: Rank, restart: bool = False,
                    progress: StageProgress | None = None,
                    ) -> tuple[ChunkedJob, np.ndarray | None, float]:
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
        job, missing = _agree(request, work_dir, rank, restart, device, control)
        started = time.perf_counter()
        stop = threading.Event()
        watcher = None
        if rank.rank == 0 and progress is not None:
            watcher = threading.Thread(target=_watch, args=(job, stop, progress), daemon=True)
            watcher.start()
        job.compute(missing[rank.rank::rank.world])
        parts = [None] * rank.world if rank.rank == 0 else None
        dist.gather_object(job.computed if rank.rank else {}, parts, dst=0, group=control)
        # Every rank past the gather before any tears its group down: a rank whose send is
        # still in flight when it destroys the group can abort in gloo's threads at exit.
        dist.barrier(group=control)
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


def _agree(request: JobRequest, work_dir, rank: Rank, restart: bool, device: str | None,
           control) -> tuple[ChunkedJob, list[int]]:
    """Rank 0 decides (or takes over the launching process's decision) and broadcasts it with
    the chunks still missing; the others take it over. Any rank's refusal stops every rank:
    rank 0 raises :class:`LandscapeError` naming it, the others :class:`RankFailed`."""
    import torch.distributed as dist

    launched = os.environ.get(LAUNCHED_ENV) == str(work_dir)
    decider = "the launching process" if launched else "rank 0"
    message: list = [None, None, None]
    job, kind = None, request.kind
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


def _keep(job: ChunkedJob, parts: list) -> None:
    """Rank 0 writes the chunks other ranks computed that its work directory lacks (theirs
    was not this one: another machine)."""
    done = job.work.done()
    for part in parts[1:]:
        for index, values in (part or {}).items():
            if index not in done:
                job.work.write_chunk(index, values)


def _watch(job: ChunkedJob, stop: threading.Event, progress: StageProgress) -> None:
    """Rank 0's bar: the points of the chunks on disk, twice a second."""
    while True:
        done = min(job.total, len(job.work.done()) * job.chunk_points)
        progress("points", done / job.total)
        if stop.wait(0.5):
            progress("points", 1.0)
            return


def torchrun_command(workers: int, command: str) -> list[str]:
    """The start of the command that runs ``landscape-app COMMAND`` in ``workers`` local
    processes under torchrun (the command's options follow)."""
    return [sys.executable, "-m", "torch.distributed.run", "--standalone",
            f"--nproc-per-node={workers}", "-m", "landscape_app", command]


def worker_environment() -> dict[str, str]:
    """The workers' environment: one CPU thread each unless OMP_NUM_THREADS says otherwise,
    set here so that torchrun does not print its banner about setting it."""
    return {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS") or "1"}


def launch_workers(request: JobRequest, work_dir: str, command: list[str],
                   restart: bool = False) -> ChunkedJob:
    """``--workers K``: this process decides the run (weights, buffers, axes, data digest)
    and writes it to the work directory; ``command`` (:func:`torchrun_command`'s) starts the
    workers, which take it over. Returns this process's job (its notes are the run's).

    Raises
    ------
    LandscapeError
        This process's refusal, a worker's (one line), or the workers stopping.
    """
    job = request.kind.open(request, work_dir, restart=restart)
    work = WorkDir(work_dir)
    work.refusal()  # an old one, left by a killed command
    completed = subprocess.run(command, check=False,
                               env={**worker_environment(), LAUNCHED_ENV: work_dir})
    refusal = work.refusal()
    if refusal is not None:
        raise LandscapeError(refusal)
    if completed.returncode != 0:
        raise LandscapeError(f"the workers stopped (exit {completed.returncode}); the "
                             f"finished {job.UNIT} are in {work_dir}: rerun the same command "
                             "to compute the rest")
    return job


def run_job(request: JobRequest, work_dir: str, workers: int = 1,
            worker_command: Callable[[], list[str]] | None = None, restart: bool = False,
            progress: StageProgress | None = None) -> JobRun:
    """The job of ``request`` in this process, in ``workers`` local ones
    (:func:`launch_workers` with ``worker_command()``), or as this torchrun rank.

    Raises
    ------
    RankFailed
        A rank other than 0 stopped because the run was refused (rank 0 says why), or rank 0
        of ``--workers`` left its refusal for the launching process to say.
    LandscapeError
        The refusal, said here.
    """
    rank = torchrun_rank()
    if rank is None and workers > 1:
        return JobRun(launch_workers(request, work_dir, worker_command(), restart), None, 0.0,
                      workers)
    if rank is None:
        return JobRun(*run_single(request, work_dir, restart, progress), 1)
    die_with_parent()  # a killed command leaves no worker behind
    try:
        return JobRun(*run_distributed(request, work_dir, rank, restart,
                                       progress if rank.rank == 0 else None), rank.world)
    except RankFailed:
        raise
    except LandscapeError as error:
        if rank.rank != 0 or os.environ.get(LAUNCHED_ENV) != work_dir:
            raise
        WorkDir(work_dir).refuse(str(error))  # the launching process says why
        raise RankFailed(str(error)) from None
