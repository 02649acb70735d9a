"""Every start / every cell of a map equals the app's single run, step by step (float64).

Where the map runs the single run's own arithmetic — per-cell rules written as torch.optim's
single-tensor code, RAdam/RMSprop/Heun on stacked rows, Newton's shared saddle-free direction,
Lookahead's shared slow weights — rows never mix and the map is held to equality. Where the
two legitimately round differently (fused optimizer kernels; a batched network forward against
one forward pass), the tolerance is derived beside the test (:mod:`tests.core.rounding`).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from landscape_app.core.functions import get_function
from landscape_app.core.maps import StartGrid, Sweep, SweepAxis, compute_map
from landscape_app.core.maps.engine import _cell_hyper, _prepare, make_stepper
from landscape_app.core.nn import NetworkConfig
from landscape_app.core.objective import Problem
from landscape_app.core.optim import OptimizerSpec
from tests.core.rounding import derived_bound, forward_bound, relative_deviation

STEPS = 40

#: A start map steps torch.optim's *fused* kernel where it has one (SGD, Adam, AdamW, Adagrad
#: and Lookahead around them, on the CPU); the single run its single-tensor code. Both compute
#: the same update element by element, but the fused kernel may contract a·b + c into one
#: fused multiply-add (per CPU: which elements fall in a vector and which in its tail), so
#: each of the update's operations may round differently: at most 16 per element and step
#: (Adam with AMSGrad and weight decay, the longest: decay 2, moments 6, √v̂ + ε 3, the step 3,
#: bias corrections 2), each ≤ eps. A difference is carried to the end by the later steps,
#: which are stable on these paths (η·λ_max(∇²f) < 2 for SGD, Adam's step ≤ η), so it does
#: not grow except through the longest memory here — momentum μ = 0.9 and Adam's β₁ = 0.9 sum
#: past differences geometrically, ≤ 1/(1 − 0.9) = 10.
FUSED_RTOL = derived_bound(STEPS * 16, growth=1 / (1 - 0.9))  # 1.4e-12

#: A network map evaluates all cells with one batched forward/backward pass (batched matrix
#: products); the single run one nn.Module at a time. The sums inside may be added in another
#: order: the forward bound of the larger net here (moons, 64 samples, fan-ins 2 and 8; the
#: seed net's 32, 2, 2 is smaller) once per step, carried with the growth above (μ = 0.9,
#: Adam's β₁ = 0.9: ≤ 10).
NETWORK_RTOL = STEPS * forward_bound(64, (2, 8)) / (1 - 0.9)  # 7.2e-11

#: optimizer id → (settings of the start-map run, sweep axes (name, low, high, log)).
TABLE = {
    "sgd": ({"lr": 1e-3, "weight_decay": 0.01}, ("lr", 1e-4, 1e-3, True),
            ("weight_decay", 0.0, 0.1, False)),
    "momentum": ({"lr": 5e-4, "dampening": 0.1}, ("lr", 1e-4, 1e-3, True),
                 ("momentum", 0.0, 0.95, False)),
    "nesterov": ({"lr": 5e-4}, ("lr", 1e-4, 1e-3, True), ("momentum", 0.3, 0.9, False)),
    "adagrad": ({"lr": 0.2, "lr_decay": 0.01, "initial_accumulator_value": 0.1},
                ("lr", 0.05, 0.5, True), ("eps", 1e-10, 1e-3, True)),
    "rmsprop": ({"lr": 0.01, "momentum": 0.5, "centered": True}, ("lr", 1e-3, 1e-2, True),
                ("alpha", 0.8, 0.99, False)),
    "adam": ({"lr": 0.05, "amsgrad": True, "weight_decay": 0.01}, ("lr", 1e-3, 0.1, True),
             ("beta2", 0.9, 0.999, False)),
    "adamw": ({"lr": 0.05, "schedule": "cosine", "t_max": 20, "warmup": 3},
              ("lr", 1e-3, 0.1, True), ("beta1", 0.5, 0.95, False)),
    "radam": ({"lr": 1e-3, "weight_decay": 0.01, "decoupled_weight_decay": True},
              ("lr", 1e-4, 1e-3, True), ("beta2", 0.9, 0.999, False)),
    "heun": ({"lr": 1e-3}, ("lr", 1e-4, 1e-3, True), None),
    "lookahead": ({"inner": "momentum", "lr": 5e-4, "lookahead_k": 3, "schedule": "step",
                   "step_size": 7}, ("lr", 1e-4, 1e-3, True), ("lookahead_alpha", 0.2, 0.8, False)),
    "ranger": ({"lr": 1e-3}, ("lr", 1e-4, 1e-3, True), ("beta1", 0.5, 0.95, False)),
    "newton": ({"lr": 1.0, "damping": 1e-2}, ("lr", 0.3, 1.0, True),
               ("damping", 1e-3, 10.0, True)),
}


def _single_run(objective, spec: OptimizerSpec, start) -> np.ndarray:
    """Positions ``(STEPS + 1, P)`` of the app's single run (torch.optim itself)."""
    optimizer = spec.create()
    records = [optimizer.reset(Problem(objective), np.asarray(start, dtype=float))]
    records += [optimizer.step() for _ in range(STEPS)]
    return np.array([r.x for r in records])


