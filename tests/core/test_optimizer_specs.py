"""Every registered optimizer, driven by the spec tables: valid and invalid configurations.

The table of the gradient and second-order optimizers (``optimizer_table.GRADIENT_TABLE``) is
merged with the global optimizers' table (``optimizer_table_global.GLOBAL_TABLE``) when that
module exists; every registered id must have an entry in the merged table.
"""

import importlib
import importlib.util
import math

import numpy as np
import pytest

from landscape_app.core.catalogue.optimizer_records import FAMILIES
from landscape_app.core.errors import HyperparameterError, UnknownIdError
from landscape_app.core.functions import get_function
from landscape_app.core.objective import Problem
from landscape_app.core.optim import (
    OptimizerSpec,
    all_optimizers,
    optimizer_class,
    parse_optimizer_spec,
)
from tests.core.optimizer_table import GRADIENT_TABLE

GLOBAL_MODULE = "tests.core.optimizer_table_global"


def _merged_table() -> dict:
    table = dict(GRADIENT_TABLE)
    if importlib.util.find_spec(GLOBAL_MODULE) is not None:
        global_table = importlib.import_module(GLOBAL_MODULE).GLOBAL_TABLE
        overlap = set(table) & set(global_table)
        assert not overlap, f"ids in both optimizer tables: {sorted(overlap)}"
        table.update(global_table)
    return table


TABLE = _merged_table()
VALID = [(oid, params) for oid, entry in TABLE.items() for params in entry["valid"]]
INVALID = [(oid, params, fragment) for oid, entry in TABLE.items()
           for params, fragment in entry["invalid"]]


def _case_id(case) -> str:
    return f"{case[0]}-{case[1]}"


def test_every_registered_optimizer_has_a_table_entry():
    missing = sorted(set(all_optimizers()) - set(TABLE))
    assert not missing, (
        f"no spec-table entry for {missing}: add them to tests/core/optimizer_table.py or "
        f"{GLOBAL_MODULE.replace('.', '/')}.py"
    )
    unknown = sorted(set(TABLE) - set(all_optimizers()))
    assert not unknown, f"spec-table entries for unregistered ids {unknown}"


@pytest.mark.parametrize("case", VALID, ids=_case_id)
def test_valid_configuration_constructs_and_steps(case):
    optimizer_id, params = case
    optimizer = OptimizerSpec(optimizer_id, params).create()
    rosenbrock = get_function("rosenbrock")
    record = optimizer.reset(Problem(rosenbrock), np.array(rosenbrock.start), seed=3)
    assert record.step == 0
    for step in range(1, 4):
        record = optimizer.step()
        assert record.step == step
        assert record.x.shape == (2,)
        assert math.isfinite(record.loss)
        assert record.best_loss <= record.loss
        assert record.evals >= step


@pytest.mark.parametrize("case", INVALID, ids=_case_id)
def test_invalid_configuration_is_refused_with_a_message(case):
    optimizer_id, params, fragment = case
    with pytest.raises(HyperparameterError) as error:
        OptimizerSpec(optimizer_id, params).create()
    assert fragment in str(error.value)


@pytest.mark.parametrize("case", VALID, ids=_case_id)
def test_spec_text_round_trips(case):
    optimizer_id, params = case
    text = OptimizerSpec(optimizer_id, params).to_text()
    parsed = parse_optimizer_spec(text)
    assert parsed.id == optimizer_id
    assert dict(parsed.params) == params
    assert parse_optimizer_spec(parsed.to_text()) == parsed


def _all_param_specs():
    """(id, choice label, spec) for every optimizer, and for each of Lookahead's inners."""
    for optimizer_id, cls in all_optimizers().items():
        spec = cls.param_spec({})
        inner = next((p for p in spec if p.name == "inner"), None)
        if inner is None:
            yield optimizer_id, "", spec
        else:
            for choice in inner.choices:
                yield optimizer_id, choice, cls.param_spec({"inner": choice})


@pytest.mark.parametrize("optimizer_id, inner, spec", list(_all_param_specs()),
                         ids=lambda value: value if isinstance(value, str) else "")
