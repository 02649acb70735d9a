"""Stepping speed: each optimizer through the app's race runner vs a bare loop, same run.

For every registered optimizer (default hyperparameters, on Rosenbrock from (−1.5, 2), float64,
one thread), this times N steps driven by ``core.runner.Race`` and N steps of the bare loop a
script would write:

- torch.optim-backed (sgd … lbfgs, heun): ``opt.zero_grad(); f(θ).backward(); opt.step()``
  (L-BFGS with its closure), on the very torch optimizer the app builds;
- lookahead / ranger: the same, plus the slow-weight sync every k steps;
- cmaes: cma's own loop ``es.tell(X, f(X))`` after ``X = es.ask()``, then ``es.stop()``, on
  the strategy the app builds, f batched through torch;
- newton, pso, sa: the optimizer's own ``step()`` called in a loop (no runner, no batching):
  what is measured is the runner's and the records' overhead;
- slsqp, dual-annealing: the whole SciPy call vs the app's run-then-replay.

Both sides do the same number of steps (the app's: a lane may converge before the budget),
best of three runs each.
It prints steps/s for both and the ratio of times app/bare (the app's overhead; target ≤ 1.5×).
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
#: Hyperparameters that keep each method stable on Rosenbrock (default lr 0.01 makes plain
#: gradient descent diverge there, which would end its lane early and time nothing).
PARAMS = {"sgd": {"lr": 2e-4}, "momentum": {"lr": 1e-4}, "nesterov": {"lr": 1e-4},
          "heun": {"lr": 2e-4}}


#: Each side is timed this many times; the fastest run counts (the least disturbed one).
REPEATS = 3


def spec(optimizer_id: str) -> OptimizerSpec:
    return OptimizerSpec(optimizer_id, PARAMS.get(optimizer_id, {}))


def app_run(optimizer_id: str, steps: int) -> tuple[int, float]:
    """Steps done (a lane may converge early) and seconds, through the race runner."""
    race = Race(OBJECTIVE, [Racer(optimizer_id, spec(optimizer_id))], START, max_steps=steps)
    started = time.perf_counter()
    (lane,) = race.run().lanes
    return len(lane.records) - 1, time.perf_counter() - started


def bare_torch(optimizer_id: str, steps: int) -> float:
    """Seconds of the bare torch.optim loop on the torch optimizer the app would build."""
    app_optimizer = spec(optimizer_id).create()
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
    return time.perf_counter() - started


def bare_cma(steps: int) -> float:
    """Seconds of cma's documented loop ``X = es.ask(); es.tell(X, f(X)); es.stop()``.

    The strategy is the one the app builds (same σ₀, bounds, scaling and seed), taken before
    its first generation; f is batched through torch as in the app.
    """
    app = spec("cmaes").create()
    app.reset(Problem(OBJECTIVE), START, seed=0)
    es = app.es
    started = time.perf_counter()
    for _ in range(steps):
        solutions = es.ask()
        with torch.no_grad():
            values = OBJECTIVE.evaluate(torch.as_tensor(np.array(solutions))).numpy()
        es.tell(solutions, values.tolist())
        es.stop()
    return time.perf_counter() - started


def bare_own_steps(optimizer_id: str, steps: int) -> float:
    """Seconds of the optimizer's own step() in a plain loop (no runner)."""
    optimizer = spec(optimizer_id).create()
    optimizer.reset(Problem(OBJECTIVE), START, seed=0)
    started = time.perf_counter()
    for _ in range(steps):
        optimizer.step()
    return time.perf_counter() - started


def bare_scipy(optimizer_id: str) -> float:
    """Seconds of the whole SciPy call, made directly with the app's arguments."""
    from scipy.optimize import dual_annealing, minimize

    def f(x):
        with torch.no_grad():
            return float(OBJECTIVE.evaluate(torch.as_tensor(x)))

    h = spec(optimizer_id).create().hyper
    started = time.perf_counter()
    if optimizer_id == "slsqp":
        minimize(f, START, method="SLSQP",
                 options={"maxiter": h["maxiter"], "ftol": h["ftol"], "eps": h["eps"]})
    else:
        dual_annealing(f, list(zip(OBJECTIVE.lower, OBJECTIVE.upper)), x0=START,
                       maxiter=h["maxiter"], rng=np.random.default_rng(0))
    return time.perf_counter() - started


def bare_seconds(optimizer_id: str, family: str, steps: int) -> tuple[float, str]:
    if optimizer_id in ("slsqp", "dual-annealing"):
        return bare_scipy(optimizer_id), "scipy call"
    if optimizer_id == "cmaes":
        return bare_cma(steps), "ask/tell"
    if family == "gradient":
        return bare_torch(optimizer_id, steps), "torch.optim"
    return bare_own_steps(optimizer_id, steps), "own step()"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, Rosenbrock, float64, {args.steps} steps, 1 thread")
    print(f"{'optimizer':<15}{'baseline':<13}{'bare steps/s':>14}{'app steps/s':>14}{'ratio':>8}")
    worst = 0.0
    for optimizer_id, cls in all_optimizers().items():
        budget = args.steps if cls.record.family == "gradient" else max(args.steps // 10, 50)
        app_run(optimizer_id, 20)  # warm up both paths
        bare_seconds(optimizer_id, cls.record.family, 20)
        steps, app = app_run(optimizer_id, budget)
        bare, baseline = bare_seconds(optimizer_id, cls.record.family, steps)
        for _ in range(REPEATS - 1):  # interleaved, so that load changes hit both sides
            app = min(app, app_run(optimizer_id, budget)[1])
            bare = min(bare, bare_seconds(optimizer_id, cls.record.family, steps)[0])
        ratio = app / bare
        worst = max(worst, ratio)
        print(f"{optimizer_id:<15}{baseline:<13}{steps / bare:>14.0f}{steps / app:>14.0f}"
              f"{ratio:>7.2f}×")
    print(f"worst overhead {worst:.2f}× (target ≤ 1.5×)")


if __name__ == "__main__":
    main()
