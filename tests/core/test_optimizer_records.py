"""Each optimizer's record says what its implementation does: every capability is checked
against the class it names, by running it."""

from __future__ import annotations

import numpy as np
import pytest

from landscape_app.core import stability as stability_rules
from landscape_app.core.catalogue.map_checks import MAPPABLE, sweepable_names
from landscape_app.core.catalogue.optimizer_records import (
    OPTIMIZER_IDS,
    RECORDS,
    optimizer_record,
)
from landscape_app.core.catalogue.optimizer_specs import inner_choices, param_spec, settle_values
from landscape_app.core.catalogue.stochastic_checks import STOCHASTIC_IDS
from landscape_app.core.errors import HyperparameterError, LandscapeError, UnknownIdError
from landscape_app.core.functions import get_function
from landscape_app.core.maps import StartGrid, Sweep, SweepAxis, compute_map
from landscape_app.core.maps.rules import RULES
from landscape_app.core.objective import Problem
from landscape_app.core.optim import OptimizerSpec, all_optimizers
from landscape_app.core.optim.lookahead import Lookahead
from landscape_app.core.optim.optimizer_base import Optimizer
from landscape_app.core.optim.torch_based import TorchOptimizer

#: Small budgets that keep the slow methods quick (their defaults run thousands of
#: evaluations per step).
QUICK = {"slsqp": {"maxiter": 5}, "dual-annealing": {"maxiter": 5, "maxfun": 200},
         "pso": {"swarm_size": 5}}
BY_ID = {record.id: record for record in RECORDS}


def _path(optimizer_id: str, seed: int, params: dict | None = None, steps: int = 4):
    """The positions of ``steps`` steps on Rosenbrock from its default start."""
    objective = get_function("rosenbrock")
    optimizer = OptimizerSpec(optimizer_id, {**QUICK.get(optimizer_id, {}),
                                             **(params or {})}).create()
    records = [optimizer.reset(Problem(objective), objective.default_start(), seed=seed)]
    records += [optimizer.step() for _ in range(steps)]
    return optimizer, np.array([record.x for record in records])


def test_every_implementation_has_a_record_and_every_record_an_implementation():
    assert tuple(all_optimizers()) == OPTIMIZER_IDS == tuple(BY_ID)
    for optimizer_id, cls in all_optimizers().items():
        assert cls.record is optimizer_record(optimizer_id)


def test_a_class_without_a_record_fails_when_it_is_defined():
    with pytest.raises(UnknownIdError, match="unknown optimizer 'no-such-method'"):
        type("NoRecord", (Optimizer,), {"id": "no-such-method"})


@pytest.mark.parametrize("optimizer_id", OPTIMIZER_IDS)
def test_the_torch_optim_class_is_the_one_that_steps_it(optimizer_id):
    record = BY_ID[optimizer_id]
    cls = all_optimizers()[optimizer_id]
    assert issubclass(cls, TorchOptimizer) == record.torch_based
    assert issubclass(cls, Lookahead) == record.lookahead
    if not record.torch_based:
        return
    optimizer, _ = _path(optimizer_id, seed=0, steps=1)
    stepping = optimizer.inner.record if record.lookahead else record
    assert type(optimizer.torch_optimizer).__name__ == stepping.torch_optim
    if record.fixed_inner is not None:
        assert optimizer.inner.id == record.fixed_inner


@pytest.mark.parametrize("optimizer_id", OPTIMIZER_IDS)
def test_stochastic_records_follow_gradient_noise_and_the_others_refuse_it(optimizer_id):
    if not BY_ID[optimizer_id].stochastic:
        with pytest.raises(HyperparameterError, match="grad_noise is for the gradient methods"):
            OptimizerSpec(optimizer_id, {"grad_noise": 0.5}).create()
        return
    _, exact = _path(optimizer_id, seed=0, params={"lr": 1e-3})
    _, noisy = _path(optimizer_id, seed=0, params={"lr": 1e-3, "grad_noise": 0.5})
    assert not np.array_equal(exact[1:], noisy[1:])


