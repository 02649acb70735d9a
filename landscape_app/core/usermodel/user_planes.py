"""Planes through a user's model's weights: ``random``, ``pca`` (from checkpoints), ``hessian``.

Every vector is flat, in ``parameters_to_vector(model.parameters())`` order, so anyone can
recompute a point: ``vector_to_parameters(origin + a * d1 + b * d2, model.parameters())``.

- ``random`` (Li et al. 2018, §4): a Gaussian direction (numpy's ``default_rng(seed)``, d₁
  drawn first) with every filter — each slice along a weight tensor's first dimension (a
  convolution's output channel, a linear layer's output row) — rescaled to the norm of the same
  filter of θ₀. One-dimensional parameters (biases, BatchNorm's weight and bias) are 0, or with
  ``include_bias`` equal to θ₀'s (their reference code's ``ignore`` off).
- ``pca``: the top two principal directions of the checkpoints' offsets from θ₀ (the model's
  own weights, normally the last checkpoint) — :func:`landscape_app.core.nn.directions.
  pca_plane`, as for the built-in networks.
- ``hessian``: the eigenvectors of the two largest eigenvalues of the data-set loss's Hessian
  at θ₀, by Lanczos on Hessian-vector products —
  :func:`landscape_app.core.nn.directions.hessian_plane` on this model's loss.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
from torch.func import functional_call
from torch.nn.utils import parameters_to_vector

from landscape_app.core.errors import LandscapeError
from landscape_app.core.nn.directions import Plane, hessian_plane, pca_plane
from landscape_app.core.usermodel.contract import UserModel, batch_size

METHODS = ("random", "pca", "hessian")


def flat_parameters(user: UserModel) -> np.ndarray:
    """θ₀ as float64, in ``parameters_to_vector`` order."""
    return parameters_to_vector(user.model.parameters()).detach().cpu().double().numpy()


def random_plane(user: UserModel, origin: np.ndarray, seed: int,
                 include_bias: bool = False) -> Plane:
    """Two filter-normalized random directions at ``origin`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    shapes = [tuple(p.shape) for p in user.model.parameters()]
    directions = []
    for _ in range(2):
        direction = rng.standard_normal(origin.size)
        offset = 0
        for shape in shapes:
            count = int(np.prod(shape)) if shape else 1
            part = slice(offset, offset + count)
            offset += count
            if len(shape) <= 1:
                direction[part] = origin[part] if include_bias else 0.0
                continue
            rows = direction[part].reshape(shape[0], -1)
            weights = origin[part].reshape(shape[0], -1)
            norms = np.linalg.norm(rows, axis=1)
            scale = np.linalg.norm(weights, axis=1) / np.where(norms > 0, norms, 1.0)
            direction[part] = (rows * scale[:, None]).ravel()
        directions.append(direction)
    return Plane(origin.copy(), directions[0], directions[1], "random")


def _state_dict(path: Path) -> Mapping:
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise LandscapeError(f"--trajectory {path}: no such file") from None
    except Exception as error:  # noqa: BLE001 - a corrupt or foreign file
        raise LandscapeError(f"--trajectory {path}: not a readable torch checkpoint "
                             f"({type(error).__name__}: {error})") from None
    for key in ("state_dict", "model_state_dict", "model"):
        if isinstance(loaded, Mapping) and isinstance(loaded.get(key), Mapping):
            loaded = loaded[key]
            break
    if not isinstance(loaded, Mapping):
        raise LandscapeError(f"--trajectory {path}: expected a state dict, got "
                             f"{type(loaded).__name__}")
    return loaded


def checkpoint_vectors(user: UserModel, paths: Sequence[str | Path]) -> np.ndarray:
    """``(n, P)``: each checkpoint's parameters in the model's order (float64)."""
    names = [(name, p.shape) for name, p in user.model.named_parameters()]
    rows = []
    for path in map(Path, paths):
        state = _state_dict(path)
        parts = []
        for name, shape in names:
            tensor = state.get(name, state.get(f"module.{name}"))
            if tensor is None:
                raise LandscapeError(f"--trajectory {path}: has no parameter {name!r} of the "
                                     "model")
            if tuple(tensor.shape) != tuple(shape):
                raise LandscapeError(f"--trajectory {path}: {name!r} has shape "
                                     f"{tuple(tensor.shape)}, the model's is {tuple(shape)}")
            parts.append(tensor.detach().double().reshape(-1))
        rows.append(torch.cat(parts).numpy())
    return np.stack(rows)


class DataSetLoss:
    """The data-set loss as a function of the flat parameters (what ``hessian_plane`` and
    :func:`~landscape_app.core.sharpness.hessian_spectrum` ask)."""

    def __init__(self, user: UserModel):
        self.user = user
        params = list(user.model.named_parameters())
        self.shapes = [(name, p.shape, p.numel()) for name, p in params]
        self.buffers = dict(user.model.named_buffers())
        self.device, self.dtype = params[0][1].device, params[0][1].dtype
        self.dim = sum(count for _, _, count in self.shapes)

    def as_tensor(self, values) -> torch.Tensor:
        return torch.as_tensor(np.asarray(values, dtype=float), device=self.device).to(self.dtype)

    def evaluate(self, theta: torch.Tensor) -> torch.Tensor:
        tensors, offset = {}, 0
        for name, shape, count in self.shapes:
            tensors[name] = theta[offset:offset + count].view(shape)
            offset += count
        total = 0.0
        for inputs, targets in self.user.batches:
            outputs = functional_call(self.user.model, {**tensors, **self.buffers}, (inputs,))
            total = total + self.user.loss(outputs, targets) * batch_size(targets)
        return total / self.user.samples


def make_user_plane(user: UserModel, method: str, seed: int = 0, include_bias: bool = False,
                    trajectory: np.ndarray | None = None) -> Plane:
    """The plane of ``method`` through the model's weights."""
    origin = flat_parameters(user)
    if method == "random":
        return random_plane(user, origin, seed, include_bias)
    if method == "pca":
        if trajectory is None or len(trajectory) == 0:
            raise LandscapeError("--directions pca needs --trajectory ckpt_000.pt ckpt_010.pt "
                                 "... (state dicts saved during training)")
        return pca_plane([trajectory], origin)
    if method == "hessian":
        return hessian_plane(DataSetLoss(user), origin, seed)  # type: ignore[arg-type]
    raise LandscapeError(f"unknown directions {method!r}; choose one of {', '.join(METHODS)}")
