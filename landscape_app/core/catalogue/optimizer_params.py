"""Hyperparameter declarations several optimizers share (torch-free data): the learning
rate, the moments, the learning-rate schedule, Lookahead's k and α.

Each optimizer's own list is in its record
(:mod:`landscape_app.core.catalogue.optimizer_records`), built from these.
"""

from __future__ import annotations

from dataclasses import replace

from landscape_app.core.params import Param

LR = Param("lr", 0.01, "learning rate η", low=0.0, low_open=True, log_scale=True)
WEIGHT_DECAY = Param("weight_decay", 0.0, "L2 penalty λ (added to the gradient)", low=0.0)
BETA1 = Param("beta1", 0.9, "decay of the first moment β₁", low=0.0, high=1.0, high_open=True)
BETA2 = Param("beta2", 0.999, "decay of the second moment β₂", low=0.0, high=1.0,
              high_open=True)
EPS = Param("eps", 1e-8, "ε added to the denominator", low=0.0, low_open=True, log_scale=True)
AMSGRAD = Param("amsgrad", False, "use the running maximum of v̂ (AMSGrad)")
MOMENTUM = Param("momentum", 0.0, "momentum factor μ", low=0.0, high=1.0, high_open=True)

#: Clerc & Kennedy's constriction coefficients written as inertia and acceleration
#: (χ = 0.7298, χ·c = 1.49618 with c = 2.05).
CLERC_INERTIA = 0.7298
CLERC_ACCELERATION = 1.49618


def sgd_params(momentum: float) -> tuple[Param, ...]:
    """SGD's hyperparameters with momentum μ defaulting to ``momentum``."""
    return (
        LR,
        replace(MOMENTUM, default=momentum),
        Param("dampening", 0.0, "dampening τ of the momentum", low=0.0, high=1.0),
        WEIGHT_DECAY,
    )


#: The learning-rate schedule every torch.optim-based (gradient) optimizer also takes.
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

LOOKAHEAD_PARAMS = (
    Param("lookahead_k", 5, "fast steps between slow-weight updates k", low=1, high=10**6),
    Param("lookahead_alpha", 0.5, "slow-weight step size α", low=0.0, high=1.0, low_open=True),
)
