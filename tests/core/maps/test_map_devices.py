"""Outcome maps on a GPU, faked on the CPU: ``auto`` never picks MPS for float64, and a chunk
that runs out of memory (CUDA's error or MPS's plain ``RuntimeError``) is retried smaller."""

import numpy as np
import pytest
import torch

from landscape_app.core import device as device_module
from landscape_app.core.functions import get_function
from landscape_app.core.maps import StartGrid, compute_map
from landscape_app.core.maps import engine as engine_module
from landscape_app.core.nn import NetworkConfig

GRID = StartGrid((-4.0, 4.0), (-4.0, 4.0), 6)


@pytest.mark.parametrize("oom", [
    lambda: torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 8.00 GiB"),
    lambda: RuntimeError("MPS backend out of memory (MPS allocated: 9 GB, other allocations: "
                         "0 bytes, max allowed: 9 GB). Tried to allocate 1 GB on private pool."),
], ids=["cuda", "mps"])
def test_a_chunk_that_runs_out_of_memory_is_retried_in_halves(monkeypatch, oom):
    expected = compute_map(get_function("himmelblau"), "adam:lr=0.05", GRID, 30,
                           dtype="float64", device="cpu")
    sizes = []
    original = engine_module._run_chunk

    def run_chunk(job, rows, done, progress, cancelled):
        sizes.append(len(rows))
        if len(rows) > 10:
            raise oom()
        return original(job, rows, done, progress, cancelled)

    monkeypatch.setattr(engine_module, "_run_chunk", run_chunk)
    result = compute_map(get_function("himmelblau"), "adam:lr=0.05", GRID, 30, dtype="float64",
                         device="cpu", chunk_rows=36)
    assert sizes[:3] == [36, 18, 9] and max(sizes[3:]) <= 9
    np.testing.assert_array_equal(result.loss, expected.loss)
    np.testing.assert_array_equal(result.final, expected.final)


def test_other_errors_in_a_chunk_are_not_taken_for_out_of_memory(monkeypatch):
    def broken(job, rows, done, progress, cancelled):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")

    monkeypatch.setattr(engine_module, "_run_chunk", broken)
    with pytest.raises(RuntimeError, match="shapes cannot be multiplied"):
        compute_map(get_function("himmelblau"), "adam", GRID, 5, device="cpu")


def test_auto_on_a_mac_maps_a_float64_network_on_the_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(device_module, "mps_available", lambda: True)
    monkeypatch.setattr(device_module, "device_failure", lambda kind: None)
    from landscape_app.core.maps import Sweep, SweepAxis

    sweep = Sweep(SweepAxis("lr", 1e-3, 1e-1, log=True), SweepAxis("momentum", 0.0, 0.9), 3)
    result = compute_map(NetworkConfig(model="seed"), "momentum", sweep, 3, dtype="float64",
                         device="auto")
    assert result.device == "CPU"
