"""Out of memory at every stage of a network landscape, simulated on the CPU.

The landscape starts on a stand-in for a GPU: ``torch.device("cpu", 0)``, named ``FAKE-GPU``
(the same arithmetic as the CPU, but a different device object, so that the out-of-memory
error can be raised only there). Each stage's allocation point raises
``torch.cuda.OutOfMemoryError`` or MPS's plain ``RuntimeError`` while on the stand-in; the
landscape must complete, say what ran where, and equal a CPU run value for value.
"""

import sys
import weakref

import numpy as np
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

from landscape_app.core.fallback import DeviceFallback
from landscape_app.core.nn import (
    NetworkConfig,
    Plane,
    build_network,
    landscape_from_runs,
    train_race,
)
from landscape_app.core.nn.models import build_problem
from landscape_app.core.nn.network_landscape import TRAINING_STAGE
from landscape_app.core.nn.network_objective import NetworkObjective
from landscape_app.core.nn.plane_eval import PlaneEvaluator
from landscape_app.core.nn.surface import evaluate_plane
from tests.core.rounding import forward_bound

CONFIG = NetworkConfig(hidden=(5, 4), samples=24, dtype="float64")
SPECS = ["adam:lr=0.05", "sgd:lr=0.2"]
STAND_IN = torch.device("cpu", 0)
RESOLUTION = 9


def cuda_oom() -> Exception:
    return torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")


def mps_oom() -> Exception:
    return RuntimeError("MPS backend out of memory (MPS allocated: 9.0 GB, other allocations: "
                        "0 bytes, max allowed: 9.07 GB). Tried to allocate 1.2 GB on private pool.")


OOM_ERRORS = [pytest.param(cuda_oom, id="cuda"), pytest.param(mps_oom, id="mps")]


def on_stand_in(objective) -> bool:
    return objective.device == STAND_IN


