"""Planes and lines through a user's checkpoints (``--directions checkpoints``, ``--interpolate``).

- The checkpoint plane (Li et al. 2018, their ``--model_file2/3``): origin θ_A, d₁ = θ_B − θ_A,
  d₂ = θ_C − θ_A, so A, B and C sit at (0, 0), (1, 0) and (0, 1).
- The interpolation: the loss along (1 − t) θ_A + t θ_B.

Every floating-point entry of the state (parameters *and* buffers: BatchNorm's running mean
and variance, Li et al.'s "states") follows the same affine combination, formed in float64 and
cast to the model's dtype; integer buffers (``num_batches_tracked``) are A's. With
``bn_recompute`` the running statistics are instead re-estimated at every point: reset, then
one pass over the data in train mode under ``torch.no_grad`` with a cumulative average
(``momentum=None``), as the mode-connectivity papers do (Garipov et al. 2018).

The loss at a point is the plain loop's: the state loaded into a private copy of the model
(eval mode), each batch's mean loss times its size summed in float64, over the sample count.

Checkpoints are ``state_dict``s, or a dict holding one under ``state_dict``/``model``, read with
``torch.load(weights_only=True)`` (a pickle that wants code is refused, never run).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import torch
from torch.nn.modules.batchnorm import _BatchNorm

from landscape_app.core.errors import LandscapeError
from landscape_app.core.usermodel.contract import UserModel, batch_size
from landscape_app.core.usermodel.evaluate import POINTWISE, POINTWISE_CHUNK, PlaneLoss


def read_checkpoint(path: str | Path, option: str) -> Mapping[str, torch.Tensor]:
    """The state dict in ``path`` (one line naming ``option`` and the file when it is not)."""
    path = Path(path)
    label = f"{option} {path}"
    if not path.is_file():
        raise LandscapeError(f"{label}: no such file")
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001 - a corrupt, foreign or code-carrying file
        raise LandscapeError(f"{label}: {_load_failure(error)}") from None
    if isinstance(loaded, Mapping):
        for key in ("state_dict", "model"):
            if isinstance(loaded.get(key), Mapping):
                loaded = loaded[key]
                break
    if not isinstance(loaded, Mapping) or not all(
            isinstance(value, torch.Tensor) for value in loaded.values()):
        what = type(loaded).__name__ if not isinstance(loaded, Mapping) else \
            "a dict of other things than tensors"
        raise LandscapeError(f"{label}: not a state dict ({what}); save model.state_dict(), "
                             "or a dict holding it under 'state_dict' or 'model'")
    return loaded


def _load_failure(error: Exception) -> str:
    """Why ``torch.load(weights_only=True)`` refused a file, in one line."""
    import re

    text = str(error)
    wanted = re.search(r"GLOBAL (\S+) was not an allowed global", text)
    if wanted or "Unsupported global" in text:
        name = wanted.group(1) if wanted else "a class or function"
        return (f"the pickle wants code to load ({name}); only tensors are read "
                "(weights_only=True): save model.state_dict()")
    detail = re.search(r"WeightsUnpickler error: \s*(.+)", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    reason = detail.group(1).strip() if detail else (lines[0] if lines else "")
    return f"not a readable torch checkpoint ({type(error).__name__}: {reason[:120]})"


def fitted_state(user: UserModel, path: str | Path, option: str) -> dict[str, torch.Tensor]:
    """The checkpoint's state, checked against the model's ``state_dict`` key by key: a
    missing or unknown key, or a different shape, names the first one."""
    state = dict(read_checkpoint(path, option))
    if state and all(key.startswith("module.") for key in state):
        state = {key[len("module."):]: value for key, value in state.items()}
    expected = user.model.state_dict()
    for name, tensor in expected.items():
        if name not in state:
            raise LandscapeError(f"{option} {path}: has no {name!r} (the model's is "
                                 f"{tuple(tensor.shape)})")
        if tuple(state[name].shape) != tuple(tensor.shape):
            raise LandscapeError(f"{option} {path}: {name!r} has shape "
                                 f"{tuple(state[name].shape)}, the model's is "
                                 f"{tuple(tensor.shape)}")
    unknown = [name for name in state if name not in expected]
    if unknown:
        raise LandscapeError(f"{option} {path}: holds {unknown[0]!r} "
                             f"{tuple(state[unknown[0]].shape)}, which the model has not")
    return {name: state[name] for name in expected}


def load_into(user: UserModel, state: Mapping[str, torch.Tensor]) -> None:
    """Copy ``state`` into the user's model, in place (on its device, in its dtypes)."""
    with torch.no_grad():
        for name, tensor in user.model.state_dict(keep_vars=True).items():
            tensor.copy_(state[name])


def floating_buffers(user: UserModel) -> list[str]:
    """Names of the model's floating-point buffers that are in its ``state_dict``."""
    keys = set(user.model.state_dict())
    return [name for name, b in user.model.named_buffers()
            if name in keys and torch.is_floating_point(b)]


