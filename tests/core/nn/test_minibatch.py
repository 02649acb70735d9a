"""Minibatch lanes on networks equal a plain training loop over the documented DataLoader.

The contract (:mod:`landscape_app.core.catalogue.stochastic_checks`): batches come from
``DataLoader(TensorDataset(inputs, targets), batch_size=B, shuffle=True,
generator=torch.Generator().manual_seed(seed))``, a new iterator per epoch, one optimizer step
per batch on its mean loss. The loops below are what a student writes, on the ``nn.Module``.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.optim import lr_scheduler
from torch.utils.data import DataLoader, TensorDataset

from landscape_app.core.errors import HyperparameterError
from landscape_app.core.nn import NetworkConfig, build_network
from landscape_app.core.objective import Problem
from landscape_app.core.optim import parse_optimizer_spec
from landscape_app.core.runner import Race, Racer, Status
from tests.core.rounding import forward_bound

SEED = 7
STEPS = 23  # 100 samples in batches of 16: 7 batches an epoch, the last of 4; 3+ epochs
BATCH = 16

CLASSIFIER = NetworkConfig(model="moons", hidden=(6,), samples=100, seed=3, dtype="float64")
REGRESSION = NetworkConfig(model="sine", hidden=(5, 4), samples=40, seed=1, dtype="float64")

#: The app's run evaluates θ with its own functional forward pass, the bare loop an nn.Module:
#: the sums of one evaluation may run in another order, within the forward bound of the larger
#: net (CLASSIFIER: 100 samples, fan-ins 2 and 6; REGRESSION's 40, 1, 5, 4 is smaller); once a
#: step, carried by stable steps and summed geometrically by momentum or Adam's β₁ = 0.9 (≤ 10).
RTOL = STEPS * forward_bound(CLASSIFIER.samples, (2, *CLASSIFIER.hidden)) / (1 - 0.9)


def lane_records(objective, text, steps=STEPS, seed=SEED):
    race = Race(objective, [Racer(text, parse_optimizer_spec(text))],
                objective.initial_parameters(), seed=seed, max_steps=steps)
    lane = race.run().lanes[0]
    assert lane.status is Status.FINISHED, lane.message
    return lane.records


def plain_loop(objective, make_optimizer, batch, steps=STEPS, seed=SEED, schedule=None,
               lookahead=None):
    """The student's loop; returns θ, the full-data loss and the batch loss after each step."""
    module = objective.module()
    params = list(module.parameters())
    optimizer = make_optimizer(params)
    scheduler = schedule(optimizer) if schedule else None
    slow = [p.detach().clone() for p in params]
    inputs, targets = objective.training_data
    loader = DataLoader(TensorDataset(inputs, targets), batch_size=batch, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    loss_fn = F.mse_loss if objective.loss_kind == "mse" else F.cross_entropy
    path, losses, batch_losses = [], [], []
    while len(path) < steps:
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(module(xb), yb)
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            if lookahead is not None and (len(path) + 1) % lookahead[0] == 0:
                with torch.no_grad():
                    for fast, anchor in zip(params, slow, strict=True):
                        anchor.add_(fast - anchor, alpha=lookahead[1])
                        fast.copy_(anchor)
            batch_losses.append(float(loss.detach()))
            path.append(torch.nn.utils.parameters_to_vector(params).detach().numpy().copy())
            with torch.no_grad():
                losses.append(float(objective.reference_loss(module)))
            if len(path) == steps:
                break
    return np.array(path), np.array(losses), np.array(batch_losses)


def assert_same_run(records, path, losses, batch_losses):
    assert len(records) == len(path) + 1 and records[0].batch_loss is None
    for record, theta, loss, seen in zip(records[1:], path, losses, batch_losses, strict=True):
        assert np.linalg.norm(record.x - theta) <= RTOL * np.linalg.norm(theta), record.step
        assert record.loss == pytest.approx(loss, rel=RTOL)
        assert record.batch_loss == pytest.approx(seen, rel=RTOL)


CASES = {
    "sgd": ("sgd:lr=0.3", lambda p: torch.optim.SGD(p, lr=0.3), None),
    "momentum-step": ("momentum:lr=0.05,momentum=0.8,schedule=step,step_size=5,gamma=0.5",
                      lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8),
                      lambda o: lr_scheduler.StepLR(o, step_size=5, gamma=0.5)),
    "adam": ("adam:lr=0.02,weight_decay=0.001",
             lambda p: torch.optim.Adam(p, lr=0.02, weight_decay=0.001), None),
    "rmsprop": ("rmsprop:lr=0.005", lambda p: torch.optim.RMSprop(p, lr=0.005), None),
}


