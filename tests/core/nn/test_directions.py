"""PCA, filter-normalized and Hessian directions; projection onto a plane."""

import numpy as np
import pytest
import torch

from landscape_app.core.errors import LandscapeError
from landscape_app.core.nn import NetworkConfig, Plane, build_network, make_plane, project_path

TINY = NetworkConfig(model="moons", hidden=(3,), samples=16, dtype="float64")


def orthonormal_pair(dim, rng):
    q, _ = np.linalg.qr(rng.standard_normal((dim, 2)))
    return q[:, 0], q[:, 1]


def test_pca_directions_are_orthonormal_and_recover_a_path_in_a_known_plane():
    objective = build_network(TINY, "cpu")
    rng = np.random.default_rng(0)
    u, v = orthonormal_pair(objective.dim, rng)
    origin = objective.initial_parameters()
    t = np.linspace(0.0, 1.0, 40)
    coefficients = np.stack([3.0 * (1 - t) ** 2, np.sin(4 * t) * (1 - t)], axis=1)
    path = origin + coefficients @ np.stack([u, v])
    plane = make_plane(objective, "pca", [path[:25], path[25:]], origin=path[-1])
    basis = plane.basis
    np.testing.assert_allclose(basis.T @ basis, np.eye(2), atol=1e-12)
    coords, distances = plane.project(path)
    np.testing.assert_allclose(distances, 0.0, atol=1e-10)
    np.testing.assert_allclose(plane.origin + coords @ basis.T, path, atol=1e-10)
    # The plane is span(u, v): both directions lie in it.
    for direction in (plane.d1, plane.d2):
        residual = direction - np.stack([u, v]).T @ (np.stack([u, v]) @ direction)
        assert np.linalg.norm(residual) < 1e-10
    first, second = plane.explained_variance
    assert first >= second >= 0.0 and first + second == pytest.approx(1.0)


def test_pca_reports_explained_variance_of_a_noisy_path():
    objective = build_network(TINY, "cpu")
    rng = np.random.default_rng(1)
    path = objective.initial_parameters() + np.cumsum(rng.standard_normal((30, objective.dim)),
                                                      axis=0)
    plane = make_plane(objective, "pca", [path])
    first, second = plane.explained_variance
    assert 0.0 < second <= first < 1.0
    assert "PCA plane" in plane.describe()


def test_projection_onto_non_orthogonal_directions_is_least_squares():
    rng = np.random.default_rng(2)
    d1, d2 = rng.standard_normal(6), rng.standard_normal(6)
    plane = Plane(np.ones(6), d1, d2, "random")
    normal = rng.standard_normal(6)
    normal -= plane.basis @ np.linalg.lstsq(plane.basis, normal, rcond=None)[0]
    normal /= np.linalg.norm(normal)
    point = plane.point(0.3, -0.7) + 2.5 * normal
    coords, distances = plane.project(np.stack([point, plane.origin]))
    np.testing.assert_allclose(coords, [[0.3, -0.7], [0.0, 0.0]], atol=1e-12)
    np.testing.assert_allclose(distances, [2.5, 0.0], atol=1e-12)


def test_project_path_reports_true_and_on_plane_losses():
    objective = build_network(TINY, "cpu")
    plane = make_plane(objective, "random", origin=objective.initial_parameters())
    on_plane = np.stack([plane.point(a, -a) for a in np.linspace(-1, 1, 5)])
    projected = project_path(objective, plane, on_plane)
    np.testing.assert_allclose(projected.losses, projected.plane_losses, rtol=1e-12)
    np.testing.assert_allclose(projected.distances, 0.0, atol=1e-12)


def test_filter_normalization_gives_each_row_the_norm_of_the_weights_row():
    objective = build_network(NetworkConfig(hidden=(5, 4), samples=16, dtype="float64"), "cpu")
    origin = objective.initial_parameters()
    plane = make_plane(objective, "random", origin=origin, seed=3)
    assert not np.allclose(plane.d1, plane.d2)
    for direction in (plane.d1, plane.d2):
        for block in objective.blocks:
            part = direction[block.offset:block.stop]
            if len(block.shape) == 1:
                np.testing.assert_array_equal(part, 0.0)  # biases: zero (Li et al. default)
                continue
            rows = part.reshape(block.shape)
            weights = origin[block.offset:block.stop].reshape(block.shape)
            np.testing.assert_allclose(np.linalg.norm(rows, axis=1),
                                       np.linalg.norm(weights, axis=1), rtol=1e-12)
    again = make_plane(objective, "random", origin=origin, seed=3)
    np.testing.assert_array_equal(again.d1, plane.d1)


@pytest.mark.parametrize("config", [
    TINY,
    NetworkConfig(model="sine", hidden=(4,), samples=12, activation="tanh", dtype="float64"),
    NetworkConfig(model="seed", dtype="float64"),
], ids=["moons", "sine", "seed"])
def test_hessian_directions_match_a_dense_hessian(config):
    objective = build_network(config, "cpu")
    origin = objective.initial_parameters() + 0.05
    plane = make_plane(objective, "hessian", origin=origin, seed=0)
    dense = torch.autograd.functional.hessian(objective.evaluate, objective.as_tensor(origin))
    values, vectors = np.linalg.eigh(dense.numpy())
    scale = max(abs(values[-1]), 1.0)
    np.testing.assert_allclose(plane.eigenvalues, values[::-1][:2], rtol=1e-6, atol=1e-9 * scale)
    for found, expected in ((plane.d1, vectors[:, -1]), (plane.d2, vectors[:, -2])):
        assert abs(float(found @ expected)) == pytest.approx(1.0, abs=1e-6)  # up to sign
    assert "Hessian plane" in plane.describe()


def test_make_plane_refuses_what_it_cannot_do():
    objective = build_network(TINY, "cpu")
    with pytest.raises(LandscapeError, match="unknown directions"):
        make_plane(objective, "diagonal", origin=objective.initial_parameters())
    with pytest.raises(LandscapeError, match="need at least one trajectory"):
        make_plane(objective, "pca")
    start = objective.initial_parameters()
    with pytest.raises(LandscapeError, match="at least two distinct points"):
        make_plane(objective, "pca", [np.stack([start, start])], origin=start)