def flat_buffers(user: UserModel, state: Mapping[str, torch.Tensor]) -> np.ndarray:
    """``state``'s floating buffers, flat in :func:`floating_buffers` order (float64)."""
    names = floating_buffers(user)
    if not names:
        return np.zeros(0)
    return torch.cat([state[n].detach().cpu().double().reshape(-1) for n in names]).numpy()


def flat_parameters_of(user: UserModel, state: Mapping[str, torch.Tensor]) -> np.ndarray:
    """``state``'s parameters, flat in ``parameters_to_vector`` order (float64)."""
    return torch.cat([state[name].detach().cpu().double().reshape(-1)
                      for name, _ in user.model.named_parameters()]).numpy()


def recompute_statistics(module: torch.nn.Module, batches) -> None:
    """Reset every BatchNorm's running statistics and re-estimate them: one pass over the
    data in train mode, cumulative average (``momentum=None``); the module ends in eval mode."""
    norms = [m for m in module.modules() if isinstance(m, _BatchNorm) and m.track_running_stats]
    saved = [m.momentum for m in norms]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None
    module.train()
    with torch.no_grad():
        for inputs, _ in batches:
            module(inputs)
    for norm, momentum in zip(norms, saved, strict=True):
        norm.momentum = momentum
    module.eval()


class StateLoss:
    """The plain loop's data-set loss of a user's model at full states (parameters and
    floating buffers given flat, float64), in a private copy of the model."""

    def __init__(self, user: UserModel, bn_recompute: bool = False):
        self.user = user
        self.bn_recompute = bn_recompute
        self.module = copy.deepcopy(user.model).eval()
        self.parameters = list(self.module.parameters())
        named = dict(self.module.named_buffers())
        self.buffers = [named[name] for name in floating_buffers(user)]
        first = self.parameters[0]
        self.device, self.dtype = first.device, first.dtype

    @staticmethod
    def _fill(tensors, flat: np.ndarray) -> None:
        offset = 0
        for tensor in tensors:
            count = tensor.numel()
            part = torch.as_tensor(flat[offset:offset + count], device=tensor.device)
            tensor.copy_(part.to(tensor.dtype).view_as(tensor))
            offset += count

    @torch.no_grad()
    def loss(self, parameters: np.ndarray, buffers: np.ndarray) -> float:
        """The loss with these parameters and buffers (NaN when not finite)."""
        self._fill(self.parameters, parameters)
        self._fill(self.buffers, buffers)
        if self.bn_recompute:
            recompute_statistics(self.module, self.user.batches)
        total, samples = 0.0, 0
        for inputs, targets in self.user.batches:
            size = batch_size(targets)
            total += float(self.user.loss(self.module(inputs), targets)) * size
            samples += size
        value = total / samples
        return value if np.isfinite(value) else float("nan")


def interpolation(user: UserModel, first: Mapping[str, torch.Tensor],
                  second: Mapping[str, torch.Tensor], ts: np.ndarray,
                  bn_recompute: bool = False) -> np.ndarray:
    """The loss at (1 − t) A + t B for each t (parameters and floating buffers alike; formed
    as A + t (B − A) in float64, so t = 0 and t = 1 give A and B exactly)."""
    evaluator = StateLoss(user, bn_recompute)
    p0, b0 = flat_parameters_of(user, first), flat_buffers(user, first)
    dp, db = flat_parameters_of(user, second) - p0, flat_buffers(user, second) - b0
    return np.array([evaluator.loss(p0 + t * dp, b0 + t * db) for t in ts])


def parse_t_range(text: str) -> tuple[float, float]:
    """``"-0.5,1.5"`` → ``(-0.5, 1.5)`` (finite, increasing)."""
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError:
        low = high = float("nan")
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise LandscapeError(f"--t-range {text!r}: expected T0,T1 with T0 < T1, e.g. -0.5,1.5")
    return low, high


#: Plane keys (``plane.npz`` and the surface NPZ) a checkpoint plane adds to the built-in ones.
BUFFER_KEYS = ("buffer_origin", "buffer_d1", "buffer_d2")


def checkpoint_plane_arrays(user: UserModel, paths, bn_recompute: bool) -> dict:
    """The plane through checkpoints A, B, C (``paths``) as arrays: origin, d1, d2 of the
    parameters (``plane_arrays``' keys, method ``checkpoints``), the same of the floating
    buffers (:data:`BUFFER_KEYS`), ``points`` (3 × 2: (0, 0), (1, 0), (0, 1)),
    ``point_labels`` (the files' names) and ``bn_recompute``. Loads A into the user's model:
    the run's origin, which every other process takes over."""
    from landscape_app.core.nn.arrays import plane_arrays
    from landscape_app.core.nn.directions import Plane

    if len(paths) != 3:
        raise LandscapeError(f"--checkpoints: expected three state dicts A B C, got "
                             f"{len(paths)}")
    states = [fitted_state(user, path, "--checkpoints") for path in paths]
    load_into(user, states[0])
    params = [flat_parameters_of(user, state) for state in states]
    buffers = [flat_buffers(user, state) for state in states]
    plane = Plane(params[0], params[1] - params[0], params[2] - params[0], "checkpoints")
    return {**plane_arrays(plane), "buffer_origin": buffers[0],
            "buffer_d1": buffers[1] - buffers[0], "buffer_d2": buffers[2] - buffers[0],
            "points": np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]),
            "point_labels": np.array([Path(path).name for path in paths], dtype=str),
            "bn_recompute": np.array(bool(bn_recompute))}


