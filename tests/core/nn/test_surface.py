"""The batched plane surface against ordinary per-point forward passes, chunking, cancel."""

import numpy as np
import pytest
import torch

from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.core.nn import NetworkConfig, build_network, evaluate_plane, make_plane
from landscape_app.core.nn.surface import plane_ranges
from tests.core.rounding import EPS32, forward_bound, linear_fan_ins

MODEL_KINDS = [
    NetworkConfig(model="seed", dtype="float64"),
    NetworkConfig(model="moons", hidden=(6, 5), activation="tanh", samples=48, dtype="float64"),
    NetworkConfig(model="circles", hidden=(7,), activation="relu", samples=40, dtype="float64"),
    NetworkConfig(model="spirals", hidden=(4, 4, 3), activation="sigmoid", samples=36,
                  dtype="float64"),
    NetworkConfig(model="xor", hidden=(5,), activation="gelu", samples=32, dtype="float64"),
    NetworkConfig(model="sine", hidden=(6, 6), activation="tanh", samples=30, dtype="float64"),
    NetworkConfig(model="sine", hidden=(4,), activation="softplus", samples=20, dtype="float64"),
    NetworkConfig(model="moons", hidden=(3, 3), activation="elu", samples=20, dtype="float64"),
    NetworkConfig(model="xor", hidden=(3,), activation="leaky_relu", samples=20,
                  dtype="float64"),
]


def per_point_losses(objective, plane, alphas, betas):
    """The loss at every grid point from an ordinary nn.Module forward pass, one at a time."""
    values = np.empty((len(betas), len(alphas)))
    with torch.no_grad():
        for j, beta in enumerate(betas):
            for i, alpha in enumerate(alphas):
                module = objective.module(plane.point(alpha, beta))
                values[j, i] = float(objective.reference_loss(module))
    return values


@pytest.mark.parametrize("config", MODEL_KINDS, ids=lambda c: f"{c.model}-{c.activation}")
@pytest.mark.parametrize("method", ["random", "hessian"])
def test_batched_grid_equals_per_point_forward_passes(config, method):
    objective = build_network(config, "cpu")
    plane = make_plane(objective, method, origin=objective.initial_parameters(), seed=1)
    surface = evaluate_plane(objective, plane, 5, (-1.5, 1.0), (-0.5, 2.0), chunk_points=4)
    expected = per_point_losses(objective, plane, surface.alphas, surface.betas)
    # batched matrix products against one nn.Module: the sums may run in another order
    bound = forward_bound(len(objective.inputs), linear_fan_ins(objective.module()))
    np.testing.assert_allclose(surface.values, expected, rtol=bound, atol=0)
    assert surface.values.shape == (5, 5) and surface.device == "CPU"


def test_float32_grid_is_close_to_float64():
    config = NetworkConfig(hidden=(8, 8), samples=64)
    low = build_network(config, "cpu")
    high = build_network(NetworkConfig(hidden=(8, 8), samples=64, dtype="float64"), "cpu")
    plane = make_plane(high, "random", origin=high.initial_parameters())
    values32 = evaluate_plane(low, plane, 7).values
    values64 = evaluate_plane(high, plane, 7).values
    # every operation of the float32 pass rounds at eps32 (float64's are 2⁻²⁹ of that)
    bound = forward_bound(64, linear_fan_ins(high.module()), eps=EPS32)
    np.testing.assert_allclose(values32, values64, rtol=bound, atol=0)


def test_chunk_size_does_not_change_the_result_and_progress_is_reported():
    objective = build_network(NetworkConfig(hidden=(4,), samples=16, dtype="float64"), "cpu")
    plane = make_plane(objective, "random", origin=objective.initial_parameters())
    reports = []
    chunked = evaluate_plane(objective, plane, 9, chunk_points=10,
                             progress=lambda stage, fraction: reports.append((stage, fraction)))
    whole = evaluate_plane(objective, plane, 9)
    # a chunk of another size may put a point in a vector kernel's tail: the same sums, each
    # rounded its own way
    bound = forward_bound(16, linear_fan_ins(objective.module()))
    np.testing.assert_allclose(chunked.values, whole.values, rtol=bound, atol=0)
    assert {stage for stage, _ in reports} == {"surface"}
    fractions = [fraction for _, fraction in reports]
    assert len(fractions) == 9 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)


def test_cancelling_between_chunks_raises_cancelled_error():
    objective = build_network(NetworkConfig(hidden=(4,), samples=16), "cpu")
    plane = make_plane(objective, "random", origin=objective.initial_parameters())
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(CancelledError):
        evaluate_plane(objective, plane, 21, chunk_points=50, cancelled=cancelled)
    assert len(calls) == 3


@pytest.mark.parametrize("resolution, ranges, fragment", [
    (1, ((-1, 1), (-1, 1)), "resolution must be a whole number"),
    (5000, ((-1, 1), (-1, 1)), "too large"),
    (5, ((1, 1), (-1, 1)), "alpha range"),
    (5, ((-1, 1), (0, float("nan"))), "beta range"),
])
def test_bad_grids_are_refused(resolution, ranges, fragment):
    objective = build_network(NetworkConfig(hidden=(4,), samples=16), "cpu")
    plane = make_plane(objective, "random", origin=objective.initial_parameters())
    with pytest.raises(LandscapeError, match=fragment):
        evaluate_plane(objective, plane, resolution, *ranges)


def test_plane_ranges_cover_paths_anchors_and_origin_with_margin():
    coords = np.array([[1.0, 2.0], [3.0, 4.0], [np.nan, 0.0]])
    alpha, beta = plane_ranges(coords, margin=0.5)
    assert alpha == (-1.5, 4.5) and beta == (-2.0, 6.0)
    far = np.vstack([np.linspace(0, 1, 99)[:, None].repeat(2, 1), [[1e7, -1e7]]])
    alpha, beta = plane_ranges(far, margin=0.0, coverage=0.9, anchors=np.array([[2.0, -3.0]]))
    assert 2.0 <= alpha[1] < 10.0 and -10.0 < beta[0] <= -3.0
    assert plane_ranges(None) == ((-1.0, 1.0), (-1.0, 1.0))
    with pytest.raises(LandscapeError, match="coverage"):
        plane_ranges(coords, coverage=0.0)
