"""Every optimizer's hyperparameter declarations, by optimizer id (torch-free data).

The optimizer classes in :mod:`landscape_app.core.optim` take their hyperparameters from
here (through :func:`landscape_app.core.catalogue.optimizers.param_spec`); this is the only
place they are declared.
"""

from __future__ import annotations

from dataclasses import replace

from landscape_app.core.params import Param

#: Every optimizer id, in the order lists show them: first-order methods from simple to
#: elaborate, then curvature, then derivative-free and global methods.
OPTIMIZER_IDS = (
    "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "radam", "heun",
    "lookahead", "ranger", "lbfgs", "newton", "slsqp", "pso", "cmaes", "sa", "dual-annealing",
)

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


def _sgd_params(momentum: float) -> tuple[Param, ...]:
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

#: Each optimizer's own hyperparameters (without the schedule, and for Lookahead without
#: its inner optimizer's).
OWN_PARAMS: dict[str, tuple[Param, ...]] = {
    "sgd": _sgd_params(0.0),
    "momentum": _sgd_params(0.9),
    "nesterov": _sgd_params(0.9),
    "adagrad": (
        replace(LR, default=0.1),
        Param("lr_decay", 0.0, "learning-rate decay κ: η / (1 + (t − 1)κ)", low=0.0),
        WEIGHT_DECAY,
        Param("initial_accumulator_value", 0.0, "starting value s₀ of the squared-gradient sum",
              low=0.0),
        replace(EPS, default=1e-10),
    ),
    "rmsprop": (
        LR,
        Param("alpha", 0.99, "smoothing constant α of the squared-gradient average",
              low=0.0, high=1.0, high_open=True),
        EPS,
        WEIGHT_DECAY,
        MOMENTUM,
        Param("centered", False, "normalize by the variance estimate (subtract ḡ²)"),
    ),
    "adam": (LR, BETA1, BETA2, EPS, WEIGHT_DECAY, AMSGRAD),
    "adamw": (LR, BETA1, BETA2, EPS,
              Param("weight_decay", 0.01, "decoupled weight decay λ", low=0.0), AMSGRAD),
    "radam": (
        LR, BETA1, BETA2, EPS,
        Param("weight_decay", 0.0, "weight decay λ", low=0.0),
        Param("decoupled_weight_decay", False,
              "decay the weights directly (AdamW style) instead of adding λθ to the gradient"),
    ),
    "heun": (LR,),
    "lookahead": LOOKAHEAD_PARAMS,
    "ranger": LOOKAHEAD_PARAMS,
    "lbfgs": (
        Param("lr", 1.0, "learning rate η (the line search's first trial step)", low=0.0,
              low_open=True, log_scale=True),
        Param("max_iter", 1, "L-BFGS iterations per app step", low=1, high=1000),
        Param("max_eval", 25, "most function evaluations per app step (line search included)",
              low=1, high=100_000),
        Param("history_size", 10, "number m of (s, y) pairs remembered", low=1, high=1000),
        Param("line_search_fn", "strong_wolfe", "line search: strong Wolfe, or none (fixed η)",
              choices=("strong_wolfe", "none")),
        Param("tolerance_grad", 1e-7, "stop when max|∇f| is at most this", low=0.0,
              log_scale=True),
        Param("tolerance_change", 1e-9, "stop when a step changes no coordinate by more",
              low=0.0, log_scale=True),
    ),
    "newton": (
        Param("lr", 1.0, "largest step size η (1: the full Newton step)", low=0.0,
              low_open=True, log_scale=True),
        Param("damping", 1e-3, "smallest curvature δ: eigenvalues below it are raised to it",
              low=0.0, low_open=True, log_scale=True),
    ),
    "slsqp": (
        Param("eps", 1e-3, "finite-difference step of the gradient", low=0.0, high=1.0,
              low_open=True, log_scale=True),
        Param("use_gradient", False, "use the exact autograd gradient instead of differences"),
        Param("maxiter", 100, "most iterations", low=1, high=1_000_000),
        Param("ftol", 1e-6, "stop when f changes by less than this", low=0.0, high=1.0,
              low_open=True, log_scale=True),
        Param("use_bounds", False, "constrain the iterates to the search box"),
    ),
    "pso": (
        Param("swarm_size", 30, "number of particles n", low=2, high=10000),
        Param("inertia", CLERC_INERTIA, "inertia weight ω", low=0.0, high=1.5),
        Param("cognitive", CLERC_ACCELERATION, "pull φp towards the particle's own best",
              low=0.0, high=5.0),
        Param("social", CLERC_ACCELERATION, "pull φg towards the swarm's best", low=0.0, high=5.0),
        Param("velocity_clamp", 0.5, "largest speed per coordinate, as a fraction c_v of the "
              "box width", low=0.0, high=2.0, low_open=True),
        Param("init_spread", 1.0, "particles start within x₀ ± s·(box width), s = this",
              low=0.0, high=1.0, low_open=True),
    ),
    "cmaes": (
        Param("sigma0", 0.3, "initial step size σ₀ as a fraction of the box width", low=0.0,
              high=10.0, low_open=True, log_scale=True),
        Param("popsize", 0, "samples λ per generation (0: 4 + ⌊3 ln n⌋)", low=0, high=100000),
        Param("use_bounds", True, "keep samples in the search box (cma's BoundTransform)"),
        Param("diagonal", False, "diagonal covariance only (sep-CMA, for large dimensions)"),
    ),
    "sa": (
        Param("t0", 10.0, "initial temperature T₀ (in loss units)", low=0.0, low_open=True,
              log_scale=True),
        Param("schedule", "fast", "cooling schedule of T_k",
              choices=("exponential", "logarithmic", "fast")),
        Param("cooling", 0.99, "factor per step of the exponential schedule", low=0.0,
              high=1.0, low_open=True, high_open=True),
        Param("step_size", 0.1, "proposal scale s₀ as a fraction of the box width", low=0.0,
              high=10.0, low_open=True, log_scale=True),
        Param("proposal", "cauchy", "distribution of the proposal steps",
              choices=("gaussian", "cauchy")),
        Param("shrink_steps", True, "shrink the proposal scale as the temperature falls"),
        Param("proposals_per_step", 10, "Metropolis trials m per step (per temperature)",
              low=1, high=100000),
    ),
    "dual-annealing": (
        Param("maxiter", 1000, "most global iterations (temperature steps)", low=1,
              high=1_000_000),
        Param("initial_temp", 5230.0, "initial temperature T₀", low=0.01, high=5e4,
              low_open=True, log_scale=True),
        Param("restart_temp_ratio", 2e-5, "re-anneal when T < T₀ × this", low=0.0, high=1.0,
              low_open=True, high_open=True, log_scale=True),
        Param("visit", 2.62, "visiting distribution parameter q_v", low=1.0, high=3.0,
              low_open=True),
        Param("accept", -5.0, "acceptance distribution parameter q_a", low=-1e4, high=-5.0,
              low_open=True),
        Param("maxfun", 10_000_000, "soft limit on function evaluations", low=1,
              high=1_000_000_000),
        Param("no_local_search", False, "skip the local searches (plain generalized SA)"),
        Param("use_start", True, "start at the start point (else SciPy draws a random one)"),
    ),
}
