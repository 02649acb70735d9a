"""What a network *does* at a point θ of its race: the picture beside the landscape.

The landscape shows where an optimizer is; this module shows what the network at that point
computes, from the *real* parameter vector θ_t the race recorded (every lane's full
``trajectory`` is kept by :class:`~landscape_app.core.nn.network_landscape.LanePath`), not from its
projection θ₀ + α d₁ + β d₂ on the drawn plane.

Three pictures, by problem:

- classifiers (``moons``, ``circles``, ``spirals``, ``xor``): :class:`DecisionRegions` — on a
  ``side × side`` grid of pixel centres over the data's box (grown by :data:`PADDING` of its
  extent on each side), the softmax probability of class 1, ``p = σ(z₁ − z₀)``, and the
  predicted class ``argmax_k z_k``; with the data points and their labels;
- the sine regression: :class:`FittedCurve` — the network's output ``ŷ(x)`` on ``side`` evenly
  spaced x over the data's range (same padding), with the data;
- the seed network (and any other multi-output regression): :class:`OutputsVsTargets` — every
  sample's outputs against its targets, each output column divided by the root mean square of
  its targets (the seed's second column is a thousand times the first).

The forward pass runs the layers as ``F.linear`` on views of θ (the layout of
:func:`~landscape_app.core.nn.network_objective.parameter_blocks`), in the network's dtype, on
the CPU, without gradients: a few milliseconds for a 96² grid of a 2-16-16-2 network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from landscape_app.core.errors import LandscapeError
from landscape_app.core.nn.models import (
    ACTIVATIONS,
    DTYPES,
    NetworkConfig,
    NetworkProblem,
    build_problem,
)
from landscape_app.core.nn.network_landscape import LanePath
from landscape_app.core.nn.network_objective import parameter_blocks
from landscape_app.core.result import LaneResult

#: Pixels per side of the decision-region image (and points of the fitted curve).
DEFAULT_SIDE = 96
#: The box drawn reaches this fraction of the data's extent beyond it on every side.
PADDING = 0.15


@dataclass(frozen=True)
class DecisionRegions:
    """A classifier's decision regions on a grid of pixel centres.

    ``probability[j, i]`` and ``classes[j, i]`` belong to the pixel centred on
    ``(xs[i], ys[j])``; ``inputs (n, 2)`` and ``labels (n,)`` are the data; ``accuracy`` the
    fraction of data points classified right.
    """

    xs: np.ndarray
    ys: np.ndarray
    probability: np.ndarray
    classes: np.ndarray
    inputs: np.ndarray
    labels: np.ndarray
    accuracy: float

    kind = "classifier"

    @property
    def box(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The image's outer edges ``((x0, x1), (y0, y1))`` (half a pixel beyond the
        centres)."""
        dx, dy = self.xs[1] - self.xs[0], self.ys[1] - self.ys[0]
        return ((float(self.xs[0] - dx / 2), float(self.xs[-1] + dx / 2)),
                (float(self.ys[0] - dy / 2), float(self.ys[-1] + dy / 2)))


@dataclass(frozen=True)
class FittedCurve:
    """A one-input regression: the output ``fitted`` at ``xs``, the data, and the MSE."""

    xs: np.ndarray
    fitted: np.ndarray
    inputs: np.ndarray
    targets: np.ndarray
    mse: float

    kind = "curve"


@dataclass(frozen=True)
class OutputsVsTargets:
    """Every sample's ``outputs (n, k)`` against its ``targets (n, k)``; ``scales (k,)`` is
    each target column's root mean square (what the plot divides by), ``mse`` the loss."""

    outputs: np.ndarray
    targets: np.ndarray
    scales: np.ndarray
    mse: float

    kind = "outputs"


ModelPicture = DecisionRegions | FittedCurve | OutputsVsTargets


def padded_range(values: np.ndarray, padding: float = PADDING) -> tuple[float, float]:
    """``[min − p·w, max + p·w]`` of ``values`` with ``w`` their extent (1 when they are all
    equal)."""
    low, high = float(np.min(values)), float(np.max(values))
    width = high - low if high > low else 1.0
    return low - padding * width, high + padding * width


