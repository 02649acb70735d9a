"""Data sets, configurations and the network objective's forward passes."""

import numpy as np
import pytest
import torch
from torch import nn

from landscape_app.core.errors import LandscapeError, UnknownIdError
from landscape_app.core.nn import NETWORK_MODELS, NetworkConfig, build_network
from landscape_app.core.nn.data import GENERATORS
from landscape_app.core.nn.models import build_problem, seed_problem
from tests.core.rounding import forward_bound, linear_fan_ins


def test_seed_problem_is_built_exactly_as_the_article_builds_it():
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(42)
        # The article creates its model first: its initialisation draws from the generator.
        nn.Sequential(nn.Linear(2, 2, bias=False), nn.ReLU(), nn.Linear(2, 2)).double()
        inputs = torch.randn(32, 2).double()
    inputs[:, 1] *= 1e3
    state = np.random.RandomState(42)
    x0 = 0.1 * state.randn(10)
    problem = seed_problem()
    np.testing.assert_array_equal(problem.inputs, inputs.numpy())
    np.testing.assert_array_equal(problem.targets, inputs.numpy())
    np.testing.assert_array_equal(problem.start, x0)
    assert problem.parameter_count == 10 and problem.loss == "mse"

    objective = build_network(NetworkConfig(model="seed", dtype="float64"), "cpu")
    initial = float(objective.evaluate(objective.as_tensor(x0)))
    assert initial == pytest.approx(307090.4835, abs=1e-3)
    np.testing.assert_array_equal(objective.lower, -np.ones(10))
    np.testing.assert_array_equal(objective.upper, np.ones(10))


def test_seed_parameter_order_is_w1_w2_b2():
    objective = build_network(NetworkConfig(model="seed", dtype="float64"), "cpu")
    theta = np.arange(10, dtype=float)
    module = objective.module(theta)
    np.testing.assert_array_equal(module[0].weight.detach().numpy().ravel(), theta[0:4])
    np.testing.assert_array_equal(module[2].weight.detach().numpy().ravel(), theta[4:8])
    np.testing.assert_array_equal(module[2].bias.detach().numpy(), theta[8:10])


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_data_sets_are_seeded_and_shaped(name):
    first, again, other = (GENERATORS[name](64, seed) for seed in (3, 3, 4))
    np.testing.assert_array_equal(first.inputs, again.inputs)
    assert not np.array_equal(first.inputs, other.inputs)
    assert first.inputs.shape == (64, first.input_dim)
    if first.task == "classification":
        assert set(np.unique(first.targets)) == {0, 1}
        assert np.sum(first.targets == 0) >= 16
    else:
        assert first.targets.shape == (64, 1)


@pytest.mark.parametrize("config, fragment", [
    (NetworkConfig(model="mnist"), "unknown network model 'mnist'"),
    (NetworkConfig(hidden=()), "1 to 4 hidden layers"),
    (NetworkConfig(hidden=(8, 8, 8, 8, 8)), "1 to 4 hidden layers"),
    (NetworkConfig(hidden=(0,)), "from 1 to 256"),
    (NetworkConfig(hidden=(300,)), "from 1 to 256"),
    (NetworkConfig(activation="swish"), "unknown activation 'swish'"),
    (NetworkConfig(samples=1), "samples must be from 4"),
    (NetworkConfig(dtype="float16"), "float32 or float64"),
])
def test_bad_configurations_are_refused_with_a_clear_message(config, fragment):
    with pytest.raises(LandscapeError, match=fragment):
        build_network(config, "cpu")


def test_unknown_model_is_an_unknown_id():
    with pytest.raises(UnknownIdError):
        NetworkConfig(model="nope").validated()


@pytest.mark.parametrize("model", sorted(NETWORK_MODELS))
def test_every_model_builds_with_its_initial_weights(model):
    config = NetworkConfig(model=model, hidden=(5, 4), samples=40, seed=1, dtype="float64")
    objective = build_network(config, "cpu")
    start = objective.initial_parameters()
    assert start.shape == (objective.parameter_count,)
    assert objective.default_start().tolist() == start.tolist()
    module = objective.module(start)
    reference = objective.reference_loss(module).detach()
    assert float(objective.evaluate(objective.as_tensor(start))) == float(reference)
    assert model in config.describe()


def test_mlp_start_is_torch_default_initialisation_with_the_seed():
    config = NetworkConfig(model="moons", hidden=(6,), seed=7)
    problem = build_problem(config)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(7)
        module = nn.Sequential(nn.Linear(2, 6), nn.Tanh(), nn.Linear(6, 2)).double()
    expected = nn.utils.parameters_to_vector(module.parameters()).detach().numpy()
    np.testing.assert_array_equal(problem.start, expected)


def test_batched_evaluate_matches_single_points_and_is_differentiable():
    objective = build_network(NetworkConfig(hidden=(5, 3), samples=30, dtype="float64"), "cpu")
    rng = np.random.default_rng(0)
    points = objective.initial_parameters() + 0.3 * rng.standard_normal((2, 3, objective.dim))
    batch = objective.as_tensor(points).requires_grad_(True)
    values = objective.evaluate(batch)
    assert values.shape == (2, 3)
    singles = [float(objective.evaluate(objective.as_tensor(p))) for p in points.reshape(6, -1)]
    # the batch's matrix products against one point's: the same sums, maybe in another order
    bound = forward_bound(30, linear_fan_ins(objective.module()))
    np.testing.assert_allclose(values.detach().numpy().ravel(), singles, rtol=bound, atol=0)
    values.sum().backward()
    assert batch.grad is not None and torch.all(torch.isfinite(batch.grad))


@pytest.mark.parametrize("model", sorted(set(NETWORK_MODELS) - {"seed"}))
def test_description_names_the_real_architecture(model):
    config = NetworkConfig(model=model, hidden=(5, 4), samples=40)
    problem = build_problem(config)
    widths = [problem.layers[0].in_features, *(layer.out_features for layer in problem.layers)]
    assert f"MLP {'-'.join(map(str, widths))} tanh, 40 points" in config.describe()
