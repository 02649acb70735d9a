"""One sharpness measurement and its numbers as a row, without torch.

:class:`SharpnessReading` is what :class:`~landscape_app.core.sharpness_probe.SharpnessProbe`
measures at a lane's position; :func:`reading_rows` lays readings out as the columns
:data:`READING_COLUMNS` that the window's traces (:mod:`landscape_app.engine.traces`) and
the network paths carry. Torch-free, so the window can import it before the engine loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: How many of the largest eigenvalues a measurement reports (a saddle's index counts the
#: negative ones among them).
TOP_K = 5
#: The numbers of a reading as a row: λ_max, the threshold, the preconditioned sharpness,
#: then the top :data:`TOP_K` eigenvalues (descending).
READING_COLUMNS = ("sharpness", "sharpness_threshold", "preconditioned_sharpness",
                   *(f"eigenvalue_{i + 1}" for i in range(TOP_K)))


@dataclass(frozen=True)
class SharpnessReading:
    """What one measurement found at a lane's position.

    sharpness : λ_max of the loss Hessian.
    eigenvalues : the top k eigenvalues, descending; ``negatives`` counts those below 0.
    threshold : the optimizer's stability threshold (None without a step size).
    preconditioned : λ_max(P⁻¹H) for adaptive methods once their state exists, else None.
    """

    sharpness: float
    eigenvalues: tuple[float, ...]
    threshold: float | None = None
    preconditioned: float | None = None

    @property
    def negatives(self) -> int:
        return sum(1 for value in self.eigenvalues if value < 0)


def reading_rows(readings: Sequence[SharpnessReading | None]) -> np.ndarray:
    """Rows ``(n, len(READING_COLUMNS))`` of ``readings``: NaN for a step not measured (None),
    a threshold or preconditioned sharpness the method lacks, and eigenvalues past the
    reading's k."""
    rows = np.full((len(readings), len(READING_COLUMNS)), np.nan)
    for row, reading in zip(rows, readings, strict=True):
        if reading is None:
            continue
        row[0] = reading.sharpness
        if reading.threshold is not None:
            row[1] = reading.threshold
        if reading.preconditioned is not None:
            row[2] = reading.preconditioned
        values = reading.eigenvalues[:TOP_K]
        row[3:3 + len(values)] = values
    return rows
