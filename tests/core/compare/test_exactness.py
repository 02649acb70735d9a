"""Every (optimizer, setting, start) of a comparison equals the race runner's single run
from that start with that setting (float64): the final loss, the steps and the function
evaluations to the goal, and the evaluations spent.

The batched rows step each optimizer's per-cell rule — torch.optim's single-tensor arithmetic
with the setting as a per-row tensor — on rows that never mix, and a function's loss is
evaluated element-wise, so on a function every row is the single run bit for bit (bound 0,
as tests/core/maps/test_exactness.py holds sweeps to). A network's rows share one batched
forward/backward, whose sums may be added in another order than one nn.Module's: the forward
bound (moons, 64 samples, fan-ins 2 and 8) once per step, carried by the longest memory here
(Adam's β₁ = 0.9: ≤ 1/(1 − 0.9) = 10) — 7.2e-11 over 40 steps, within the 1e-10 the command
promises. The counts compare thresholds of these losses; the settings keep every loss far
from the goal's edge, so they are held to equality.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from landscape_app.core.catalogue.compare_sweeps import CompareSweep
from landscape_app.core.compare import compare, grid_starts, seed_starts
from landscape_app.core.functions import get_function
from landscape_app.core.nn.models import NetworkConfig, initial_weights
from landscape_app.core.nn.network_objective import build_network
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.core.runner import Race, Racer
from tests.core.rounding import forward_bound

STEPS = 40
NETWORK_RTOL = STEPS * forward_bound(64, (2, 8)) / (1 - 0.9)  # 7.2e-11
assert NETWORK_RTOL <= 1e-10

#: optimizer spec → its sweeps (name, low, high, log, count).
TABLE = {
    "sgd": [("lr", 1e-3, 2e-2, True, 3)],
    "momentum:dampening=0.1": [("lr", 1e-3, 1e-2, True, 2), ("momentum", 0.0, 0.9, False, 2)],
    "nesterov": [("lr", 1e-3, 1e-2, True, 3)],
    "adagrad:lr_decay=0.01": [("lr", 0.05, 0.5, True, 3)],
    "rmsprop:momentum=0.5,centered=true": [("lr", 1e-3, 1e-1, True, 3)],
    "adam:amsgrad=true": [("lr", 1e-2, 0.5, True, 3)],
    "adamw:schedule=cosine,t_max=20,warmup=3": [("lr", 1e-2, 0.5, True, 3)],
    "radam": [("lr", 1e-2, 0.5, True, 3)],
    "heun": [("lr", 1e-3, 2e-2, True, 3)],
    "lookahead:inner=momentum,lookahead_k=3": [("lr", 1e-3, 1e-2, True, 3)],
    "ranger": [("lr", 1e-2, 0.5, True, 3)],
    "newton:damping=0.01": [("lr", 0.3, 1.0, True, 3)],
}


def _single(objective, spec: OptimizerSpec, start, goal: float, seed: int = 0):
    """(final loss, steps to the goal, evaluations by then, evaluations spent) of the race
    runner's single run (−1: never)."""
    lane = Race(objective, [Racer("a", spec)], start, seed=seed, max_steps=STEPS).run().lanes[0]
    reached = next((r for r in lane.records if r.loss <= goal), None)
    return (lane.final_loss, -1 if reached is None else reached.step,
            -1 if reached is None else reached.evals, lane.records[-1].evals)


def _check(result, index: int, objective, spec: OptimizerSpec, points, rtol: float,
           seed: int = 0) -> int:
    """Every setting × start of optimizer ``index`` against its single run; the count of
    runs that reached the goal."""
    reached = 0
    names = result.sweep_names[index]
    for setting, values in enumerate(result.settings[index]):
        swept = {name: float(value) for name, value in zip(names, values, strict=False)}
        cell = OptimizerSpec(spec.id, {**spec.params, **swept})
        for start, point in enumerate(points):
            loss, steps, evals_then, evals = _single(objective, cell, point, result.goal, seed)
            got = result.final_loss[index, setting, start]
            what = f"{cell.to_text()} from {point}"
            if math.isfinite(loss):
                assert abs(got - loss) <= rtol * abs(loss), f"{what}: {got!r} != {loss!r}"
            else:
                assert not math.isfinite(got), what
            assert result.steps_to_tolerance[index, setting, start] == steps, what
            assert result.evaluations_to_tolerance[index, setting, start] == evals_then, what
            assert result.evaluations[index, setting, start] == evals, what
            reached += steps >= 0
    return reached


@pytest.mark.parametrize("text", sorted(TABLE))
def test_every_run_of_a_function_comparison_equals_the_race(text):
    objective = get_function("himmelblau")
    spec = OptimizerSpec(*_parsed(text))
    sweeps = [CompareSweep(*row) for row in TABLE[text]]
    starts = grid_starts((-4.0, 3.0), (-3.5, 4.0), 2)
    result = compare(objective, [(spec, sweeps)], starts, STEPS, 0.5, dtype="float64",
                     device="cpu", chunk_rows=5)  # chunks cut settings apart
    assert result.final_loss.shape == (1, math.prod(s.count for s in sweeps), 4)
    assert _check(result, 0, objective, spec, starts, 0.0) > 0  # the counts are tested


def test_every_run_of_a_network_comparison_equals_the_race_minibatches_included():
    config = NetworkConfig(model="moons", hidden=(8,), samples=64, dtype="float64")
    objective = build_network(config, "cpu")
    seeds = seed_starts(3, 2)
    specs = [OptimizerSpec("adam", {"batch_size": 16}), OptimizerSpec("heun", {})]
    sweeps = [[CompareSweep("lr", 0.01, 0.3, True, 3)], [CompareSweep("lr", 0.1, 1.0, True, 3)]]
    result = compare(config, list(zip(specs, sweeps, strict=True)), seeds, STEPS, 0.45,
                     dtype="float64", device="cpu", seed=7)
    points = [initial_weights(config, int(seed)) for seed in seeds]
    assert np.array_equal(points[0], initial_weights(NetworkConfig(
        model="moons", hidden=(8,), samples=64, seed=3), 3))
    reached = sum(_check(result, index, objective, spec, points, NETWORK_RTOL, seed=7)
                  for index, spec in enumerate(specs))
    assert 0 < reached < 2 * 3 * 4  # the goal splits the runs: the counts are tested


def _parsed(text: str):
    from landscape_app.core.catalogue.optimizer_specs import parse_spec

    return parse_spec(text)
