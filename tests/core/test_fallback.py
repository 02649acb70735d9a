"""The out-of-memory helper: smaller chunks, then the CPU, and an honest report of where."""

import numpy as np
import pytest
import torch

from landscape_app.core import fallback as fallback_module
from landscape_app.core.fallback import (
    DEVICE_MEMORY_FRACTION,
    DeviceFallback,
    free_bytes,
    is_out_of_memory,
    points_per_chunk,
)

GPU, CPU = "gpu", "cpu"


def cuda_oom() -> Exception:
    return torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")


def mps_oom() -> Exception:
    return RuntimeError("MPS backend out of memory (MPS allocated: 17.80 GB, other allocations: "
                        "1.20 MB, max allowed: 18.13 GB). Tried to allocate 512.00 MB on private "
                        "pool. Use PYTORCH_MPS_HIGH_WATERMARK_RATIO=0.0 to disable upper limit")


OOM_ERRORS = [cuda_oom, mps_oom]


def fake(first: str = GPU) -> DeviceFallback:
    """A fall-back whose resource is a plain string naming the device it is on."""
    return DeviceFallback(first, torch.device("cpu", 0), place=lambda device: CPU,
                          name="FAKE-GPU")


@pytest.mark.parametrize("error, expected", [
    (cuda_oom(), True),
    (mps_oom(), True),
    (RuntimeError("CUDA error: out of memory"), True),
    (RuntimeError("CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`"),
     True),
    (RuntimeError("mat1 and mat2 shapes cannot be multiplied (4x3 and 2x2)"), False),
    (ValueError("out of memory"), False),
    (MemoryError(), False),
])
def test_out_of_memory_is_recognised_on_cuda_and_mps(error, expected):
    assert is_out_of_memory(error) is expected


@pytest.mark.parametrize("oom", OOM_ERRORS)
def test_a_chunk_that_does_not_fit_is_retried_in_halves_on_the_same_device(oom):
    sizes = []

    def work(resource, begin, end):
        sizes.append(end - begin)
        if end - begin > 10:
            raise oom()
        return np.arange(begin, end, dtype=float)

    helper = fake()
    out = helper.chunked(work, 100, lambda resource: 64, "the grid", "grid points")
    assert np.array_equal(out, np.arange(100.0))
    assert sizes[:4] == [64, 32, 16, 8] and max(sizes[4:]) == 8
    assert not helper.fell_back and helper.describe() == "FAKE-GPU"


@pytest.mark.parametrize("oom", OOM_ERRORS)
def test_when_one_point_does_not_fit_the_rest_runs_on_the_cpu_and_the_report_says_so(oom):
    placed = []

    def work(resource, begin, end):
        placed.append(resource)
        if resource == GPU and begin >= 30:
            raise oom()
        return np.full(end - begin, 1.0 if resource == GPU else 2.0)

    released = []
    helper = fake()
    helper.record("training")
    out = helper.chunked(work, 100, lambda resource: 10 if resource == GPU else 50,
                         "the grid", "grid points", release=lambda: released.append(1))
    assert np.array_equal(out, np.r_[np.ones(30), np.full(70, 2.0)])
    assert helper.fell_back and helper.resource == CPU
    assert placed.count(GPU) == 3 + 4  # 3 chunks done, then 10, 5, 2 and 1 points fail
    assert len(released) == placed.count(GPU) - 3
    assert helper.describe("the grid") == "FAKE-GPU for 30 of 100 grid points, then CPU"
    assert helper.describe() == "FAKE-GPU for training and 30 of 100 grid points, then CPU"
    # later stages stay on the CPU and are not claimed for the first device
    helper.chunked(work, 7, lambda resource: 3, "the paths", "path points")
    assert helper.describe("the paths") == "CPU (FAKE-GPU ran out of memory)"
    assert helper.describe() == "FAKE-GPU for training and 30 of 100 grid points, then CPU"


