"""Per-step book-keeping of a batch of runs: the race runner's stopping rules, vectorised.

After every step each still-running row is checked as :class:`~landscape_app.core.runner.Race`
checks a lane: a non-finite loss or position stops it as non-finite, a coordinate beyond the
divergence radius as diverged, the optimizer's own convergence test (gradient and last
displacement both ≤ ``CONVERGENCE_TOL``) as converged. A stopped row's outcome is frozen and
the row leaves the batch: :meth:`Tracker.update` returns the rows to keep, and the stepper
drops the others (rows never mix, so the rest run on unchanged) — a map whose cells diverge
or converge early gets faster as it goes.

The per-row tests would cost more than the optimizer's own arithmetic if run on every row at
every step, so each step first asks whole-batch questions, one reduction each: the smallest
and largest loss, the smallest and largest coordinate, the smallest ``|gradient|`` element (a
lower bound of every row's largest, so the rows' largest are only taken when it is small).
Only when an answer says some row may stop are the rows that may (a handful) found and tested
one by one, so the stopping steps are exactly the per-row ones. Best loss and steps to the
target need no per-row test: ``best ← min(best, loss)``, and from the first step some row
could be within the target, a count of the steps with ``best ≤ target`` — best never
rises, so a row first got there ``count − 1`` steps ago.

Function evaluations (``evaluations``, and ``reach_evaluations`` at the step a row first got
within the target) follow the stepper's count: one number for every row, kept per step (a
row's count at its reach step is looked up at the end), or a per-row tensor (Newton's line
search), kept per row from the step where some row could be within the target.
"""

from __future__ import annotations

import math

import torch

from landscape_app.core.maps.paths import PathRecorder
from landscape_app.core.optim.torch_based import CONVERGENCE_TOL
from landscape_app.core.status import CellStatus

#: Up to this many parameters a row's largest element is a loop of column maxima,
#: several times faster than torch's reduction over a short last axis.
COLUMN_LOOP_MAX = 4

#: Up to this many coordinates in the batch (a drag preview's single row) the whole-batch
#: answers are taken in Python from copies of the losses, positions and gradients (three
#: ``tolist``) instead of six tensor operations, each of which costs more than its
#: arithmetic on so few numbers (on the CPU: on a GPU each copy would be a round trip).
SCALAR_CHECK_MAX = 16


def _row_max(value: torch.Tensor) -> torch.Tensor:
    """``max_j value[n, j]`` for every row n (NaN where the row has one)."""
    columns = value.shape[1]
    if columns > COLUMN_LOOP_MAX:
        return value.amax(dim=1)
    if columns == 1:
        return value[:, 0]
    largest = torch.maximum(value[:, 0], value[:, 1])
    for column in range(2, columns):
        torch.maximum(largest, value[:, column], out=largest)
    return largest


def _span(values: list[float]) -> tuple[float, float]:
    """The smallest and largest of ``values`` as ``torch.aminmax`` gives them (NaN, NaN
    where one is NaN)."""
    if any(v != v for v in values):
        return math.nan, math.nan
    return min(values), max(values)


def _first_step(step: int, below: torch.Tensor) -> torch.Tensor:
    """The step each row first had best ≤ target, from its count of such steps up to
    ``step`` (−1: none)."""
    return torch.where(below > 0, step - below.to(torch.int64) + 1, -1)


