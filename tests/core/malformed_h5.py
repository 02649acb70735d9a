"""Loss-landscape ``.h5`` files that are wrong in one way each, for the tests of their one-line
refusals (the reader, ``gui FILE``, ``export --surface-file`` and the window's Open surface)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


def malformed_h5(path: Path, case: str) -> Path:
    """Write a 4 × 3 loss-landscape file at ``path`` that is wrong as ``case`` says; ``path``.
    Skips the test without h5py.

    ``case``: train_loss a ``"group"``, of ``"compound"`` values, of the wrong ``"shape"`` or
    ``"3d"``, ``"all missing"`` (−1); xcoordinates of ``"text"`` or ``"unsorted"``; a
    ``"coordinate group"``.
    """
    h5py = pytest.importorskip("h5py")
    x, y = np.linspace(-1, 1, 4), np.linspace(-1, 1, 3)
    with h5py.File(path, "w") as handle:
        handle["xcoordinates"] = x
        handle["ycoordinates"] = y
        if case == "group":
            handle.create_group("train_loss")["values"] = np.zeros((4, 3))
        elif case == "compound":
            handle["train_loss"] = np.zeros((4, 3), dtype=[("loss", "f8"), ("acc", "f8")])
        elif case == "text":
            del handle["xcoordinates"]
            handle["xcoordinates"] = np.array([b"a", b"b", b"c", b"d"])
        elif case == "shape":
            handle["train_loss"] = np.zeros(7)
        elif case == "3d":
            handle["train_loss"] = np.zeros((4, 3, 2))
        elif case == "all missing":
            handle["train_loss"] = np.full((4, 3), -1.0)
        elif case == "unsorted":
            del handle["xcoordinates"]
            handle["xcoordinates"] = np.array([0.0, 1.0, 0.5, 2.0])
            handle["train_loss"] = np.zeros((4, 3))
        elif case == "coordinate group":
            del handle["ycoordinates"]
            handle.create_group("ycoordinates")
            handle["train_loss"] = np.zeros((4, 3))
    if case == "text":
        with h5py.File(path, "a") as handle:
            handle["train_loss"] = np.zeros((4, 3))
    return path