def test_whole_work_that_runs_out_of_memory_runs_again_on_the_cpu():
    helper = fake()
    helper.record("training")
    assert helper.whole(lambda resource: resource, "the plane") == GPU

    def hessian(resource):
        if resource == GPU:
            raise mps_oom()
        return "plane on " + resource

    assert helper.whole(hessian, "the Hessian") == "plane on cpu"
    assert helper.describe() == "FAKE-GPU for training and the plane, then CPU"
    assert helper.describe("the Hessian") == "CPU (FAKE-GPU ran out of memory)"
    assert helper.describe("the plane") == "FAKE-GPU"


def test_other_errors_and_a_second_out_of_memory_propagate():
    helper = fake()
    with pytest.raises(ValueError, match="bad"):
        helper.whole(lambda resource: (_ for _ in ()).throw(ValueError("bad")))
    assert not helper.fell_back

    def always(resource):
        raise cuda_oom()

    with pytest.raises(torch.cuda.OutOfMemoryError):
        helper.whole(always)  # the CPU ran out too: nothing left to fall back to
    assert helper.fell_back
    no_place = DeviceFallback(GPU, torch.device("cpu"))
    with pytest.raises(torch.cuda.OutOfMemoryError):
        no_place.whole(always)


def test_without_a_place_chunks_are_still_halved_but_one_point_too_many_raises():
    def fits_four(resource, begin, end):
        if end - begin > 4:
            raise mps_oom()
        return np.arange(begin, end, dtype=float)

    no_place = DeviceFallback(GPU, torch.device("cpu"), name="FAKE-GPU")
    out = no_place.chunked(fits_four, 20, lambda resource: 20, "the grid", "grid points")
    assert np.array_equal(out, np.arange(20.0)) and no_place.describe() == "FAKE-GPU"

    def never(resource, begin, end):
        raise cuda_oom()

    with pytest.raises(torch.cuda.OutOfMemoryError):
        no_place.chunked(never, 20, lambda resource: 20, "the grid", "grid points")


def test_nothing_fell_back_reports_the_first_device_with_its_name():
    helper = fake()
    helper.whole(lambda resource: 1, "the plane")
    helper.chunked(lambda resource, b, e: np.zeros(e - b), 5, lambda r: 2, "the grid", "points")
    assert helper.describe() == helper.describe("the grid") == "FAKE-GPU"
    assert helper.describe("never ran") == "FAKE-GPU"
    assert helper.chunked(lambda *a: np.zeros(0), 0, lambda r: 1, "empty", "points").size == 0


def test_cuda_free_memory_is_asked_with_an_indexed_device(monkeypatch):
    """torch 2.4's ``mem_get_info`` refuses ``torch.device("cuda")`` without an index."""
    asked = []

    def mem_get_info(device):
        if device.index is None:
            raise ValueError("Expected a torch.device with a specified index or an integer, "
                             "but got:cuda")
        asked.append(device)
        return 8 << 30, 16 << 30

    monkeypatch.setattr(torch.cuda, "mem_get_info", mem_get_info)
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
    assert free_bytes(torch.device("cuda")) == 8 << 30
    assert asked == [torch.device("cuda", 0)]
    chunk = points_per_chunk(torch.device("cuda"), 1 << 20, 10**9, cpu_bytes=1)
    assert chunk == int(DEVICE_MEMORY_FRACTION * (8 << 30)) // (1 << 20)
    assert points_per_chunk(torch.device("cuda", 1), 1 << 20, 100, cpu_bytes=1) == 100
    assert points_per_chunk(torch.device("cpu"), 1000, 10**6, cpu_bytes=10_000) == 10
    assert points_per_chunk(torch.device("cpu"), 10**9, 10**6, cpu_bytes=10_000) == 1


def test_mps_free_memory_uses_its_recommended_maximum(monkeypatch):
    monkeypatch.setattr(torch.mps, "recommended_max_memory", lambda: 16 << 30, raising=False)
    monkeypatch.setattr(torch.mps, "driver_allocated_memory", lambda: 6 << 30, raising=False)
    assert free_bytes(torch.device("mps")) == 10 << 30
    monkeypatch.delattr(torch.mps, "recommended_max_memory", raising=False)
    assert free_bytes(torch.device("mps")) == fallback_module.MPS_FALLBACK_BYTES
    assert free_bytes(torch.device("cpu")) is None
