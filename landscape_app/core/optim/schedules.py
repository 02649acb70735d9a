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

from landscape_app.core.params import Param

SCHEDULE_PARAMS: tuple[Param, ...] = (
    Param("schedule", "constant", "learning-rate schedule",
          choices=("constant", "step", "exponential", "cosine")),
    Param("step_size", 100, "step schedule: steps between decays", low=1, high=10**9),
    Param("gamma", 0.5, "step/exponential schedule: decay factor", low=0.0, high=1.0,
          low_open=True),
    Param("t_max", 500, "cosine schedule: steps of one half-period", low=1, high=10**9),
    Param("eta_min", 0.0, "cosine schedule: smallest learning rate", low=0.0),
    Param("warmup", 0, "linear warm-up steps (0: none)", low=0, high=10**9),
    Param("warmup_factor", 0.1, "warm-up starts at this fraction of lr", low=0.0, high=1.0,
          low_open=True),
)


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
