"""A network's loss for many parameter rows at once, fast for the thin layers of small nets.

:meth:`NetworkObjective.forward_batch` runs every layer as a batched matrix product; for
layers with a handful of inputs (the seed net's 2-2-2) a batch of tiny products costs far
more in overhead than arithmetic, so such layers are a sum of broadcast products instead,
as the surface kernel does (:mod:`landscape_app.core.nn.plane_eval`). Same function, same
autograd; results differ from ``F.linear`` only by rounding order.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from landscape_app.core.nn.models import ACTIVATIONS
from landscape_app.core.nn.network_objective import NetworkObjective
from landscape_app.core.nn.plane_eval import NARROW_INPUTS


def row_evaluator(objective: NetworkObjective, inputs: torch.Tensor | None = None,
                  targets: torch.Tensor | None = None) -> Callable[[torch.Tensor], torch.Tensor]:
    """``evaluate(thetas (B, P)) -> losses (B,)``, differentiable: the mean loss over the data
    set, or over the samples ``inputs``/``targets`` (a minibatch) when given."""
    data = objective.inputs if inputs is None else inputs

    def evaluate(thetas: torch.Tensor) -> torch.Tensor:
        hidden = data.unsqueeze(0)  # (1, N, in), shared by every row
        for index, layer in enumerate(objective.layers):
            weight, bias = objective.weights(thetas, index)  # (B, out, in), (B, out)
            if layer.in_features > NARROW_INPUTS:
                hidden = hidden.expand(thetas.shape[0], *hidden.shape[1:])
                if bias is None:
                    hidden = torch.bmm(hidden, weight.transpose(1, 2))
                else:
                    hidden = torch.baddbmm(bias.unsqueeze(1), hidden, weight.transpose(1, 2))
            else:
                total = hidden[:, :, 0:1] * weight[:, :, 0].unsqueeze(1)
                for k in range(1, layer.in_features):
                    total = total + hidden[:, :, k:k + 1] * weight[:, :, k].unsqueeze(1)
                hidden = total if bias is None else total + bias.unsqueeze(1)
            if layer.activation is not None:
                hidden = ACTIVATIONS[layer.activation][0](hidden)
        return objective.loss_of_outputs(hidden, targets)

    return evaluate
