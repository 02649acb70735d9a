"""The compute device is chosen once, here, and passed down."""

from __future__ import annotations

import torch

from landscape_app.core.errors import LandscapeError

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


def choose_device(name: str = "auto") -> torch.device:
    """The device for ``name``: ``auto`` takes CUDA, then MPS, then the CPU.

    Raises
    ------
    LandscapeError
        When a device is asked for by name and is not available here.
    """
    if name not in DEVICE_CHOICES:
        raise LandscapeError(f"unknown device {name!r}; choose one of {', '.join(DEVICE_CHOICES)}")
    cuda = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if name == "auto":
        return torch.device("cuda" if cuda else "mps" if mps else "cpu")
    if name == "cuda" and not cuda:
        raise LandscapeError("CUDA was asked for but is not available; use --device cpu or auto")
    if name == "mps" and not mps:
        raise LandscapeError("MPS was asked for but is not available; use --device cpu or auto")
    return torch.device(name)


def describe_device(device: torch.device) -> str:
    """A short human name: ``CPU``, ``CUDA (NVIDIA H100)``, ``MPS``."""
    if device.type == "cuda":
        return f"CUDA ({torch.cuda.get_device_name(device)})"
    return device.type.upper()
