"""Which small networks exist and what a :class:`NetworkConfig` may hold, without torch.

:mod:`landscape_app.core.nn.models` builds the networks these ids name.
"""

from __future__ import annotations

from dataclasses import dataclass

from landscape_app.core.errors import LandscapeError, UnknownIdError

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

#: Activation ids (:data:`landscape_app.core.nn.models.ACTIVATIONS` maps each to torch).
ACTIVATION_IDS = ("tanh", "relu", "sigmoid", "gelu", "elu", "softplus", "leaky_relu")

DTYPE_NAMES = ("float32", "float64")

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
        An id of :data:`ACTIVATION_IDS`, used after every hidden layer.
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
        if self.dtype not in DTYPE_NAMES:
            raise LandscapeError(f"dtype must be float32 or float64, got {self.dtype!r}")
        if self.model == "seed":
            return self
        if self.activation not in ACTIVATION_IDS:
            raise UnknownIdError(f"unknown activation {self.activation!r}; choose one of "
                                 f"{', '.join(ACTIVATION_IDS)}")
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
    def sample_count(self) -> int:
        """The data set's size: the points minibatches are drawn from."""
        return SEED_SAMPLES if self.model == "seed" else self.samples

    def describe(self) -> str:
        """E.g. ``moons: MLP 2-16-16-2 tanh, 256 points`` or ``seed: 2-2-2 ReLU, 32 points``."""
        if self.model == "seed":
            return f"seed: identity net 2-2-2 ReLU, {SEED_SAMPLES} points, {self.dtype}"
        inputs, outputs = MODEL_DIMENSIONS[self.model]
        widths = "-".join(str(w) for w in (inputs, *self.hidden, outputs))
        return f"{self.model}: MLP {widths} {self.activation}, {self.samples} points, {self.dtype}"
