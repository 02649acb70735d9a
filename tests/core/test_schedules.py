"""Learning-rate schedules: the recorded lr equals torch.optim.lr_scheduler's, step for step."""

import math

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler

from landscape_app.core.errors import HyperparameterError
from landscape_app.core.functions import get_function
from landscape_app.core.optim import OptimizerSpec
from landscape_app.core.runner import Race, Racer

LR = 0.02
STEPS = 120

#: schedule hyperparameters -> (torch scheduler factory, closed form η_t of the main schedule)
SCHEDULES = {
    "constant": ({"schedule": "constant"}, None, lambda t: LR),
    "step": ({"schedule": "step", "step_size": 25, "gamma": 0.6},
             lambda opt: lr_scheduler.StepLR(opt, step_size=25, gamma=0.6),
             lambda t: LR * 0.6 ** (t // 25)),
    "exponential": ({"schedule": "exponential", "gamma": 0.97},
                    lambda opt: lr_scheduler.ExponentialLR(opt, gamma=0.97),
                    lambda t: LR * 0.97**t),
    "cosine": ({"schedule": "cosine", "t_max": 80, "eta_min": 0.001},
               lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=80, eta_min=0.001),
               lambda t: 0.001 + (LR - 0.001) * (1 + math.cos(math.pi * t / 80)) / 2),
}
WARMUP = {"warmup": 12, "warmup_factor": 0.25}


def recorded_lrs(params: dict) -> np.ndarray:
    """The lr of each step's record (the rate that step used) on an Adam race."""
    objective = get_function("rosenbrock")
    spec = OptimizerSpec("adam", {"lr": LR, **params})
    race = Race(objective, [Racer("adam", spec)], objective.start, max_steps=STEPS)
    return np.array([record.lr for record in race.run().lanes[0].records[1:]])


def torch_lrs(main, warmup: bool) -> np.ndarray:
    """The lr a bare torch loop uses at each step with the same scheduler."""
    param = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([param], lr=LR)
    schedulers = [main(optimizer)] if main else []
    if warmup:
        ramp = lr_scheduler.LinearLR(optimizer, start_factor=WARMUP["warmup_factor"],
                                     total_iters=WARMUP["warmup"])
        schedulers = [ramp] + schedulers
    if len(schedulers) == 2:
        scheduler = lr_scheduler.SequentialLR(optimizer, schedulers,
                                              milestones=[WARMUP["warmup"]])
    else:
        scheduler = schedulers[0] if schedulers else None
    lrs = []
    for _ in range(STEPS):
        lrs.append(optimizer.param_groups[0]["lr"])
        param.grad = torch.ones_like(param)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return np.array(lrs)


@pytest.mark.parametrize("warmup", [False, True], ids=["plain", "warmup"])
@pytest.mark.parametrize("kind", list(SCHEDULES))
def test_recorded_lr_equals_torch_scheduler(kind, warmup):
    params, main, _ = SCHEDULES[kind]
    params = {**params, **(WARMUP if warmup else {})}
    np.testing.assert_array_equal(recorded_lrs(params), torch_lrs(main, warmup))


@pytest.mark.parametrize("kind", list(SCHEDULES))
def test_recorded_lr_follows_the_closed_form(kind):
    params, _, closed_form = SCHEDULES[kind]
    expected = [closed_form(t) for t in range(STEPS)]
    np.testing.assert_allclose(recorded_lrs(params), expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("kind", list(SCHEDULES))
def test_warmup_ramps_linearly_then_hands_over(kind):
    params, _, closed_form = SCHEDULES[kind]
    lrs = recorded_lrs({**params, **WARMUP})
    ramp = WARMUP["warmup_factor"] + (1 - WARMUP["warmup_factor"]) * np.arange(12) / 12
    np.testing.assert_allclose(lrs[:12], LR * ramp, rtol=1e-12, atol=0)
    after = [closed_form(t) for t in range(STEPS - 12)]
    np.testing.assert_allclose(lrs[12:], after, rtol=1e-12, atol=0)


def test_every_gradient_optimizer_has_the_schedule_params():
    from landscape_app.core.optim import all_optimizers
    from landscape_app.core.optim.schedules import SCHEDULE_PARAMS

    names = {p.name for p in SCHEDULE_PARAMS}
    for optimizer_id, cls in all_optimizers().items():
        if cls.record.family == "gradient":
            own = {p.name for p in cls.param_spec({})}
            assert names <= own, f"{optimizer_id} lacks {sorted(names - own)}"


@pytest.mark.parametrize("params, fragment", [
    ({"schedule": "linear"}, "schedule='linear': expected one of"),
    ({"schedule": "cosine", "t_max": 0}, "t_max=0 is out of range"),
    ({"schedule": "step", "step_size": 0}, "step_size=0 is out of range"),
    ({"schedule": "step", "step_size": 2.5}, "step_size=2.5: expected a whole number"),
    ({"schedule": "exponential", "gamma": 0.0}, "gamma=0 is out of range"),
    ({"schedule": "exponential", "gamma": 1.2}, "gamma=1.2 is out of range"),
    ({"schedule": "cosine", "eta_min": -0.1}, "eta_min=-0.1 is out of range"),
    ({"warmup": -3}, "warmup=-3 is out of range"),
    ({"warmup": 5, "warmup_factor": 0.0}, "warmup_factor=0 is out of range"),
    ({"warmup": 5, "warmup_factor": 2.0}, "warmup_factor=2 is out of range"),
    ({"schedule": "cosine", "t_max": float("inf")}, "must be a finite number"),
])
def test_bad_schedule_params_are_refused(params, fragment):
    with pytest.raises(HyperparameterError) as error:
        OptimizerSpec("adam", params).create()
    assert fragment in str(error.value)
