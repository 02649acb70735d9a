"""Spec table of the gradient and second-order optimizers: valid and invalid configurations.

``GRADIENT_TABLE[id]`` has ``"valid"``, a list of hyperparameter dicts that must construct and
run, and ``"invalid"``, a list of ``(dict, fragment)`` pairs that must raise
``HyperparameterError`` with ``fragment`` in its message. ``test_optimizer_specs.py`` merges it
with the global optimizers' table and drives parametrised tests from both.
"""

SCHEDULE_INVALID = [
    ({"schedule": "linear"}, "schedule='linear'"),
    ({"gamma": 0.0}, "gamma=0 is out of range"),
    ({"step_size": 0}, "step_size=0 is out of range"),
    ({"warmup": -1}, "warmup=-1 is out of range"),
    ({"warmup": 2.5}, "expected a whole number"),
    ({"warmup_factor": 1.5}, "warmup_factor=1.5 is out of range"),
]

_SGD_INVALID = [
    ({"lr": 0.0}, "lr=0 is out of range"),
    ({"lr": -0.1}, "lr=-0.1 is out of range"),
    ({"lr": float("nan")}, "finite number"),
    ({"lr": "fast"}, "expected a number"),
    ({"momentum": 1.0}, "momentum=1 is out of range"),
    ({"dampening": 1.5}, "dampening=1.5 is out of range"),
    ({"weight_decay": -1.0}, "weight_decay=-1 is out of range"),
    ({"betas": 0.9}, "has no hyperparameter betas"),
]

_ADAM_INVALID = [
    ({"lr": 0.0}, "lr=0 is out of range"),
    ({"beta1": 1.0}, "beta1=1 is out of range"),
    ({"beta2": -0.1}, "beta2=-0.1 is out of range"),
    ({"eps": 0.0}, "eps=0 is out of range"),
    ({"amsgrad": 1}, "expected true or false"),
    ({"betas": (0.9, 0.99)}, "has no hyperparameter betas"),
]

