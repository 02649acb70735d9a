"""What the app's NPZ kinds share: a key's declaration, the atomic writer, the loader.

A kind is one :class:`NpzKind`: its name (stored in the file's ``format`` array), its version
(stored in ``version``), what a file of it is called in messages, and its arrays (name →
:class:`Key`). :meth:`NpzKind.save` refuses arrays the kind does not declare, or a missing
required one, so a writer cannot drift from the declaration; :func:`load` reads every array
without pickles and tells a file's kind and version (a file without them, written before they
were stored, is version 1); :meth:`NpzKind.accept` takes the kind's arrays from it.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from landscape_app.core.atomic import atomic_write, check_writable
from landscape_app.core.errors import LandscapeError

#: The keys every file gains beside its kind's own: its kind's name and its version.
FORMAT_KEY, VERSION_KEY = "format", "version"
#: The version of a file that stores none (written before files were versioned).
UNVERSIONED = 1


@dataclass(frozen=True)
class Key:
    """One array of an NPZ kind: what it means, its dtype and shape (in words), and
    whether every file of the kind holds it."""

    meaning: str
    dtype: str
    shape: str
    required: bool = True


@dataclass(frozen=True)
class Loaded:
    """Every array of an NPZ file, with its kind's name (None when it stores none) and
    version."""

    path: Path
    format: str | None
    version: int
    arrays: Mapping[str, np.ndarray]


@dataclass(frozen=True)
class NpzKind:
    """One NPZ kind: ``format``, the name its files store; ``version``, the newest this app
    writes and reads; ``noun``, what one of its files is called in messages ("a grid");
    ``keys``, its arrays."""

    format: str
    version: int
    noun: str
    keys: Mapping[str, Key]

    def save(self, path: str | os.PathLike, arrays: Mapping[str, object]) -> Path:
        """Write ``arrays`` compressed to ``path`` (atomically) with the kind's ``format``
        and ``version``.

        Raises
        ------
        ValueError
            ``arrays`` hold a key the kind does not declare, or lack a required one (a
            programming error, not bad input).
        ExportError
            ``path`` cannot be written or does not end in ``.npz``.
        """
        unknown = sorted(set(arrays) - set(self.keys))
        missing = sorted(k for k, key in self.keys.items() if key.required and k not in arrays)
        if unknown or missing:
            raise ValueError(f"{self.format} arrays do not match its keys: unknown {unknown}, "
                             f"missing {missing}")
        target = check_writable(path, suffixes=(".npz",))
        with atomic_write(target, "wb") as handle:
            np.savez_compressed(handle, **{FORMAT_KEY: np.array(self.format),
                                           VERSION_KEY: np.array(self.version)}, **arrays)
        return target

    def accept(self, loaded: Loaded) -> dict[str, np.ndarray]:
        """The kind's arrays in ``loaded``, a file of this kind (or of none: written before
        kinds were named); another kind's file, or one newer than :attr:`version`, is refused
        with a :class:`LandscapeError` of one line."""
        if loaded.format not in (None, self.format):
            raise LandscapeError(f"{loaded.path}: a {loaded.format} file, not {self.noun}")
        if loaded.version > self.version or loaded.version < UNVERSIONED:
            raise LandscapeError(f"{loaded.path}: a {self.format} file of version "
                                 f"{loaded.version}; this app reads versions {UNVERSIONED} to "
                                 f"{self.version} (update landscape-app to open it)")
        return {key: value for key, value in loaded.arrays.items() if key in self.keys}


def load(path: str | os.PathLike) -> Loaded:
    """Every array of the NPZ at ``path`` (no pickles), its kind and version.

    Raises
    ------
    LandscapeError
        A missing or unreadable file, one that is not an NPZ, or a malformed version.
    """
    path = Path(path).expanduser()
    try:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, EOFError, TypeError, zipfile.BadZipFile) as error:
        raise LandscapeError(f"{path}: not a readable NPZ file ({error})") from None
    fmt = arrays.pop(FORMAT_KEY, None)
    version = arrays.pop(VERSION_KEY, None)
    try:
        number = UNVERSIONED if version is None else int(version)
    except (TypeError, ValueError):
        raise LandscapeError(f"{path}: its version is not a whole number") from None
    return Loaded(path, None if fmt is None else str(fmt), number, arrays)


def metadata_of(arrays: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """The ``metadata`` JSON object of an NPZ's arrays ({} when absent or not an object)."""
    try:
        info = json.loads(str(arrays["metadata"])) if "metadata" in arrays else {}
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}
