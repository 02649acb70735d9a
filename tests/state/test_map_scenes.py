"""The outcome-map scenes: their maps are computed and each teaching note's claims hold."""

import numpy as np
import torch

from landscape_app.core.maps import StartGrid, Sweep, SweepAxis, compute_map
from landscape_app.state.model import build_objective
from landscape_app.state.network_settings import parse_network
from landscape_app.state.scenes import load_scene


def _boundary_cells(basin):
    return int((basin[:, 1:] != basin[:, :-1]).sum() + (basin[1:] != basin[:-1]).sum())


def test_himmelblau_basins_are_smooth_quarters_under_gd_and_fray_under_momentum():
    state = load_scene("himmelblau-map-basins").state
    settings, objective = state.map, build_objective(state.landscape)
    view = objective.view
    grid = StartGrid((view.x0, view.x1), (view.y0, view.y1), 48)
    gd, momentum = (compute_map(objective, lane.spec, grid, settings.steps)
                    for lane in state.lanes)
    shares = [(gd.basin == k).mean() for k in range(4)]
    assert all(0.2 < share < 0.3 for share in shares)  # four basins, each about a quarter
    assert _boundary_cells(momentum.basin) > 5 * _boundary_cells(gd.basin)  # frayed bands
    assert 0.2 < (gd.basin != momentum.basin).mean() < 0.4  # about three starts in ten


def test_quadratic_edge_is_two_over_lambda_max_and_moves_with_momentum():
    state = load_scene("quadratic-stable-lr").state
    settings, objective = state.map, build_objective(state.landscape)
    result = compute_map(objective, state.lanes[0].spec, settings.sweep_region(48),
                         settings.steps)
    start_loss = float(objective.evaluate(torch.tensor(objective.default_start(),
                                                       dtype=torch.float64)))
    lam = 25.0
    for j, beta in enumerate(result.axis1):
        edge = 2 * (1 + beta) / lam
        lr = result.axis0
        below, above = lr < 0.97 * edge, lr > 1.03 * edge
        shrinks = np.nan_to_num(result.loss[j], nan=np.inf) < start_loss
        assert shrinks[below].all() and not shrinks[above].any(), beta
    assert np.isclose(2 / lam, 0.08)


def test_seed_network_edge_lies_near_5e_6_and_falls_tenfold_with_momentum():
    state = load_scene("seed-fractal-edge").state
    settings = state.map
    config = parse_network(state.landscape.network).config
    result = compute_map(config, state.lanes[0].spec, settings.sweep_region(12),
                         settings.steps)
    blown = result.status >= 2
    lr = result.axis0

    def edge(row):
        return lr[blown[row]].min()

    assert 1e-6 < edge(0) < 1e-5
    assert edge(-1) < edge(0) / 5
    assert not blown[:, 0].any() and blown[:, -1].all()


def test_seed_network_edge_stays_ragged_when_zoomed():
    """The note's "zoom into the edge: it stays ragged at every scale": across the whole map
    each momentum row crosses the edge once, but in windows 10x and 100x smaller around it
    rows cross it several times (islands of training inside blown-up cells)."""
    state = load_scene("seed-fractal-edge").state
    config = parse_network(state.landscape.network).config
    spec, steps = state.lanes[0].spec, state.map.steps

    def crossings(sweep):
        blown = compute_map(config, spec, sweep, steps).status >= 2
        return np.abs(np.diff(blown.astype(int), axis=1)).sum(axis=1)

    whole = crossings(state.map.sweep_region(12))
    assert (whole == 1).all()
    edge, momentum = 5.1e-6, 0.51  # on the edge (the test above finds it near 5e-6)
    for zoom in (10, 100):
        width = 3 ** (10 / zoom)
        window = Sweep(SweepAxis("lr", edge / width, edge * width, log=True),
                       SweepAxis("momentum", momentum - 0.5 / zoom, momentum + 0.5 / zoom), 16)
        assert (crossings(window) > 1).sum() >= 2, f"zoom {zoom}x"
