"""Every cell of a model file's map equals an independent torch.optim loop on a deepcopy.

The model has BatchNorm (running statistics per copy), dropout (seeded: torch.manual_seed(seed)
before each cell's first step) and a short last batch; steps wrap around the batches. The
reference below is written from the contract alone: import the file afresh, deepcopy its
model, torch.optim with the cell's two values, step t on batch t mod B in train mode, stop at
a non-finite loss, then the data-set loss in eval mode weighted by batch size.

Tolerances (the brief's, and why they hold): the batched way differs from the loop only in the
order of the floating-point sums of the vmapped kernels and in the per-row rule applying the
learning rate as a tensor; each step's loss, gradient and update round within
ε × Σ fan-in (≈ 1.2e-7 × 70 ≈ 1e-5 for float32 before growth) — the cells kept here stay
below lr·‖H‖ ≈ 1, where a difference does not grow from step to step. Relative 1e-5 in float32
and 1e-10 in float64 (where ε is 2.2e-16: seven orders of magnitude to spare).
"""

from __future__ import annotations

import copy
import importlib.util

import numpy as np
import pytest
import torch

from landscape_app.core.usermodel.distributed import run_single
from landscape_app.core.usermodel.evaluate import BATCHED, POINTWISE
from landscape_app.core.usermodel.mapjob import MapRequest
from landscape_app.core.usermodel.training import TRIAL_CELLS
from tests.core.usermodel.models import BRANCHY, write

#: BatchNorm, dropout, and 70 samples in batches of 32, 32 and a short 6.
BN_DROPOUT = '''
import torch
from torch import nn

def landscape_model():
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(3, 12), nn.BatchNorm1d(12), nn.Tanh(), nn.Dropout(0.3),
                          nn.Linear(12, 3))
    g = torch.Generator().manual_seed(4)
    x = torch.randn(70, 3, generator=g)
    y = torch.randint(0, 3, (70,), generator=g)
    return {"model": model, "data": [(x[:32], y[:32]), (x[32:64], y[32:64]), (x[64:], y[64:])]}
'''

#: A linear model with a squared loss: a large learning rate multiplies the error by about
#: lr·λ every step until its square overflows float32.
SQUARED = '''
import torch
from torch import nn

def landscape_model():
    torch.manual_seed(1)
    x = torch.randn(40, 3, generator=torch.Generator().manual_seed(2))
    return {"model": nn.Linear(3, 2), "data": [(x[:16], x[:16, :2]), (x[16:], x[16:, :2])],
            "loss": nn.functional.mse_loss}
'''

TOLERANCE = {"float32": 1e-5, "float64": 1e-10}


