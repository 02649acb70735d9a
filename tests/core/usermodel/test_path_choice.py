"""How ``surface --model-file`` computes its points: timed choice, same values either way.

The choice between vmap chunks and one point at a time is made by timing (``choose_mode``),
so which one runs may differ between runs and machines; these tests hold the numbers to what
does not depend on it: the pointwise way is bitwise the plain loop (``vector_to_parameters``
and a forward per batch), and the batched way agrees with it within the derived
``PlaneLoss.tolerance()`` at every chunk size the timing may choose.
"""

from __future__ import annotations

import numpy as np
import pytest

from landscape_app.core.usermodel import SurfaceRequest, open_job
from landscape_app.core.usermodel.evaluate import (
    BATCHED,
    POINTWISE,
    POINTWISE_LIMITS,
    TRIAL_SIZES,
    fastest_chunk,
)
from landscape_app.core.usermodel.job import follow_job
from landscape_app.core.usermodel.workdir import WorkDir
from tests.core.usermodel.models import CNN_EXAMPLE, MLP_DROPOUT, plain_loss, write


def _job(tmp_path, which):
    model_file = CNN_EXAMPLE if which == "cnn" else write(tmp_path, "mlp.py", MLP_DROPOUT)
    job = open_job(SurfaceRequest(str(model_file), seed=5, resolution=4), tmp_path / "work")
    return model_file, job


def _points(job):
    alphas, betas = np.meshgrid(job.alphas, job.betas)
    return alphas.ravel(), betas.ravel()


@pytest.mark.parametrize("which", ["cnn", "mlp"])
def test_one_point_at_a_time_is_bitwise_the_plain_loop(tmp_path, which):
    model_file, job = _job(tmp_path, which)
    evaluator = job.evaluator()
    alphas, betas = _points(job)
    values = evaluator.pointwise(alphas, betas)
    plane = job.plane
    for value, alpha, beta in zip(values, alphas, betas, strict=True):
        assert value == plain_loss(model_file, plane.origin + alpha * plane.d1 + beta * plane.d2)
    # a copy of the model with θ copied in, not functional_call; the CNN's four batches of 128
    # run as one forward of 512 (checked to give the same outputs, bitwise)
    assert evaluator._inplace is not None
    if which == "cnn":
        assert evaluator._inplace.fused


@pytest.mark.parametrize("which", ["cnn", "mlp"])
def test_every_chunk_size_the_timing_may_choose_agrees_with_one_at_a_time(tmp_path, which):
    _, job = _job(tmp_path, which)
    evaluator = job.evaluator()
    alphas, betas = _points(job)
    single = evaluator.pointwise(alphas, betas)
    tolerance = evaluator.tolerance()  # ε(float32) × Σ fan-in × 4, derived in its docstring
    assert tolerance < 1e-3
    for size in TRIAL_SIZES[:2]:
        batched = np.concatenate([evaluator.batched(alphas[i:i + size], betas[i:i + size])
                                  for i in range(0, len(alphas), size)])
        np.testing.assert_allclose(batched, single, rtol=tolerance, atol=tolerance)


def test_the_choice_is_recorded_and_every_process_reads_it(tmp_path):
    _, job = _job(tmp_path, "cnn")
    low, high = POINTWISE_LIMITS  # pointwise: a chunk of about CHUNK_SECONDS, timed
    assert (job.mode == POINTWISE and low <= job.chunk_points <= high) or (
        job.mode == BATCHED and job.chunk_points in TRIAL_SIZES)
    work = tmp_path / "work"
    other = follow_job(job.request, WorkDir(work).decision(), work)  # another process's job
    assert (other.mode, other.chunk_points) == (job.mode, job.chunk_points)


@pytest.mark.parametrize(("costs", "expected"), [
    ({4: 3.0, 16: 2.0, 64: 2.5, 256: 9.0}, None),     # vmap never beats 1.0 s per point
    ({4: 0.9, 16: 0.5, 64: 0.7, 256: 0.1}, 16),       # stops at the first slower size
    ({4: 0.8, 16: 0.6, 64: 0.4, 256: 0.3}, 256),      # keeps growing while it pays
    ({4: 1.2, 16: 0.95, 64: 0.2, 256: 0.1}, 16),      # out of time after 16
])
def test_the_fastest_chunk_is_chosen_from_measured_costs(costs, expected):
    tried = []

    def per_point(size):
        tried.append(size)
        return costs[size]

    out_of_time = (lambda: len(tried) >= 2) if costs[4] == 1.2 else (lambda: False)
    assert fastest_chunk(1.0, list(TRIAL_SIZES), per_point, out_of_time) == expected
    assert tried == list(TRIAL_SIZES)[:len(tried)]