def inside(function_name: str) -> bool:
    """Whether ``function_name`` is on the call stack (which stage is allocating)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == function_name:
            return True
        frame = frame.f_back
    return False


def raise_at(monkeypatch, owner, name, oom, when):
    """Wrap ``owner.name`` so that it raises ``oom()`` when ``when(self, *args)`` holds."""
    original = getattr(owner, name)

    def wrapper(self, *args, **kwargs):
        if when(self, *args):
            raise oom()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)


@pytest.fixture(scope="module")
def runs():
    return train_race(build_network(CONFIG, "cpu"), SPECS, steps=12).lanes


def landscape(runs, directions="pca", on=None):
    objective = on or build_network(CONFIG, "cpu")
    fallback = DeviceFallback.for_objective(objective)
    fallback.record(TRAINING_STAGE)
    return landscape_from_runs(objective, runs, directions, RESOLUTION, fallback=fallback)


def stand_in() -> NetworkObjective:
    return NetworkObjective(CONFIG, build_problem(CONFIG), STAND_IN, "FAKE-GPU")


def same(values, expected):
    """Equal up to the order of the sums: a chunk of another size can round a point's value
    differently (vectorised kernels treat a chunk's tail separately), within
    :func:`~tests.core.rounding.forward_bound` of the configuration's net."""
    bound = forward_bound(CONFIG.samples, (2, *CONFIG.hidden))
    np.testing.assert_allclose(values, expected, rtol=bound, atol=0)


def assert_same(land, reference):
    """Every number of the landscape equals the CPU run's."""
    same(land.surface.values, reference.surface.values)
    for name in ("origin", "d1", "d2"):
        assert np.array_equal(getattr(land.plane, name), getattr(reference.plane, name))
    assert land.plane.eigenvalues == reference.plane.eigenvalues
    assert land.initial_loss == reference.initial_loss
    for lane, expected in zip(land.lanes, reference.lanes, strict=True):
        for name in ("coords", "distances"):
            assert np.array_equal(getattr(lane, name), getattr(expected, name))
        for name in ("losses", "plane_losses"):
            same(getattr(lane, name), getattr(expected, name))
        same(lane.interpolation.losses, expected.interpolation.losses)


@pytest.fixture(scope="module")
def reference(runs):
    return {directions: landscape(runs, directions) for directions in ("pca", "hessian")}


def test_the_stand_in_without_out_of_memory_equals_the_cpu(runs, reference):
    land = landscape(runs, on=stand_in())
    assert land.device == land.surface.device == "FAKE-GPU"
    assert reference["pca"].device == "CPU"
    assert_same(land, reference["pca"])


@pytest.mark.parametrize("oom", OOM_ERRORS)
def test_out_of_memory_building_the_evaluator_moves_the_grid_to_the_cpu(monkeypatch, runs,
                                                                        reference, oom):
    raise_at(monkeypatch, PlaneEvaluator, "__init__", oom, lambda self, objective, plane:
             on_stand_in(objective))
    land = landscape(runs, on=stand_in())
    assert land.surface.device == "CPU (FAKE-GPU ran out of memory)"
    assert land.device == "FAKE-GPU for training and the plane, then CPU"
    assert_same(land, reference["pca"])


@pytest.mark.parametrize("oom", OOM_ERRORS)
def test_grid_chunks_that_do_not_fit_are_retried_smaller_on_the_same_device(monkeypatch, runs,
                                                                           reference, oom):
    sizes = []

    def too_large(self, count):
        sizes.append(count)
        return on_stand_in(self.objective) and count > 10

    raise_at(monkeypatch, PlaneEvaluator, "_buffers", oom, too_large)
    land = landscape(runs, on=stand_in())
    assert sizes[0] == RESOLUTION**2 and max(sizes[-3:]) <= 10
    assert land.device == land.surface.device == "FAKE-GPU"
    assert_same(land, reference["pca"])


@pytest.mark.parametrize("oom", OOM_ERRORS)
def test_when_a_single_grid_point_does_not_fit_the_rest_of_the_grid_runs_on_the_cpu(
        monkeypatch, runs, reference, oom):
    """Chunks of more than 20 points never fit; after two chunks not even one point does."""
    done = []

    def full(self, count):
        if not on_stand_in(self.objective):
            return False
        if count > 20 or len(done) >= 2:
            return True
        done.append(count)
        return False

    raise_at(monkeypatch, PlaneEvaluator, "_buffers", oom, full)
    land = landscape(runs, on=stand_in())
    assert done == [20, 20]
    assert land.surface.device == f"FAKE-GPU for 40 of {RESOLUTION**2} grid points, then CPU"
    assert land.device == (f"FAKE-GPU for training, the plane and 40 of {RESOLUTION**2} grid "
                           "points, then CPU")
    assert_same(land, reference["pca"])


@pytest.mark.parametrize("oom", OOM_ERRORS)
def test_a_grid_split_between_the_device_and_the_cpu_is_reported_point_for_point(oom,
                                                                                monkeypatch):
    objective, cpu = stand_in(), build_network(CONFIG, "cpu")
    plane = landscape_from_runs(cpu, train_race(cpu, SPECS, steps=12).lanes, "pca", 3).plane
    chunks = []

    def after_three_chunks(self, count):
        if on_stand_in(self.objective):
            chunks.append(count)
            return len(chunks) > 3
        return False

    raise_at(monkeypatch, PlaneEvaluator, "_buffers", oom, after_three_chunks)
    surface = evaluate_plane(objective, plane, RESOLUTION, chunk_points=20)
    assert surface.device == f"FAKE-GPU for 60 of {RESOLUTION**2} grid points, then CPU"
    expected = evaluate_plane(cpu, plane, RESOLUTION)
    assert expected.device == "CPU"
    same(surface.values, expected.values)


@pytest.mark.parametrize("oom", OOM_ERRORS)
@pytest.mark.parametrize("stage, phrase, done", [
    ("project_path", "the paths", "training, the plane and the grid"),
    ("interpolate_loss", "the interpolations", "training, the plane, the grid and the paths"),
])
def test_out_of_memory_in_projection_and_interpolation(monkeypatch, runs, reference, oom, stage,
                                                       phrase, done):
    """Batches are halved down to one point; when even one does not fit, the CPU finishes."""
    sizes = []

    def in_stage(self, thetas):
        if on_stand_in(self) and inside(stage):
            sizes.append(len(thetas))
            return len(thetas) > 4
        return False

    raise_at(monkeypatch, NetworkObjective, "forward_batch", oom, in_stage)
    land = landscape(runs, on=stand_in())
    assert land.device == "FAKE-GPU" and max(sizes) > 4 and sizes[-1] <= 4
    assert_same(land, reference["pca"])
    monkeypatch.undo()

    raise_at(monkeypatch, NetworkObjective, "forward_batch", oom,
             lambda self, thetas: on_stand_in(self) and inside(stage))
    land = landscape(runs, on=stand_in())
    assert land.device == f"FAKE-GPU for {done}, then CPU"
    assert_same(land, reference["pca"])


@pytest.mark.parametrize("oom", OOM_ERRORS)
@pytest.mark.parametrize("at_product", [0, 5])
def test_out_of_memory_in_the_hessian_plane_recomputes_it_on_the_cpu(monkeypatch, runs,
                                                                     reference, oom, at_product):
    """At the gradient graph (product 0) or at a later Hessian-vector product."""
    products = []

    def in_hessian(self, values):
        if on_stand_in(self) and inside("hessian_plane"):
            products.append(1)
            return len(products) > at_product
        return False

    raise_at(monkeypatch, NetworkObjective, "as_tensor", oom, in_hessian)
    land = landscape(runs, directions="hessian", on=stand_in())
    assert land.device == "FAKE-GPU for training, then CPU"
    assert land.surface.device == "CPU (FAKE-GPU ran out of memory)"
    assert_same(land, reference["hessian"])


@pytest.mark.parametrize("oom", OOM_ERRORS)
def test_out_of_memory_at_every_stage_at_once(monkeypatch, runs, reference, oom):
    """Every stage's large allocations fail on the stand-in: each retries smaller, the
    evaluator (which cannot be split) moves to the CPU, and the result equals the CPU's."""
    raise_at(monkeypatch, NetworkObjective, "forward_batch", oom,
             lambda self, thetas: on_stand_in(self) and len(thetas) > 3)
    raise_at(monkeypatch, NetworkObjective, "as_tensor", oom,
             lambda self, values: on_stand_in(self) and inside("matvec")
             and inside("hessian_plane") and np.size(values) > 10**9)  # never: the plane fits
    raise_at(monkeypatch, PlaneEvaluator, "_buffers", oom,
             lambda self, count: on_stand_in(self.objective) and count > 5)
    land = landscape(runs, directions="hessian", on=stand_in())
    assert land.device == "FAKE-GPU"
    assert_same(land, reference["hessian"])
    raise_at(monkeypatch, PlaneEvaluator, "__init__", oom,
             lambda self, objective, plane: on_stand_in(objective))
    land = landscape(runs, directions="hessian", on=stand_in())
    assert land.device == "FAKE-GPU for training and the plane, then CPU"
    assert_same(land, reference["hessian"])


# -- the memory estimate -------------------------------------------------------------------
class PeakMemory(TorchDispatchMode):
    """Tracks the bytes of tensor storage that torch operations allocate, and their peak."""

    def __init__(self):
        super().__init__()
        self.live: dict[int, list] = {}
        self.current = self.peak = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for tensor in tree_flatten(out)[0]:
            if not isinstance(tensor, torch.Tensor):
                continue
            storage = tensor.untyped_storage()
            key = storage.data_ptr()
            if key not in self.live:
                self.live[key] = [storage.nbytes(), 0]
                self.current += storage.nbytes()
                self.peak = max(self.peak, self.current)
            self.live[key][1] += 1
            weakref.finalize(tensor, self._drop, key)
        return out

    def _drop(self, key):
        entry = self.live.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] == 0:
            self.current -= entry[0]
            del self.live[key]


