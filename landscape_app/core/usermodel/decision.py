"""What one process decides for a whole run, and how every other process takes it over.

A model file may compute its weights (a few training steps when it runs, as a notebook turned
script does); the result then depends on the thread count in its last bits, and the processes
of a run (``--workers`` runs them with one thread each) would each have different weights.
So one process decides — the single process, the process ``--workers`` was given to, or rank 0
under ``torchrun`` — and the others take over its decision:

- the origin: every parameter and buffer of the model, by name (:func:`model_state`);
- the plane (``plane.npz``: origin, d1, d2, the projected trajectory, the grid's axes);
- the data's fingerprint (:func:`data_digest`): sample and batch counts and a digest per batch.

Every other process calls the model file for the architecture and the data only, loads the
decided weights and buffers into its model (:func:`load_state`) and compares its own data's
fingerprint with the decided one (:func:`data_difference`): data that differ are refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import torch

from landscape_app.core.errors import LandscapeError
from landscape_app.core.usermodel.contract import UserModel


@dataclass
class Decision:
    """One run's decided state: the manifest (fingerprint, mode, chunk size, data digest), the
    plane's arrays and the model's parameters and buffers (on the CPU)."""

    manifest: dict
    plane: dict[str, np.ndarray]
    state: dict[str, torch.Tensor]


def model_state(user: UserModel) -> dict[str, torch.Tensor]:
    """Every parameter and buffer of the model (non-persistent buffers too), by name, copied
    to the CPU."""
    module = user.model
    named = [*module.named_parameters(), *module.named_buffers()]
    return {name: tensor.detach().cpu().clone() for name, tensor in named}


def _slots(user: UserModel) -> dict[str, torch.Tensor]:
    return dict([*user.model.named_parameters(), *user.model.named_buffers()])


def architecture_difference(user: UserModel, state: dict[str, torch.Tensor]) -> str | None:
    """How the model's parameters and buffers differ in name, shape or dtype from ``state``,
    or None when ``state`` fits the model."""
    slots = _slots(user)
    missing, extra = sorted(set(state) - set(slots)), sorted(set(slots) - set(state))
    if missing or extra:
        parts = ([f"no {', '.join(map(repr, missing[:3]))}"] if missing else []) + (
            [f"an unknown {', '.join(map(repr, extra[:3]))}"] if extra else [])
        return " and ".join(parts)
    for name, tensor in slots.items():
        decided = state[name]
        if tuple(tensor.shape) != tuple(decided.shape) or tensor.dtype != decided.dtype:
            return (f"{name!r} is {tuple(tensor.shape)} {tensor.dtype}, not "
                    f"{tuple(decided.shape)} {decided.dtype}")
    return None


def weights_difference(user: UserModel, state: dict[str, torch.Tensor]) -> float:
    """The largest absolute difference between the model's parameters and buffers and
    ``state`` (0.0 when they are the same, bit for bit; call after
    :func:`architecture_difference` said they fit)."""
    largest = 0.0
    for name, tensor in _slots(user).items():
        here, there = tensor.detach().cpu(), state[name]
        if not torch.equal(here, there):
            gap = (here.double() - there.double()).abs().max()
            largest = max(largest, float(gap) if torch.isfinite(gap) else float("inf"))
    return largest


def load_state(user: UserModel, state: dict[str, torch.Tensor]) -> None:
    """Copy the decided parameters and buffers into the model, in place (on its device)."""
    slots = _slots(user)
    with torch.no_grad():
        for name, tensor in slots.items():
            tensor.copy_(state[name])


def _update(digest, value) -> None:
    """Feed a batch's inputs or targets (a tensor, or tuples and lists of them) to ``digest``."""
    if isinstance(value, torch.Tensor):
        digest.update(str((tuple(value.shape), value.dtype)).encode())
        digest.update(value.detach().cpu().contiguous().view(-1).view(torch.uint8).numpy()
                      .tobytes() if value.numel() else b"")
    elif isinstance(value, (tuple, list)):
        digest.update(f"{type(value).__name__}{len(value)}".encode())
        for item in value:
            _update(digest, item)
    else:
        digest.update(repr(value).encode())


def _sha(value) -> str:
    digest = hashlib.sha256()
    _update(digest, value)
    return digest.hexdigest()


def data_digest(user: UserModel) -> dict:
    """The data's fingerprint: samples, batches, and a SHA-256 of each batch's inputs and of
    its targets."""
    inputs = [_sha(batch_inputs) for batch_inputs, _ in user.batches]
    targets = [_sha(batch_targets) for _, batch_targets in user.batches]
    whole = hashlib.sha256("".join(inputs + targets).encode()).hexdigest()
    return {"sha256": whole, "samples": user.samples, "batches": len(user.batches),
            "inputs_sha256": inputs, "targets_sha256": targets}


def data_difference(mine: dict, decided: dict) -> str | None:
    """What differs between two :func:`data_digest` results, in words; None when nothing."""
    if mine["sha256"] == decided["sha256"]:
        return None
    parts = []
    if mine["samples"] != decided["samples"]:
        parts.append(f"{mine['samples']} vs {decided['samples']} samples")
    if mine["batches"] != decided["batches"]:
        parts.append(f"{mine['batches']} vs {decided['batches']} batches")
    pairs = zip(mine["inputs_sha256"], mine["targets_sha256"], decided["inputs_sha256"],
                decided["targets_sha256"])
    for index, (inputs, targets, decided_inputs, decided_targets) in enumerate(pairs):
        for what, here, there in (("inputs", inputs, decided_inputs),
                                  ("targets", targets, decided_targets)):
            if here != there:
                parts.insert(0, f"batch {index + 1}'s {what} hash {here[:12]} vs {there[:12]}")
                return ", ".join(parts)
    return ", ".join(parts) or f"data hash {mine['sha256'][:12]} vs {decided['sha256'][:12]}"


def take_over(user: UserModel, decision: Decision, who: str, decider: str) -> None:
    """Make ``user`` (loaded by ``who``) compute what ``decider`` decided: refuse a different
    architecture or different data, then load the decided weights and buffers.

    Raises
    ------
    LandscapeError
        Naming the process, the decider and what differs.
    """
    source = user.source.label
    different = architecture_difference(user, decision.state)
    if different is not None:
        raise LandscapeError(f"model file {source}: {who}'s model differs from {decider}'s: "
                             f"{different}")
    different = data_difference(data_digest(user), decision.manifest["data"])
    if different is not None:
        raise LandscapeError(
            f"model file {source}: {who}'s data differ from {decider}'s: {different}; every "
            "process calls the model file, so its data must come out the same each time (seed "
            "what is random, do not depend on the process or the thread count)")
    load_state(user, decision.state)
