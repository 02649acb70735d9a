"""The one-call network landscape, interpolation, and every optimizer on a network."""

import math

import numpy as np
import pytest

from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.core.nn import (
    NetworkConfig,
    build_network,
    build_network_landscape,
    interpolate_loss,
    train_race,
)
from landscape_app.core.optim import all_optimizers
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.core.runner import Race, Racer, Status
from tests.core.rounding import forward_bound

SMALL = NetworkConfig(model="moons", hidden=(4,), samples=32, seed=2, dtype="float64")
SPECS = ["adam:lr=0.05", "sgd:lr=0.2"]

#: Settings that keep the slow ones short; every other optimizer runs with its defaults.
QUICK = {"dual-annealing": {"maxiter": 3}, "slsqp": {"maxiter": 3}, "pso": {"swarm_size": 8},
         "cmaes": {"popsize": 6}}


@pytest.mark.parametrize("directions", ["pca", "random", "hessian"])
def test_landscape_holds_the_surface_and_every_lane_projected(directions):
    stages = set()
    land = build_network_landscape(SMALL, SPECS, steps=15, directions=directions, resolution=9,
                                   device="cpu", progress=lambda s, f: stages.add(s))
    assert stages == {"train", "plane", "surface"}
    assert land.surface.values.shape == (9, 9) and land.device == "CPU"
    assert land.plane.method == directions
    assert (land.plane.explained_variance is not None) == (directions == "pca")
    assert land.parameter_count == build_network(SMALL, "cpu").dim
    assert [lane.label for lane in land.lanes] == SPECS
    best = min(land.lanes, key=lambda lane: lane.losses[-1])
    assert land.origin_label == best.label
    np.testing.assert_allclose(land.plane.origin, best.trajectory[-1])
    for lane in land.lanes:
        n = len(lane.steps)
        assert n == 16 and lane.status == Status.FINISHED
        assert lane.coords.shape == (n, 2) and lane.distances.shape == (n,)
        assert lane.losses[0] == pytest.approx(land.initial_loss)
        assert np.all(lane.distances >= 0)
        alphas, betas = land.surface.alphas, land.surface.betas
        assert alphas[0] <= lane.coords[-1, 0] <= alphas[-1]
        assert betas[0] <= lane.coords[-1, 1] <= betas[-1]
        assert lane.interpolation.losses.shape == lane.interpolation.ts.shape


def test_pca_plane_of_one_lane_goes_through_its_end():
    land = build_network_landscape(SMALL, SPECS, steps=10, resolution=5, device="cpu",
                                   plane_lane=1)
    np.testing.assert_allclose(land.plane.origin, land.lanes[1].trajectory[-1])
    np.testing.assert_allclose(land.lanes[1].coords[-1], 0.0, atol=1e-12)
    with pytest.raises(LandscapeError, match="plane lane 5"):
        build_network_landscape(SMALL, SPECS, steps=2, resolution=5, device="cpu", plane_lane=5)


def test_training_can_be_cancelled():
    with pytest.raises(CancelledError):
        build_network_landscape(SMALL, SPECS, steps=200, resolution=5, device="cpu",
                                cancelled=lambda: True)


def test_a_diverged_lane_is_left_out_of_the_plane_but_still_drawn():
    seed_net = NetworkConfig(model="seed", dtype="float64")
    land = build_network_landscape(seed_net, ["sgd:lr=1", "adam:lr=1"], steps=20,
                                   resolution=5, device="cpu")
    diverged, adam = land.lanes
    assert diverged.status == Status.DIVERGED and adam.status == Status.FINISHED
    assert land.origin_label == "adam:lr=1.0"
    assert np.all(np.isfinite(land.surface.values))
    # the grid spans Adam's path, not the diverged lane's excursion
    span = max(np.ptp(land.surface.alphas), np.ptp(land.surface.betas))
    assert span < 10 * max(np.ptp(adam.coords[:, 0]), np.ptp(adam.coords[:, 1]))
    assert np.max(np.abs(diverged.coords)) > 1e3 * span


def test_interpolation_runs_from_start_to_end():
    objective = build_network(SMALL, "cpu")
    start = objective.initial_parameters()
    (run,) = train_race(objective, ["adam:lr=0.05"], 20).lanes
    end = run.trajectory[-1]
    line = interpolate_loss(objective, start, end, points=11, t_range=(0.0, 1.0))
    # the line's points evaluated as one batch, the run's one at a time: the same sums
    bound = forward_bound(SMALL.samples, (2, *SMALL.hidden))
    assert line.losses[0] == pytest.approx(run.records[0].loss, rel=bound, abs=0)
    assert line.losses[-1] == pytest.approx(run.records[-1].loss, rel=bound, abs=0)
    with pytest.raises(LandscapeError, match="at least 2 points"):
        interpolate_loss(objective, start, end, points=1)


@pytest.mark.parametrize("optimizer_id", sorted(all_optimizers()))
def test_every_optimizer_runs_on_a_network_objective(optimizer_id):
    objective = build_network(NetworkConfig(model="seed", dtype="float64"), "cpu")
    assert objective.dim >= 10
    spec = OptimizerSpec(optimizer_id, QUICK.get(optimizer_id, {}))
    race = Race(objective, [Racer(optimizer_id, spec)], objective.initial_parameters(), seed=0,
                max_steps=3)
    (lane,) = race.run().lanes
    assert lane.status is not Status.FAILED, lane.message
    assert len(lane.records) >= 2
    assert all(record.x.shape == (10,) for record in lane.records)
    assert math.isfinite(lane.records[0].loss)