@pytest.mark.parametrize("optimizer_id", OPTIMIZER_IDS)
def test_lookahead_wraps_exactly_the_wrappable_records(optimizer_id):
    text = {"inner": optimizer_id}
    if BY_ID[optimizer_id].wrappable:
        optimizer, _ = _path("lookahead", seed=0, params={**text, "lr": 1e-3}, steps=1)
        assert optimizer.inner.id == optimizer_id
    else:
        with pytest.raises(HyperparameterError, match="cannot be wrapped"):
            OptimizerSpec("lookahead", text).create()


@pytest.mark.parametrize("optimizer_id", OPTIMIZER_IDS)
def test_random_records_depend_on_the_seed_and_the_others_do_not(optimizer_id):
    _, first = _path(optimizer_id, seed=1)
    _, second = _path(optimizer_id, seed=2)
    assert (not np.array_equal(first, second)) == BY_ID[optimizer_id].random


@pytest.mark.parametrize("optimizer_id", OPTIMIZER_IDS)
def test_a_step_size_record_has_a_stability_threshold(optimizer_id):
    optimizer, _ = _path(optimizer_id, seed=0, params={"lr": 1e-3} if "lr" in {
        p.name for p in param_spec(optimizer_id, {})} else {}, steps=2)
    threshold = stability_rules.stability(optimizer).threshold
    assert (threshold is not None) == (BY_ID[optimizer_id].stability is not None)
    if optimizer_id == "sgd":  # 2/η
        assert threshold == 2 / 1e-3
    rules = {r.stability for r in RECORDS if r.stability}
    assert set(stability_rules.RULES) == rules


def test_the_derived_tables_list_what_the_records_say():
    assert set(STOCHASTIC_IDS) == {r.id for r in RECORDS if r.stochastic}
    assert inner_choices() == tuple(r.id for r in RECORDS if r.wrappable)


def test_every_map_rule_is_implemented_and_every_rule_used():
    assert set(RULES) == {r.map_rule for r in RECORDS if r.map_rule}
    assert tuple(r.id for r in RECORDS if r.mappable) == MAPPABLE


@pytest.mark.parametrize("optimizer_id", OPTIMIZER_IDS)
def test_a_map_runs_exactly_the_mappable_records(optimizer_id):
    record = BY_ID[optimizer_id]
    objective = get_function("rosenbrock")
    grid = StartGrid((-1.5, 1.5), (-0.5, 2.0), 3)
    if not record.mappable:
        with pytest.raises(LandscapeError, match=f"{optimizer_id} cannot be mapped: "
                           f"{record.map_refusal}"):
            compute_map(objective, optimizer_id, grid, steps=2, device="cpu", dtype="float64")
        return
    spec = f"{optimizer_id}:lr=0.001" if optimizer_id != "newton" else optimizer_id
    starts = compute_map(objective, spec, grid, steps=2, device="cpu", dtype="float64")
    assert starts.final.shape[:2] == (3, 3)
    if record.map_rule is None and not record.lookahead:
        return  # damped Newton: its own rows, no per-cell rule
    other = next(name for name in sweepable_names(optimizer_id, {}) if name != "lr")
    sweep = Sweep(SweepAxis("lr", 1e-4, 1e-3, log=True), SweepAxis(other, 0.1, 0.2), res=2)
    swept = compute_map(objective, optimizer_id, sweep, steps=2, device="cpu", dtype="float64")
    assert swept.final.shape[:2] == (2, 2)


def test_settled_values_are_the_ones_the_optimizer_runs_with():
    for record in RECORDS:
        written = {**QUICK.get(record.id, {})}
        assert settle_values(record.id, written) == OptimizerSpec(record.id, written).create().hyper
    with pytest.raises(HyperparameterError, match="Nesterov momentum needs momentum > 0"):
        settle_values("nesterov", {"momentum": 0.0})
