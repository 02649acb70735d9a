"""File ▸ Open surface… given the NPZ of ``surface --interpolate``: the loss along
(1 − t) A + t B drawn as a curve, A and B marked and named, the buffers' treatment said."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytestmark = pytest.mark.gui


def _line(tmp_path):
    t = np.linspace(-0.5, 1.5, 9)
    loss = 1.0 + (t - 0.5) ** 2
    meta = {"kind": "usermodel-interpolation", "model_file": "/x/cnn_model.py",
            "checkpoints": ["ck/a.pt", "ck/b.pt"], "buffers": "BatchNorm statistics "
            "re-estimated at every point (one pass over the data in train mode)"}
    path = tmp_path / "line.npz"
    np.savez(path, interp_t=t, interp_loss=loss, metadata=np.array(json.dumps(meta)))
    return path, t, loss


def test_an_interpolation_opens_as_a_curve_with_a_and_b_named(window, qtbot, tmp_path):
    path, t, loss = _line(tmp_path)
    assert window.surfaces.open_path(path)
    dialog = window.surfaces.line_dialog
    qtbot.waitExposed(dialog)
    xs, ys = dialog.curve.getData()
    assert np.array_equal(xs, t) and np.array_equal(ys, loss)
    assert [item.toPlainText() for item in dialog.names] == ["A: a.pt", "B: b.pt"]
    marks_x, marks_y = dialog.marks.getData()
    assert list(marks_x) == [0.0, 1.0] and list(marks_y) == [1.25, 1.25]
    assert "re-estimated" in dialog.caption.text()
    assert window.surfaces.problem is None
