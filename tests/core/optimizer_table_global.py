"""Spec table of the derivative-free and global optimizers: valid and invalid configurations.

``GLOBAL_TABLE[id]`` has ``"valid"``, hyperparameter dicts that must construct and run, and
``"invalid"``, ``(dict, fragment)`` pairs that must raise ``HyperparameterError`` with
``fragment`` in its message. ``test_optimizer_specs.py`` merges it with ``GRADIENT_TABLE``.
"""

GLOBAL_TABLE = {
    "pso": {
        "valid": [{}, {"swarm_size": 5, "inertia": 0.5, "cognitive": 2.0, "social": 2.0},
                  {"velocity_clamp": 0.1, "init_spread": 0.2}],
        "invalid": [
            ({"swarm_size": 1}, "swarm_size=1 is out of range"),
            ({"swarm_size": 2.5}, "expected a whole number"),
            ({"inertia": -0.1}, "inertia=-0.1 is out of range"),
            ({"cognitive": "high"}, "expected a number"),
            ({"social": 6.0}, "social=6 is out of range"),
            ({"velocity_clamp": 0.0}, "velocity_clamp=0 is out of range"),
            ({"init_spread": 1.5}, "init_spread=1.5 is out of range"),
            ({"omega": 0.5}, "has no hyperparameter omega"),
        ],
    },
    "sa": {
        "valid": [{}, {"t0": 2.0, "schedule": "exponential", "cooling": 0.95,
                       "proposal": "gaussian", "step_size": 0.05},
                  {"schedule": "logarithmic", "shrink_steps": False, "proposals_per_step": 1}],
        "invalid": [
            ({"t0": 0.0}, "t0=0 is out of range"),
            ({"t0": float("inf")}, "finite number"),
            ({"schedule": "linear"}, "schedule='linear': expected one of"),
            ({"cooling": 1.0}, "cooling=1 is out of range"),
            ({"step_size": -0.1}, "step_size=-0.1 is out of range"),
            ({"proposal": "uniform"}, "proposal='uniform'"),
            ({"shrink_steps": "yes"}, "expected true or false"),
            ({"proposals_per_step": 0}, "proposals_per_step=0 is out of range"),
        ],
    },
    "cmaes": {
        "valid": [{}, {"sigma0": 0.1, "popsize": 12}, {"use_bounds": False, "diagonal": True}],
        "invalid": [
            ({"sigma0": 0.0}, "sigma0=0 is out of range"),
            ({"popsize": 1}, "popsize=1 is too small"),
            ({"popsize": -4}, "popsize=-4 is out of range"),
            ({"popsize": 3.5}, "expected a whole number"),
            ({"use_bounds": 1}, "expected true or false"),
            ({"seed": 42}, "has no hyperparameter seed"),
        ],
    },
    "slsqp": {
        "valid": [{}, {"eps": 1e-6, "ftol": 1e-9, "maxiter": 50},
                  {"use_gradient": True, "use_bounds": True}],
        "invalid": [
            ({"eps": 0.0}, "eps=0 is out of range"),
            ({"maxiter": 0}, "maxiter=0 is out of range"),
            ({"ftol": 2.0}, "ftol=2 is out of range"),
            ({"use_gradient": "no"}, "expected true or false"),
            ({"jac": "2-point"}, "has no hyperparameter jac"),
        ],
    },
    "dual-annealing": {
        "valid": [{"maxiter": 20}, {"maxiter": 10, "initial_temp": 1.0, "use_start": False},
                  {"maxiter": 10, "no_local_search": True, "visit": 2.0, "accept": -10.0}],
        "invalid": [
            ({"maxiter": 0}, "maxiter=0 is out of range"),
            ({"initial_temp": 0.01}, "initial_temp=0.01 is out of range"),
            ({"restart_temp_ratio": 1.0}, "restart_temp_ratio=1 is out of range"),
            ({"visit": 3.5}, "visit=3.5 is out of range"),
            ({"accept": -4.0}, "accept=-4 is out of range"),
            ({"maxfun": 0}, "maxfun=0 is out of range"),
            ({"seed": 1}, "has no hyperparameter seed"),
        ],
    },
}