def _assert_close(batched: np.ndarray, single: np.ndarray, what: str, rtol: float) -> None:
    """``batched`` equals ``single`` (``rtol`` 0) or deviates by at most ``rtol``."""
    assert np.all(np.isfinite(single)), f"{what}: pick settings whose single run stays finite"
    deviation = relative_deviation(batched, single)
    assert deviation <= rtol, f"{what}: relative deviation {deviation:.3g} > {rtol:.3g}"


def _fused(stepper) -> bool:
    """Whether a start map's stepper runs torch.optim's fused kernel."""
    optimizer = getattr(stepper, "torch_optimizer", None)
    return bool(optimizer is not None and optimizer.defaults.get("fused"))


def _stepped(stepper, param) -> np.ndarray:
    """Rows' positions ``(STEPS + 1, N, P)`` from a stepper."""
    positions = [param.detach().numpy().copy()]
    for _ in range(STEPS):
        stepper.step()
        positions.append(param.detach().numpy().copy())
    return np.array(positions)


@pytest.mark.parametrize("optimizer_id", sorted(TABLE))
def test_every_start_equals_the_single_run(optimizer_id):
    objective = get_function("rosenbrock")
    settings = TABLE[optimizer_id][0]
    spec = OptimizerSpec(optimizer_id, settings)
    grid = StartGrid((-1.5, 1.0), (-0.5, 2.0), 3)
    param = torch.as_tensor(grid.starts(), dtype=torch.float64).clone().requires_grad_(True)
    stepper = make_stepper(spec.create(), param, objective.evaluate)
    rtol = FUSED_RTOL if _fused(stepper) else 0.0
    rows = _stepped(stepper, param)
    for index, start in enumerate(grid.starts()):
        _assert_close(rows[:, index], _single_run(objective, spec, start),
                      f"{optimizer_id} from {start}", rtol)


@pytest.mark.parametrize("optimizer_id", sorted(TABLE))
def test_every_sweep_cell_equals_the_single_run(optimizer_id):
    objective = get_function("rosenbrock")
    settings, first, second = TABLE[optimizer_id]
    if second is None:
        second = ("lr", 2e-4, 3e-4, False) if first[0] != "lr" else None
    axis0 = SweepAxis(*first)
    axis1 = SweepAxis(*second) if second else SweepAxis("lr", 1e-4, 2e-4)
    if axis1.name == axis0.name:
        pytest.skip(f"{optimizer_id} has a single sweepable hyperparameter")
    sweep = Sweep(axis0, axis1, 3, start=(-1.5, 2.0))
    spec = OptimizerSpec(optimizer_id, settings)
    job = _prepare(objective, spec, sweep, STEPS, 1e-3, "cpu", "float64", ())
    optimizer = spec.create()
    param = torch.tensor([[-1.5, 2.0]] * 9, dtype=torch.float64, requires_grad=True)
    stepper = make_stepper(optimizer, param, objective.evaluate,
                           hyper=_cell_hyper(job, optimizer, np.arange(9)))
    rows = _stepped(stepper, param)
    for index, (a, b) in enumerate(zip(*sweep.cell_values(), strict=True)):
        cell = OptimizerSpec(optimizer_id, {**settings, axis0.name: float(a),
                                            axis1.name: float(b)})
        _assert_close(rows[:, index], _single_run(objective, cell, (-1.5, 2.0)),
                      f"{optimizer_id} cell {axis0.name}={a:g}, {axis1.name}={b:g}", 0.0)


def test_heun_sweep_of_its_learning_rate_alone_is_refused_as_one_axis():
    with pytest.raises(Exception, match="both sweeps are over lr"):
        Sweep(SweepAxis("lr", 1e-4, 1e-3), SweepAxis("lr", 1e-4, 1e-3), 3)


