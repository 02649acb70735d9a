"""Outcome maps on a real NVIDIA GPU equal the CPU's (float64): torch.optim's fused CUDA
kernels on start maps, the per-cell rules on sweeps, stopped cells leaving the batch on the
device. Skipped where CUDA is absent; ``bench/gpu.py`` runs them on a GPU."""

from __future__ import annotations

import numpy as np
import pytest

from landscape_app.core.functions import get_function
from landscape_app.core.maps import StartGrid, Sweep, SweepAxis, compute_map
from landscape_app.core.nn import NetworkConfig

pytestmark = pytest.mark.cuda

CASES = {
    "adam start map": (get_function("himmelblau"), "adam:lr=0.05",
                       StartGrid((-6.0, 6.0), (-6.0, 6.0), 12)),
    "sgd start map, cells diverging": (get_function("himmelblau"), "sgd:lr=0.01",
                                       StartGrid((-9.0, 9.0), (-9.0, 9.0), 12)),
    "momentum sweep, every outcome": (
        get_function("sphere"), "momentum:momentum=0.3",
        Sweep(SweepAxis("lr", 0.05, 3.0, log=True),
              SweepAxis("weight_decay", 1e-3, 1e200, log=True), 8, start=(0.8, -0.6))),
    "seed network lr x momentum": (
        NetworkConfig(model="seed"), "momentum",
        Sweep(SweepAxis("lr", 1e-8, 1e-4, log=True), SweepAxis("momentum", 0.0, 0.99), 8)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_cuda_map_equals_the_cpu_map(case):
    target, optimizer, region = CASES[case]
    maps = {device: compute_map(target, optimizer, region, 80, dtype="float64", device=device,
                                snapshot_steps=(0, 40, 80))
            for device in ("cpu", "cuda")}
    cpu, gpu = maps["cpu"], maps["cuda"]
    assert cpu.device == "CPU" and gpu.device.startswith("CUDA")
    # Rounding differs between the devices' kernels, so a cell right at an edge (the radius,
    # the tolerance, 1e-10 of gradient) may stop a step apart; the rest must agree exactly.
    same = (gpu.status == cpu.status) & (gpu.stopped_at == cpu.stopped_at)
    assert same.mean() >= 0.98, f"{(~same).sum()} of {same.size} cells end differently"
    assert np.all(np.abs(gpu.stopped_at - cpu.stopped_at)[gpu.status == cpu.status] <= 1)
    reached = (gpu.steps_to_tolerance >= 0) & (cpu.steps_to_tolerance >= 0)
    assert np.all(np.abs(gpu.steps_to_tolerance - cpu.steps_to_tolerance)[reached] <= 1)
    np.testing.assert_array_equal(gpu.basin[same], cpu.basin[same])
    finite = same & np.isfinite(cpu.loss)
    for name in ("final", "loss", "best_loss"):
        np.testing.assert_allclose(getattr(gpu, name)[finite], getattr(cpu, name)[finite],
                                   rtol=1e-9, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(gpu.snapshots[:, finite], cpu.snapshots[:, finite], rtol=1e-9,
                               atol=1e-12)