def test_every_param_has_help_and_a_default_in_its_range(optimizer_id, inner, spec):
    names = [p.name for p in spec]
    assert len(names) == len(set(names)), f"{optimizer_id}/{inner}: duplicate names {names}"
    for param in spec:
        assert param.help.strip(), f"{optimizer_id}.{param.name} has no help text"
        assert param.validate(param.default) == param.default, (
            f"{optimizer_id}.{param.name}: default {param.default!r} outside "
            f"{param.range_text()}"
        )
    defaults = {p.name: p.default for p in spec}
    if inner:
        defaults["inner"] = inner
    assert optimizer_class(optimizer_id)(**defaults).hyper == defaults


def test_classes_declare_id_title_family_and_docstring():
    for optimizer_id, cls in all_optimizers().items():
        assert cls.id == optimizer_id
        assert cls.record.title and cls.record.summary
        assert cls.record.family in FAMILIES
        assert cls.__doc__ and len(cls.__doc__.strip().splitlines()) > 1


@pytest.mark.parametrize("call", [
    lambda: optimizer_class("nope"),
    lambda: parse_optimizer_spec("nope:lr=1"),
    lambda: OptimizerSpec("Adam").create(),
])
def test_unknown_ids_raise_unknown_id_error(call):
    with pytest.raises(UnknownIdError) as error:
        call()
    assert "unknown optimizer" in str(error.value)
    assert "adam" in str(error.value)


@pytest.mark.parametrize("text, fragment", [
    ("adam:lr", "expected name=value"),
    ("adam:lr=abc", "adam: lr='abc': expected a number"),
    ("sgd:lr=0.1,momentum=x", "sgd: momentum='x': expected a number"),
    ("adam:gamma=2", "adam: gamma=2 is out of range"),
    ("adam:lr=0.01,", "adam: empty item in 'lr=0.01,' (a stray comma?)"),
    ("adam:lr=0.01,,beta1=0.8", "adam: empty item"),
    ("adam:", "adam: nothing after ':'"),
    ("adam:lr=0.1,lr=0.2", "adam: lr is given twice"),
    ("ranger:lookahead_k=0", "ranger: lookahead_k=0 is out of range"),
    ("lookahead:inner=lbfgs", "inner='lbfgs' cannot be wrapped"),
    (":lr=1", "expected ID"),
])
def test_bad_spec_text_is_refused(text, fragment):
    with pytest.raises(HyperparameterError) as error:
        parse_optimizer_spec(text)
    assert fragment in str(error.value)


def test_lookahead_spec_from_the_brief_parses():
    spec = parse_optimizer_spec("lookahead:inner=rmsprop,lr=0.01,alpha=0.9,lookahead_k=5")
    assert dict(spec.params) == {"inner": "rmsprop", "lr": 0.01, "alpha": 0.9,
                                 "lookahead_k": 5}
    optimizer = spec.create()
    assert optimizer.hyper["alpha"] == 0.9 and optimizer.hyper["lookahead_alpha"] == 0.5
    assert optimizer.inner.id == "rmsprop"


def test_lookahead_wraps_every_first_order_torch_optimizer_but_lbfgs():
    from landscape_app.core.catalogue.optimizer_specs import inner_choices
    from landscape_app.core.optim.lookahead import Lookahead
    from landscape_app.core.optim.torch_based import TorchOptimizer

    first_order = [optimizer_id for optimizer_id, cls in all_optimizers().items()
                   if issubclass(cls, TorchOptimizer) and not issubclass(cls, Lookahead)
                   and optimizer_id != "lbfgs"]
    assert list(inner_choices()) == first_order
    assert optimizer_class("lookahead").param_spec({})[0].choices == tuple(first_order)


def test_a_choice_brings_its_parameters_wherever_it_is_written():
    spec = parse_optimizer_spec("lookahead:momentum=0.5,lookahead_k=2,inner=sgd")
    assert dict(spec.params) == {"momentum": 0.5, "lookahead_k": 2, "inner": "sgd"}
    assert spec.create().inner.hyper["momentum"] == 0.5
