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
    """An uninitialised tensor of ``like``'s dtype and device. On the CPU it is NumPy's: its
    allocator asks the kernel for huge pages for large arrays (torch's does not), so filling a
    64² field's buffer step by step faults once per 2 MiB rather than once per 4 KiB page —
    thousands of faults a path field, which cost as much as the copies themselves."""
    if like.device.type != "cpu":
        return torch.empty(shape, dtype=like.dtype, device=like.device)
    return torch.from_numpy(np.empty(shape, dtype=torch.empty(0, dtype=like.dtype).numpy().dtype))


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
        self.numbers: list[tuple[list[float], float]] = []  # record_numbers' points, in order

    def record(self, step: int, rows: torch.Tensor, x: torch.Tensor, loss: torch.Tensor) -> None:
        """After step ``step``: the live rows ``rows`` (indices) are at ``x`` with ``loss``
        (called once a step by :meth:`~landscape_app.core.maps.tracker.Tracker.update`;
        ``x`` and ``loss`` carry no graph)."""
        k = self.index.get(step)
        if k is None:
            return
        if rows.numel() == self.positions.shape[1]:  # every row is live: no scatter
            self.positions[k].copy_(x)
            self.losses[k].copy_(loss)
        else:
            self.positions[k, rows] = x
            self.losses[k, rows] = loss

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
        The rows that ran to the end were recorded at every kept step: nothing to fill."""
        if self.numbers:  # the first kept steps, one after another
            count = len(self.numbers)
            self.positions[:count, 0] = torch.tensor([x for x, _ in self.numbers],
                                                     dtype=self.positions.dtype)
            self.losses[:count, 0] = torch.tensor([loss for _, loss in self.numbers],
                                                  dtype=self.losses.dtype)
        if frozen.numel():
            after = self.steps.unsqueeze(1) >= stopped_at[frozen].unsqueeze(0)  # (K, m)
            self.positions[:, frozen] = torch.where(
                after.unsqueeze(2), final_x[frozen].unsqueeze(0), self.positions[:, frozen])
            self.losses[:, frozen] = torch.where(after, final_loss[frozen].unsqueeze(0),
                                                 self.losses[:, frozen])
        return self.positions.transpose(0, 1), self.losses.transpose(0, 1)
