"""The work directory of a grid: what run made it, the plane, and one file per finished chunk.

Layout (``--work-dir``, by default ``OUT.work`` beside ``--out``)::

    manifest.json     the run's fingerprint (model file, data, weights, grid, directions)
                      and how it is computed (batched or pointwise, points per chunk)
    plane.npz         origin, d1, d2 and the projected trajectory, computed once
    chunks/NNNNNN.npy the values of chunk NNNNNN, written atomically when it is done

A rerun of the same command reads the manifest and computes only the chunks that have no file;
a rerun with a different model file, data, weights, grid or direction seed is refused (or,
with ``restart``, the directory is emptied first).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from landscape_app.core.atomic import atomic_write
from landscape_app.core.errors import LandscapeError

MANIFEST, PLANE, CHUNKS = "manifest.json", "plane.npz", "chunks"
FORMAT = "landscape-app-usermodel-work"
#: Fingerprint keys and how a refusal names them.
FINGERPRINT_NAMES = {
    "model_file": "the model file's path",
    "model_file_sha256": "the model file's contents",
    "function": "the model function",
    "parameter_count": "the model's parameter count",
    "weights_sha256": "the model's weights",
    "data_sha256": "the data",
    "loss": "the loss",
    "batches": "--batches",
    "grid": "the grid (--grid)",
    "range": "the range (--range)",
    "directions": "--directions",
    "seed": "the direction seed (--seed)",
    "include_bias": "--include-bias",
    "trajectory_sha256": "the trajectory checkpoints",
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
                                 "landscape-app surface --model-file; choose another --work-dir")
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

    def start(self, manifest: dict, plane: dict[str, np.ndarray], restart: bool) -> None:
        """Create the directory (emptied first with ``restart``) and write manifest and plane."""
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
        with atomic_write(self.path / PLANE, "wb") as handle:
            np.savez(handle, **plane)
        with atomic_write(self.path / MANIFEST) as handle:
            json.dump({"format": FORMAT, **manifest}, handle, indent=1)

    def plane(self) -> dict[str, np.ndarray]:
        with np.load(self.path / PLANE, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}

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
