"""Stepping speed: each optimizer through the app's race runner vs a bare loop, same run.

For every registered optimizer (default hyperparameters, on Rosenbrock from (−1.5, 2), float64,
one thread), this times N steps driven by ``core.runner.Race`` and N steps of the bare loop a
script would write:

- torch.optim-backed (sgd … lbfgs, heun): ``opt.zero_grad(); f(θ).backward(); opt.step()``
  (L-BFGS with its closure), on the very torch optimizer the app builds;
- lookahead / ranger: the same, plus the slow-weight sync every k steps;
- cmaes: ``es.tell(X, f(X))`` after ``X = es.ask()``, f batched through torch;
- newton, pso, sa: the optimizer's own ``step()`` called in a loop (no runner, no batching):
  what is measured is the runner's and the records' overhead;
- slsqp, dual-annealing: the whole scipy call per iterate vs the app's run-then-replay.

It prints steps/s for both and the ratio bare/app (the app's overhead; target ≤ 1.5×).
Usage: python bench/stepping.py [--steps N]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from landscape_app.core.functions import get_function
from landscape_app.core.objective import Problem
from landscape_app.core.optim import OptimizerSpec, all_optimizers
from landscape_app.core.runner import Race, Racer

START = np.array([-1.5, 2.0])
OBJECTIVE = get_function("rosenbrock")


def app_rate(optimizer_id: str, steps: int) -> float:
    race = Race(OBJECTIVE, [Racer(optimizer_id, OptimizerSpec(optimizer_id))], START,
                max_steps=steps)
    started = time.perf_counter()
    history = race.run()
    elapsed = time.perf_counter() - started
    return (len(history[0]) - 1) / elapsed


def bare_torch_rate(optimizer_id: str, steps: int) -> float:
    """The bare torch.optim loop on the torch optimizer the app would build."""
    app_optimizer = OptimizerSpec(optimizer_id).create()
    param = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    inner = getattr(app_optimizer, "inner", None) or app_optimizer
    opt = inner.make_torch_optimizer([param])
    k = app_optimizer.hyper.get("lookahead_k")
    alpha = app_optimizer.hyper.get("lookahead_alpha")
    slow = param.detach().clone()

    def closure():
        opt.zero_grad()
        loss = OBJECTIVE.evaluate(param)
        loss.backward()
        return loss

    started = time.perf_counter()
    for step in range(1, steps + 1):
        opt.step(closure)
        if k and step % k == 0:
            with torch.no_grad():
                slow.add_(param - slow, alpha=alpha)
                param.copy_(slow)
    return steps / (time.perf_counter() - started)


def bare_cma_rate(steps: int) -> float:
    from landscape_app.core.optim.cmaes import import_cma

    cma = import_cma()
    app = OptimizerSpec("cmaes").create()
    sigma0 = app.hyper["sigma0"] * float(np.mean(OBJECTIVE.upper - OBJECTIVE.lower))
    es = cma.CMAEvolutionStrategy(START, sigma0, {"seed": 1, "verbose": -9})
    started = time.perf_counter()
    for _ in range(steps):
        solutions = es.ask()
        with torch.no_grad():
            values = OBJECTIVE.evaluate(torch.as_tensor(np.array(solutions))).numpy()
        es.tell(solutions, values.tolist())
    return steps / (time.perf_counter() - started)


def bare_step_rate(optimizer_id: str, steps: int) -> float:
    """The optimizer's own step() in a plain loop (no runner)."""
    optimizer = OptimizerSpec(optimizer_id).create()
    optimizer.reset(Problem(OBJECTIVE), START, seed=0)
    started = time.perf_counter()
    done = 0
    for done in range(1, steps + 1):  # noqa: B007
        if optimizer.step().converged:
            break
    return done / (time.perf_counter() - started)


def bare_scipy_rate(optimizer_id: str) -> float:
    """Iterates per second of the scipy routine called directly."""
    from scipy.optimize import dual_annealing, minimize

    def f(x):
        with torch.no_grad():
            return float(OBJECTIVE.evaluate(torch.as_tensor(x)))

    iterates = []
    started = time.perf_counter()
    if optimizer_id == "slsqp":
        minimize(f, START, method="SLSQP", callback=iterates.append)
    else:
        bounds = list(zip(OBJECTIVE.lower, OBJECTIVE.upper))
        dual_annealing(f, bounds, seed=0, x0=START,
                       callback=lambda x, value, context: iterates.append(x))
    return max(len(iterates), 1) / (time.perf_counter() - started)


def bare_rate(optimizer_id: str, family: str, steps: int) -> tuple[float, str]:
    if optimizer_id in ("slsqp", "dual-annealing"):
        return bare_scipy_rate(optimizer_id), "scipy call"
    if optimizer_id == "cmaes":
        return bare_cma_rate(steps), "ask/tell"
    if family == "gradient":
        return bare_torch_rate(optimizer_id, steps), "torch.optim"
    return bare_step_rate(optimizer_id, steps), "own step()"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, Rosenbrock, float64, {args.steps} steps, 1 thread")
    print(f"{'optimizer':<15}{'baseline':<13}{'bare steps/s':>14}{'app steps/s':>14}{'ratio':>8}")
    worst = 0.0
    for optimizer_id, cls in all_optimizers().items():
        steps = args.steps if cls.family == "gradient" else max(args.steps // 10, 50)
        bare_rate(optimizer_id, cls.family, min(steps, 50))  # warm up
        app_rate(optimizer_id, min(steps, 50))
        bare, baseline = bare_rate(optimizer_id, cls.family, steps)
        app = app_rate(optimizer_id, steps)
        ratio = bare / app
        worst = max(worst, ratio)
        print(f"{optimizer_id:<15}{baseline:<13}{bare:>14.0f}{app:>14.0f}{ratio:>7.2f}×")
    print(f"worst overhead {worst:.2f}× (target ≤ 1.5×)")


if __name__ == "__main__":
    main()
