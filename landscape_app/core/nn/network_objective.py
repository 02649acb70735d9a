"""A small network as an :class:`Objective` over its flattened parameter vector θ.

``evaluate(points)`` takes ``(..., P)`` parameter vectors and returns the training loss of each,
differentiable, so every optimizer of the core and the race runner work on it unchanged. A
single point runs the layers as ordinary ``F.linear`` calls on views of θ (bit for bit the
forward pass of the ``nn.Module``); a batch runs them as batched matrix products::

    h₀ = X                                     (N, in), shared by every point
    z_ℓ = h_{ℓ−1} W_ℓᵀ + b_ℓ                  (B, N, out_ℓ)   torch.baddbmm
    h_ℓ = σ(z_ℓ)

then MSE ``mean((z_L − Y)²)`` or cross-entropy ``mean(logsumexp(z_L) − z_L[y])`` per point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from landscape_app.core.device import describe_device, pick_device
from landscape_app.core.errors import LandscapeError
from landscape_app.core.nn.models import (
    ACTIVATIONS,
    DTYPES,
    Layer,
    NetworkConfig,
    NetworkProblem,
    build_module,
    build_problem,
)
from landscape_app.core.objective import Objective

#: A lane whose weights leave this radius counts as diverged. Generous on purpose: SLSQP on
#: the seed network visits |θ| ≈ 1.4e7 before it settles at the article's loss of 3.097; a
#: NaN or infinite loss stops a lane whatever its position.
DIVERGENCE_RADIUS = 1e9


@dataclass(frozen=True)
class ParameterBlock:
    """Where one weight or bias tensor lies in θ: ``θ[offset : offset + numel]``."""

    name: str
    offset: int
    shape: tuple[int, ...]

    @property
    def numel(self) -> int:
        return int(np.prod(self.shape))

    @property
    def stop(self) -> int:
        return self.offset + self.numel


def parameter_blocks(layers: tuple[Layer, ...]) -> tuple[ParameterBlock, ...]:
    """The weight/bias blocks of θ in ``nn.Module.parameters()`` order."""
    blocks, offset = [], 0
    for index, layer in enumerate(layers):
        shape = (layer.out_features, layer.in_features)
        blocks.append(ParameterBlock(f"layer{index}.weight", offset, shape))
        offset += shape[0] * shape[1]
        if layer.bias:
            blocks.append(ParameterBlock(f"layer{index}.bias", offset, (layer.out_features,)))
            offset += layer.out_features
    return tuple(blocks)


class NetworkObjective(Objective):
    """The training loss of a small network as a function of its flat parameter vector.

    Parameters
    ----------
    config : NetworkConfig
        What it was built from (kept for display and saving).
    problem : NetworkProblem
        Layers, data, loss kind, start and box.
    device : torch.device
        Where data and evaluations live.
    device_name : str, optional
        How reports name the device (default :func:`describe_device`; ``auto`` adds why it
        passed a GPU over, e.g. ``CPU (MPS has no float64)``).
    """

    def __init__(self, config: NetworkConfig, problem: NetworkProblem, device: torch.device,
                 device_name: str | None = None):
        self.config = config
        self.problem = problem
        self.layers = problem.layers
        self.blocks = parameter_blocks(problem.layers)
        self.dim = problem.parameter_count
        self.dtype = DTYPES[config.dtype]
        self.device = device
        self.device_name = device_name or describe_device(device)
        self.name = config.describe()
        self.loss_kind = problem.loss
        self.inputs = torch.as_tensor(problem.inputs, dtype=self.dtype, device=device)
        if problem.loss == "cross_entropy":
            self.targets = torch.as_tensor(problem.targets, dtype=torch.long, device=device)
        else:
            self.targets = torch.as_tensor(problem.targets, dtype=self.dtype, device=device)
        self._box = np.full(self.dim, problem.half_width, dtype=float)

    # -- Objective ------------------------------------------------------------------------
    @property
    def lower(self) -> np.ndarray:
        return -self._box

    @property
    def upper(self) -> np.ndarray:
        return self._box.copy()

    @property
    def divergence_radius(self) -> float:
        return DIVERGENCE_RADIUS

    @property
    def parameter_count(self) -> int:
        return self.dim

    def initial_parameters(self) -> np.ndarray:
        """The start θ₀ (torch's initialisation for MLPs; the article's x0 for the seed net)."""
        return self.problem.start.copy()

    def default_start(self) -> np.ndarray:
        return self.initial_parameters()

    def evaluate(self, points: torch.Tensor) -> torch.Tensor:
        """Loss at each parameter vector: ``(..., P)`` to ``(...)``; differentiable."""
        if points.dim() == 1:
            return self.loss_of_outputs(self.forward_single(points))
        batch_shape = points.shape[:-1]
        flat = points.reshape(-1, self.dim)
        return self.loss_of_outputs(self.forward_batch(flat)).reshape(batch_shape)

    # -- forward passes -------------------------------------------------------------------
    def weights(self, theta: torch.Tensor, index: int) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Layer ``index``'s weight ``(..., out, in)`` and bias ``(..., out)`` as views of θ."""
        layer = self.layers[index]
        offset = sum(previous.size for previous in self.layers[:index])
        weight_size = layer.out_features * layer.in_features
        weight = theta[..., offset:offset + weight_size].unflatten(
            -1, (layer.out_features, layer.in_features))
        if not layer.bias:
            return weight, None
        stop = offset + weight_size + layer.out_features
        return weight, theta[..., offset + weight_size:stop]

    def forward_single(self, theta: torch.Tensor,
                       inputs: torch.Tensor | None = None) -> torch.Tensor:
        """Network outputs ``(N, out)`` for one θ ``(P,)``, as the ``nn.Module`` computes them
        (on ``inputs``, default the whole data set)."""
        hidden = self.inputs if inputs is None else inputs
        for index, layer in enumerate(self.layers):
            weight, bias = self.weights(theta, index)
            hidden = F.linear(hidden, weight, bias)
            if layer.activation is not None:
                hidden = ACTIVATIONS[layer.activation][0](hidden)
        return hidden

    def forward_batch(self, thetas: torch.Tensor) -> torch.Tensor:
        """Network outputs ``(B, N, out)`` for ``B`` parameter vectors ``(B, P)``."""
        hidden = self.inputs.expand(thetas.shape[0], *self.inputs.shape)
        for index, layer in enumerate(self.layers):
            weight, bias = self.weights(thetas, index)
            if bias is None:
                hidden = torch.bmm(hidden, weight.transpose(1, 2))
            else:
                hidden = torch.baddbmm(bias.unsqueeze(1), hidden, weight.transpose(1, 2))
            if layer.activation is not None:
                hidden = ACTIVATIONS[layer.activation][0](hidden)
        return hidden

    def loss_of_outputs(self, outputs: torch.Tensor,
                        targets: torch.Tensor | None = None) -> torch.Tensor:
        """Mean loss over the samples: outputs ``(..., N, out)`` to ``(...)`` (against
        ``targets``, default the data set's)."""
        targets = self.targets if targets is None else targets
        if self.loss_kind == "mse":
            return (outputs - targets).square().mean(dim=(-2, -1))
        if outputs.dim() == 2:
            return F.cross_entropy(outputs, targets)
        labels = targets.expand(*outputs.shape[:-1])
        losses = F.cross_entropy(outputs.reshape(-1, outputs.shape[-1]), labels.reshape(-1),
                                 reduction="none")
        return losses.view(labels.shape).mean(dim=-1)

    @property
    def bytes_per_point(self) -> int:
        """Bytes one point of a batched :meth:`evaluate` (without gradient) allocates, at most.

        Its parameter row, and per layer the pre-activation, the activation and a contiguous
        copy of the per-point weights (made when a kernel needs one), plus the loss's two
        temporaries: an upper bound, as a chunk-size estimate should be.
        """
        samples = self.inputs.shape[0]
        per_layer = sum(2 * samples * layer.out_features
                        + layer.out_features * layer.in_features for layer in self.layers)
        loss = 2 * samples * self.layers[-1].out_features
        return self.inputs.element_size() * (self.dim + per_layer + loss)

    # -- minibatches ----------------------------------------------------------------------
    @property
    def training_data(self) -> tuple[torch.Tensor, torch.Tensor]:
        """``(inputs, targets)``: the data set minibatches are drawn from."""
        return self.inputs, self.targets

    def batch_loss(self, theta: torch.Tensor, inputs: torch.Tensor,
                   targets: torch.Tensor) -> torch.Tensor:
        """Mean loss of one θ ``(P,)`` on a batch of samples, with torch's loss functions.

        MSE: (1/(B·out)) Σ (ŷ − y)²;  cross-entropy: (1/B) Σ (logsumexp(ŷ) − ŷ_y).
        """
        outputs = self.forward_single(theta, inputs)
        if self.loss_kind == "mse":
            return F.mse_loss(outputs, targets)
        return F.cross_entropy(outputs, targets)

    # -- helpers --------------------------------------------------------------------------
    def module(self, theta: np.ndarray | torch.Tensor | None = None) -> nn.Sequential:
        """An ordinary ``nn.Sequential`` holding θ (the start when ``theta`` is None)."""
        vector = self.as_tensor(self.initial_parameters() if theta is None else theta)
        module = build_module(self.layers, self.dtype).to(self.device)
        nn.utils.vector_to_parameters(vector.detach().clone(), module.parameters())
        return module

    def reference_loss(self, module: nn.Module) -> torch.Tensor:
        """The loss of an ``nn.Module`` on this data with torch's own loss functions."""
        outputs = module(self.inputs)
        if self.loss_kind == "mse":
            return F.mse_loss(outputs, self.targets)
        return F.cross_entropy(outputs, self.targets)

    def to(self, device: torch.device) -> NetworkObjective:
        """The same objective on another device."""
        return NetworkObjective(self.config, self.problem, device)

    def __repr__(self) -> str:
        return f"NetworkObjective({self.name!r}, P={self.dim}, device={self.device})"


def build_network(config: NetworkConfig,
                  device: torch.device | str = "auto") -> NetworkObjective:
    """The objective of ``config`` on ``device`` (a device or ``auto``/``cpu``/``cuda``/``mps``).

    ``auto`` chooses a device that computes in ``config.dtype`` (see
    :func:`~landscape_app.core.device.pick_device`); the objective's ``device_name`` says
    which, and why when a GPU was passed over.

    Raises
    ------
    LandscapeError
        For an invalid configuration or an unavailable device.
    """
    problem = build_problem(config)
    name = None
    if isinstance(device, str):
        choice = pick_device(device, DTYPES[config.dtype])
        device, name = choice.device, choice.description
    if device.type == "mps" and config.dtype == "float64":
        raise LandscapeError("MPS has no float64; choose float32 or the CPU")
    return NetworkObjective(config, problem, device, name)