GRADIENT_TABLE = {
    "sgd": {
        "valid": [{}, {"lr": 0.001, "weight_decay": 0.01},
                  {"lr": 0.002, "momentum": 0.5, "dampening": 0.2, "schedule": "step",
                   "step_size": 2}],
        "invalid": _SGD_INVALID + SCHEDULE_INVALID,
    },
    "momentum": {
        "valid": [{"lr": 0.0005}, {"lr": 0.001, "momentum": 0.0},
                  {"lr": 0.0005, "schedule": "cosine", "t_max": 2, "warmup": 1}],
        "invalid": _SGD_INVALID,
    },
    "nesterov": {
        "valid": [{"lr": 0.0005}, {"lr": 0.001, "momentum": 0.5}],
        "invalid": _SGD_INVALID + [
            ({"dampening": 0.1}, "Nesterov momentum needs momentum > 0 and dampening = 0"),
            ({"momentum": 0.0}, "Nesterov momentum needs momentum > 0"),
        ],
    },
    "adam": {
        "valid": [{}, {"lr": 0.1, "beta1": 0.5, "beta2": 0.9, "amsgrad": True},
                  {"schedule": "exponential", "gamma": 0.9, "warmup": 2}],
        "invalid": _ADAM_INVALID + SCHEDULE_INVALID,
    },
    "adamw": {
        "valid": [{}, {"weight_decay": 0.0}, {"lr": 0.05, "weight_decay": 0.1}],
        "invalid": _ADAM_INVALID + [({"weight_decay": -0.01}, "weight_decay=-0.01")],
    },
    "adagrad": {
        "valid": [{}, {"lr": 0.5, "lr_decay": 0.1, "initial_accumulator_value": 0.1,
                       "eps": 1e-6, "weight_decay": 0.01}],
        "invalid": [
            ({"lr": 0.0}, "lr=0 is out of range"),
            ({"lr_decay": -0.1}, "lr_decay=-0.1 is out of range"),
            ({"initial_accumulator_value": -1.0}, "initial_accumulator_value=-1"),
            ({"eps": 0.0}, "eps=0 is out of range"),
            ({"momentum": 0.9}, "has no hyperparameter momentum"),
        ] + SCHEDULE_INVALID,
    },
    "rmsprop": {
        "valid": [{}, {"lr": 0.001, "alpha": 0.9, "momentum": 0.5, "centered": True,
                       "weight_decay": 0.01, "eps": 1e-6}],
        "invalid": [
            ({"alpha": 1.0}, "alpha=1 is out of range"),
            ({"alpha": -0.5}, "alpha=-0.5 is out of range"),
            ({"momentum": 1.2}, "momentum=1.2 is out of range"),
            ({"centered": "maybe"}, "expected true or false"),
            ({"eps": -1e-8}, "eps=-1e-08 is out of range"),
        ],
    },
    "radam": {
        "valid": [{}, {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "weight_decay": 0.01,
                       "decoupled_weight_decay": True}],
        "invalid": _ADAM_INVALID[:4] + [
            ({"decoupled_weight_decay": "yes please"}, "expected true or false"),
            ({"amsgrad": True}, "has no hyperparameter amsgrad"),
        ],
    },
    "heun": {
        "valid": [{}, {"lr": 0.001}, {"lr": 0.001, "schedule": "cosine", "t_max": 3}],
        "invalid": [
            ({"lr": 0.0}, "lr=0 is out of range"),
            ({"momentum": 0.9}, "has no hyperparameter momentum"),
        ] + SCHEDULE_INVALID,
    },
    "lbfgs": {
        "valid": [{}, {"line_search_fn": "none", "lr": 0.1, "history_size": 3},
                  {"max_iter": 4, "max_eval": 8, "tolerance_grad": 1e-9,
                   "tolerance_change": 0.0}],
        "invalid": [
            ({"line_search_fn": "backtracking"}, "expected one of {strong_wolfe, none}"),
            ({"max_iter": 0}, "max_iter=0 is out of range"),
            ({"max_iter": 1.5}, "expected a whole number"),
            ({"history_size": 0}, "history_size=0 is out of range"),
            ({"max_eval": 0}, "max_eval=0 is out of range"),
            ({"tolerance_grad": -1.0}, "tolerance_grad=-1 is out of range"),
            ({"lr": -1.0}, "lr=-1 is out of range"),
        ],
    },
    "lookahead": {
        "valid": [{}, {"inner": "sgd", "lr": 0.001, "momentum": 0.9, "lookahead_k": 3},
                  {"inner": "rmsprop", "lr": 0.01, "alpha": 0.9, "lookahead_alpha": 1.0},
                  {"inner": "heun", "lr": 0.001, "schedule": "step", "step_size": 1},
                  {"inner": "radam", "decoupled_weight_decay": True, "weight_decay": 0.1}],
        "invalid": [
            ({"inner": "lbfgs"}, "inner='lbfgs' cannot be wrapped"),
            ({"inner": "lookahead"}, "inner='lookahead' cannot be wrapped"),
            ({"inner": "ranger"}, "inner='ranger' cannot be wrapped"),
            ({"inner": "newton"}, "inner='newton' cannot be wrapped"),
            ({"inner": "nope"}, "inner='nope' cannot be wrapped"),
            ({"lookahead_k": 0}, "lookahead_k=0 is out of range"),
            ({"lookahead_alpha": 0.0}, "lookahead_alpha=0 is out of range"),
            ({"lookahead_alpha": 1.5}, "lookahead_alpha=1.5 is out of range"),
            ({"inner": "sgd", "beta1": 0.9}, "has no hyperparameter beta1"),
            ({"inner": "nesterov", "dampening": 0.5}, "Nesterov momentum needs"),
            ({"inner": "adam", "lr": 0.0}, "lr=0 is out of range"),
        ],
    },
    "ranger": {
        "valid": [{}, {"lr": 0.05, "lookahead_k": 6, "lookahead_alpha": 0.8,
                       "decoupled_weight_decay": True, "weight_decay": 0.01}],
        "invalid": [
            ({"inner": "adam"}, "has no hyperparameter inner"),
            ({"lookahead_k": -2}, "lookahead_k=-2 is out of range"),
            ({"beta2": 1.0}, "beta2=1 is out of range"),
        ],
    },
    "newton": {
        "valid": [{}, {"lr": 0.5, "damping": 0.1}],
        "invalid": [
            ({"lr": 0.0}, "lr=0 is out of range"),
            ({"damping": 0.0}, "damping=0 is out of range"),
            ({"damping": float("inf")}, "finite number"),
            ({"schedule": "step"}, "has no hyperparameter schedule"),
        ],
    },
}
