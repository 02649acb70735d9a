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

from landscape_app.core.errors import LandscapeError, UnknownIdError
from landscape_app.core.nn.data import GENERATORS, Dataset

#: Model ids → one-line description (what the CLI ``--model`` and the GUI list offer).
NETWORK_MODELS: dict[str, str] = {
    "seed": "the seed article's 10-parameter identity net 2-2-2 (ReLU, 32 points, MSE)",
    "moons": "MLP classifier on two moons (cross-entropy)",
    "circles": "MLP classifier on two concentric circles (cross-entropy)",
    "spirals": "MLP classifier on two interleaved spirals (cross-entropy)",
    "xor": "MLP classifier on the XOR of the signs (cross-entropy)",
    "sine": "MLP regression of sin(x) on [−π, π] (MSE)",
}

#: MLP model ids → (inputs, outputs) of their data sets (classes for classifiers).
MODEL_DIMENSIONS: dict[str, tuple[int, int]] = {
    "moons": (2, 2), "circles": (2, 2), "spirals": (2, 2), "xor": (2, 2), "sine": (1, 1),
}

#: Activation ids → (batched function, module class).
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

#: "Small": limits on the MLPs a user may configure.
MAX_WIDTH = 256
MAX_DEPTH = 4
MIN_SAMPLES, MAX_SAMPLES = 4, 20_000

#: The seed article's fixed set-up (its seed, sample count, inputs' column scale).
SEED_NUMBER = 42
SEED_SAMPLES = 32
SEED_COLUMN_SCALE = 1e3


@dataclass(frozen=True)
class NetworkConfig:
    """Which network and data: plain values, JSON-friendly (scenes and sessions store it).

    Parameters
    ----------
    model : str
        An id of :data:`NETWORK_MODELS`.
    hidden : tuple of int
        Widths of the hidden layers (1 to ``MAX_DEPTH`` layers of 1 to ``MAX_WIDTH``).
    activation : str
        An id of :data:`ACTIVATIONS`, used after every hidden layer.
    samples : int
        Number of generated data points.
    seed : int
        Seeds both the data and the initial weights.
    dtype : str
        ``"float32"`` or ``"float64"``.

    For ``model="seed"`` the article fixes everything but ``dtype``: 2-2-2 with ReLU and no
    first-layer bias, 32 points, seed 42; ``hidden``, ``activation``, ``samples`` and ``seed``
    are ignored (float64 reproduces the article's numbers).
    """

    model: str = "moons"
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "tanh"
    samples: int = 256
    seed: int = 0
    dtype: str = "float32"

    def validated(self) -> NetworkConfig:
        """This configuration, or a :class:`LandscapeError` naming what is wrong."""
        if self.model not in NETWORK_MODELS:
            raise UnknownIdError(
                f"unknown network model {self.model!r}; choose one of {', '.join(NETWORK_MODELS)}"
            )
        if self.dtype not in DTYPES:
            raise LandscapeError(f"dtype must be float32 or float64, got {self.dtype!r}")
        if self.model == "seed":
            return self
        if self.activation not in ACTIVATIONS:
            raise UnknownIdError(f"unknown activation {self.activation!r}; choose one of "
                                 f"{', '.join(ACTIVATIONS)}")
        hidden = tuple(self.hidden)
        if not 1 <= len(hidden) <= MAX_DEPTH:
            raise LandscapeError(f"an MLP here has 1 to {MAX_DEPTH} hidden layers, "
                                 f"got {len(hidden)}")
        if any(not isinstance(w, int) or not 1 <= w <= MAX_WIDTH for w in hidden):
            raise LandscapeError(f"hidden widths must be whole numbers from 1 to {MAX_WIDTH}, "
                                 f"got {hidden}")
        if not isinstance(self.samples, int) or not MIN_SAMPLES <= self.samples <= MAX_SAMPLES:
            raise LandscapeError(f"samples must be from {MIN_SAMPLES} to {MAX_SAMPLES}, "
                                 f"got {self.samples!r}")
        return self

    @property
    def torch_dtype(self) -> torch.dtype:
        return DTYPES[self.dtype]

    def describe(self) -> str:
        """E.g. ``moons: MLP 2-16-16-2 tanh, 256 points`` or ``seed: 2-2-2 ReLU, 32 points``."""
        if self.model == "seed":
            return f"seed: identity net 2-2-2 ReLU, {SEED_SAMPLES} points, {self.dtype}"
        inputs, outputs = MODEL_DIMENSIONS[self.model]
        widths = "-".join(str(w) for w in (inputs, *self.hidden, outputs))
        return f"{self.model}: MLP {widths} {self.activation}, {self.samples} points, {self.dtype}"


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
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        module = build_module(layers)
    start = nn.utils.parameters_to_vector(module.parameters()).detach().numpy().copy()
    loss = "cross_entropy" if data.task == "classification" else "mse"
    return NetworkProblem(layers, data.inputs, data.targets, loss, start, half_width=2.0)


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
    start = 0.1 * np.random.RandomState(SEED_NUMBER).randn(10)
    return NetworkProblem(layers, array, array.copy(), "mse", start, half_width=1.0)
