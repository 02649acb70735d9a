"""Per-step book-keeping of a batch of runs: the race runner's stopping rules, vectorised.

After every step each still-running row is checked as :class:`~landscape_app.core.runner.Race`
checks a lane: a non-finite loss or position stops it as non-finite, a coordinate beyond the
divergence radius as diverged, the optimizer's own convergence test (gradient and last
displacement both ≤ ``CONVERGENCE_TOL``) as converged. A stopped row is frozen: its final
position, loss and step are kept from that step on, whatever its tensor rows do later (the
rows keep being stepped — element-wise updates never mix rows, so NaNs stay where they are).
"""

from __future__ import annotations

import torch

from landscape_app.core.maps.outcome import CONVERGED, DIVERGED, NON_FINITE, RUNNING
from landscape_app.core.optim.torch_based import CONVERGENCE_TOL


class Tracker:
    """Outcome tensors of ``n`` rows on ``device``, updated step by step."""

    def __init__(self, x: torch.Tensor, loss: torch.Tensor, radius: float, target: float,
                 snapshot_steps: tuple[int, ...] = ()):
        n = x.shape[0]
        device = x.device
        self.radius, self.target = radius, target
        self.sync_free = device.type == "cpu"  # a host check per step costs nothing on a CPU
        self.alive = torch.ones(n, dtype=torch.bool, device=device)
        self.all_alive = True  # no row has stopped yet: the masks can be skipped
        self.status = torch.full((n,), RUNNING, dtype=torch.int8, device=device)
        self.stopped_at = torch.full((n,), -1, dtype=torch.int64, device=device)
        self.final_x = x.detach().clone()
        self.final_loss = loss.clone()
        self.best = torch.full_like(loss, float("inf"))
        self.reached = torch.full((n,), -1, dtype=torch.int64, device=device)
        self.snapshot_steps = {step: index for index, step in enumerate(snapshot_steps)}
        self.snapshots = torch.empty((len(snapshot_steps), n), dtype=loss.dtype, device=device)
        self.update(0, x, loss, None, None)

    @torch.no_grad()
    def update(self, step: int, x: torch.Tensor, loss: torch.Tensor, grad: torch.Tensor | None,
               previous: torch.Tensor | None) -> None:
        """Record step ``step``: position ``x``, its loss and gradient, the previous position."""
        x = x.detach()
        alive = self.alive
        if self.all_alive:
            torch.fmin(self.best, loss, out=self.best)
            hit = (loss <= self.target) & (self.reached < 0)
        else:
            torch.where(alive, torch.fmin(self.best, loss), self.best, out=self.best)
            hit = alive & (loss <= self.target) & (self.reached < 0)
        self.reached.masked_fill_(hit, step)
        extent = x.abs().amax(dim=1)
        finite = torch.isfinite(loss) & torch.isfinite(extent)
        stop = ~finite | (extent > self.radius)
        if grad is not None:
            still = grad.abs().amax(dim=1) <= CONVERGENCE_TOL
            # The displacement is only looked at when some gradient is negligible (exact:
            # both conditions must hold).
            if not self.sync_free or bool(still.any()):
                still &= (x - previous).abs().amax(dim=1) <= CONVERGENCE_TOL
                stop |= still
        if not self.all_alive:
            stop &= alive
        if self.sync_free and not bool(stop.any()):
            self._snapshot(step, loss)
            return
        code = torch.where(~finite, NON_FINITE, torch.where(extent > self.radius, DIVERGED,
                                                            CONVERGED)).to(torch.int8)
        self.status = torch.where(stop, code, self.status)
        self.stopped_at.masked_fill_(stop, step)
        self.final_x = torch.where(stop.unsqueeze(1), x, self.final_x)
        self.final_loss = torch.where(stop, loss, self.final_loss)
        self.alive = alive & ~stop
        self.all_alive = False
        self._snapshot(step, loss)

    def _snapshot(self, step: int, loss: torch.Tensor) -> None:
        index = self.snapshot_steps.get(step)
        if index is not None:
            self.snapshots[index] = torch.where(self.alive, loss, self.final_loss)

    @torch.no_grad()
    def finish(self, step: int, x: torch.Tensor, loss: torch.Tensor) -> None:
        """The rows still running after the last step end there."""
        alive = self.alive
        self.final_x = torch.where(alive.unsqueeze(1), x.detach(), self.final_x)
        self.final_loss = torch.where(alive, loss, self.final_loss)
        self.stopped_at.masked_fill_(alive, step)
        within = alive & (self.final_loss <= self.target)
        self.status = torch.where(within, CONVERGED, self.status.to(torch.int64)).to(torch.int8)
