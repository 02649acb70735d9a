"""A map's cells coloured by sharpness (issue 25): λ_max of the loss Hessian at every cell's
final point, batched, equal to :mod:`landscape_app.core.sharpness` per cell, to closed forms
and to dense Hessians; stored in the map NPZ and drawn with a legend."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from landscape_app.cli import main
from landscape_app.core.catalogue.networks import NetworkConfig
from landscape_app.core.files.map_npz import read_map_npz, write_map_npz
from landscape_app.core.maps import StartGrid, Sweep, SweepAxis, compute_map
from landscape_app.core.maps.cell_sharpness import DENSE_LIMIT, cell_sharpness, with_sharpness
from landscape_app.core.nn.network_objective import build_network
from landscape_app.core.sharpness import hessian_spectrum
from landscape_app.export.map_image import colorize
from landscape_app.state.model import LandscapeSpec, build_objective
from tests.core.rounding import EPS64

# 2D, float64: the batched Hessian runs the same autograd formulas as the per-cell dense
# Hessian (rows never mix), and the 2×2 eigvalsh of both is LAPACK's, ~10 roundings apart at
# most: 10·eps ≈ 2e-15 relative to λ_max, far inside the 1e-10.
RTOL_2D = 1e-10
# Rosenbrock's closed form [[1200x² − 400y + 2, −400x], [−400x, 200]] against autograd's:
# each entry a handful of roundings of terms up to ~1200x², ≤ 8 eps relative to the largest
# entry, and a symmetric 2×2 eigenvalue moves by at most that (Weyl): 8 eps ≪ 1e-10.
CLOSED_FORM_RTOL = 1e-10
# Networks: the batched dense Hessian and eigvalsh against the per-point dense Hessian differ by
# summation order only (≤ P + samples roundings ≈ 400 eps ≈ 1e-13 of ‖H‖); batched Lanczos
# stops once every cell's top Ritz residual is below 1e-8 of its largest Ritz value, and a
# Ritz value lies within its residual of an eigenvalue. The 1e-6 holds either way.
NETWORK_RTOL = 1e-6


def function(name: str):
    return build_objective(LandscapeSpec(kind="function", function=name))


def rosenbrock_top(x: float, y: float) -> float:
    h = np.array([[1200 * x**2 - 400 * y + 2, -400 * x], [-400 * x, 200.0]])
    return float(np.linalg.eigvalsh(h)[-1])


def start_map(name: str, optimizer: str, side: int = 12, steps: int = 40):
    objective = function(name)
    view = objective.view
    region = StartGrid((view.x0, view.x1), (view.y0, view.y1), side)
    result = compute_map(objective, optimizer, region, steps, dtype="float64", device="cpu")
    return objective, with_sharpness(result, objective)


def test_rosenbrock_cells_equal_core_sharpness_and_the_closed_form():
    objective, result = start_map("rosenbrock", "adam:lr=0.05")
    final = result.final.reshape(-1, 2)
    sharp = result.sharpness.reshape(-1)
    finite = np.isfinite(final).all(axis=1)
    assert finite.sum() > 100
    for x, value in zip(final[finite], sharp[finite], strict=True):
        single = hessian_spectrum(objective.evaluate, objective.as_tensor(x)).top
        assert value == pytest.approx(single, rel=RTOL_2D)
        assert value == pytest.approx(rosenbrock_top(*x), rel=CLOSED_FORM_RTOL)
    assert np.isnan(sharp[~finite]).all()


def test_quadratic_cells_have_its_constant_curvature():
    objective, result = start_map("quadratic", "sgd:lr=0.01")
    h = torch.autograd.functional.hessian(objective.evaluate, objective.as_tensor([0.3, -0.2]))
    constant = float(torch.linalg.eigvalsh(h)[-1])
    np.testing.assert_allclose(result.sharpness, constant, rtol=10 * EPS64)


def network(model="moons", hidden=(4,)):
    return NetworkConfig(model=model, hidden=hidden, samples=24, dtype="float64").validated()


def dense_top(objective, theta) -> float:
    h = torch.autograd.functional.hessian(objective.evaluate, objective.as_tensor(theta))
    return float(torch.linalg.eigvalsh(h)[-1])


@pytest.mark.parametrize("config, res", [(network(), 4), (network(model="seed"), 4),
                                         (network(hidden=(16, 16)), 2)],
                         ids=["mlp-2-4-2", "seed", "mlp-2-16-16-2"])
@pytest.mark.parametrize("dense_limit", [512, 0], ids=["batched-hessians", "batched-lanczos"])
def test_network_sweep_cells_equal_the_dense_hessian(config, res, dense_limit):
    sweep = Sweep(SweepAxis("lr", 1e-3, 0.3, log=True), SweepAxis("momentum", 0.0, 0.9), res)
    result = compute_map(config, "momentum", sweep, 20, dtype="float64", device="cpu")
    objective = build_network(config, "cpu")
    final = result.final.reshape(-1, objective.dim)
    values = cell_sharpness(objective, final, dense_limit=dense_limit)
    for theta, value in zip(final, values, strict=True):
        assert value == pytest.approx(dense_top(objective, theta), rel=NETWORK_RTOL)


def test_the_default_forms_small_hessians_and_runs_lanczos_above():
    """The seed network (10 parameters) by its exact Hessians, an MLP by batched Lanczos;
    both agree with core/sharpness.py's single-point answer."""
    for config in (network(model="seed"), network()):
        objective = build_network(config, "cpu")
        theta = objective.initial_parameters()
        single = hessian_spectrum(objective.evaluate, objective.as_tensor(theta), k=1).top
        (value,) = cell_sharpness(objective, theta[None])
        assert value == pytest.approx(single, rel=NETWORK_RTOL)
    assert build_network(network(model="seed"), "cpu").dim <= DENSE_LIMIT
    assert build_network(network(), "cpu").dim > DENSE_LIMIT


