"""Maps with minibatches and gradient noise: every cell equals the single run with the map's
seed (float64), and settings that do not fit are refused in one line."""

from __future__ import annotations

import numpy as np
import pytest

from landscape_app.core.errors import LandscapeError
from landscape_app.core.functions import get_function
from landscape_app.core.maps import StartGrid, Sweep, SweepAxis, compute_map
from landscape_app.core.nn import NetworkConfig, build_network
from landscape_app.core.optim import parse_optimizer_spec
from landscape_app.core.runner import Race, Racer
from tests.core.rounding import forward_bound

STEPS = 25
SEED = 5
CONFIG = NetworkConfig(model="moons", hidden=(5,), samples=60, seed=2, dtype="float64")


def single_final(objective, text, start, seed=SEED):
    race = Race(objective, [Racer("a", parse_optimizer_spec(text))], start, seed=seed,
                max_steps=STEPS)
    lane = race.run().lanes[0]
    assert lane.records[-1].step == STEPS, lane.message
    return lane.records[-1].x, lane.records[-1].loss


#: A network map evaluates every cell in one batched forward/backward pass, the single run one
#: nn.Module: the sums may be added in another order, within the forward bound of the net
#: (≤ 60 samples a batch, fan-ins 2 and 5) once per step; a difference is carried by stable
#: steps and summed geometrically by momentum μ ≤ 0.9 or Adam's β₁ = 0.9: ≤ 10.
NETWORK_RTOL = STEPS * forward_bound(60, (2, 5)) / (1 - 0.9)  # 4.1e-11


def assert_cell(result, j, i, objective, text, start, rtol=0.0):
    """The map's cell equals the single run (``rtol`` 0) or deviates by at most ``rtol``."""
    x, loss = single_final(objective, text, start)
    final = result.final[j, i]
    assert np.linalg.norm(final - x) <= rtol * np.linalg.norm(x), (j, i, text)
    assert abs(result.loss[j, i] - loss) <= rtol * abs(loss), (j, i, text)


def test_network_sweep_with_a_fixed_batch_size_equals_single_runs():
    objective = build_network(CONFIG, "cpu")
    region = Sweep(SweepAxis("lr", 0.05, 0.5, True), SweepAxis("momentum", 0.0, 0.9), 3)
    result = compute_map(CONFIG, "momentum:batch_size=16", region, STEPS, dtype="float64",
                         device="cpu", seed=SEED)
    assert result.settings["seed"] == SEED
    for j, i in ((0, 0), (2, 1), (1, 2)):
        lr, momentum = result.axis0[i], result.axis1[j]
        assert_cell(result, j, i, objective,
                    f"momentum:lr={float(lr)!r},momentum={float(momentum)!r},batch_size=16",
                    objective.initial_parameters(), NETWORK_RTOL)


def test_learning_rate_by_batch_size_map_equals_single_runs():
    objective = build_network(CONFIG, "cpu")
    region = Sweep(SweepAxis("lr", 0.1, 1.0, True), SweepAxis("batch_size", 4, 60, True), 4)
    result = compute_map(CONFIG, "adam", region, STEPS, dtype="float64", device="cpu",
                         seed=SEED, chunk_rows=3)  # chunks smaller than a batch size's group
    np.testing.assert_array_equal(result.axis1, [4, 10, 24, 60])  # geomspace, rounded
    for j in range(4):
        for i in (0, 3):
            text = f"adam:lr={float(result.axis0[i])!r},batch_size={int(result.axis1[j])}"
            assert_cell(result, j, i, objective, text, objective.initial_parameters(),
                        NETWORK_RTOL)


def test_noisy_start_map_and_noise_sweep_equal_single_runs():
    himmelblau = get_function("himmelblau")
    starts = StartGrid((-4.0, 4.0), (-4.0, 4.0), 3)
    result = compute_map(himmelblau, "heun:lr=0.005,grad_noise=3", starts, STEPS,
                         dtype="float64", device="cpu", seed=SEED)
    for j, i in ((0, 0), (1, 2), (2, 1)):
        assert_cell(result, j, i, himmelblau, "heun:lr=0.005,grad_noise=3",
                    (starts.axis0[i], starts.axis1[j]))
    sweep = Sweep(SweepAxis("grad_noise", 0.0, 4.0), SweepAxis("lr", 1e-3, 1e-2, True), 3,
                  start=(1.0, -1.0))
    result = compute_map(himmelblau, "lookahead:inner=sgd", sweep, STEPS, dtype="float64",
                         device="cpu", seed=SEED)
    for j, i in ((0, 0), (1, 1), (2, 2), (0, 2)):
        text = (f"lookahead:inner=sgd,lr={float(result.axis1[j])!r},"
                f"grad_noise={float(result.axis0[i])!r}")
        assert_cell(result, j, i, himmelblau, text, (1.0, -1.0))
    # the noise moves the cells: σ = 0 and σ = 4 end apart
    assert not np.allclose(result.final[:, 0], result.final[:, 2])


@pytest.mark.parametrize("target, text, region, fragment", [
    ("function", "sgd:batch_size=8", "starts", "batch_size=8 needs a network landscape"),
    ("network", "sgd:grad_noise=0.1", "sweep", "grad_noise=0.1 applies to function"),
    ("network", "sgd", "batch_sweep", "batch_size=100 is larger than the data set (60"),
    ("function", "sgd", "batch_sweep", "needs a network landscape"),
])
def test_stochastic_settings_that_do_not_fit_are_refused(target, text, region, fragment):
    regions = {
        "starts": StartGrid((-1.0, 1.0), (-1.0, 1.0), 2),
        "sweep": Sweep(SweepAxis("lr", 0.1, 1.0), SweepAxis("momentum", 0.0, 0.5), 2),
        "batch_sweep": Sweep(SweepAxis("lr", 0.1, 1.0), SweepAxis("batch_size", 4, 100), 2),
    }
    goal = CONFIG if target == "network" else get_function("himmelblau")
    with pytest.raises(LandscapeError, match=None) as error:
        compute_map(goal, text, regions[region], 3, device="cpu")
    assert fragment in str(error.value) and "\n" not in str(error.value)


def test_maps_offer_the_setting_that_fits_the_landscape():
    from landscape_app.core.catalogue.map_checks import sweepable_names
    from landscape_app.core.optim.registry import OptimizerSpec
    from landscape_app.state.map_settings import default_axis

    function_names = sweepable_names("adam", {}, network=False)
    network_names = sweepable_names("lookahead", {"inner": "sgd"}, network=True)
    assert "grad_noise" in function_names and "batch_size" not in function_names
    assert "batch_size" in network_names and "grad_noise" not in network_names
    assert "batch_size" not in sweepable_names("lbfgs", {}, network=True)
    axis = default_axis(OptimizerSpec("sgd", {}), "batch_size")
    assert (axis.low, axis.high, axis.log) == (4.0, 64.0, True)
    np.testing.assert_array_equal(axis.values(5), [4, 8, 16, 32, 64])
