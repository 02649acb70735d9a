"""A model file's map and surface on a GPU that runs out of memory, faked on the CPU as the
built-in maps' device tests do (tests/core/maps/test_map_devices.py): the job opens on a
stand-in for a GPU, ``torch.device("cpu", 0)`` (the CPU's arithmetic on another device
object), and a chunk raises CUDA's or MPS's out-of-memory error only there. The one fall-back
(:meth:`~landscape_app.core.fallback.DeviceFallback.each_chunk`) halves the chunk, then moves
the rest to the CPU and says so in the NPZ's ``device``.

Tolerance: in float64 the cells trained in pieces of other sizes differ from one run of the
whole chunk only in the order of vmap's sums (ε64 ≈ 2.2e-16 × Σ fan-in 15 × a growth of a few
per step over 4 steps ≈ 1e-12); the map is held to relative 1e-10, as tests/cli/
test_usermodel_map.py holds it.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from landscape_app.core.fallback import CPU
from landscape_app.core.usermodel.distributed import run_single
from landscape_app.core.usermodel.evaluate import BATCHED
from landscape_app.core.usermodel.mapjob import MAP, MapJob, MapRequest, map_outcome
from tests.core.test_fallback import OOM_ERRORS
from tests.core.usermodel.models import MLP_DROPOUT, write

STAND_IN = torch.device("cpu", 0)
RTOL = 1e-10


@pytest.mark.parametrize("oom", OOM_ERRORS)
def test_a_map_chunk_is_halved_then_the_rest_moves_to_the_cpu_with_the_same_values(
        tmp_path, monkeypatch, oom):
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    request = MapRequest(str(model_file), "momentum", ("lr=0.01:1:log", "momentum=0:0.9"),
                         res=4, steps=4, dtype="float64", device="cpu", chunk=8, mode=BATCHED)
    _, expected, _ = run_single(request, tmp_path / "cpu.work")
    computed = []
    original = MapJob.compute_cells

    def compute_cells(self, placed, cells):
        computed.append((placed.device, len(cells)))
        if placed.device == STAND_IN and (len(cells) > 2 or cells[0] >= 10):
            raise oom()  # room for two cells at a time, and none from cell 10 on
        return original(self, placed, cells)

    monkeypatch.setattr(MapJob, "compute_cells", compute_cells)
    job = MAP.open(request, tmp_path / "gpu.work", device=STAND_IN)
    job.compute(job.missing())
    # chunk 0 (cells 0-7): 8 → 4 → 2, four pieces of 2; chunk 1: cells 8, 9 fit, 10, 11 do
    # not, nor does cell 10 alone: cells 10-15 run on the CPU as one piece
    assert [size for device, size in computed if device == STAND_IN] == [8, 4, 2, 2, 2, 2,
                                                                        2, 2, 1]
    assert computed[-1] == (CPU, 6)
    assert job.ran_on() == "CPU for 10 of 16 cells, then CPU"
    cells = job.merged()
    np.testing.assert_array_equal(cells[:, 1], expected[:, 1])  # the same stop steps
    np.testing.assert_allclose(cells[:, 0], expected[:, 0], rtol=RTOL)
    assert map_outcome(job, cells, 1.0, 1e-3).device == "CPU for 10 of 16 cells, then CPU"


def test_on_the_cpu_a_cell_that_does_not_fit_is_an_error(tmp_path, monkeypatch):
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    request = MapRequest(str(model_file), "sgd", ("lr=0.01:1:log", "momentum=0:0.9"), res=2,
                         steps=2, device="cpu", chunk=2)

    def no_room(self, placed, cells):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(MapJob, "compute_cells", no_room)
    job = MAP.open(request, tmp_path / "work")
    with pytest.raises(torch.cuda.OutOfMemoryError):
        job.compute(job.missing())
    assert job.work.done() == set()


@pytest.mark.parametrize("oom", OOM_ERRORS)
def test_a_surface_point_that_does_not_fit_moves_the_rest_of_the_grid_to_the_cpu(
        tmp_path, monkeypatch, oom):
    """The surface's grid runs through the same job. The two jobs may time themselves into
    different modes (batched or pointwise: the choice is a timing), and each point of
    either lies within the float32 bound of tests/core/usermodel/test_surface.py of a plain
    evaluation, so the two agree within twice that bound."""
    from landscape_app.core.usermodel import SurfaceJob, SurfaceRequest, open_job
    from tests.core.usermodel.test_surface import float32_bound

    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    request = SurfaceRequest(str(model_file), seed=2, resolution=3, chunk=4, device="cpu")
    expected = open_job(request, tmp_path / "cpu.work")
    expected.compute(expected.missing())
    original = SurfaceJob.compute_cells

    def compute_cells(self, placed, cells):
        if placed.device == STAND_IN and cells[-1] >= 6:
            raise oom()  # points 6, 7, 8 do not fit on the GPU
        return original(self, placed, cells)

    monkeypatch.setattr(SurfaceJob, "compute_cells", compute_cells)
    job = open_job(request, tmp_path / "gpu.work", device=STAND_IN)
    job.compute(job.missing())
    assert job.ran_on() == "CPU for 6 of 9 grid points, then CPU"
    np.testing.assert_allclose(job.merged(), expected.merged(), rtol=2 * float32_bound("mlp"),
                               atol=0)
