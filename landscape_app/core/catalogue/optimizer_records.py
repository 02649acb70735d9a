"""One record per optimizer, without torch: what it is, what it takes and what it can do.

Every list, menu and check about optimizers derives from :data:`RECORDS`: the ids and their
display order, the hyperparameters (:mod:`.optimizers`), which take minibatches and gradient
noise (:mod:`.stochastic`), which Lookahead can wrap, which a map can run and with which
per-cell rule (:mod:`.maps`, :mod:`landscape_app.core.maps.rules`), which have a stability
threshold (:mod:`landscape_app.core.stability`), the window's "Add optimizer" menu and
``list optimizers``. The implementation of a record is the class of
:mod:`landscape_app.core.optim` with the same ``id``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from landscape_app.core.catalogue.optimizer_params import (
    AMSGRAD,
    BETA1,
    BETA2,
    CLERC_ACCELERATION,
    CLERC_INERTIA,
    EPS,
    LOOKAHEAD_PARAMS,
    LR,
    MOMENTUM,
    WEIGHT_DECAY,
    sgd_params,
)
from landscape_app.core.errors import UnknownIdError
from landscape_app.core.params import Param

#: Optimizer families, in the order lists show them, with the heading each is listed under.
FAMILIES = {
    "gradient": "Gradient methods",
    "second-order": "Second order",
    "quasi-newton": "Quasi-Newton",
    "population": "Population methods",
    "global": "Global stochastic search",
}

#: Why a random method has no outcome map.
_RANDOM = "is random: its map would depend on the seed as much as on the start"


@dataclass(frozen=True)
class OptimizerRecord:
    """One optimizer: identity, hyperparameters and capabilities.

    id, title, family, summary :
        The stable id specs use, the name lists show, one of :data:`FAMILIES`, one line.
    params :
        Its own hyperparameters (without the learning-rate schedule every torch-driven method
        adds, and for a Lookahead wrapper without its inner optimizer's).
    torch_optim :
        Name of the ``torch.optim.Optimizer`` (sub)class that steps it (``HeunStep`` is the
        app's own); None when torch.optim does not drive it, or drives its inner optimizer.
    lookahead, fixed_inner :
        A Lookahead wrapper, and the inner optimizer it fixes (None: the user's ``inner``).
    wrappable :
        Lookahead can wrap it (a first-order torch.optim method; not L-BFGS, whose (s, y)
        pairs assume each step starts where the last one ended).
    stochastic :
        It takes ``batch_size`` (networks) and ``grad_noise`` (functions).
    map_refusal :
        Why an outcome map cannot run it ("": it can).
    map_rule :
        The per-cell rule of :data:`landscape_app.core.maps.rules.RULES` its sweeps step with
        (None: a wrapper's is its inner optimizer's; damped Newton has its own rows).
    closure_rule :
        Its ``map_rule`` evaluates the gradient again through a closure within a step (Heun's
        corrector): a trainability map of a model file, one gradient per step for all its
        copies, cannot run it.
    stability :
        The rule of :mod:`landscape_app.core.stability` giving its threshold (None: it has
        no step size, or wraps one).
    random :
        Its path depends on the seed even with exact gradients (populations, annealing).
    """

    id: str
    title: str
    family: str
    summary: str
    params: tuple[Param, ...]
    torch_optim: str | None = None
    lookahead: bool = False
    fixed_inner: str | None = None
    wrappable: bool = False
    stochastic: bool = False
    map_refusal: str = ""
    map_rule: str | None = None
    closure_rule: bool = False
    stability: str | None = None
    random: bool = False

    @property
    def torch_based(self) -> bool:
        """Driven by ``torch.optim`` (its own or its inner optimizer's): it takes a schedule."""
        return self.torch_optim is not None or self.lookahead

    @property
    def mappable(self) -> bool:
        """An outcome map can run it."""
        return not self.map_refusal

    @property
    def trains_model_file(self) -> bool:
        """A trainability map of a model file can run it: its own per-row rule takes one
        gradient per step (a torch.optim element-wise method)."""
        return self.map_rule is not None and not self.closure_rule


def _first_order(id: str, title: str, summary: str, params: tuple[Param, ...],
                 torch_optim: str, rule: str, stability: str,
                 closure_rule: bool = False) -> OptimizerRecord:
    """A torch.optim first-order method: wrappable, stochastic, mappable."""
    return OptimizerRecord(id, title, "gradient", summary, params, torch_optim=torch_optim,
                           wrappable=True, stochastic=True, map_rule=rule,
                           closure_rule=closure_rule, stability=stability)


def _lookahead(id: str, title: str, summary: str, fixed_inner: str | None) -> OptimizerRecord:
    return OptimizerRecord(id, title, "gradient", summary, LOOKAHEAD_PARAMS, lookahead=True,
                           fixed_inner=fixed_inner, stochastic=True)


#: Every optimizer, in the order lists show them: first-order methods from simple to
#: elaborate, then curvature, then derivative-free and global methods.
RECORDS: tuple[OptimizerRecord, ...] = (
    _first_order("sgd", "SGD", "plain gradient descent θ ← θ − η∇f", sgd_params(0.0),
                 "SGD", "sgd", "sgd"),
    _first_order("momentum", "SGD + momentum",
                 "heavy-ball momentum: a velocity that accumulates gradients", sgd_params(0.9),
                 "SGD", "sgd", "sgd"),
    _first_order("nesterov", "Nesterov", "momentum with a look-ahead gradient correction",
                 sgd_params(0.9), "SGD", "nesterov", "nesterov"),
    _first_order(
        "adagrad", "Adagrad",
        "step size per coordinate, shrinking with the sum of squared gradients",
        (replace(LR, default=0.1),
         Param("lr_decay", 0.0, "learning-rate decay κ: η / (1 + (t − 1)κ)", low=0.0),
         WEIGHT_DECAY,
         Param("initial_accumulator_value", 0.0,
               "starting value s₀ of the squared-gradient sum", low=0.0),
         replace(EPS, default=1e-10)),
        "Adagrad", "adagrad", "adagrad"),
    _first_order(
        "rmsprop", "RMSprop", "step divided by a running RMS of recent gradients",
        (LR,
         Param("alpha", 0.99, "smoothing constant α of the squared-gradient average",
               low=0.0, high=1.0, high_open=True),
         EPS, WEIGHT_DECAY, MOMENTUM,
         Param("centered", False, "normalize by the variance estimate (subtract ḡ²)")),
        "RMSprop", "rmsprop", "rmsprop"),
    _first_order("adam", "Adam", "adaptive first and second moments with bias correction",
                 (LR, BETA1, BETA2, EPS, WEIGHT_DECAY, AMSGRAD), "Adam", "adam", "adam"),
    _first_order("adamw", "AdamW", "Adam with weight decay decoupled from the gradient",
                 (LR, BETA1, BETA2, EPS,
                  Param("weight_decay", 0.01, "decoupled weight decay λ", low=0.0), AMSGRAD),
                 "AdamW", "adamw", "adam"),
    _first_order(
        "radam", "RAdam",
        "Adam with the variance of its adaptive step rectified (no warm-up needed)",
        (LR, BETA1, BETA2, EPS,
         Param("weight_decay", 0.0, "weight decay λ", low=0.0),
         Param("decoupled_weight_decay", False,
               "decay the weights directly (AdamW style) instead of adding λθ to the gradient")),
        "RAdam", "radam", "radam"),
    _first_order("heun", "Heun", "predictor step, then a corrector averaging the two gradients",
                 (LR,), "HeunStep", "heun", "heun", closure_rule=True),
    _lookahead("lookahead", "Lookahead",
               "k fast steps of an inner optimizer, then pull back towards the slow weights",
               None),
    _lookahead("ranger", "Ranger", "Lookahead around RAdam", "radam"),
    OptimizerRecord(
        "lbfgs", "L-BFGS", "gradient",
        "quasi-Newton: curvature from recent steps, with a line search",
        (Param("lr", 1.0, "learning rate η (the line search's first trial step)", low=0.0,
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
               low=0.0, log_scale=True)),
        torch_optim="LBFGS",
        map_refusal="L-BFGS keeps a history and a line search per run"),
    OptimizerRecord(
        "newton", "Newton (damped)", "second-order",
        "exact-Hessian Newton step with |eigenvalues| and a backtracking line search",
        (Param("lr", 1.0, "largest step size η (1: the full Newton step)", low=0.0,
               low_open=True, log_scale=True),
         Param("damping", 1e-3, "smallest curvature δ: eigenvalues below it are raised to it",
               low=0.0, low_open=True, log_scale=True))),
    OptimizerRecord(
        "slsqp", "SLSQP", "quasi-newton",
        "quasi-Newton sequential quadratic programming (SciPy), iterates replayed",
        (Param("eps", 1e-3, "finite-difference step of the gradient", low=0.0, high=1.0,
               low_open=True, log_scale=True),
         Param("use_gradient", False, "use the exact autograd gradient instead of differences"),
         Param("maxiter", 100, "most iterations", low=1, high=1_000_000),
         Param("ftol", 1e-6, "stop when f changes by less than this", low=0.0, high=1.0,
               low_open=True, log_scale=True),
         Param("use_bounds", False, "constrain the iterates to the search box")),
        map_refusal="SLSQP runs scipy's routine one start at a time"),
    OptimizerRecord(
        "pso", "Particle swarm", "population",
        "a swarm pulled towards each particle's best and the swarm's best",
        (Param("swarm_size", 30, "number of particles n", low=2, high=10000),
         Param("inertia", CLERC_INERTIA, "inertia weight ω", low=0.0, high=1.5),
         Param("cognitive", CLERC_ACCELERATION, "pull φp towards the particle's own best",
               low=0.0, high=5.0),
         Param("social", CLERC_ACCELERATION, "pull φg towards the swarm's best", low=0.0,
               high=5.0),
         Param("velocity_clamp", 0.5, "largest speed per coordinate, as a fraction c_v of the "
               "box width", low=0.0, high=2.0, low_open=True),
         Param("init_spread", 1.0, "particles start within x₀ ± s·(box width), s = this",
               low=0.0, high=1.0, low_open=True)),
        map_refusal=f"a swarm {_RANDOM}", random=True),
    OptimizerRecord(
        "cmaes", "CMA-ES", "population",
        "an adapting Gaussian that samples, ranks and moves towards the best",
        (Param("sigma0", 0.3, "initial step size σ₀ as a fraction of the box width", low=0.0,
               high=10.0, low_open=True, log_scale=True),
         Param("popsize", 0, "samples λ per generation (0: 4 + ⌊3 ln n⌋)", low=0,
               high=100000),
         Param("use_bounds", True, "keep samples in the search box (cma's BoundTransform)"),
         Param("diagonal", False, "diagonal covariance only (sep-CMA, for large dimensions)")),
        map_refusal=f"CMA-ES {_RANDOM}", random=True),
    OptimizerRecord(
        "sa", "Simulated annealing", "global",
        "a random walk accepting uphill moves with probability exp(−Δ/T) as T cools",
        (Param("t0", 10.0, "initial temperature T₀ (in loss units)", low=0.0, low_open=True,
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
               low=1, high=100000)),
        map_refusal=f"simulated annealing {_RANDOM}", random=True),
    OptimizerRecord(
        "dual-annealing", "Dual annealing", "global",
        "SciPy's generalized simulated annealing with local search, minima replayed",
        (Param("maxiter", 1000, "most global iterations (temperature steps)", low=1,
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
         Param("use_start", True, "start at the start point (else SciPy draws a random one)")),
        map_refusal="dual annealing runs scipy's routine one start at a time", random=True),
)

_BY_ID = {record.id: record for record in RECORDS}

#: Every optimizer id, in display order.
OPTIMIZER_IDS: tuple[str, ...] = tuple(_BY_ID)


def optimizer_record(optimizer_id: str) -> OptimizerRecord:
    """The record of ``optimizer_id``, else an :class:`UnknownIdError` listing the known ids."""
    try:
        return _BY_ID[optimizer_id]
    except KeyError:
        raise UnknownIdError(f"unknown optimizer {optimizer_id!r}; known: "
                             f"{', '.join(sorted(OPTIMIZER_IDS))}") from None


def ids_where(capable) -> tuple[str, ...]:
    """Ids of the records for which ``capable(record)`` is true, in display order."""
    return tuple(record.id for record in RECORDS if capable(record))
