"""``surface --model-file``: every grid value equals a plain per-point evaluation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from landscape_app.cli import main
from landscape_app.core.errors import LandscapeError
from landscape_app.core.usermodel import SurfaceRequest, open_job
from tests.cli.test_surface_cmd import NPZ_KEYS
from tests.core.rounding import EPS32, forward_bound
from tests.core.usermodel.models import (
    BRANCHY,
    CNN_EXAMPLE,
    HOLES,
    MLP_DROPOUT,
    initial_vector,
    metadata,
    plain_loss,
    write,
)

#: (samples, the lengths of the sums of one forward pass) of the float32 model files here:
#: the worked CNN sums 1·3·3 and 8·3·3 inputs in its convolutions, a 4×4 mean pool and 16
#: features in its head over 512 images; the MLPs 3 then 12 inputs (2 then 4: Branchy) over
#: 70 (20) samples. The app's grid evaluates them batched (or one point at a time, its own
#: way) in float32, the plain evaluation here from a float64 point cast once.
SUMS = {"cnn": (512, (9, 72, 16, 16)), "mlp": (70, (3, 12)), "branchy": (20, (2, 4))}


def float32_bound(which: str) -> float:
    """How far two float32 evaluations of one model's mean loss may differ (relative)."""
    samples, fan_ins = SUMS[which]
    return forward_bound(samples, fan_ins, eps=EPS32)


def check_every_point(model_file, data, which):
    origin, d1, d2 = data["origin"], data["d1"], data["d2"]
    bound = float32_bound(which)
    for j, beta in enumerate(data["betas"]):
        for i, alpha in enumerate(data["alphas"]):
            expected = plain_loss(model_file, origin + alpha * d1 + beta * d2)
            assert data["values"][j, i] == pytest.approx(expected, rel=bound, abs=0)