def reference(model_file, dtype: torch.dtype, make_optimizer, steps: int, seed: int):
    """(data-set loss, stop step or −1) of the plain loop described in the docstring."""
    spec = importlib.util.spec_from_file_location(f"reference_{model_file.stem}", model_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = module.landscape_model()
    model = copy.deepcopy(made["model"]).to(dtype)
    data = [made["data"]] if isinstance(made["data"], tuple) else made["data"]
    batches = [(x.to(dtype), y) for x, y in data]
    loss_of = made.get("loss", torch.nn.functional.cross_entropy)
    optimizer = make_optimizer(model.parameters())
    torch.manual_seed(seed)
    model.train()
    for step in range(steps):
        x, y = batches[step % len(batches)]
        optimizer.zero_grad()
        loss = loss_of(model(x), y)
        if not torch.isfinite(loss):
            return float("nan"), step
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        total = sum(float(loss_of(model(x), y)) * len(y) for x, y in batches)
    value = total / sum(len(y) for _, y in batches)
    return (value if np.isfinite(value) else float("nan")), -1


def sgd_references(model_file, job, dtype: torch.dtype, steps: int):
    """(data-set loss, stop step or −1) of the plain momentum-SGD loop for each of the map's
    cells, in its order (seed 5)."""
    return [reference(model_file, dtype,
                      lambda p, lr=lr, m=m: torch.optim.SGD(p, lr=float(lr), momentum=float(m)),
                      steps, 5)
            for lr, m in zip(*job.cell_values(), strict=True)]


def run_map(tmp_path, model_file, optimizer, sweeps, dtype, mode=None, res=3, steps=7,
            seed=5, chunk=4):
    request = MapRequest(str(model_file), optimizer, sweeps, res=res, steps=steps, seed=seed,
                         dtype=dtype, device="cpu", chunk=chunk, mode=mode)
    job, cells, _ = run_single(request, tmp_path / f"{mode}-{dtype}.work")
    return job, cells


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode", [BATCHED, POINTWISE])
def test_every_sgd_cell_equals_a_torch_optim_loop(tmp_path, dtype, mode):
    model_file = write(tmp_path, "bn.py", BN_DROPOUT)
    job, cells = run_map(tmp_path, model_file, "momentum",
                         ("lr=0.001:0.3:log", "momentum=0:0.9"), dtype, mode)
    assert job.mode == mode
    torch_dtype = getattr(torch, dtype)
    for n, (expected, stopped) in enumerate(sgd_references(model_file, job, torch_dtype, 7)):
        assert cells[n, 1] == stopped
        np.testing.assert_allclose(cells[n, 0], expected, rtol=TOLERANCE[dtype])


@pytest.mark.parametrize("mode", [BATCHED, POINTWISE])
def test_adam_cells_with_weight_decay_equal_torch_optim(tmp_path, mode):
    model_file = write(tmp_path, "bn.py", BN_DROPOUT)
    job, cells = run_map(tmp_path, model_file, "adam:weight_decay=0.01",
                         ("lr=0.001:0.1:log", "beta1=0:0.95"), "float64", mode)
    for n, (lr, beta1) in enumerate(zip(*job.cell_values(), strict=True)):
        expected, stopped = reference(
            model_file, torch.float64,
            lambda p, lr=lr, b=beta1: torch.optim.Adam(p, lr=float(lr), betas=(float(b), 0.999),
                                                       weight_decay=0.01), 7, 5)
        assert cells[n, 1] == stopped
        np.testing.assert_allclose(cells[n, 0], expected, rtol=TOLERANCE["float64"])


@pytest.mark.parametrize("mode", [BATCHED, POINTWISE])
def test_a_cell_whose_loss_becomes_non_finite_stops_where_the_loop_does(tmp_path, mode):
    model_file = write(tmp_path, "squared.py", SQUARED)
    job, cells = run_map(tmp_path, model_file, "sgd", ("lr=1e-3:1e4:log", "momentum=0:0.5"),
                         "float32", mode, res=2, steps=30)
    for n, (expected, stopped) in enumerate(sgd_references(model_file, job, torch.float32, 30)):
        assert cells[n, 1] == stopped
        if stopped < 0:
            np.testing.assert_allclose(cells[n, 0], expected, rtol=TOLERANCE["float32"])
        else:
            assert np.isnan(cells[n, 0])
    assert (cells[:, 1] >= 0).any() and (cells[:, 1] < 0).any()  # both kinds are tested


def test_a_model_vmap_cannot_run_is_trained_one_copy_at_a_time(tmp_path):
    model_file = write(tmp_path, "branchy.py", BRANCHY)
    job, cells = run_map(tmp_path, model_file, "sgd", ("lr=0.01:0.5:log", "momentum=0:0.9"),
                         "float64", res=2, steps=4)
    assert job.mode == POINTWISE
    for n, (expected, _) in enumerate(sgd_references(model_file, job, torch.float64, 4)):
        np.testing.assert_allclose(cells[n, 0], expected, rtol=TOLERANCE["float64"])


def test_a_timed_chunk_trains_cells_equal_to_torch_optim(tmp_path):
    """Without ``--chunk`` the batched chunk is the fastest of those timed (at most the map's
    16 cells here), and its chunks' cells equal the loop as fixed chunks' do."""
    model_file = write(tmp_path, "bn.py", BN_DROPOUT)
    job, cells = run_map(tmp_path, model_file, "momentum", ("lr=0.001:0.3:log", "momentum=0:0.9"),
                         "float32", BATCHED, res=4, chunk=None)
    assert job.chunk_points in [size for size in TRIAL_CELLS if size <= 16]
    for n, (expected, stopped) in enumerate(sgd_references(model_file, job, torch.float32, 7)):
        assert cells[n, 1] == stopped
        np.testing.assert_allclose(cells[n, 0], expected, rtol=TOLERANCE["float32"])
    values = np.stack(job.cell_values(), axis=1)
    assert job.trainer().fastest_chunk(values, cap=3) == 2  # the one size tried
    assert job.trainer().fastest_chunk(values[:1], cap=64) == 1  # one cell: a chunk of one
