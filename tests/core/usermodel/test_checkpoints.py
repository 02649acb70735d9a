"""Planes through checkpoints and the line between two (``--directions checkpoints``,
``--interpolate``): exact at the checkpoints, exact at blended weights, with BatchNorm.

Every expected value is computed independently of the app: the model file imported afresh,
the state dict (blended here with torch, A + t (B − A) in float64 as the app defines the line
and plane) loaded with ``load_state_dict``, eval mode, each batch's mean loss times its size
summed over the data set. The app does the same IEEE operations in the same order, so the
values are compared for equality (no tolerance).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import torch

from landscape_app.core.usermodel import SurfaceRequest, run_single, surface_arrays
from tests.core.usermodel.models import metadata, write

BN_MODEL = '''
import torch
from torch import nn

def landscape_model():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 3))
    g = torch.Generator().manual_seed(1)
    x = torch.randn(50, 3, generator=g)
    y = torch.randint(0, 3, (50,), generator=g)
    # uneven batches: the average weights them by size
    return {"model": model, "data": [(x[:20], y[:20]), (x[20:40], y[20:40]), (x[40:], y[40:])]}
'''


def _made(model_file: Path) -> dict:
    spec = importlib.util.spec_from_file_location(f"ind_{model_file.stem}", model_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.landscape_model()


def _checkpoints(folder: Path, model_file: Path) -> list[Path]:
    """A, B, C: the file's weights moved by seeded noise, running statistics of their own."""
    base = _made(model_file)["model"].state_dict()
    paths = []
    for seed in range(3):
        g = torch.Generator().manual_seed(10 + seed)
        state = {}
        for name, tensor in base.items():
            if name.endswith("running_var"):
                state[name] = 0.5 + torch.rand(tensor.shape, generator=g)
            elif torch.is_floating_point(tensor):
                state[name] = tensor + 0.4 * torch.randn(tensor.shape, generator=g)
            else:
                state[name] = tensor + seed
        paths.append(folder / f"ckpt_{'abc'[seed]}.pt")
        torch.save(state if seed != 1 else {"state_dict": state, "epoch": 3}, paths[-1])
    return paths


def _state(path: Path) -> dict:
    loaded = torch.load(path, weights_only=True)
    return loaded.get("state_dict", loaded)


def _blend(first: dict, second: dict, t: float) -> dict:
    """A + t (B − A) in float64 for floating entries; integer buffers are A's."""
    return {name: ((a.double() + t * (second[name].double() - a.double())).to(a.dtype)
                   if torch.is_floating_point(a) else a) for name, a in first.items()}


def independent_loss(model_file: Path, state: dict, recompute: bool = False) -> float:
    made = _made(model_file)
    model, data = made["model"], made["data"]
    model.load_state_dict(state)
    if recompute:
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm1d):
                module.reset_running_stats()
                module.momentum = None
        model.train()
        with torch.no_grad():
            for inputs, _ in data:
                model(inputs)
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for inputs, targets in data:
            total += float(torch.nn.functional.cross_entropy(model(inputs), targets)) \
                * len(targets)
            count += len(targets)
    return total / count


def _plane(tmp_path: Path, recompute: bool):
    model_file = write(tmp_path, "bn_model.py", BN_MODEL)
    paths = _checkpoints(tmp_path, model_file)
    request = SurfaceRequest(str(model_file), directions="checkpoints",
                             checkpoints=tuple(map(str, paths)), bn_recompute=recompute,
                             resolution=3, range=(-1.0, 1.0, -1.0, 1.0), device="cpu")
    job, values, seconds = run_single(request, tmp_path / "work")
    return model_file, paths, surface_arrays(job, values, seconds)


def _check_plane(tmp_path: Path, recompute: bool) -> None:
    model_file, paths, arrays = _plane(tmp_path, recompute)
    values = arrays["values"]  # values[j, i] at (alphas[i], betas[j]); alphas = betas = -1, 0, 1
    states = [_state(path) for path in paths]
    losses = [independent_loss(model_file, state, recompute) for state in states]
    assert [values[1, 1], values[1, 2], values[2, 1]] == losses
    assert list(arrays["point_losses"]) == losses
    assert np.array_equal(arrays["points"], [[0, 0], [1, 0], [0, 1]])
    assert list(arrays["point_labels"]) == ["ckpt_a.pt", "ckpt_b.pt", "ckpt_c.pt"]
    meta = metadata(arrays)
    assert meta["bn_recompute"] is recompute and "BatchNorm" in meta["buffers"]
    assert bool(arrays["bn_recompute"]) is recompute


def test_checkpoint_plane_is_exact_at_a_b_c_with_buffers_blended(tmp_path):
    _check_plane(tmp_path, recompute=False)


def test_checkpoint_plane_is_exact_at_a_b_c_with_bn_recompute(tmp_path):
    _check_plane(tmp_path, recompute=True)


def test_a_blended_plane_point_moves_the_buffers_too(tmp_path):
    """(1, 1) is θ_B + θ_C − θ_A with the running statistics likewise (not A's)."""
    model_file, paths, arrays = _plane(tmp_path, recompute=False)
    a, b, c = (_state(path) for path in paths)
    state = {name: ((a[name].double() + 1.0 * (b[name].double() - a[name].double())
                     + 1.0 * (c[name].double() - a[name].double())).to(a[name].dtype)
                    if torch.is_floating_point(a[name]) else a[name]) for name in a}
    assert arrays["values"][2, 2] == independent_loss(model_file, state)
    kept = {**state, **{n: a[n] for n in a if "running" in n}}
    assert arrays["values"][2, 2] != independent_loss(model_file, kept)


def test_the_surface_file_marks_and_names_the_checkpoints(tmp_path):
    """What the window reads (File ▸ Open surface…): one marked, named point per checkpoint,
    with its loss, and the plane's details say how the buffers were set."""
    from landscape_app.core.surface_from_npz import read_npz

    _, _, arrays = _plane(tmp_path, recompute=True)
    out = tmp_path / "abc.npz"
    np.savez(out, **arrays)
    raw = read_npz(out)
    points = [lane for lane in raw.lanes if lane.spec == "checkpoint"]
    assert [lane.label for lane in points] == ["A: ckpt_a.pt", "B: ckpt_b.pt", "C: ckpt_c.pt"]
    assert [tuple(lane.coords[0]) for lane in points] == [(0, 0), (1, 0), (0, 1)]
    assert [lane.losses[0] for lane in points] == list(arrays["point_losses"])
    assert "re-estimated" in raw.details


def test_a_resumed_checkpoint_plane_keeps_its_values_and_a_changed_checkpoint_is_refused(
        tmp_path):
    """The work directory's origin is A's state: a rerun takes it over (no note about other
    weights), gives the same values, and refuses checkpoints whose contents changed."""
    import pytest

    from landscape_app.core.errors import LandscapeError

    model_file, paths, arrays = _plane(tmp_path, recompute=False)
    request = SurfaceRequest(str(model_file), directions="checkpoints",
                             checkpoints=tuple(map(str, paths)), resolution=3, device="cpu",
                             range=(-1.0, 1.0, -1.0, 1.0))
    job, values, _ = run_single(request, tmp_path / "work")
    assert job.notes == [] and np.array_equal(values, arrays["values"], equal_nan=True)
    state = _state(paths[2])
    torch.save({name: tensor * 2 if torch.is_floating_point(tensor) else tensor
                for name, tensor in state.items()}, paths[2])
    with pytest.raises(LandscapeError, match="the --checkpoints files changed"):
        run_single(request, tmp_path / "work")
