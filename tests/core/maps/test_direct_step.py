"""torch.optim's update called directly equals ``Optimizer.step``, bit for bit, state included.

Two copies of one optimizer step the same rows: one through ``step`` every time, the other
through ``step`` once (which creates the state) and then :func:`direct_step`. The update is
the same function on the same numbers, so positions and every state tensor are held to
equality — for every setting ``step`` passes on (momentum, dampening, Nesterov, weight decay,
AMSGrad, centring, decoupled decay, maximize), with a schedule changing the rate between
steps and rows leaving the batch as a map's do.
"""

from __future__ import annotations

import pytest
import torch

from landscape_app.core.functions import get_function
from landscape_app.core.maps.direct_step import UPDATES, direct_step
from landscape_app.core.maps.engine import make_stepper
from landscape_app.core.optim.registry import parse_optimizer_spec

STEPS = 60
STARTS = torch.tensor([[-1.2, 1.0], [0.5, -0.5], [2.0, 2.0]], dtype=torch.float64)

#: torch.optim class and settings: every argument its ``step`` passes to the update.
CASES = [
    (torch.optim.SGD, {"lr": 1e-3}),
    (torch.optim.SGD, {"lr": 5e-4, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    (torch.optim.SGD, {"lr": 5e-4, "momentum": 0.9, "nesterov": True, "maximize": False}),
    (torch.optim.Adam, {"lr": 0.05, "amsgrad": True, "weight_decay": 0.01}),
    (torch.optim.AdamW, {"lr": 0.05, "betas": (0.5, 0.9), "weight_decay": 0.1}),
    (torch.optim.Adagrad, {"lr": 0.2, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    (torch.optim.RMSprop, {"lr": 0.01, "momentum": 0.5, "centered": True}),
    (torch.optim.RMSprop, {"lr": 0.01, "weight_decay": 0.01}),
    (torch.optim.RAdam, {"lr": 1e-3, "weight_decay": 0.01, "decoupled_weight_decay": True}),
    (torch.optim.RAdam, {"lr": 5e-4, "betas": (0.8, 0.99)}),  # rectified from step 6
]


def _rows_closure(param: torch.Tensor):
    evaluate = get_function("rosenbrock").evaluate

    def closure() -> torch.Tensor:
        param.grad = None
        loss = evaluate(param).sum()
        loss.backward()
        return loss
    return closure


def _stepped(torch_class, settings: dict, direct: bool) -> tuple[torch.Tensor, dict]:
    param = STARTS.clone().requires_grad_(True)
    optimizer = torch_class([param], foreach=False, **settings)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=STEPS)
    closure = _rows_closure(param)
    optimizer.step(closure)
    schedule.step()
    step = direct_step(optimizer, param) if direct else optimizer.step
    assert step is not None
    for _ in range(STEPS - 1):
        step(closure)
        schedule.step()
    return param.detach(), optimizer.state[param]


@pytest.mark.parametrize(("torch_class", "settings"), CASES,
                         ids=[f"{c.__name__}-{i}" for i, (c, _) in enumerate(CASES)])
def test_the_direct_update_is_the_step(torch_class, settings):
    expected, expected_state = _stepped(torch_class, settings, direct=False)
    got, state = _stepped(torch_class, settings, direct=True)
    assert torch.isfinite(expected).all()  # numbers compared, not NaNs
    torch.testing.assert_close(got, expected, rtol=0, atol=0)
    assert state.keys() == expected_state.keys()
    for name, value in expected_state.items():
        torch.testing.assert_close(state[name], value, rtol=0, atol=0, msg=name)


def test_every_class_is_covered():
    assert {torch_class for torch_class, _ in CASES} == set(UPDATES)


def _stepped_once(optimizer: torch.optim.Optimizer, param: torch.Tensor):
    optimizer.step(_rows_closure(param))
    return direct_step(optimizer, param)


def test_only_where_the_update_is_all_the_step_does():
    def param():
        return STARTS.clone().requires_grad_(True)

    p = param()
    assert _stepped_once(torch.optim.SGD([p], lr=1e-3, foreach=False), p) is not None
    p = param()  # foreach left to torch: not decided once for all
    assert _stepped_once(torch.optim.SGD([p], lr=1e-3), p) is None
    p = param()
    assert _stepped_once(torch.optim.SGD([p], lr=1e-3, fused=True), p) is None
    p, q = param(), param()
    assert _stepped_once(torch.optim.SGD([p, q], lr=1e-3, foreach=False), p) is None
    p = param()
    optimizer = torch.optim.SGD([p], lr=1e-3, foreach=False)
    optimizer.register_step_post_hook(lambda *_: None)
    assert _stepped_once(optimizer, p) is None
    p = param()
    assert _stepped_once(torch.optim.LBFGS([p]), p) is None
    p = param()  # a torch whose Adam has no such setting (2.4's): its step, not the call
    optimizer = torch.optim.Adam([p], lr=1e-3, foreach=False)
    optimizer.step(_rows_closure(p))
    del optimizer.param_groups[0]["decoupled_weight_decay"]
    assert direct_step(optimizer, p) is None


def test_a_start_map_stepper_steps_directly_with_rows_leaving():
    """The preview's stepper (single-tensor code on the CPU) takes the direct call, and rows
    that leave the batch take their state with them: equal to ``step`` throughout."""
    objective = get_function("rosenbrock")
    runs = []
    for direct in (False, True):
        spec = parse_optimizer_spec("adam:lr=0.05,amsgrad=true")
        param = STARTS.clone().requires_grad_(True)
        stepper = make_stepper(spec.create(), param, objective.evaluate, fused=False)
        losses = []
        for step in range(STEPS):
            if step == STEPS // 2:
                stepper.keep(torch.tensor([0, 2]))
            losses.append(stepper.step())
            if not direct:
                stepper.steps_with = stepper.torch_optimizer.step
        assert (stepper.steps_with != stepper.torch_optimizer.step) is direct
        runs.append((param.detach().clone(), torch.cat(losses)))
    (expected, expected_losses), (got, got_losses) = runs
    torch.testing.assert_close(got, expected, rtol=0, atol=0)
    torch.testing.assert_close(got_losses, expected_losses, rtol=0, atol=0)
