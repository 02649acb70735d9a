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


@pytest.mark.parametrize("message, chunk_rows", [
    ("mat1 and mat2 shapes cannot be multiplied", None),  # not taken for out of memory
    ("out of memory", 2),  # on the CPU, down to one cell: nowhere left to go
], ids=["another error", "a cpu cell that does not fit"])
def test_errors_a_chunk_cannot_get_past_reach_the_caller(monkeypatch, message, chunk_rows):
    def failing(job, rows, done, progress, cancelled):
        raise RuntimeError(message)

    monkeypatch.setattr(engine_module, "_run_chunk", failing)
    with pytest.raises(RuntimeError, match=message):
        compute_map(get_function("himmelblau"), "adam", GRID, 5, device="cpu",
                    chunk_rows=chunk_rows)


def test_auto_on_a_mac_maps_a_float64_network_on_the_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(device_module, "mps_available", lambda: True)
    monkeypatch.setattr(device_module, "device_failure", lambda kind: None)
    from landscape_app.core.maps import Sweep, SweepAxis

    sweep = Sweep(SweepAxis("lr", 1e-3, 1e-1, log=True), SweepAxis("momentum", 0.0, 0.9), 3)
    result = compute_map(NetworkConfig(model="seed"), "momentum", sweep, 3, dtype="float64",
                         device="auto")
    assert result.device == "CPU"


#: A stand-in for a GPU: the CPU's arithmetic on another device object, so that an
#: out-of-memory error can be raised only there (as tests/core/nn/test_out_of_memory.py does).
STAND_IN = torch.device("cpu", 0)


@pytest.mark.parametrize("oom", [
    lambda: torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 8.00 GiB"),
    lambda: RuntimeError("MPS backend out of memory (MPS allocated: 9 GB, other allocations: "
                         "0 bytes, max allowed: 9 GB). Tried to allocate 1 GB on private pool."),
], ids=["cuda", "mps"])
def test_a_cell_that_does_not_fit_on_the_gpu_moves_the_rest_of_the_map_to_the_cpu(monkeypatch,
                                                                                   oom):
    expected = compute_map(get_function("himmelblau"), "adam:lr=0.05", GRID, 30,
                           dtype="float64", device="cpu")
    chunks = []
    original = engine_module._run_chunk

    def run_chunk(job, rows, done, progress, cancelled):
        chunks.append((job.device, len(rows)))
        if job.device == STAND_IN and rows.max() >= 20:  # room for 20 cells, not one more
            raise oom()
        return original(job, rows, done, progress, cancelled)

    monkeypatch.setattr(engine_module, "_run_chunk", run_chunk)
    result = compute_map(get_function("himmelblau"), "adam:lr=0.05", GRID, 30, dtype="float64",
                         device=STAND_IN, chunk_rows=36)
    # 36 → 18 fit, then 18 (cells 18..35) → 9 → 4 → 2 → 2 fit (18, 19), 1 (cell 20) does not
    assert [size for device, size in chunks if device == STAND_IN] == [36, 18, 18, 9, 4, 2, 2, 1]
    assert [device for device, _ in chunks[-1:]] == [torch.device("cpu")]
    assert result.device == "CPU for 20 of 36 cells, then CPU"
    np.testing.assert_array_equal(result.loss, expected.loss)
    np.testing.assert_array_equal(result.final, expected.final)
    np.testing.assert_array_equal(result.status, expected.status)


def test_a_network_map_moves_its_network_to_the_cpu_when_one_cell_does_not_fit(monkeypatch):
    from landscape_app.core.maps import Sweep, SweepAxis

    config = NetworkConfig(hidden=(4,), samples=16, dtype="float64")
    sweep = Sweep(SweepAxis("lr", 1e-3, 1e-1, log=True), SweepAxis("momentum", 0.0, 0.9), 3)
    expected = compute_map(config, "momentum", sweep, 4, dtype="float64", device="cpu")
    devices = []
    original = engine_module._run_chunk

    def run_chunk(job, rows, done, progress, cancelled):
        devices.append(job.objective.device)
        if job.device == STAND_IN:  # not even one cell fits
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return original(job, rows, done, progress, cancelled)

    monkeypatch.setattr(engine_module, "_run_chunk", run_chunk)
    result = compute_map(config, "momentum", sweep, 4, dtype="float64", device=STAND_IN)
    assert devices[0] == STAND_IN and devices[-1] == torch.device("cpu")
    assert result.device == "CPU (CPU ran out of memory)"
    np.testing.assert_array_equal(result.loss, expected.loss)
