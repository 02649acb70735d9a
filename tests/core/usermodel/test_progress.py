"""A model-file surface reports progress in the app's one signature,
``progress(stage, fraction)`` (:mod:`landscape_app.core.progress`)."""

from __future__ import annotations

from landscape_app.core.usermodel import SurfaceRequest, run_single
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
