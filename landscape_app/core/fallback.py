"""Work on a GPU that survives running out of its memory: smaller chunks, then the CPU.

Every stage of a computation that allocates on the compute device runs through one
:class:`DeviceFallback`, which holds the resource the work needs (e.g. a network objective)
placed on a device:

- :meth:`DeviceFallback.each_chunk`: work split over points (grid points, path points, a
  map's cells), in groups run apart. An out-of-memory error frees the device's cached memory
  and retries the same points in a chunk half as large (and every later chunk too); when a
  single point does not fit, the rest runs on the CPU. :meth:`DeviceFallback.chunked` is the
  common case: consecutive points whose results are joined.
- :meth:`DeviceFallback.whole`: work that cannot be split (building an evaluator, a Hessian
  plane). An out-of-memory error runs it again, from the start, on the CPU.

After a fall-back every later stage stays on the CPU: the device ran out of memory for a
single point. The helper keeps account of how much of each stage ran where, and
:meth:`~DeviceFallback.describe` says so honestly, e.g. ``CUDA (NVIDIA H200) for training, the
plane and 38,400 of 40,401 grid points, then CPU``.

Out-of-memory means ``torch.cuda.OutOfMemoryError``, or a ``RuntimeError`` whose message says
"out of memory" (MPS raises a plain ``RuntimeError("MPS backend out of memory ...")``) or that
cuBLAS could not allocate its workspace. Anything else propagates unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np
import torch

from landscape_app.core.device import describe_device, indexed

R = TypeVar("R")
T = TypeVar("T")

#: Fragments of the messages of out-of-memory errors that are plain ``RuntimeError``\ s.
OOM_MESSAGES = ("out of memory", "cublas_status_alloc_failed")
#: Fraction of the free device memory one chunk may use.
DEVICE_MEMORY_FRACTION = 0.25
#: Memory assumed free on an MPS device whose torch cannot say (torch < 2.5).
MPS_FALLBACK_BYTES = 1 << 30
CPU = torch.device("cpu")


def is_out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` is a device running out of memory (see the module docstring)."""
    if isinstance(error, torch.cuda.OutOfMemoryError):
        return True
    if not isinstance(error, RuntimeError):
        return False
    message = str(error).lower()
    return any(fragment in message for fragment in OOM_MESSAGES)


def release_cached(device: torch.device) -> None:
    """Return the memory torch's caching allocator holds on ``device`` to the device."""
    if device.type == "cuda":
        torch.cuda.empty_cache()
    elif device.type == "mps":
        torch.mps.empty_cache()