def buffers_note(bn_recompute: bool) -> str:
    """How the buffers of a checkpoint plane or line were set, in words (metadata, window)."""
    return ("BatchNorm statistics re-estimated at every point (one pass over the data in "
            "train mode)" if bn_recompute else
            "buffers (BatchNorm statistics) blended like the weights")


class CheckpointPlaneLoss(PlaneLoss):
    """A checkpoint plane's loss: at (α, β) the parameters θ_A + α d₁ + β d₂ and the buffers
    alike (or re-estimated), one point at a time by :class:`StateLoss`."""

    def __init__(self, user: UserModel, arrays: Mapping[str, np.ndarray]):
        super().__init__(user, arrays["origin"], arrays["d1"], arrays["d2"])
        self.flat = {key: np.asarray(arrays[key], dtype=float)
                     for key in ("origin", "d1", "d2", *BUFFER_KEYS)}
        self.state_loss = StateLoss(user, bool(arrays["bn_recompute"]))

    def pointwise(self, alphas, betas) -> np.ndarray:
        f = self.flat
        return np.array([self.state_loss.loss(
            f["origin"] + a * f["d1"] + b * f["d2"],
            f["buffer_origin"] + a * f["buffer_d1"] + b * f["buffer_d2"])
            for a, b in zip(np.asarray(alphas, float), np.asarray(betas, float), strict=True)])

    def evaluate(self, mode, alphas, betas) -> np.ndarray:
        return self.pointwise(alphas, betas)

    def choose_mode(self) -> str:
        return POINTWISE

    def chunk_points(self, mode: str) -> int:
        return POINTWISE_CHUNK


def plane_loss(user: UserModel, arrays: Mapping[str, np.ndarray]):
    """The evaluator of a decided plane: a checkpoint plane's (buffers move too) when
    ``arrays`` hold :data:`BUFFER_KEYS`, else ``PlaneLoss``."""
    if all(key in arrays for key in BUFFER_KEYS):
        return CheckpointPlaneLoss(user, arrays)
    return PlaneLoss(user, arrays["origin"], arrays["d1"], arrays["d2"])


#: The default α and β range of a checkpoint plane: A, B, C and half the plane around them.
CHECKPOINT_RANGE = (-0.5, 1.5)


def check_checkpoint_request(directions: str, checkpoints, bn_recompute: bool) -> None:
    """``--directions checkpoints`` takes exactly three ``--checkpoints``; they, and
    ``--bn-recompute``, take nothing else."""
    if directions == "checkpoints" and len(checkpoints) != 3:
        raise LandscapeError("--directions checkpoints needs --checkpoints A.pt B.pt C.pt "
                             f"(three state dicts; got {len(checkpoints)})")
    if checkpoints and directions != "checkpoints":
        raise LandscapeError("--checkpoints gives the plane of --directions checkpoints; add "
                             "--directions checkpoints")
    if bn_recompute and directions != "checkpoints":
        raise LandscapeError("--bn-recompute applies to --directions checkpoints and "
                             "--interpolate")


def checkpoint_fingerprint(checkpoints, bn_recompute: bool) -> dict:
    """The work directory's fingerprint entries of a checkpoint plane (none otherwise)."""
    import hashlib

    if not checkpoints:
        return {}
    digests = []
    for path in checkpoints:
        try:
            digests.append(hashlib.sha256(Path(path).read_bytes()).hexdigest())
        except OSError as error:
            raise LandscapeError(f"--checkpoints {path}: {error.strerror or error}") from None
    return {"checkpoints_sha256": digests, "bn_recompute": bool(bn_recompute)}


def checkpoint_surface_arrays(plane: Mapping[str, np.ndarray], metadata: dict,
                              evaluator: PlaneLoss) -> dict:
    """What a checkpoint plane adds to the surface NPZ: ``points`` (k × 2), ``point_labels``,
    ``point_losses`` (the loss at each, by ``evaluator``), :data:`BUFFER_KEYS`,
    ``bn_recompute``, and ``metadata`` with ``buffers`` (how they were set) — nothing for
    other planes."""
    import json

    if not all(key in plane for key in BUFFER_KEYS):
        return {}
    recompute = bool(plane["bn_recompute"])
    keys = ("points", "point_labels", *BUFFER_KEYS, "bn_recompute")
    points = np.asarray(plane["points"], dtype=float)
    return {**{key: plane[key] for key in keys},
            "point_losses": evaluator.pointwise(points[:, 0], points[:, 1]),
            "metadata": np.array(json.dumps({**metadata, "bn_recompute": recompute,
                                             "buffers": buffers_note(recompute)}))}
