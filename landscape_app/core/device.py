"""The compute device is chosen once, here, and passed down.

``auto`` takes CUDA, then MPS, then the CPU — but only a device that can compute in the
requested dtype (MPS has no float64) and that actually starts: a GPU that is present but busy
or broken (its first allocation raises) is passed over for the CPU, with a note saying why.
:func:`pick_device` returns the choice with that note; :func:`choose_device` just the device.

:func:`warm_up` pays a device's one-off set-up costs (the first matrix product on a GPU
creates the cuBLAS handle and workspace; the first ``torch.optim`` step imports
``torch._dynamo``) outside any measured wall time: a race calls it before its lanes start.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import torch

from landscape_app.core.errors import LandscapeError

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")
#: dtypes a device type cannot compute in.
UNSUPPORTED_DTYPES = {"mps": (torch.float64,)}


@dataclass(frozen=True)
class DeviceChoice:
    """The device chosen for a request and, when ``auto`` passed over a GPU, why (``note``);
    ``reason``: why ``auto`` took the CPU when there was no GPU at all (not a notice)."""

    device: torch.device
    note: str = ""
    reason: str = field(default="", compare=False)

    @property
    def description(self) -> str:
        """``CUDA (NVIDIA H100)``, ``CPU (MPS has no float64)`` when a GPU was passed over,
        ``CPU (no CUDA or MPS available)`` when ``auto`` found none."""
        name = describe_device(self.device)
        why = self.note or self.reason
        return f"{name} ({why})" if why else name


def mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return backend is not None and backend.is_available()


@functools.cache
def device_failure(kind: str) -> str | None:
    """None when the first allocation on ``kind`` (``cuda``/``mps``) works, else why not.

    Cached for the process: a GPU that could not start once is not retried on every choice.
    """
    try:
        torch.zeros(1, device=kind).add_(1).cpu()
        if kind == "cuda":
            torch.cuda.get_device_name(torch.cuda.current_device())
    except Exception as error:  # noqa: BLE001 - any failure means: do not use this device
        text = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return f"{type(error).__name__}: {text}" if text else type(error).__name__
    return None


def unsupported(kind: str, dtype: torch.dtype | None) -> bool:
    return dtype is not None and dtype in UNSUPPORTED_DTYPES.get(kind, ())


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def pick_device(name: str = "auto", dtype: torch.dtype | None = None) -> DeviceChoice:
    """The device for ``name`` and ``dtype``, with the reason when ``auto`` passed a GPU over.

    ``auto`` takes CUDA, then MPS (not for float64), then the CPU, skipping a GPU whose first
    allocation fails. A device asked for by name is used or refused, never replaced.

    Raises
    ------
    LandscapeError
        When a device asked for by name is not available here, cannot start, or has no
        ``dtype``.
    """
    if name not in DEVICE_CHOICES:
        raise LandscapeError(f"unknown device {name!r}; choose one of {', '.join(DEVICE_CHOICES)}")
    present = {"cuda": torch.cuda.is_available(), "mps": mps_available()}
    if name == "cpu":
        return DeviceChoice(torch.device("cpu"))
    if name != "auto":
        label = name.upper()
        if not present[name]:
            raise LandscapeError(f"{label} was asked for but is not available; "
                                 "use --device cpu or auto")
        if unsupported(name, dtype):
            raise LandscapeError(f"{label} has no {dtype_name(dtype)}; choose float32 or the CPU")
        failure = device_failure(name)
        if failure is not None:
            raise LandscapeError(f"{label} was asked for but could not start ({failure}); "
                                 "use --device cpu or auto")
        return DeviceChoice(torch.device(name))
    notes = []
    for kind in ("cuda", "mps"):
        if not present[kind]:
            continue
        if unsupported(kind, dtype):
            notes.append(f"{kind.upper()} has no {dtype_name(dtype)}")
            continue
        failure = device_failure(kind)
        if failure is not None:
            notes.append(f"{kind.upper()} could not start: {failure}")
            continue
        return DeviceChoice(torch.device(kind), "; ".join(notes))
    none = "" if any(present.values()) else "no CUDA or MPS available"
    return DeviceChoice(torch.device("cpu"), "; ".join(notes), reason=none)


def choose_device(name: str = "auto", dtype: torch.dtype | None = None) -> torch.device:
    """The device of :func:`pick_device` (``auto``: CUDA, then MPS, then the CPU)."""
    return pick_device(name, dtype).device


def describe_device(device: torch.device) -> str:
    """A short human name: ``CPU``, ``CUDA (NVIDIA H100)``, ``MPS``."""
    if device.type == "cuda":
        try:
            index = device.index if device.index is not None else torch.cuda.current_device()
            return f"CUDA ({torch.cuda.get_device_name(index)})"
        except Exception:  # noqa: BLE001 - a name is not worth a failure
            return "CUDA"
    return device.type.upper()


def indexed(device: torch.device) -> torch.device:
    """``device`` with its index (``cuda`` → ``cuda:0``): some torch calls require one."""
    if device.type == "cuda" and device.index is None:
        return torch.device("cuda", torch.cuda.current_device())
    return device


_warmed: set[tuple[str, torch.dtype, bool]] = set()


def warm_up(device: torch.device | str = "cpu", dtype: torch.dtype = torch.float64,
            optim: bool = False) -> None:
    """Pay ``device``'s one-off set-up costs now, once per process, (device, dtype) and kind.

    A matrix product, a batched one and a backward pass (on a GPU the first of each creates
    the cuBLAS handle, its workspace and the autograd device thread); with ``optim``, one
    ``torch.optim`` step too (its first call imports ``torch._dynamo``: seconds). A failure
    here is left to the real work to report.
    """
    device = torch.device(device)
    key = (str(indexed(device)) if device.type == "cuda" else device.type, dtype, optim)
    if key in _warmed:
        return
    try:
        param = torch.ones(4, 4, dtype=dtype, device=device, requires_grad=True)
        batch = param.expand(2, 4, 4)
        loss = torch.baddbmm(param, batch, batch.transpose(1, 2))
        (loss.sum() + (param @ param).sum()).backward()
        if optim:
            torch.optim.SGD([param], lr=0.1).step()
        float(param.detach().sum())  # waits for the device
    except Exception:  # noqa: BLE001 - the real work reports any failure
        return
    _warmed.add(key)
