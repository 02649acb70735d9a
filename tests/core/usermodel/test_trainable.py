"""Which optimizers a model file's map trains with: a capability of the optimizer record.

A map of a model file steps all its copies with one gradient per step, so it can run exactly
the optimizers whose per-row rule updates from that gradient alone; Heun's corrector evaluates
the gradient again through a closure, which the map does not have.
"""

from __future__ import annotations

import pytest
import torch

from landscape_app.core.catalogue.optimizer_records import RECORDS
from landscape_app.core.errors import LandscapeError
from landscape_app.core.maps.axes import parse_sweep_axis
from landscape_app.core.maps.rules import RULES
from landscape_app.core.optim.registry import OptimizerSpec, parse_optimizer_spec
from landscape_app.core.usermodel.mapjob import check_user_sweep
from landscape_app.core.usermodel.training import TRAINABLE


def _step_without_closure(record) -> torch.Tensor:
    """Two rows stepped once by the record's own rule with no closure; the rows after it."""
    rule = RULES[record.map_rule]()
    hyper = dict(OptimizerSpec(record.id, {}).create().hyper)
    rows = torch.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=torch.float64)
    grad = torch.tensor([[0.5, 1.0], [-1.0, 2.0]], dtype=torch.float64)
    with torch.no_grad():
        rule.step(rows, grad, {}, hyper, hyper["lr"], None)
    return rows


@pytest.mark.parametrize("record", [r for r in RECORDS if r.map_rule is not None],
                         ids=lambda record: record.id)
def test_trainable_are_the_rules_that_step_from_the_gradient_alone(record):
    if record.id in TRAINABLE:
        moved = _step_without_closure(record)
        assert not torch.equal(moved, torch.tensor([[1.0, -2.0], [0.5, 3.0]],
                                                   dtype=torch.float64))
    else:
        with pytest.raises(TypeError):  # the rule calls the closure it was not given
            _step_without_closure(record)


def test_trainable_follows_the_records():
    assert tuple(record.id for record in RECORDS if record.trains_model_file) == TRAINABLE
    assert {"sgd", "momentum", "adam", "radam"} <= set(TRAINABLE)
    assert "heun" not in TRAINABLE and "lbfgs" not in TRAINABLE


@pytest.mark.parametrize("optimizer", ["heun", "lookahead", "newton"])
def test_a_map_of_a_model_file_refuses_the_others_by_name(optimizer):
    axes = [parse_sweep_axis("lr=0.01:1:log"), parse_sweep_axis("lr=0.01:1:log")]
    with pytest.raises(LandscapeError, match=f"^{optimizer} cannot map a model file: it "
                                             "trains with one of sgd, momentum"):
        check_user_sweep(parse_optimizer_spec(optimizer), axes)
