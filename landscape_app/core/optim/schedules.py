"""Learning-rate schedules for every gradient optimizer, built on torch.optim.lr_scheduler.

- constant:     η_t = η
- step:         η_t = η · γ^⌊t / step_size⌋                       (StepLR)
- exponential:  η_t = η · γ^t                                      (ExponentialLR)
- cosine:       η_t = η_min + (η − η_min)(1 + cos(π t / t_max))/2  (CosineAnnealingLR)

Each with an optional linear warm-up over the first ``warmup`` steps from
``warmup_factor · η`` to η (LinearLR, chained with SequentialLR).
"""

from __future__ import annotations

from typing import Any

import torch

from landscape_app.core.catalogue.optimizer_params import SCHEDULE_PARAMS

__all__ = ["SCHEDULE_PARAMS", "build_scheduler"]  # the declarations live in the catalogue


def build_scheduler(
    optimizer: torch.optim.Optimizer, hyper: dict[str, Any]
) -> torch.optim.lr_scheduler.LRScheduler | None:
    """The scheduler the ``schedule`` hyperparameters ask for (None for constant, no warm-up)."""
    from torch.optim import lr_scheduler

    kind = hyper["schedule"]
    if kind == "step":
        main = lr_scheduler.StepLR(optimizer, step_size=hyper["step_size"], gamma=hyper["gamma"])
    elif kind == "exponential":
        main = lr_scheduler.ExponentialLR(optimizer, gamma=hyper["gamma"])
    elif kind == "cosine":
        main = lr_scheduler.CosineAnnealingLR(optimizer, T_max=hyper["t_max"],
                                              eta_min=hyper["eta_min"])
    else:
        main = None
    warmup = hyper["warmup"]
    if warmup == 0:
        return main
    ramp = lr_scheduler.LinearLR(optimizer, start_factor=hyper["warmup_factor"], end_factor=1.0,
                                 total_iters=warmup)
    if main is None:
        return ramp
    return lr_scheduler.SequentialLR(optimizer, [ramp, main], milestones=[warmup])
