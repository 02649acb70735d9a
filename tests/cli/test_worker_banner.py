"""``--workers 2`` keeps torchrun's OMP_NUM_THREADS banner off stderr (one thread per worker
is the command's own default, set explicitly)."""

from __future__ import annotations

import numpy as np

from landscape_app.cli import main
from tests.core.usermodel.models import MLP_DROPOUT, write


def test_two_workers_print_no_torchrun_banner(tmp_path, capfd, monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)  # as a user's shell has it
    model_file = write(tmp_path, "mlp.py", MLP_DROPOUT)
    out = tmp_path / "two.npz"
    assert main(["surface", "--model-file", str(model_file), "--grid", "3", "--workers", "2",
                 "--out", str(out)]) == 0
    err = capfd.readouterr().err
    assert "OMP_NUM_THREADS" not in err and "*****" not in err, err
    assert np.load(out)["values"].shape == (3, 3)
