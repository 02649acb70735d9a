"""The batched kernel behind a plane surface: f(θ₀ + α d₁ + β d₂) for many (α, β) at once.

Every layer's weight and bias are affine in the plane coordinates, W(α, β) = W⁰ + α W¹ + β W²
(the origin's and the two directions' blocks), so each layer is kept as a *stack* of three
blocks and a chunk of B grid points with coefficient rows c = [1, α, β] ``(B, 3)`` gets its
per-point weights by one small product ``c · stack``. Three exact rewrites make it fast:

1. The first layer's input X is shared, so its pre-activation is linear in (α, β)::

       z₁(α, β) = X W₁(α, β)ᵀ + b₁(α, β) = Σ_k c_k (X W₁ᵏᵀ + b₁ᵏ) = c · [Z⁰; Z¹; Z²]

   Z⁰, Z¹, Z² ``(N, out₁)`` are computed once; a chunk needs one ``(B×3)·(3×N·out₁)``
   product instead of B products with X. Later layers use one ``torch.baddbmm`` each, with
   the per-point weights laid out ``(B, out, in)`` and transposed, as ``F.linear`` does (a
   layer with at most ``NARROW_INPUTS`` inputs is a sum of broadcast products instead).
2. On a CPU, tanh layers become sigmoid layers: tanh(z) = 2σ(2z) − 1, so ``h = tanh(x Wᵀ +
   b)`` followed by ``y = h Vᵀ + c`` equals ``s = σ(x (2W)ᵀ + 2b)`` followed by ``y = s (2V)ᵀ
   + (c − V 1)``. Same function; torch's CPU sigmoid kernel is about 5× faster than its tanh.
3. Two-class cross-entropy needs only the logit difference: with u = z₁ − z₀,
   CE = softplus(u) for label 0 and softplus(−u) for label 1, so the last layer keeps the one
   row w₁ − w₀ (bias b₁ − b₀) and the loss is ``mean(softplus((1 − 2y) ⊙ u))`` — no
   log-softmax over a width-2 axis.

Each rewrite is exact algebra; the float results differ from a plain forward pass only by
rounding (tested to 1e-6 in float64 against per-point ``nn.Module`` forward passes). Blocks
are written into buffers kept between chunks, and activations and the MSE are applied in
place: fresh megabyte-sized tensors per chunk would cost more in page faults than the
arithmetic.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from landscape_app.core.nn.directions import Plane
from landscape_app.core.nn.models import ACTIVATIONS
from landscape_app.core.nn.network_objective import NetworkObjective


def sigmoid_form(weights: list[torch.Tensor], biases: list[torch.Tensor],
                 activations: list[str | None]) -> list[str | None]:
    """Rewrite 2 of the module docstring, in place on the stacks; returns the activations.

    ``weights[ℓ]`` are stacks ``(3, out, in)``, ``biases[ℓ]`` stacks ``(3, out)``.
    """
    result = list(activations)
    for index, activation in enumerate(activations):
        if activation != "tanh" or index + 1 >= len(weights):
            continue
        weights[index] = weights[index] * 2.0
        biases[index] = biases[index] * 2.0
        following = weights[index + 1]
        biases[index + 1] = biases[index + 1] - following.sum(dim=2)
        weights[index + 1] = following * 2.0
        result[index] = "sigmoid"
    return result


#: Activations with an in-place torch form (the others are computed and copied back).
IN_PLACE = {
    "sigmoid": torch.Tensor.sigmoid_,
    "tanh": torch.Tensor.tanh_,
    "relu": torch.Tensor.relu_,
    "elu": lambda h: F.elu(h, inplace=True),
    "leaky_relu": lambda h: F.leaky_relu(h, inplace=True),
}
#: Layers with at most this many inputs are applied as a sum of broadcast products (a batched
#: matrix product of such thin matrices costs more in call overhead than in arithmetic).
NARROW_INPUTS = 4


def activate_(hidden: torch.Tensor, activation: str | None) -> None:
    """Apply ``activation`` in place (``None``: identity)."""
    if activation is None:
        return
    if activation in IN_PLACE:
        IN_PLACE[activation](hidden)
    else:
        hidden.copy_(ACTIVATIONS[activation][0](hidden))


def affine_into(out: torch.Tensor, hidden: torch.Tensor, weights: torch.Tensor,
                bias: torch.Tensor) -> torch.Tensor:
    """``out[b] = hidden[b] @ weights[b]ᵀ + bias[b]`` for per-point ``weights`` ``(B, out, in)``."""
    inputs = weights.shape[2]
    if inputs > NARROW_INPUTS:
        return torch.baddbmm(bias.unsqueeze(1), hidden, weights.transpose(1, 2), out=out)
    torch.addcmul(bias.unsqueeze(1), hidden[:, :, 0:1], weights[:, :, 0].unsqueeze(1), out=out)
    for index in range(1, inputs):
        out.addcmul_(hidden[:, :, index:index + 1], weights[:, :, index].unsqueeze(1))
    return out


class PlaneEvaluator:
    """Losses f(θ₀ + α d₁ + β d₂) for batches of (α, β) (see the module docstring)."""

    def __init__(self, objective: NetworkObjective, plane: Plane):
        self.objective = objective
        stack = objective.as_tensor(np.stack([plane.origin, plane.d1, plane.d2]))  # (3, P)
        weights, biases = [], []
        for index in range(len(objective.layers)):
            weight, bias = objective.weights(stack, index)  # (3, out, in), (3, out) or None
            weights.append(weight)
            biases.append(bias if bias is not None else weight.new_zeros(weight.shape[:2]))
        self.activations = [layer.activation for layer in objective.layers]
        if objective.device.type == "cpu":
            self.activations = sigmoid_form(weights, biases, self.activations)
        self.binary = objective.loss_kind == "cross_entropy" and weights[-1].shape[1] == 2
        if self.binary:
            weights[-1] = weights[-1][:, 1:2] - weights[-1][:, 0:1]
            biases[-1] = biases[-1][:, 1:2] - biases[-1][:, 0:1]
            self.signs = 1.0 - 2.0 * objective.targets.to(objective.dtype)  # (N,)
        first = torch.matmul(objective.inputs, weights[0].transpose(1, 2))  # (3, N, out)
        first = first + biases[0].unsqueeze(1)
        self.first_shape = tuple(first.shape[1:])
        self.first = first.reshape(3, -1).contiguous()
        self.later = [(w.reshape(3, -1).contiguous(), tuple(w.shape[1:]), b.contiguous())
                      for w, b in zip(weights[1:], biases[1:], strict=True)]
        self._workspace: list[torch.Tensor] | None = None

    @property
    def block_bytes_per_point(self) -> int:
        """Bytes of one grid point's largest activation block (what CPU chunks are sized by:
        a few such blocks per chunk should stay in the last-level cache)."""
        widest = max(layer.out_features for layer in self.objective.layers)
        samples = self.objective.inputs.shape[0]
        return samples * widest * self.objective.inputs.element_size()

    @property
    def bytes_per_point(self) -> int:
        """Bytes one grid point of a chunk allocates (what GPU chunks are sized by).

        Per point: its (α, β) and coefficient row; its rows of every layer's output buffer
        (all kept between chunks); its per-point weight stacks ``c · stack`` with biases —
        two layers' at once, the one being applied and the previous one, which is released
        only when its name is rebound — which dominate for wide layers and few samples; an
        activation without an in-place form computes a copy of its layer's block; and the
        loss's temporaries.
        """
        samples = self.objective.inputs.shape[0]
        outs = [self.first_shape[1]] + [shape[0] for _, shape, _ in self.later]
        buffers = samples * sum(outs)
        stacks = [shape[0] * shape[1] + shape[0] for _, shape, _ in self.later]
        live_stacks = max((a + b for a, b in zip([0, *stacks], stacks)), default=0)
        copies = max((samples * out for out, activation in zip(outs, self.activations)
                      if activation is not None and activation not in IN_PLACE), default=0)
        if self.binary:
            loss = 2 * samples  # the signed logit difference and its softplus
        elif self.objective.loss_kind == "mse":
            loss = 1  # in place; the mean
        else:
            loss = samples * (outs[-1] + 2)  # log-softmax, the picked entries, the losses
        return self.first.element_size() * (5 + buffers + live_stacks + copies + loss)

    @torch.no_grad()
    def __call__(self, alphas: torch.Tensor, betas: torch.Tensor) -> torch.Tensor:
        """Losses ``(B,)`` at the plane coordinates ``alphas``, ``betas`` ``(B,)``."""
        count = alphas.shape[0]
        buffers = self._buffers(count)
        coeffs = torch.stack([torch.ones_like(alphas), alphas, betas], dim=1)  # (B, 3)
        hidden = torch.mm(coeffs, self.first, out=buffers[0][:count])
        hidden = hidden.view(count, *self.first_shape)
        activate_(hidden, self.activations[0])
        for (weight, shape, bias), activation, buffer in zip(
                self.later, self.activations[1:], buffers[1:], strict=True):
            weights = torch.mm(coeffs, weight).view(count, *shape)  # (B, out, in)
            hidden = affine_into(buffer[:count], hidden, weights, torch.mm(coeffs, bias))
            activate_(hidden, activation)
        if self.binary:
            return F.softplus(hidden.squeeze(-1) * self.signs).mean(dim=-1)
        if self.objective.loss_kind == "mse":
            return hidden.sub_(self.objective.targets).square_().mean(dim=(1, 2))
        return self.objective.loss_of_outputs(hidden)

    def release(self) -> None:
        """Drop the buffers (after an out-of-memory error, before retrying smaller)."""
        self._workspace = None

    def _buffers(self, count: int) -> list[torch.Tensor]:
        """One output buffer per layer with room for at least ``count`` points."""
        if self._workspace is None or self._workspace[0].shape[0] < count:
            samples = self.objective.inputs.shape[0]
            options = {"dtype": self.first.dtype, "device": self.first.device}
            self._workspace = [torch.empty(count, self.first.shape[1], **options)]
            self._workspace += [torch.empty(count, samples, shape[0], **options)
                                for _, shape, _ in self.later]
        return self._workspace
