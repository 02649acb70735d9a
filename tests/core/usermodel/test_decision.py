"""A process that follows a run's decision: the decided weights and buffers, never its own;
different data or a different model refused, naming what differs."""

from __future__ import annotations

import pytest
import torch

from landscape_app.core.errors import LandscapeError
from landscape_app.core.usermodel import SurfaceRequest, open_job
from landscape_app.core.usermodel.job import follow_job
from tests.core.usermodel.models import RANK_DATA, SELF_TRAINING, write


def test_a_follower_computes_with_the_decided_weights_and_buffers(tmp_path):
    model_file = write(tmp_path, "selftrain.py", SELF_TRAINING)
    request = SurfaceRequest(str(model_file), resolution=3, chunk=3)
    decided = open_job(request, tmp_path / "work")
    decided.compute([0])
    # Another process's call would give other weights and BatchNorm statistics: stand them in
    # by moving the decided ones, which the follower must take, not what its own call gave.
    decision = decided.decision
    decision.state = {name: tensor + 0.25 if tensor.is_floating_point() else tensor + 1
                      for name, tensor in decision.state.items()}
    follower = follow_job(request, decision, tmp_path / "work")
    mine = dict([*follower.user.model.named_parameters(), *follower.user.model.named_buffers()])
    assert set(mine) == set(decision.state)
    assert "1.running_mean" in mine and "1.num_batches_tracked" in mine
    for name, tensor in mine.items():
        assert torch.equal(tensor, decision.state[name]), name
    assert follower.on_disk  # the same work directory as the deciding process
    follower.compute([1])
    assert follower.work.done() == {0, 1}


def test_a_follower_with_other_data_is_refused_naming_what_differs(tmp_path, monkeypatch):
    model_file = write(tmp_path, "rankdata.py", RANK_DATA)
    request = SurfaceRequest(str(model_file), resolution=2)
    monkeypatch.delenv("RANK", raising=False)
    decision = open_job(request, tmp_path / "work").decision
    monkeypatch.setenv("RANK", "1")  # the file seeds and sizes its data by the rank
    with pytest.raises(LandscapeError, match=r"rankdata.py:landscape_model: rank 1's data differ "
                       r"from rank 0's: batch 1's inputs hash [0-9a-f]{12} vs [0-9a-f]{12}, "
                       r"250 vs 256 samples; .*seed what is random"):
        follow_job(request, decision, tmp_path / "elsewhere", who="rank 1", decider="rank 0")


def test_a_follower_with_another_model_or_file_is_refused(tmp_path):
    model_file = write(tmp_path, "selftrain.py", SELF_TRAINING)
    request = SurfaceRequest(str(model_file), resolution=2)
    decision = open_job(request, tmp_path / "work").decision
    model_file.write_text(SELF_TRAINING + "\n# edited on this machine\n")
    with pytest.raises(LandscapeError, match="rank 2 and rank 0 differ in the model file's "
                       "contents"):
        follow_job(request, decision, tmp_path / "work", who="rank 2")
    decision.state["0.weight"] = torch.zeros(32, 16)
    write(tmp_path, "selftrain.py", SELF_TRAINING)
    with pytest.raises(LandscapeError, match=r"rank 1's model differs from rank 0's: '0.weight' "
                       r"is \(64, 16\) torch.float32, not \(32, 16\) torch.float32"):
        follow_job(request, decision, tmp_path / "work")


def test_a_work_dir_from_before_origin_pt_asks_for_restart(tmp_path):
    model_file = write(tmp_path, "selftrain.py", SELF_TRAINING)
    request = SurfaceRequest(str(model_file), resolution=2)
    open_job(request, tmp_path / "work")
    (tmp_path / "work" / "origin.pt").unlink()
    with pytest.raises(LandscapeError, match="origin.pt cannot be read.*--restart"):
        open_job(request, tmp_path / "work")
    assert open_job(request, tmp_path / "work", restart=True).work.done() == set()
