"""Every row's path through a map run: its position and loss at chosen steps, on the device.

:class:`PathRecorder` keeps a ``(rows, K, P)`` tensor of positions and a ``(rows, K)`` one of
losses for the ``K`` recorded steps. After each step the engine hands it the rows still in the
batch; a row that stopped is never seen again, and :meth:`PathRecorder.finish` fills its
later points with the point it stopped at (its last point repeats: a stopped path stays where
it ended, so drawing every point draws the path and nothing more; ``stopped_at`` says where it
ended). Positions are the very tensors the run steps, copied: each recorded point is the
run's own number, with no arithmetic of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch


def thinned_steps(steps: int, points: int | None) -> tuple[int, ...]:
    """The steps a path keeps: every step 0..``steps``, or at most ``points`` (≥ 2) of them,
    evenly spread, the first (the start) and the last always among them."""
    if points is None or points >= steps + 1:
        return tuple(range(steps + 1))
    if points < 2:
        raise ValueError("a thinned path keeps at least 2 points (its start and its end)")
    return tuple(int(s) for s in np.unique(np.round(np.linspace(0, steps, points))))


class PathRecorder:
    """The positions and losses of ``rows`` rows at ``steps`` (sorted step numbers)."""

    def __init__(self, steps: Sequence[int], param: torch.Tensor, loss: torch.Tensor):
        rows, dim = param.shape
        self.index = {step: k for k, step in enumerate(steps)}
        self.steps = torch.as_tensor(list(steps), dtype=torch.int64, device=param.device)
        self.positions = torch.empty((rows, len(steps), dim), dtype=param.dtype,
                                     device=param.device)
        self.losses = torch.empty((rows, len(steps)), dtype=loss.dtype, device=param.device)

    @torch.no_grad()
    def record(self, step: int, rows: torch.Tensor, x: torch.Tensor, loss: torch.Tensor) -> None:
        """After step ``step``: the live rows ``rows`` (indices) are at ``x`` with ``loss``."""
        k = self.index.get(step)
        if k is None:
            return
        if rows.numel() == self.positions.shape[0]:  # every row is live: no gather
            self.positions[:, k] = x.detach()
            self.losses[:, k] = loss
        else:
            self.positions[rows, k] = x.detach()
            self.losses[rows, k] = loss

    @torch.no_grad()
    def finish(self, stopped_at: torch.Tensor, final_x: torch.Tensor,
               final_loss: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Positions ``(rows, K, P)`` and losses ``(rows, K)``: a row's points from the step
        it stopped at on are its final point."""
        after = self.steps.unsqueeze(0) >= stopped_at.unsqueeze(1)  # (rows, K)
        positions = torch.where(after.unsqueeze(2), final_x.unsqueeze(1), self.positions)
        losses = torch.where(after, final_loss.unsqueeze(1), self.losses)
        return positions, losses
