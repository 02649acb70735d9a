"""The per-run arrays of one optimizer in a comparison: L settings × S starts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RunArrays:
    """One optimizer's runs, element ``[l, s]``: setting ``l`` from start ``s``.

    final_loss : ``(L, S)`` float64, the loss at the run's end (as ``run`` reports it).
    steps_to_tolerance : ``(L, S)`` int64, the first step whose loss is ≤ the goal; −1 never.
    evaluations_to_tolerance : ``(L, S)`` int64, function evaluations spent by that step;
        −1 never.
    evaluations : ``(L, S)`` int64, function evaluations spent over the whole run.
    """

    final_loss: np.ndarray
    steps_to_tolerance: np.ndarray
    evaluations_to_tolerance: np.ndarray
    evaluations: np.ndarray