def free_bytes(device: torch.device) -> int | None:
    """Memory free on ``device`` (None for the CPU)."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(indexed(device))  # torch 2.4 requires the index
        return int(free)
    if device.type == "mps":
        try:
            return max(0, int(torch.mps.recommended_max_memory())
                       - int(torch.mps.driver_allocated_memory()))
        except (AttributeError, RuntimeError):
            return MPS_FALLBACK_BYTES
    return None


def points_per_chunk(device: torch.device, bytes_per_point: int, total: int,
                     cpu_bytes: int, fraction: float = DEVICE_MEMORY_FRACTION,
                     most_bytes: int | None = None) -> int:
    """Points per chunk: the budget (``fraction`` of the free memory on a GPU, at most
    ``most_bytes``; ``cpu_bytes`` on the CPU) divided by what one point allocates; between 1
    and ``total``. The one chunk-size rule of every chunked computation."""
    free = free_bytes(device)
    budget = cpu_bytes if free is None else fraction * free
    if free is not None and most_bytes is not None:
        budget = min(budget, most_bytes)
    return int(max(1, min(total, budget // max(1, bytes_per_point))))


@dataclass
class _Stage:
    """How much of one stage ran on the first device and how much after the fall-back."""

    unit: str | None
    counts: list[int] = field(default_factory=lambda: [0, 0])


class DeviceFallback(Generic[R]):
    """Runs work on ``resource`` (placed on ``device``), falling back as the module says.

    Parameters
    ----------
    resource
        What the work needs, on ``device`` (e.g. a
        :class:`~landscape_app.core.nn.network_objective.NetworkObjective`).
    device : torch.device
        Where ``resource`` lives.
    place : callable, optional
        ``place(torch.device("cpu"))`` gives the resource on the CPU. Without it there is no
        fall-back: chunks are still retried in halves, but work that does not fit as a
        single point (or as a whole) raises its out-of-memory error.
    name : str, optional
        How to call the first device in reports (default :func:`describe_device`).
    """

    def __init__(self, resource: R, device: torch.device,
                 place: Callable[[torch.device], R] | None = None, name: str | None = None):
        self.resource = resource
        self.device = device
        self.first_name = name or describe_device(device)
        self.fell_back = False
        self._place = place
        self._stages: dict[str, _Stage] = {}

    @classmethod
    def for_objective(cls, objective) -> DeviceFallback:
        """A fall-back for an objective: moved with its ``to(device)`` method, named by its
        ``device_name`` (both optional)."""
        return cls(objective, objective.device, getattr(objective, "to", None),
                   getattr(objective, "device_name", None))

    # -- running ----------------------------------------------------------------------------
    def whole(self, work: Callable[[R], T], what: str | None = None) -> T:
        """``work(resource)``; after an out-of-memory error, again on the CPU.

        ``what`` names the stage in :meth:`describe` (None: not mentioned).
        """
        first = not self.fell_back
        try:
            result = work(self.resource)
        except Exception as error:
            if not (is_out_of_memory(error) and self._can_fall_back()):
                raise
            failed = True
        else:
            failed = False
        if failed:  # outside the except clause, so that the traceback's tensors are freed
            self._fall_back()
            first = False
            result = work(self.resource)
        if what is not None:
            self._stage(what, None).counts[0 if first else 1] += 1
        return result

    def chunked(self, work: Callable[[R, int, int], np.ndarray], total: int,
                chunk_size: Callable[[R], int], what: str, unit: str,
                release: Callable[[], None] | None = None) -> np.ndarray:
        """``work(resource, begin, end)`` for consecutive chunks of ``range(total)``, joined.

        ``work`` returns a numpy array with one row per point (copied off the device); the
        rest is :meth:`each_chunk`'s.
        """
        parts: list[np.ndarray] = []
        self.each_chunk(
            lambda resource, points: np.asarray(work(resource, int(points[0]),
                                                     int(points[-1]) + 1)),
            [np.arange(total)], chunk_size, lambda points, part: parts.append(part),
            what, unit, release)
        return np.concatenate(parts) if parts else np.empty(0)

    def each_chunk(self, work: Callable[[R, np.ndarray], T], groups: Sequence[np.ndarray],
                   chunk_size: Callable[[R], int], take: Callable[[np.ndarray, T], None],
                   what: str, unit: str, release: Callable[[], None] | None = None) -> None:
        """``take(points, work(resource, points))`` for chunks of each group of point indices
        (a chunk never mixes groups), in order.

        ``chunk_size(resource)`` gives the first chunk's size on a device (and again after a
        fall-back); ``release()`` drops what the work keeps between chunks (called after an
        out-of-memory error). ``what`` and ``unit`` name the stage and its points in
        :meth:`describe`.
        """
        stage = self._stage(what, unit)
        size = max(1, int(chunk_size(self.resource)))
        for group in groups:
            begin = 0
            while begin < len(group):
                points = group[begin:begin + size]
                first = not self.fell_back
                try:
                    result = work(self.resource, points)
                except Exception as error:
                    if not (is_out_of_memory(error)
                            and (len(points) > 1 or self._can_fall_back())):
                        raise
                    failed = True
                else:
                    failed = False
                if failed:  # outside the except clause, so that the traceback's tensors are freed
                    size = self._after_out_of_memory(len(points), chunk_size, release)
                    continue
                take(points, result)
                stage.counts[0 if first else 1] += len(points)
                begin += len(points)

    def _after_out_of_memory(self, tried: int, chunk_size: Callable[[R], int],
                             release: Callable[[], None] | None) -> int:
        """Free what the failed chunk held; the next chunk's size: half of ``tried`` points,
        or on the CPU (a single point did not fit) ``chunk_size`` there."""
        if release is not None:
            release()
        if tried > 1:
            release_cached(self.device)
            return max(1, tried // 2)
        self._fall_back()
        return max(1, int(chunk_size(self.resource)))

    def record(self, what: str) -> None:
        """Note that stage ``what`` ran where the resource now is (work done elsewhere)."""
        self._stage(what, None).counts[1 if self.fell_back else 0] += 1

    # -- reporting --------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """Where work runs now."""
        return describe_device(CPU) if self.fell_back else self.first_name

    def describe(self, what: str | None = None) -> str:
        """Where the work ran: all of it, or only stage ``what``.

        ``CUDA (…)`` when nothing fell back; otherwise ``CUDA (…) for training, the plane and
        38,400 of 40,401 grid points, then CPU`` (one stage: ``CUDA (…) for 38,400 of 40,401
        grid points, then CPU``), or ``CPU (CUDA (…) ran out of memory)`` when nothing of it
        ran on the first device.
        """
        cpu = describe_device(CPU)
        if what is None:
            stages, moved = list(self._stages.items()), self.fell_back
        elif what in self._stages:
            stages = [(what, self._stages[what])]
            moved = self._stages[what].counts[1] > 0
        else:
            return self.name
        if not moved:
            return self.first_name
        parts = []
        for stage_what, stage in stages:
            first, after = stage.counts
            if first and after and stage.unit:
                parts.append(f"{first:,} of {first + after:,} {stage.unit}")
            elif first:
                parts.append(stage_what)
        if not parts:
            return f"{cpu} ({self.first_name} ran out of memory)"
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"{self.first_name} for {listed}, then {cpu}"

    # -- internals --------------------------------------------------------------------------
    def _stage(self, what: str, unit: str | None) -> _Stage:
        if what not in self._stages:
            self._stages[what] = _Stage(unit)
        return self._stages[what]

    def _can_fall_back(self) -> bool:
        return not self.fell_back and self._place is not None

    def _fall_back(self) -> None:
        release_cached(self.device)
        self.resource = self._place(CPU)
        self.fell_back = True