class ModelProbe:
    """A network's architecture and data, to picture the model at any parameter vector.

    Parameters
    ----------
    problem : NetworkProblem
        Layers, inputs and targets (:func:`~landscape_app.core.nn.models.build_problem`).
    dtype : torch.dtype
        What the forward pass computes in (the network's training dtype).
    side : int
        Pixels per side of the decision regions (points of a fitted curve), at least 2.
    """

    def __init__(self, problem: NetworkProblem, dtype: torch.dtype = torch.float64,
                 side: int = DEFAULT_SIDE):
        if side < 2:
            raise LandscapeError(f"a model picture needs at least 2 pixels a side, got {side}")
        self.problem, self.dtype, self.side = problem, dtype, int(side)
        self.layers = problem.layers
        self.blocks = parameter_blocks(problem.layers)
        self.dim = problem.parameter_count
        self.inputs = np.asarray(problem.inputs, dtype=float)
        self.targets = np.asarray(problem.targets)
        if problem.loss == "cross_entropy":
            self.kind = "classifier"
        elif self.inputs.shape[1] == 1 and self.targets.shape[1] == 1:
            self.kind = "curve"
        else:
            self.kind = "outputs"

    @classmethod
    def from_config(cls, config: NetworkConfig, side: int = DEFAULT_SIDE) -> ModelProbe:
        """The probe of ``config``'s network (its data regenerated from the config's seed)."""
        return cls(build_problem(config), DTYPES[config.validated().dtype], side)

    def forward(self, theta: np.ndarray, inputs: np.ndarray) -> np.ndarray:
        """The network's outputs ``(n, out)`` (logits of a classifier) at ``inputs (n, in)``
        with parameters ``theta (P,)``.

        Layer ℓ: ``z = h Wᵀ + b``, then its activation; ``W`` and ``b`` are views of θ.
        """
        theta = np.asarray(theta, dtype=float).reshape(-1)
        if theta.shape[0] != self.dim:
            raise LandscapeError(f"the network has {self.dim} parameters; got a vector of "
                                 f"{theta.shape[0]}")
        vector = torch.as_tensor(theta, dtype=self.dtype)
        hidden = torch.as_tensor(np.asarray(inputs, dtype=float), dtype=self.dtype)
        blocks = iter(self.blocks)
        with torch.no_grad():
            for layer in self.layers:
                weight = next(blocks)
                bias = next(blocks) if layer.bias else None
                hidden = F.linear(
                    hidden, vector[weight.offset:weight.stop].view(weight.shape),
                    None if bias is None else vector[bias.offset:bias.stop].view(bias.shape))
                if layer.activation is not None:
                    hidden = ACTIVATIONS[layer.activation][0](hidden)
        return hidden.double().numpy()

    def picture(self, theta: np.ndarray) -> ModelPicture:
        """What the network with parameters ``theta`` computes (see the module)."""
        if self.kind == "classifier":
            return self.decision_regions(theta)
        if self.kind == "curve":
            return self.fitted_curve(theta)
        return self.outputs_vs_targets(theta)

    def pixel_centres(self) -> tuple[np.ndarray, np.ndarray]:
        """The decision image's pixel centres ``xs (side,)``, ``ys (side,)``."""
        x0, x1 = padded_range(self.inputs[:, 0])
        y0, y1 = padded_range(self.inputs[:, 1])
        return np.linspace(x0, x1, self.side), np.linspace(y0, y1, self.side)

    def decision_regions(self, theta: np.ndarray) -> DecisionRegions:
        xs, ys = self.pixel_centres()
        gx, gy = np.meshgrid(xs, ys)  # gx[j, i] = xs[i], gy[j, i] = ys[j]
        logits = self.forward(theta, np.column_stack([gx.ravel(), gy.ravel()]))
        classes = np.argmax(logits, axis=1).reshape(gx.shape)
        shifted = logits - logits.max(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", over="ignore"):
            softmax = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        probability = softmax[:, min(1, logits.shape[1] - 1)].reshape(gx.shape)
        labels = self.targets.astype(np.int64)
        predicted = np.argmax(self.forward(theta, self.inputs), axis=1)
        return DecisionRegions(xs, ys, probability, classes, self.inputs, labels,
                               float(np.mean(predicted == labels)))

    def fitted_curve(self, theta: np.ndarray) -> FittedCurve:
        xs = np.linspace(*padded_range(self.inputs[:, 0]), self.side)
        fitted = self.forward(theta, xs[:, None])[:, 0]
        targets = self.targets.astype(float)
        mse = float(np.mean((self.forward(theta, self.inputs) - targets) ** 2))
        return FittedCurve(xs, fitted, self.inputs[:, 0], targets[:, 0], mse)

    def outputs_vs_targets(self, theta: np.ndarray) -> OutputsVsTargets:
        targets = self.targets.astype(float)
        outputs = self.forward(theta, self.inputs)
        scales = np.sqrt(np.mean(targets**2, axis=0))
        scales = np.where(scales > 0, scales, 1.0)
        return OutputsVsTargets(outputs, targets, scales,
                                float(np.mean((outputs - targets) ** 2)))


def step_row(steps: Sequence[int] | np.ndarray, step: int) -> int | None:
    """The row of the last recorded step ``≤ step`` in ``steps`` (in increasing order);
    None when there is none (an empty lane)."""
    steps = np.asarray(steps)
    if steps.size == 0:
        return None
    return max(int(np.searchsorted(steps, step, side="right")) - 1, 0)


@dataclass(frozen=True)
class LaneTrack:
    """One lane's recorded parameters: ``trajectory[k]`` is θ after step ``steps[k]``
    (``steps`` increasing)."""

    label: str
    steps: np.ndarray
    trajectory: np.ndarray

    @classmethod
    def of(cls, lane: LanePath | LaneResult) -> LaneTrack:
        """The track of a :class:`~landscape_app.core.nn.network_landscape.LanePath` (``steps``,
        ``trajectory``) or a :class:`~landscape_app.core.result.LaneResult` (its records)."""
        if isinstance(lane, LanePath):
            return cls(lane.label, np.asarray(lane.steps), np.asarray(lane.trajectory))
        steps = np.array([record.step for record in lane.records], dtype=np.int64)
        trajectory = lane.trajectory if lane.records else np.empty((0, 0))
        return cls(lane.label, steps, trajectory)

    def at(self, step: int) -> tuple[int, np.ndarray] | None:
        """``(shown step, θ)`` of the last recorded step ``≤ step`` (the first one before
        the lane's start); None for an empty lane."""
        row = step_row(self.steps, step)
        if row is None:
            return None
        return int(self.steps[row]), self.trajectory[row]


def picture_caption(picture: ModelPicture) -> str:
    """How well the pictured network does: its accuracy or its mean squared error."""
    if isinstance(picture, DecisionRegions):
        return f"accuracy {100 * picture.accuracy:.1f} %"
    return f"MSE {picture.mse:.4g}"
