"""Network configurations and architectures: the seed's identity net and small MLPs.

A network is a stack of fully connected layers. Its parameters live in one flat vector θ in
``torch.nn.Module.parameters()`` order: for each layer the weight ``(out, in)`` row by row,
then its bias. For the seed network that is exactly the article's ``[W1 (4), W2 (4), b2 (2)]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from landscape_app.core.catalogue.networks import (  # noqa: F401  (the catalogue's, re-exported)
    MAX_DEPTH,
    MAX_SAMPLES,
    MAX_WIDTH,
    MIN_SAMPLES,
    MODEL_DIMENSIONS,
    NETWORK_MODELS,
    SEED_COLUMN_SCALE,
    SEED_NUMBER,
    SEED_SAMPLES,
    NetworkConfig,
)
from landscape_app.core.nn.data import GENERATORS, Dataset

#: Activation ids (the catalogue's ACTIVATION_IDS) → (batched function, module class).
ACTIVATIONS: dict[str, tuple[Callable[[torch.Tensor], torch.Tensor], type[nn.Module]]] = {
    "tanh": (torch.tanh, nn.Tanh),
    "relu": (torch.relu, nn.ReLU),
    "sigmoid": (torch.sigmoid, nn.Sigmoid),
    "gelu": (F.gelu, nn.GELU),
    "elu": (F.elu, nn.ELU),
    "softplus": (F.softplus, nn.Softplus),
    "leaky_relu": (F.leaky_relu, nn.LeakyReLU),
}

DTYPES = {"float32": torch.float32, "float64": torch.float64}


@dataclass(frozen=True)
class Layer:
    """A fully connected layer ``z = W h + b`` followed by ``activation`` (None: none)."""

    in_features: int
    out_features: int
    bias: bool
    activation: str | None

    @property
    def size(self) -> int:
        return self.out_features * self.in_features + (self.out_features if self.bias else 0)


@dataclass(frozen=True)
class NetworkProblem:
    """Architecture, data and start: everything an objective is built from (numpy, float64).

    ``targets`` are labels ``(n,)`` for ``loss="cross_entropy"``, values ``(n, out)`` for
    ``loss="mse"``. ``start`` is the initial θ; ``half_width`` the search box ``[−h, h]^P``.
    """

    layers: tuple[Layer, ...]
    inputs: np.ndarray
    targets: np.ndarray
    loss: str
    start: np.ndarray
    half_width: float

    @property
    def parameter_count(self) -> int:
        return sum(layer.size for layer in self.layers)


def build_module(layers: tuple[Layer, ...], dtype: torch.dtype = torch.float64) -> nn.Sequential:
    """The ordinary ``nn.Sequential`` of ``layers`` (torch's default initialisation)."""
    modules: list[nn.Module] = []
    for layer in layers:
        modules.append(nn.Linear(layer.in_features, layer.out_features, bias=layer.bias))
        if layer.activation is not None:
            modules.append(ACTIVATIONS[layer.activation][1]())
    return nn.Sequential(*modules).to(dtype)


def build_problem(config: NetworkConfig) -> NetworkProblem:
    """Data, architecture and initial weights for ``config`` (validated first)."""
    config = config.validated()
    if config.model == "seed":
        return seed_problem()
    data: Dataset = GENERATORS[config.model](config.samples, config.seed)
    widths = (data.input_dim, *config.hidden, data.output_dim)
    layers = tuple(
        Layer(widths[i], widths[i + 1], True, config.activation if i + 2 < len(widths) else None)
        for i in range(len(widths) - 1)
    )
    loss = "cross_entropy" if data.task == "classification" else "mse"
    return NetworkProblem(layers, data.inputs, data.targets, loss,
                          _mlp_start(layers, config.seed), half_width=2.0)


def initial_weights(config: NetworkConfig, seed: int) -> np.ndarray:
    """θ₀ of ``config``'s network drawn with ``seed`` in place of its own (the data stay
    ``config``'s): torch's initialisation right after ``torch.manual_seed(seed)`` for an MLP
    (``seed = config.seed`` gives its start), ``0.1 · randn(10)`` right after
    ``np.random.seed(seed)`` for the seed net (42 gives the article's x0)."""
    if config.validated().model == "seed":
        return _seed_start(seed)
    return _mlp_start(build_problem(config).layers, seed)


def _mlp_start(layers: tuple[Layer, ...], seed: int) -> np.ndarray:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        module = build_module(layers)
    return nn.utils.parameters_to_vector(module.parameters()).detach().numpy().copy()


def _seed_start(seed: int) -> np.ndarray:
    return 0.1 * np.random.RandomState(seed).randn(10)


def seed_problem() -> NetworkProblem:
    """The seed article's set-up, exactly (without touching the global random generators).

    ``torch.manual_seed(42)``; the model ``Sequential(Linear(2, 2, bias=False), ReLU(),
    Linear(2, 2))`` is created first (its initialisation draws from torch's generator), then
    ``X = randn(32, 2)`` (float32, then float64) with column 1 multiplied by 1e3; target = X;
    MSE; ``x0 = 0.1 · randn(10)`` right after ``np.random.seed(42)``; box [−1, 1]^10.
    """
    layers = (Layer(2, 2, False, "relu"), Layer(2, 2, True, None))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED_NUMBER)
        build_module(layers)  # consumes the generator exactly as the article's model does
        inputs = torch.randn(SEED_SAMPLES, 2).double()
    inputs[:, 1] *= SEED_COLUMN_SCALE
    array = inputs.numpy().copy()
    return NetworkProblem(layers, array, array.copy(), "mse", _seed_start(SEED_NUMBER),
                          half_width=1.0)
