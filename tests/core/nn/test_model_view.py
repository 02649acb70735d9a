"""The model picture: decision regions, fitted curve and outputs equal the network's own
forward pass (``nn.Module``) at the recorded parameters; axis labels of the plane."""

import numpy as np
import pytest
import torch

from landscape_app.core.errors import LandscapeError
from landscape_app.core.nn import NetworkConfig, build_network, build_network_landscape
from landscape_app.core.nn.model_picture import ModelProbe, padded_range, step_row

MOONS = NetworkConfig(model="moons", hidden=(8,), samples=48, seed=3, dtype="float64")


@pytest.fixture(scope="module")
def moons_land():
    return build_network_landscape(MOONS, ["adam:lr=0.05", "sgd:lr=0.3"], steps=40,
                                   resolution=7, device="cpu")


def test_decision_regions_equal_the_module_on_the_pixel_centres(moons_land):
    objective = build_network(MOONS, "cpu")
    probe = ModelProbe.from_config(MOONS, side=24)
    for lane in moons_land.lanes:
        for row in (0, 20, len(lane.steps) - 1):
            theta = lane.trajectory[row]
            picture = probe.picture(theta)
            assert picture.kind == "classifier" and picture.classes.shape == (24, 24)
            module = objective.module(theta)
            gx, gy = np.meshgrid(picture.xs, picture.ys)
            centres = torch.as_tensor(np.column_stack([gx.ravel(), gy.ravel()]))
            with torch.no_grad():
                logits = module(centres)
            expected = logits.argmax(dim=1).numpy().reshape(24, 24)
            np.testing.assert_array_equal(picture.classes, expected)
            np.testing.assert_allclose(picture.probability.ravel(),
                                       torch.softmax(logits, dim=1)[:, 1].numpy(), atol=1e-12)
            with torch.no_grad():
                data_classes = module(torch.as_tensor(probe.inputs)).argmax(dim=1).numpy()
            assert picture.accuracy == pytest.approx(np.mean(data_classes == picture.labels))


def test_training_changes_the_regions_and_improves_accuracy(moons_land):
    probe = ModelProbe.from_config(MOONS, side=16)
    adam = moons_land.lanes[0]
    first, last = probe.picture(adam.trajectory[0]), probe.picture(adam.trajectory[-1])
    assert not np.array_equal(first.probability, last.probability)
    assert last.accuracy > first.accuracy


def test_box_covers_the_data_with_padding():
    probe = ModelProbe.from_config(MOONS, side=10)
    (x0, x1), (y0, y1) = probe.decision_regions(np.zeros(probe.dim)).box
    assert x0 < probe.inputs[:, 0].min() and x1 > probe.inputs[:, 0].max()
    assert y0 < probe.inputs[:, 1].min() and y1 > probe.inputs[:, 1].max()
    assert padded_range(np.array([2.0, 2.0])) == (pytest.approx(1.85), pytest.approx(2.15))


def test_sine_fitted_curve_is_the_network_output():
    config = NetworkConfig(model="sine", hidden=(6,), samples=32, seed=1, dtype="float64")
    objective = build_network(config, "cpu")
    probe = ModelProbe.from_config(config, side=50)
    theta = objective.initial_parameters() + 0.1
    curve = probe.picture(theta)
    assert curve.kind == "curve" and curve.xs.shape == (50,)
    with torch.no_grad():
        expected = objective.module(theta)(torch.as_tensor(curve.xs[:, None])).numpy()[:, 0]
    np.testing.assert_allclose(curve.fitted, expected, atol=1e-12)
    loss = float(objective.evaluate(objective.as_tensor(theta)))
    assert curve.mse == pytest.approx(loss, rel=1e-9)


def test_seed_net_outputs_against_targets():
    config = NetworkConfig(model="seed")
    objective = build_network(config, "cpu")
    probe = ModelProbe.from_config(config)
    theta = objective.initial_parameters()
    picture = probe.picture(theta)
    assert picture.kind == "outputs" and picture.outputs.shape == picture.targets.shape
    module = objective.module(theta)
    dtype = next(module.parameters()).dtype
    with torch.no_grad():
        expected = module(torch.as_tensor(probe.inputs, dtype=dtype)).double().numpy()
    np.testing.assert_allclose(picture.outputs, expected, rtol=1e-6)
    np.testing.assert_allclose(picture.scales, np.sqrt(np.mean(picture.targets**2, axis=0)))
    assert picture.scales[1] > 100 * picture.scales[0]  # the seed's column scale


def test_bad_vectors_and_sizes_are_refused():
    probe = ModelProbe.from_config(MOONS)
    with pytest.raises(LandscapeError, match="parameters"):
        probe.forward(np.zeros(probe.dim + 1), probe.inputs)
    with pytest.raises(LandscapeError, match="2 pixels"):
        ModelProbe.from_config(MOONS, side=1)


def test_step_row_finds_the_last_recorded_step():
    steps = np.array([0, 1, 2, 5])
    assert [step_row(steps, s) for s in (0, 1, 4, 5, 99)] == [0, 1, 2, 3, 3]
    assert step_row(np.array([], dtype=int), 3) is None


def test_pca_plane_axes_name_the_directions_and_their_variance(moons_land):
    first, second = moons_land.plane.explained_variance
    assert moons_land.axis_labels == (f"PCA 1 ({100 * first:.1f} %)",
                                      f"PCA 2 ({100 * second:.1f} %)")
    assert moons_land.metadata()["axes"] == list(moons_land.axis_labels)


def test_random_and_hessian_planes_name_their_directions():
    random = build_network_landscape(MOONS, ["adam:lr=0.05"], steps=5, resolution=3,
                                     directions="random", device="cpu")
    assert random.axis_labels == ("random direction 1", "random direction 2")
    hessian = build_network_landscape(MOONS, ["adam:lr=0.05"], steps=5, resolution=3,
                                      directions="hessian", device="cpu")
    value = hessian.plane.eigenvalues[0]
    assert hessian.axis_labels[0] == f"Hessian 1 (λ = {value:.4g})"


def test_lane_tracks_hold_the_recorded_parameters_of_paths_and_results(moons_land):
    from landscape_app.core.nn import train_race
    from landscape_app.core.nn.model_picture import LaneTrack, picture_caption

    path = moons_land.lanes[0]
    track = LaneTrack.of(path)
    shown, theta = track.at(7)
    assert shown == 7
    np.testing.assert_array_equal(theta, path.trajectory[7])
    assert track.at(10_000)[0] == int(path.steps[-1])
    result = train_race(build_network(MOONS, "cpu"), ["adam:lr=0.05"], 5)
    from_result = LaneTrack.of(result.lanes[0])
    np.testing.assert_array_equal(from_result.steps, np.arange(6))
    np.testing.assert_array_equal(from_result.at(3)[1], result.lanes[0].records[3].x)
    probe = ModelProbe.from_config(MOONS, side=8)
    assert picture_caption(probe.picture(theta)).startswith("accuracy ")