@pytest.mark.parametrize("which", ["cnn", "mlp"])
def test_grid_values_equal_plain_per_point_evaluation(tmp_path, capsys, which):
    model_file = CNN_EXAMPLE if which == "cnn" else write(tmp_path, "mlp.py", MLP_DROPOUT)
    out = tmp_path / "surface.npz"
    code = main(["surface", "--model-file", str(model_file), "--grid", "4", "--range",
                 "-0.8,1,-1,0.6", "--seed", "5", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    data = np.load(out)
    assert set(data.files) == NPZ_KEYS
    assert data["values"].shape == (4, 4)
    assert np.allclose(data["alphas"], np.linspace(-0.8, 1, 4))
    np.testing.assert_array_equal(data["origin"], initial_vector(model_file))
    assert metadata(data)["mode"] in ("batched", "pointwise")  # the faster, timed
    assert str(data["method"]) == "random"
    check_every_point(model_file, data, which)
    assert not (tmp_path / "surface.work").exists()  # removed once the NPZ is written
    printed = capsys.readouterr().out
    assert "filter-normalized random plane" in printed and f"wrote {out}" in printed


def test_random_directions_are_filter_normalized_with_biases_at_zero(tmp_path):
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    request = SurfaceRequest(str(model_file), seed=2, resolution=2)
    job = open_job(request, tmp_path / "work")
    model = job.user.model
    offset = 0
    for parameter in model.parameters():
        count = parameter.numel()
        for direction in (job.plane.d1, job.plane.d2):
            part = direction[offset:offset + count].reshape(parameter.shape[0], -1)
            weights = parameter.detach().double().reshape(parameter.shape[0], -1).numpy()
            if parameter.ndim == 1:
                assert np.all(part == 0.0)
            else:
                np.testing.assert_allclose(np.linalg.norm(part, axis=1),
                                           np.linalg.norm(weights, axis=1))
        offset += count
    with_bias = open_job(SurfaceRequest(str(model_file), seed=2, resolution=2,
                                        include_bias=True), tmp_path / "work2")
    bias = model.body[0].bias
    start = model.body[0].weight.numel()
    np.testing.assert_allclose(with_bias.plane.d1[start:start + bias.numel()],
                               bias.detach().double().numpy())


def test_a_model_vmap_cannot_run_goes_point_by_point_with_the_same_values(tmp_path):
    model_file = write(tmp_path, "branchy.py", BRANCHY)
    out = tmp_path / "b.npz"
    assert main(["surface", "--model-file", f"{model_file}:landscape_model", "--grid", "3",
                 "--out", str(out)]) == 0
    data = np.load(out)
    assert metadata(data)["mode"] == "pointwise"
    check_every_point(model_file, data, "branchy")


def test_non_finite_losses_are_kept_as_nan_with_a_warning(tmp_path, capsys):
    model_file = write(tmp_path, "holes.py", HOLES)
    out = tmp_path / "h.npz"
    assert main(["surface", "--model-file", str(model_file), "--grid", "5", "--range",
                 "-2,2,-2,2", "--out", str(out)]) == 0
    data = np.load(out)
    weight = 1.0 + data["alphas"][None, :] * data["d1"][0] + data["betas"][:, None] * data["d2"][0]
    np.testing.assert_array_equal(np.isnan(data["values"]), weight < 0)
    assert np.isnan(data["values"]).any()
    err = capsys.readouterr().err
    assert "holes.py" in err and "non-finite" in err


def test_pca_plane_from_checkpoints_projects_the_trajectory(tmp_path):
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    torch.manual_seed(9)
    base = {k: v.clone() for k, v in _module(model_file).state_dict().items()}
    paths = []
    for step in range(4):
        state = {k: v + 0.1 * step * torch.randn_like(v) for k, v in base.items()}
        path = tmp_path / f"ckpt_{step * 5:03d}.pt"
        torch.save(state, path)
        paths.append(str(path))
    torch.save(torch.load(paths[-1]), tmp_path / "final.pt")  # the model's weights: the end
    out = tmp_path / "pca.npz"
    assert main(["surface", "--model-file", str(model_file), "--directions", "pca",
                 "--trajectory", *paths, "--grid", "3", "--out", str(out)]) == 0
    data = np.load(out)
    assert list(data["lane_labels"]) == ["trajectory"]
    assert list(data["path_steps"]) == [0, 5, 10, 15]
    assert data["path_coords"].shape == (4, 2)
    np.testing.assert_allclose(data["path_coords"][-1], 0.0, atol=1e-9)  # ends at the origin
    assert data["path_losses"][-1] == pytest.approx(float(data["initial_loss"]),
                                                    rel=float32_bound("mlp"), abs=0)
    # the grid covers the path
    assert data["alphas"][0] <= data["path_coords"][:, 0].min()
    assert data["alphas"][-1] >= data["path_coords"][:, 0].max()
    assert abs(np.dot(data["d1"], data["d2"])) < 1e-9
    check_every_point(model_file, data, "mlp")


def test_hessian_directions_are_top_eigenvectors(tmp_path):
    model_file = write(tmp_path, "branchy.py", BRANCHY)
    job = open_job(SurfaceRequest(str(model_file), directions="hessian", resolution=2),
                   tmp_path / "work")
    first, second = job.plane.eigenvalues
    assert first >= second
    from torch.autograd.functional import hessian

    from landscape_app.core.usermodel.user_planes import DataSetLoss

    loss = DataSetLoss(job.user)
    dense = hessian(lambda theta: loss.evaluate(theta.float()).double(),
                    torch.as_tensor(job.plane.origin)).numpy()
    assert np.linalg.eigvalsh(dense)[-1] == pytest.approx(first, rel=1e-3)
    np.testing.assert_allclose(np.abs(dense @ job.plane.d1), np.abs(first * job.plane.d1),
                               atol=1e-3)


def _module(model_file):
    import importlib.util

    spec = importlib.util.spec_from_file_location("ckpt_source", model_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.landscape_model()["model"]


def test_a_work_dir_of_a_different_run_is_refused_and_restart_discards_it(tmp_path):
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    request = SurfaceRequest(str(model_file), seed=1, resolution=3)
    job = open_job(request, tmp_path / "work")
    job.compute([0])
    assert job.work.done() == {0}
    for changed, named in ((SurfaceRequest(str(model_file), seed=2, resolution=3), "seed"),
                           (SurfaceRequest(str(model_file), seed=1, resolution=4), "grid")):
        with pytest.raises(LandscapeError, match=f"{named}.*--restart"):
            open_job(changed, tmp_path / "work")
    model_file.write_text(MLP_DROPOUT + "\n# edited\n")
    with pytest.raises(LandscapeError, match="model file's contents"):
        open_job(request, tmp_path / "work")
    fresh = open_job(request, tmp_path / "work", restart=True)
    assert fresh.work.done() == set()


@pytest.mark.parametrize("oom", [
    lambda: torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 4.00 GiB"),
    lambda: RuntimeError("MPS backend out of memory (MPS allocated: 9 GB, other allocations: "
                         "0 bytes, max allowed: 9 GB). Tried to allocate 1 GB on private pool."),
], ids=["cuda", "mps"])
def test_a_chunk_that_runs_out_of_gpu_memory_is_computed_in_halves(tmp_path, monkeypatch, oom):
    """Simulated at the batched evaluation: more than 3 points at once do not fit."""
    from landscape_app.core.usermodel.evaluate import PlaneLoss

    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    request = SurfaceRequest(str(model_file), seed=2, resolution=4, chunk=8)
    expected = open_job(request, tmp_path / "plain")
    expected.compute(expected.missing())
    sizes = []
    batched = PlaneLoss.batched

    def small_only(self, alphas, betas):
        sizes.append(len(alphas))
        if len(alphas) > 3:
            raise oom()
        return batched(self, alphas, betas)

    monkeypatch.setattr(PlaneLoss, "batched", small_only)
    # the timing takes vmap as the faster way (on a GPU it is); the chunk is --chunk 8
    monkeypatch.setattr(PlaneLoss, "_time_batched", lambda self, pointwise: 4)
    job = open_job(request, tmp_path / "halved")
    assert job.mode == "batched" and job.chunk_points == 8
    sizes.clear()  # choosing the mode tried a small batch
    job.compute(job.missing())
    assert sizes[:3] == [8, 4, 2] and max(sizes) == 8
    np.testing.assert_allclose(job.merged(), expected.merged(), rtol=float32_bound("mlp"),
                               atol=0)