@pytest.mark.parametrize("config", [CLASSIFIER, REGRESSION], ids=["moons", "sine"])
@pytest.mark.parametrize("case", CASES)
def test_minibatch_lane_equals_a_plain_dataloader_loop(case, config):
    objective = build_network(config, "cpu")
    text, factory, schedule = CASES[case]
    records = lane_records(objective, f"{text},batch_size={BATCH}")
    assert_same_run(records, *plain_loop(objective, factory, BATCH, schedule=schedule))


def test_lookahead_around_a_minibatch_sgd_equals_the_loop_with_slow_weights():
    objective = build_network(CLASSIFIER, "cpu")
    records = lane_records(
        objective, f"lookahead:inner=sgd,lr=0.2,momentum=0.5,lookahead_k=4,"
        f"lookahead_alpha=0.6,batch_size={BATCH}")
    expected = plain_loop(objective, lambda p: torch.optim.SGD(p, lr=0.2, momentum=0.5), BATCH,
                          lookahead=(4, 0.6))
    assert_same_run(records, *expected)


def test_every_lane_of_a_race_sees_the_same_batches():
    objective = build_network(CLASSIFIER, "cpu")
    specs = ["sgd:lr=0.3,batch_size=10", "sgd:lr=0.3,batch_size=10", "adam:batch_size=10"]
    race = Race(objective, [Racer(str(i), parse_optimizer_spec(t)) for i, t in enumerate(specs)],
                objective.initial_parameters(), seed=SEED, max_steps=12)
    first, twin, adam = race.run().lanes
    np.testing.assert_array_equal(first.trajectory, twin.trajectory)
    # Adam's first batch is the same batch at the same start: the same batch loss.
    assert adam.records[1].batch_loss == first.records[1].batch_loss


def test_a_batch_of_the_whole_data_set_is_full_batch_descent_up_to_rounding():
    objective = build_network(CLASSIFIER, "cpu")
    full = lane_records(objective, "sgd:lr=0.3", steps=10)
    whole = lane_records(objective, "sgd:lr=0.3,batch_size=100", steps=10)
    # a batch of all 100 samples sums them in the sampler's order: the forward bound once per
    # step for 10 steps, carried by SGD's stable steps (no momentum: no growth)
    bound = 10 * forward_bound(CLASSIFIER.samples, (2, *CLASSIFIER.hidden))
    for a, b in zip(full, whole, strict=True):
        assert np.linalg.norm(a.x - b.x) <= bound * np.linalg.norm(a.x)
        assert a.loss == pytest.approx(b.loss, rel=bound, abs=0)
    assert all(r.batch_loss == pytest.approx(r0.loss, rel=bound, abs=0)
               for r, r0 in zip(whole[1:], full, strict=False))


def test_minibatch_counts_batch_gradients_and_keeps_the_true_gradient():
    objective = build_network(CLASSIFIER, "cpu")
    records = lane_records(objective, "heun:lr=0.1,batch_size=25", steps=4)
    assert [r.grad_evals for r in records] == [0, 2, 4, 6, 8]
    theta = objective.as_tensor(records[-1].x).requires_grad_(True)
    objective.evaluate(theta).backward()
    # the true gradient at the same θ by the same code: equal to the bit
    np.testing.assert_array_equal(records[-1].internals.gradient, theta.grad.numpy())


@pytest.mark.parametrize("text, fragment", [
    ("sgd:batch_size=101", "larger than the data set (100 samples)"),
    ("adam:grad_noise=0.5", "grad_noise=0.5 applies to function landscapes"),
])
def test_settings_that_do_not_fit_the_network_fail_the_lane_with_one_line(text, fragment):
    objective = build_network(CLASSIFIER, "cpu")
    race = Race(objective, [Racer("x", parse_optimizer_spec(text))],
                objective.initial_parameters(), seed=0, max_steps=3)
    lane = race.run().lanes[0]
    assert lane.status is Status.FAILED and fragment in lane.message
    with pytest.raises(HyperparameterError, match="data set|function landscapes"):
        parse_optimizer_spec(text).create().reset(Problem(objective),
                                                  objective.initial_parameters())
