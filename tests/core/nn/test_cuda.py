"""The network surfaces on a real CUDA GPU (skipped elsewhere; ``bench/gpu.py`` runs them)."""

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from landscape_app.core.device import describe_device, pick_device
from landscape_app.core.fallback import free_bytes, points_per_chunk
from landscape_app.core.nn import (
    NetworkConfig,
    Plane,
    build_network,
    build_network_landscape,
    evaluate_plane,
    make_plane,
)
from landscape_app.core.nn.models import DTYPES
from landscape_app.core.nn.plane_eval import PlaneEvaluator

pytestmark = pytest.mark.cuda

WIDE = NetworkConfig(hidden=(1024, 1024), samples=8, dtype="float32")


def random_plane(objective) -> Plane:
    origin = objective.initial_parameters()
    return make_plane(objective, "random", origin=origin)


@pytest.fixture
def memory_cap():
    """``cap(bytes)`` lets this process allocate only ``bytes`` more on the GPU (undone after)."""
    total = torch.cuda.get_device_properties(0).total_memory

    def cap(extra: int) -> None:
        torch.cuda.empty_cache()
        torch.cuda.set_per_process_memory_fraction((torch.cuda.memory_reserved() + extra) / total)

    yield cap
    torch.cuda.set_per_process_memory_fraction(1.0)
    torch.cuda.empty_cache()


def test_cuda_grid_matches_cpu_and_reports_the_device():
    config = NetworkConfig(hidden=(32, 32), samples=1024, dtype="float64")
    cpu = build_network(config, "cpu")
    gpu = build_network(config, "cuda")
    plane = random_plane(cpu)
    on_gpu = evaluate_plane(gpu, plane, 31)
    on_cpu = evaluate_plane(cpu, plane, 31)
    np.testing.assert_allclose(on_gpu.values, on_cpu.values, rtol=1e-9, atol=1e-9)
    assert on_gpu.device == describe_device(torch.device("cuda")) != "CUDA"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_auto_takes_cuda_for_both_dtypes_and_the_whole_landscape_runs_there(dtype):
    config = NetworkConfig(hidden=(8, 8), samples=128, dtype=dtype)
    assert pick_device("auto", DTYPES[config.dtype]).device.type == "cuda"
    land = build_network_landscape(config, ["adam:lr=0.05", "sgd:lr=0.2"], steps=20,
                                   directions="hessian", resolution=21, device="auto")
    reference = build_network_landscape(config, ["adam:lr=0.05", "sgd:lr=0.2"], steps=20,
                                        directions="hessian", resolution=21, device="cpu")
    name = describe_device(torch.device("cuda"))
    assert land.device == land.surface.device == name
    tolerance = 1e-4 if dtype == "float32" else 1e-8
    np.testing.assert_allclose(land.surface.values, reference.surface.values, rtol=tolerance,
                               atol=tolerance)
    for lane, expected in zip(land.lanes, reference.lanes, strict=True):
        np.testing.assert_allclose(lane.losses, expected.losses, rtol=tolerance, atol=tolerance)


def test_free_memory_is_read_on_a_device_given_without_an_index():
    free = free_bytes(torch.device("cuda"))
    assert 0 < free <= torch.cuda.get_device_properties(0).total_memory
    assert points_per_chunk(torch.device("cuda"), 1 << 20, 10**9, cpu_bytes=1) > 1


@pytest.mark.parametrize("config", [
    WIDE,
    NetworkConfig(hidden=(32, 32), samples=1024, dtype="float32"),
    NetworkConfig(hidden=(64,), samples=512, dtype="float64"),
    NetworkConfig(hidden=(32, 32), activation="gelu", samples=256, dtype="float32"),
], ids=["wide", "samples", "float64", "gelu"])
def test_bytes_per_point_matches_what_a_cuda_chunk_allocates(config):
    objective = build_network(config, "cuda")
    evaluator = PlaneEvaluator(objective, random_plane(objective))
    count = 256
    alphas = objective.as_tensor(np.linspace(-1, 1, count))
    evaluator(alphas, alphas)  # cuBLAS workspace and the buffers exist from here on
    evaluator.release()
    torch.cuda.synchronize()
    base = torch.cuda.memory_allocated()
    torch.cuda.reset_peak_memory_stats()
    evaluator(objective.as_tensor(np.linspace(-1, 1, count)), alphas)
    torch.cuda.synchronize()
    peak = torch.cuda.max_memory_allocated() - base
    estimate = count * evaluator.bytes_per_point
    print(f"{config.describe()}: peak {peak:,} B, estimate {estimate:,} B")
    assert peak <= 1.25 * estimate + (2 << 20)
    assert estimate <= 2.0 * peak + (2 << 20)


def test_a_real_out_of_memory_is_retried_in_smaller_chunks_on_the_gpu(memory_cap):
    gpu = build_network(WIDE, "cuda")
    plane = random_plane(gpu)
    expected = evaluate_plane(gpu, plane, 41).values  # the whole grid in one chunk
    ooms = torch.cuda.memory_stats().get("num_ooms", 0)
    memory_cap(2 << 30)  # the first chunk asks for about 14 GB
    surface = evaluate_plane(gpu, plane, 41)
    assert torch.cuda.memory_stats().get("num_ooms", 0) > ooms
    assert surface.device == describe_device(torch.device("cuda"))
    np.testing.assert_allclose(surface.values, expected, rtol=1e-5, atol=1e-6)


def test_a_gpu_without_room_for_one_point_hands_the_work_to_the_cpu(memory_cap):
    gpu, cpu = build_network(WIDE, "cuda"), build_network(WIDE, "cpu")
    plane = random_plane(cpu)
    memory_cap(1 << 20)  # less than one layer's weight stack
    surface = evaluate_plane(gpu, plane, 7)
    assert surface.device == f"CPU ({describe_device(torch.device('cuda'))} ran out of memory)"
    np.testing.assert_array_equal(surface.values, evaluate_plane(cpu, plane, 7).values)


def test_the_first_cuda_lane_does_not_pay_the_cublas_set_up():
    """In a fresh process (this one has set CUDA up already): two identical lanes start in
    about the same time, because the race warmed the GPU up before either."""
    script = textwrap.dedent("""
        from landscape_app.core.nn import NetworkConfig, build_network
        from landscape_app.core.optim.registry import parse_optimizer_spec
        from landscape_app.core.runner import Race, Racer
        objective = build_network(NetworkConfig(hidden=(16, 16), samples=256), "cuda")
        racers = [Racer(f"sgd {k}", parse_optimizer_spec("sgd:lr=0.1")) for k in range(2)]
        race = Race(objective, racers, objective.initial_parameters(), max_steps=3)
        times = [update.records[0].time for update in race.start().updates]
        print(times[0], times[1])
    """)
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                               check=True, timeout=300, cwd=Path(__file__).parents[3])
    first, second = map(float, completed.stdout.split()[-2:])
    print(f"step-0 time: lane 0 {first * 1e3:.2f} ms, lane 1 {second * 1e3:.2f} ms")
    assert first <= 5 * second + 0.02