def test_non_finite_final_points_get_nan():
    objective = function("rosenbrock")
    points = np.array([[0.5, 0.5], [np.nan, 1.0], [np.inf, 0.0]])
    values = cell_sharpness(objective, points)
    assert values[0] == pytest.approx(rosenbrock_top(0.5, 0.5), rel=CLOSED_FORM_RTOL)
    assert np.isnan(values[1:]).all()


def test_the_map_npz_stores_sharpness_and_reads_it_back(tmp_path):
    _objective, result = start_map("himmelblau", "adam:lr=0.05", side=6, steps=10)
    write_map_npz(tmp_path / "m.npz", result)
    back = read_map_npz(tmp_path / "m.npz").arrays
    np.testing.assert_array_equal(back["sharpness"], result.sharpness)
    assert back["sharpness"].shape == result.shape


def test_sharpness_colours_a_log_scale_and_greys_diverged_cells():
    _objective, result = start_map("rosenbrock", "sgd:lr=0.004", side=8, steps=30)
    rgb, legend, bar = colorize(result, "sharpness")
    lost = np.isin(result.status, [2, 3])
    assert lost.any() and (~lost).any()
    grey = np.array(legend[0][1])
    assert (rgb[lost] == grey).all()
    kept = result.sharpness[~lost]
    assert bar[:2] == pytest.approx((np.log10(kept.min()), np.log10(kept.max())))
    assert "lambda_max" in bar[2]


def test_map_command_colours_by_sharpness_and_stores_it(tmp_path, capsys):
    out, png = tmp_path / "s.npz", tmp_path / "s.png"
    assert main(["map", "--function", "rosenbrock", "--optimizer", "adam:lr=0.05", "--starts",
                 "6", "--steps", "20", "--dtype", "float64", "--color-by", "sharpness",
                 "--out", str(out), "--png", str(png)]) == 0
    assert "sharpness: lambda_max from" in capsys.readouterr().out
    arrays = read_map_npz(out).arrays
    final = arrays["final"].reshape(-1, 2)
    expected = [rosenbrock_top(*x) for x in final]
    np.testing.assert_allclose(arrays["sharpness"].reshape(-1), expected, rtol=CLOSED_FORM_RTOL)
    assert png.stat().st_size > 0


def test_without_color_by_sharpness_the_npz_has_no_sharpness(tmp_path):
    out = tmp_path / "p.npz"
    assert main(["map", "--function", "himmelblau", "--optimizer", "adam", "--starts", "4",
                 "--steps", "5", "--out", str(out)]) == 0
    assert "sharpness" not in read_map_npz(out).arrays
