"""The work directory of a grid: what run made it, the plane, and one file per finished chunk.

Layout (``--work-dir``, by default ``OUT.work`` beside ``--out``)::

    manifest.json     the run's fingerprint (model file, data, grid, directions), the data's
                      digest and how it is computed (batched or pointwise, points per chunk);
                      written last
    plane.npz         origin, d1, d2, the grid's axes and the projected trajectory (a map
                      of ``map --model-file``: its two axes, ``axis0`` and ``axis1``)
    origin.pt         the decided parameters and buffers of the model, by name
                      (``torch.load(..., weights_only=True)``)
    chunks/NNNNNN.npy the values of chunk NNNNNN, written atomically when it is done (a
                      map's: each cell's loss and the step it stopped at)

A rerun of the same command reads the manifest and computes only the chunks that have no file,
at the weights of ``origin.pt`` (the run's truth, whatever the model file gives now: see
:mod:`~landscape_app.core.usermodel.decision`); a rerun with a different model file, data, grid
or direction seed is refused (or, with ``restart``, the directory is emptied first).
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import numpy as np

from landscape_app.core.atomic import atomic_write
from landscape_app.core.errors import LandscapeError
from landscape_app.core.usermodel.decision import Decision

MANIFEST, PLANE, ORIGIN, CHUNKS = "manifest.json", "plane.npz", "origin.pt", "chunks"
#: Why the workers ``--workers`` started refused the run, for the launching process to say.
REFUSED = "refused.txt"
FORMAT = "landscape-app-usermodel-work"
#: Fingerprint keys and how a refusal names them.
FINGERPRINT_NAMES = {
    "model_file": "the model file's path",
    "model_file_sha256": "the model file's contents",
    "function": "the model function",
    "parameter_count": "the model's parameter count",
    "data_sha256": "the data",
    "loss": "the loss",
    "batches": "--batches",
    "grid": "the grid (--grid)",
    "range": "the range (--range)",
    "directions": "--directions",
    "seed": "the direction seed (--seed)",
    "include_bias": "--include-bias",
    "trajectory_sha256": "the trajectory checkpoints",
    "checkpoints_sha256": "the --checkpoints files",
    "bn_recompute": "--bn-recompute",
    "optimizer": "the optimizer (--optimizer)",
    "sweeps": "the sweeps (--sweep)",
    "res": "the map's side (--res)",
    "steps": "the steps (--steps)",
    "map_seed": "the dropout seed (--seed)",
    "dtype": "--dtype",
}


def default_work_dir(out: str | Path) -> Path:
    """``surface.npz`` → ``surface.work`` beside it."""
    out = Path(out)
    return out.with_name(f"{out.stem}.work")


class WorkDir:
    """One grid's work directory (see the module docstring)."""

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser()

    @property
    def chunks(self) -> Path:
        return self.path / CHUNKS

    def chunk_path(self, index: int) -> Path:
        return self.chunks / f"{index:06d}.npy"

    def manifest(self) -> dict | None:
        """The manifest, or None when the directory holds none yet."""
        path = self.path / MANIFEST
        if not path.is_file():
            return None
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise LandscapeError(f"work directory {self.path}: its {MANIFEST} cannot be read "
                                 f"({error}); rerun with --restart") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise LandscapeError(f"work directory {self.path}: {MANIFEST} was not written by "
                                 "landscape-app surface or map --model-file; choose another "
                                 "--work-dir")
        return manifest

    def check(self, fingerprint: dict) -> dict | None:
        """The stored manifest when it matches ``fingerprint``; None when there is none.

        Raises
        ------
        LandscapeError
            Naming what changed since the directory was made.
        """
        manifest = self.manifest()
        if manifest is None:
            return None
        stored = manifest.get("fingerprint", {})
        changed = [FINGERPRINT_NAMES.get(key, key) for key in fingerprint
                   if stored.get(key) != fingerprint[key]]
        if changed:
            raise LandscapeError(
                f"work directory {self.path} holds points of a different run: "
                f"{', '.join(changed)} changed; rerun with --restart to discard them, or choose "
                "another --work-dir")
        return manifest

    def start(self, decision: Decision, restart: bool) -> None:
        """Create the directory (emptied first with ``restart``) and write the decision: plane,
        origin, then the manifest (with a new run id, also set in ``decision.manifest``)."""
        import torch

        if restart and self.path.exists():
            if self.path.is_dir() and (self.path / MANIFEST).exists() or (
                    self.path.is_dir() and not any(self.path.iterdir())):
                shutil.rmtree(self.path)
            else:
                raise LandscapeError(f"--restart: {self.path} is not a work directory of "
                                     "landscape-app; refusing to delete it")
        if self.path.exists() and not self.path.is_dir():
            raise LandscapeError(f"work directory {self.path}: a file of that name exists")
        try:
            self.chunks.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LandscapeError(f"cannot create the work directory {self.path}: "
                                 f"{error.strerror or error}") from None
        decision.manifest["run"] = uuid.uuid4().hex
        with atomic_write(self.path / PLANE, "wb") as handle:
            np.savez(handle, **decision.plane)
        with atomic_write(self.path / ORIGIN, "wb") as handle:
            torch.save(decision.state, handle)
        with atomic_write(self.path / MANIFEST) as handle:
            json.dump({"format": FORMAT, **decision.manifest}, handle, indent=1)

    def decision(self) -> Decision:
        """The decision the directory holds (:class:`LandscapeError` when it holds none, or
        a damaged one)."""
        import torch

        manifest = self.manifest()
        if manifest is None:
            raise LandscapeError(f"work directory {self.path}: no {MANIFEST} (the process that "
                                 "decides the run did not write one)")
        try:
            with np.load(self.path / PLANE, allow_pickle=False) as data:
                plane = {key: data[key] for key in data.files}
            state = torch.load(self.path / ORIGIN, map_location="cpu", weights_only=True)
        except Exception as error:  # noqa: BLE001 - a missing, truncated or foreign file
            raise LandscapeError(f"work directory {self.path}: its {PLANE} or {ORIGIN} cannot be "
                                 f"read ({type(error).__name__}: {error}); rerun with "
                                 "--restart") from None
        if not isinstance(state, dict) or not all(
                isinstance(value, torch.Tensor) for value in state.values()):
            raise LandscapeError(f"work directory {self.path}: {ORIGIN} holds no weights; "
                                 "rerun with --restart")
        return Decision({k: v for k, v in manifest.items() if k != "format"}, plane, state)

    def holds(self, run: str) -> bool:
        """Whether this directory is the one of run ``run`` (the same folder as the deciding
        process's, or one shared with it), rather than an empty or other one."""
        try:
            manifest = self.manifest()
        except LandscapeError:
            return False
        return manifest is not None and manifest.get("run") == run

    def refuse(self, reason: str) -> None:
        """Leave ``reason`` (a worker's refusal) for the launching process."""
        with atomic_write(self.path / REFUSED) as handle:
            handle.write(reason)

    def refusal(self) -> str | None:
        """The reason a worker left (removed once read), or None."""
        path = self.path / REFUSED
        try:
            reason = path.read_text(encoding="utf-8")
        except OSError:
            return None
        path.unlink(missing_ok=True)
        return reason

    def done(self) -> set[int]:
        """Indices of the chunks with a file."""
        if not self.chunks.is_dir():
            return set()
        return {int(path.stem) for path in self.chunks.glob("*.npy") if path.stem.isdigit()}

    def write_chunk(self, index: int, values: np.ndarray) -> None:
        with atomic_write(self.chunk_path(index), "wb") as handle:
            np.save(handle, np.asarray(values, dtype=np.float64), allow_pickle=False)

    def read_chunk(self, index: int) -> np.ndarray:
        return np.load(self.chunk_path(index), allow_pickle=False)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