def test_compute_map_final_positions_equal_single_runs():
    objective = get_function("himmelblau")
    spec = OptimizerSpec("adam", {"lr": 0.05})
    grid = StartGrid((-4.0, 4.0), (-4.0, 4.0), 4)
    result = compute_map(objective, spec, grid, steps=STEPS, dtype="float64", device="cpu",
                         chunk_rows=5)
    for index, start in enumerate(grid.starts()):
        j, i = divmod(index, 4)
        assert start[0] == result.axis0[i] and start[1] == result.axis1[j]
        _assert_close(result.final[j, i], _single_run(objective, spec, start)[-1],
                      f"final from {start}", FUSED_RTOL)  # Adam's fused kernel


def test_seed_network_sweep_cells_equal_single_runs():
    config = NetworkConfig(model="seed", dtype="float64")
    sweep = Sweep(SweepAxis("lr", 1e-8, 1e-6, log=True), SweepAxis("momentum", 0.0, 0.9), 2)
    result = compute_map(config, "momentum", sweep, steps=STEPS, dtype="float64", device="cpu")
    from landscape_app.core.nn.network_objective import build_network

    objective = build_network(config, "cpu")
    for j, momentum in enumerate(result.axis1):
        for i, lr in enumerate(result.axis0):
            spec = OptimizerSpec("momentum", {"lr": float(lr), "momentum": float(momentum)})
            single = _single_run(objective, spec, objective.initial_parameters())
            _assert_close(result.final[j, i], single[-1], f"seed lr={lr:g} μ={momentum:g}",
                          NETWORK_RTOL)


def test_per_layer_learning_rates_equal_param_groups():
    config = NetworkConfig(model="moons", hidden=(8,), samples=64, dtype="float64")
    sweep = Sweep(SweepAxis("lr_first", 0.01, 0.5, log=True),
                  SweepAxis("lr_last", 0.01, 0.5, log=True), 2)
    result = compute_map(config, "adam:lr=0.1", sweep, steps=STEPS, dtype="float64",
                         device="cpu")
    from landscape_app.core.nn.network_objective import build_network

    objective = build_network(config, "cpu")
    for j, last in enumerate(result.axis1):
        for i, first in enumerate(result.axis0):
            module = objective.module()
            layers = [m for m in module if isinstance(m, torch.nn.Linear)]
            groups = [{"params": list(layers[0].parameters()), "lr": float(first)},
                      {"params": list(layers[-1].parameters()), "lr": float(last)}]
            opt = torch.optim.Adam(groups, lr=0.1)
            for _ in range(STEPS):
                opt.zero_grad()
                objective.reference_loss(module).backward()
                opt.step()
            theta = torch.nn.utils.parameters_to_vector(module.parameters()).detach().numpy()
            _assert_close(result.final[j, i], theta, f"lr_first={first:g} lr_last={last:g}",
                          NETWORK_RTOL)


def test_newton_rows_in_ten_dimensions_equal_the_single_run():
    """The shared saddle-free direction keeps rows apart whatever P (no batched matrix
    product, whose kernel torch picks by size): a 10-D Newton map equals its single runs."""
    from tests.core.test_optim_gradient import Rosenbrock10

    objective = Rosenbrock10()
    starts = 1 + 0.1 * np.random.default_rng(1).standard_normal((6, 10))
    spec = OptimizerSpec("newton", {"lr": 1.0, "damping": 1e-2})
    param = torch.as_tensor(starts).clone().requires_grad_(True)
    rows = _stepped(make_stepper(spec.create(), param, objective.evaluate), param)
    for index, start in enumerate(starts):
        _assert_close(rows[:, index], _single_run(objective, spec, start),
                      f"10-D newton from row {index}", 0.0)


@pytest.mark.parametrize("function_id", ["rastrigin", "ackley", "levi13", "beale"])
def test_newton_start_maps_equal_single_runs_on_non_polynomial_landscapes(function_id):
    """cos, exp, sqrt and rational terms in the Hessian too: still the single run's bits."""
    objective = get_function(function_id)
    low, high = objective.lower / 2, objective.upper / 2
    grid = StartGrid((low[0], high[0]), (low[1], high[1]), 4)  # 4: not the origin (ackley)
    spec = OptimizerSpec("newton", {})
    param = torch.as_tensor(grid.starts(), dtype=torch.float64).clone().requires_grad_(True)
    rows = _stepped(make_stepper(spec.create(), param, objective.evaluate), param)
    for index, start in enumerate(grid.starts()):
        _assert_close(rows[:, index], _single_run(objective, spec, start),
                      f"newton on {function_id} from {start}", 0.0)
