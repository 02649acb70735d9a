"""Every row's path through a map run: its position and loss at chosen steps, on the device.

:class:`PathRecorder` keeps a ``(rows, K, P)`` tensor of positions and a ``(rows, K)`` one of
losses for the ``K`` recorded steps. After each step the engine hands it the rows still in the
batch; a row that stopped is never seen again, and :meth:`PathRecorder.finish` fills its
later points with the point it stopped at (its last point repeats: a stopped path stays where
it ended, so drawing every point draws the path and nothing more; ``stopped_at`` says where it
ended; only the rows that stopped are touched). Positions are the very tensors the run steps,
copied: each recorded point is the run's own number, with no arithmetic of its own.

A single row on the CPU (a drag preview's) is recorded from the Python numbers the tracker
reads anyway (:meth:`PathRecorder.record_numbers`: a list append, where writing into the
buffers cost two indexings and two copies, ~5 µs a step) and written into the buffers once,
at :meth:`PathRecorder.finish` — the same numbers (a float64 or float32 read into a Python
float and back is exact).
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


def _buffer(shape: tuple[int, ...], like: torch.Tensor) -> torch.Tensor:
    """An uninitialised tensor on ``like``'s device: on a GPU in ``like``'s dtype; on the CPU
    in float64, the dtype the map hands its paths over in (a float32 run's numbers widen
    exactly as they are copied in, so no second, float64 copy of the whole buffer is made at
    the end: a 64² × 300 float32 field touched 44 MB of fresh memory a lane, now 30 MB — on
    this project's VM a fresh page costs more than the step that fills it). On the CPU the
    buffer is NumPy's: its allocator asks the kernel for huge pages for large arrays (torch's
    does not), so filling it step by step faults once per 2 MiB rather than once per 4 KiB."""
    if like.device.type != "cpu":
        return torch.empty(shape, dtype=like.dtype, device=like.device)
    return torch.from_numpy(np.empty(shape, dtype=np.float64))


class PathRecorder:
    """The positions and losses of ``rows`` rows at ``steps`` (sorted step numbers).

    Held step-major, ``(K, rows, P)``: a step's points are one contiguous write (row-major
    ``(rows, K, P)`` would scatter them ``K·P`` elements apart, costing as much as the step's
    backward pass on a 64² field); :meth:`finish` turns them row-major once.
    """

    def __init__(self, steps: Sequence[int], param: torch.Tensor, loss: torch.Tensor):
        rows, dim = param.shape
        self.index = {step: k for k, step in enumerate(steps)}
        self.steps = torch.as_tensor(list(steps), dtype=torch.int64, device=param.device)
        self.positions = _buffer((len(steps), rows, dim), param)
        self.losses = _buffer((len(steps), rows), loss)
        self._rows: torch.Tensor | None = None  # the rows of the last scatter, and their
        self._flat: torch.Tensor | None = None  # elements' indices in a flat step
        self.numbers: list[tuple[list[float], float]] = []  # record_numbers' points, in order

    def record(self, step: int, rows: torch.Tensor, x: torch.Tensor, loss: torch.Tensor) -> None:
        """After step ``step``: the live rows ``rows`` (indices) are at ``x`` with ``loss``
        (called once a step by :meth:`~landscape_app.core.maps.tracker.Tracker.update`;
        ``x`` and ``loss`` carry no graph)."""
        k = self.index.get(step)
        if k is None:
            return
        positions, losses = self.positions[k], self.losses[k]
        if rows.numel() == positions.shape[0]:  # every row is live: no scatter
            positions.copy_(x)
            losses.copy_(loss)
            return
        if rows is not self._rows:  # rows have left the batch since the last scatter
            dim = positions.shape[1]
            self._rows = rows
            self._flat = (rows.unsqueeze(1) * dim + torch.arange(dim, device=rows.device)
                          ).flatten()
        # into the flat step as single numbers (index_copy_ casts nothing): half the time of
        # scattering (rows, P) blocks, and the rest of a field's lane runs with rows gone
        positions.view(-1).index_copy_(0, self._flat, x.reshape(-1).to(positions.dtype))
        losses.index_copy_(0, rows, loss.to(losses.dtype))

    def record_numbers(self, step: int, x: list[float], loss: float) -> None:
        """After step ``step``: the one row (of one) is at ``x`` with ``loss``, read into
        Python; called at every step instead of :meth:`record` until the row stops."""
        if step in self.index:
            self.numbers.append((x, loss))

    @torch.no_grad()
    def finish(self, frozen: torch.Tensor, stopped_at: torch.Tensor, final_x: torch.Tensor,
               final_loss: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Positions ``(rows, K, P)`` and losses ``(rows, K)`` (views of the step-major
        buffers): the points of the rows ``frozen`` (those that stopped before the last
        step, never recorded again) from the step each stopped at on are its final point.
        The rows that ran to the end were recorded at every kept step: nothing to fill.
        Rows that stopped at one step are filled together, by one ``index_copy_`` of the
        points from that step on (no gather and rewrite of every frozen row's whole path:
        a 64² momentum field's 659 stopped rows took 7-9 ms, now 5-6)."""
        if self.numbers:  # the first kept steps, one after another
            count = len(self.numbers)
            self.positions[:count, 0] = torch.tensor([x for x, _ in self.numbers],
                                                     dtype=self.positions.dtype)
            self.losses[:count, 0] = torch.tensor([loss for _, loss in self.numbers],
                                                  dtype=self.losses.dtype)
        if frozen.numel():
            ends = stopped_at[frozen]
            for end in torch.unique(ends).tolist():
                rows = frozen[ends == end]
                first = int(torch.searchsorted(self.steps, end))  # the first kept step ≥ end
                later = len(self.steps) - first
                self.positions[first:].index_copy_(
                    1, rows, final_x[rows].to(self.positions.dtype).expand(later, -1, -1))
                self.losses[first:].index_copy_(
                    1, rows, final_loss[rows].to(self.losses.dtype).expand(later, -1))
        return self.positions.transpose(0, 1), self.losses.transpose(0, 1)