class Tracker:
    """Outcome tensors of ``n`` rows (``final_x``, ``final_loss``, ``best``, ``reached``,
    ``status``, ``stopped_at``, ``snapshots``, ``evaluations``, ``reach_evaluations`` (−1:
    never); ``path_x``, ``path_loss``: every row's points at ``path_steps``, when asked
    for), complete after :meth:`finish`."""

    def __init__(self, x: torch.Tensor, loss: torch.Tensor, radius: float, target: float,
                 snapshot_steps: tuple[int, ...] = (), path_steps: tuple[int, ...] = (),
                 evaluations: int | torch.Tensor = 0):
        n = x.shape[0]
        device = x.device
        self.radius, self.target = radius, target
        self.status = torch.full((n,), CellStatus.RUNNING, dtype=torch.int8, device=device)
        self.stopped_at = torch.full((n,), -1, dtype=torch.int64, device=device)
        self.final_x = x.detach().clone()
        self.final_loss = loss.clone()
        self.best = torch.full_like(loss, float("inf"))
        self.reached = torch.full((n,), -1, dtype=torch.int64, device=device)
        self.snapshot_steps = {step: index for index, step in enumerate(snapshot_steps)}
        self.snapshots = torch.empty((len(snapshot_steps), n), dtype=loss.dtype, device=device)
        # The rows still in the batch: their indices above, best loss, and count of steps
        # with best ≤ target (kept from the first step where some row could have one).
        self.rows = torch.arange(n, device=device)
        self.live = n  # how many rows are still running
        self.dim = x.shape[1]
        self.scalar_checks = device.type == "cpu" and n * self.dim <= SCALAR_CHECK_MAX
        self.one_row = self.scalar_checks and n == 1  # its path kept from those numbers
        self.live_best = self.best.clone()
        self.below = torch.zeros(n, dtype=torch.int32, device=device)
        self.counting = False
        self.step = -1
        self.paths = PathRecorder(path_steps, x, loss) if path_steps else None
        self.path_x = self.path_loss = None
        self.evaluations = torch.zeros(n, dtype=torch.int64, device=device)
        self.reach_evaluations = torch.full((n,), -1, dtype=torch.int64, device=device)
        self.per_row = isinstance(evaluations, torch.Tensor)
        self.history: list[int] = []  # one count for every row: the count after each step
        self.live_reach = self.reach_evaluations.clone()  # per-row counts: the live rows'

    def update(self, step: int, x: torch.Tensor, loss: torch.Tensor, grad: torch.Tensor | None,
               previous: torch.Tensor | None,
               evaluations: int | torch.Tensor = 0) -> torch.Tensor | None:
        """Record step ``step`` of the live rows: position ``x``, its loss and gradient, the
        previous position, the evaluations spent so far (one count, or one per live row).
        Returns the indices of the rows that go on (None: all of them). None of the tensors
        carries a graph (``x`` is the rows' detached view, the steppers' losses are
        detached), so no ``no_grad`` is entered: once a step, it costs as much as a preview
        row's checks."""
        self.step = step
        keep = None
        if not self.per_row:
            self.history.append(int(evaluations))
        numbers = None
        if self.scalar_checks and self.live:
            numbers = (loss.tolist(), x.tolist(), None if grad is None else grad.tolist())
        stopping, low = (self._stopping(x, loss, grad, previous, numbers) if self.live
                         else (None, None))
        if stopping is not None:
            index, codes = stopping
            self._freeze(step, index, codes, x, loss, evaluations)
            going_on = torch.ones(self.live, dtype=torch.bool, device=x.device)
            going_on[index] = False
            keep = going_on.nonzero().flatten()
            self.rows, self.live_best, self.below, self.live_reach = (
                self.rows[keep], self.live_best[keep], self.below[keep], self.live_reach[keep])
            self.live = self.rows.numel()
            loss = loss[keep]
            if self.per_row:
                evaluations = evaluations[keep]
        torch.minimum(self.live_best, loss, out=self.live_best)  # live losses are finite
        # Some live row's best is first ≤ target at a step where the smallest loss is (no
        # reduction of the best losses while it is above: NaN asks)
        could_reach = not (low is not None and low > self.target)
        if self.live and (self.counting or (could_reach
                                            and bool(self.live_best.amin() <= self.target))):
            self.counting = True
            within = self.live_best <= self.target
            if self.per_row:
                first = within & (self.below == 0)
                self.live_reach = torch.where(first, evaluations, self.live_reach)
            self.below += within
        self._snapshot(step, loss)
        if self.paths is not None and self.one_row:
            if keep is None and numbers is not None:  # (a row that stops is not recorded)
                self.paths.record_numbers(step, numbers[1][0], numbers[0][0])
        elif self.paths is not None:
            self.paths.record(step, self.rows, x if keep is None else x[keep], loss)
        return keep

    def _stopping(self, x, loss, grad, previous,
                  numbers) -> tuple[tuple[torch.Tensor, torch.Tensor] | None, float]:
        """The live rows that stop at this step and their status codes (None: none), and
        the smallest loss of the live rows (NaN when one is)."""
        low, high, x_low, x_high, *small = self._extremes(x, loss, grad, numbers)
        # NaN answers every comparison with False, so a NaN always counts as wild.
        tame = (-math.inf < low and high < math.inf
                and -self.radius <= x_low and x_high <= self.radius)
        suspects = []
        if not tame:
            extent = _row_max(x.abs())
            suspects.append((~(torch.isfinite(loss) & (extent <= self.radius))).nonzero())
        if small and small[0] <= CONVERGENCE_TOL:
            suspects.append((_row_max(grad.abs()) <= CONVERGENCE_TOL).nonzero())
        if not suspects:
            return None, low
        index = torch.unique(torch.cat(suspects).flatten())
        # The race runner's tests, on the suspects alone.
        x_s, loss_s = x[index], loss[index]
        extent = _row_max(x_s.abs())
        finite = torch.isfinite(loss_s) & torch.isfinite(extent)
        stop = ~finite | (extent > self.radius)
        if grad is not None:
            stop |= ((_row_max(grad[index].abs()) <= CONVERGENCE_TOL)
                     & (_row_max((x_s - previous[index]).abs()) <= CONVERGENCE_TOL))
        if not bool(stop.any()):
            return None, low
        code = torch.where(~finite, CellStatus.NON_FINITE,
                           torch.where(extent > self.radius, CellStatus.DIVERGED,
                                       CellStatus.CONVERGED))
        return (index[stop], code[stop].to(torch.int8)), low

    def _extremes(self, x, loss, grad, numbers) -> list[float]:
        """The smallest and largest loss and coordinate of the live rows and (with
        ``grad``) the smallest ``|gradient|`` element: ≤ every row's largest, so above the
        tolerance no row can converge — one reduction, the rows' largest only when it is not.
        Read in Python at once (or from ``numbers``: the losses, positions and gradients
        read already, under :data:`SCALAR_CHECK_MAX`); NaN where a NaN is among them."""
        if numbers is None:
            scalars = [*torch.aminmax(loss), *torch.aminmax(x)]
            if grad is not None:
                scalars.append(grad.abs().amin())
            return torch.stack(scalars).tolist()
        losses, points, gradients = numbers
        extremes = [*_span(losses), *_span([v for row in points for v in row])]
        if gradients is not None:
            extremes.append(_span([abs(v) for row in gradients for v in row])[0])
        return extremes

    def _freeze(self, step: int, index: torch.Tensor, codes: torch.Tensor, x, loss,
                evaluations) -> None:
        """Keep the outcome of the live rows ``index``, stopping at ``step`` with ``codes``."""
        rows, loss_now = self.rows[index], loss[index]
        self.status[rows] = codes
        self.stopped_at[rows] = step
        self.final_x[rows] = x[index]
        self.final_loss[rows] = loss_now
        best = torch.fmin(self.live_best[index], loss_now)  # a NaN loss is no new best
        self.best[rows] = best
        within = best <= self.target
        self.reached[rows] = _first_step(step, self.below[index] + within)
        if self.per_row:
            spent = evaluations[index]
            self.evaluations[rows] = spent
            first = within & (self.below[index] == 0)
            self.reach_evaluations[rows] = torch.where(first, spent, self.live_reach[index])
        else:
            self.evaluations[rows] = int(evaluations)

    def _snapshot(self, step: int, loss: torch.Tensor) -> None:
        index = self.snapshot_steps.get(step)
        if index is None:
            return
        if self.live == self.final_loss.numel():
            self.snapshots[index] = loss
        else:
            self.snapshots[index] = self.final_loss
            self.snapshots[index, self.rows] = loss

    @torch.no_grad()
    def finish(self, step: int, x: torch.Tensor, loss: torch.Tensor,
               evaluations: int | torch.Tensor = 0) -> None:
        """The rows still running after the last step (``step``) end there, having spent
        ``evaluations``; the snapshots of steps never run (every row had stopped) hold the
        final losses."""
        rows = self.rows
        self.evaluations[rows] = evaluations if self.per_row else int(evaluations)
        self.final_x[rows] = x.detach()
        self.final_loss[rows] = loss
        self.stopped_at[rows] = step
        self.best[rows] = self.live_best
        self.reached[rows] = _first_step(step, self.below)
        within = loss <= self.target
        self.status[rows] = torch.where(within, CellStatus.CONVERGED,
                                        CellStatus.RUNNING).to(torch.int8)
        if self.per_row:
            self.reach_evaluations[rows] = self.live_reach
        else:
            counts = torch.tensor(self.history, dtype=torch.int64, device=self.reached.device)
            self.reach_evaluations = torch.where(self.reached >= 0,
                                                 counts[self.reached.clamp(min=0)], -1)
        for later, index in self.snapshot_steps.items():
            if later > self.step:
                self.snapshots[index] = self.final_loss
        if self.paths is not None:
            frozen = torch.ones_like(self.stopped_at, dtype=torch.bool)
            frozen[rows] = False  # the rows still live were recorded at every kept step
            self.path_x, self.path_loss = self.paths.finish(
                frozen.nonzero().flatten(), self.stopped_at, self.final_x, self.final_loss)