@pytest.mark.parametrize("config", [
    NetworkConfig(hidden=(256, 256), samples=8, dtype="float32"),  # wide layers, few samples
    NetworkConfig(hidden=(64,), samples=512, dtype="float64"),  # many samples
    NetworkConfig(hidden=(32, 32), activation="gelu", samples=256, dtype="float32"),
    NetworkConfig(model="seed", dtype="float64"),
    NetworkConfig(model="sine", hidden=(16, 16), samples=128, dtype="float32"),
    NetworkConfig(model="xor", hidden=(3,), samples=64, dtype="float32"),
], ids=["wide", "samples", "gelu", "seed", "sine", "narrow"])
def test_bytes_per_point_counts_what_a_chunk_really_allocates(config):
    """Including the per-point weight stacks, which dominate for wide layers and few samples
    (the old estimate, the largest activation block, was 34x too small for the first)."""
    objective = build_network(config, "cpu")
    origin = objective.initial_parameters()
    plane = Plane(origin, origin * 0.1, origin * 0.2, "random")
    evaluator = PlaneEvaluator(objective, plane)
    count = 64
    alphas = objective.as_tensor(np.linspace(-1, 1, count))
    with PeakMemory() as tracker:
        evaluator(alphas, alphas)
    estimate = count * evaluator.bytes_per_point
    assert tracker.peak <= estimate <= 1.5 * tracker.peak + 4096
    objective_estimate = count * objective.bytes_per_point
    points = objective.as_tensor(origin[None, :] + np.zeros((count, 1)))
    with PeakMemory() as tracker, torch.no_grad():
        objective.evaluate(points)
    assert tracker.peak <= objective_estimate
