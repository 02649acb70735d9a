"""A model-file surface reports progress in the app's one signature,
``progress(stage, fraction)``, and stops when ``cancelled()`` turns true
(:mod:`landscape_app.core.progress`)."""

from __future__ import annotations

import numpy as np
import pytest

from landscape_app.core.errors import CancelledError
from landscape_app.core.usermodel import SurfaceRequest, WorkDir, run_single
from tests.core.usermodel.models import MLP_DROPOUT, write


def test_run_single_tells_the_points_stage_from_nothing_to_everything(tmp_path):
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    told = []
    request = SurfaceRequest(str(model_file), seed=1, resolution=3, chunk=4, device="cpu")
    job, values, _ = run_single(request, tmp_path / "work",
                                progress=lambda stage, fraction: told.append((stage, fraction)))
    assert values.shape == (3, 3)
    # nothing done yet, then after each chunk of 4 of the 9 points: 4, 8, 9
    assert told == [("points", 0.0), ("points", 4 / 9), ("points", 8 / 9), ("points", 1.0)]


def test_a_cancelled_run_keeps_its_finished_chunks_and_a_rerun_completes_it(tmp_path):
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    request = SurfaceRequest(str(model_file), seed=1, resolution=3, chunk=4, device="cpu")
    told = []
    with pytest.raises(CancelledError):
        run_single(request, tmp_path / "work", cancelled=lambda: len(told) > 1,
                   progress=lambda stage, fraction: told.append(fraction))
    assert told == [0.0, 4 / 9]  # cancelled once the first chunk was written
    assert WorkDir(tmp_path / "work").done() == {0}
    told.clear()
    job, values, _ = run_single(request, tmp_path / "work",
                                progress=lambda stage, fraction: told.append(fraction))
    assert told == [4 / 9, 8 / 9, 1.0]  # the rerun starts from the chunk on disk
    fresh_job, fresh, _ = run_single(request, tmp_path / "fresh")
    if fresh_job.mode == job.mode:  # the same chunks, the same arithmetic
        np.testing.assert_array_equal(values, fresh)
    else:  # each run timed the two ways and, on a busy machine, kept the other one: the
        # batched and the pointwise way agree within the evaluator's derived tolerance
        tolerance = job.evaluator().tolerance()
        np.testing.assert_allclose(values, fresh, rtol=tolerance, atol=tolerance)
