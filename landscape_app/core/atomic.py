"""Atomic file writing: a file (or a folder) appears complete or not at all.

Everything is first written to a temporary name in the target's own folder (so the final
``os.replace`` is a rename within one file system, atomic on POSIX and Windows), flushed and
fsync'ed, then renamed over the target. Any exception on the way (an encoder failure, a full
disk, :class:`~landscape_app.core.errors.CancelledError`, even ``KeyboardInterrupt``) deletes
the temporary and leaves an existing target untouched::

    check_writable("out/race.csv", suffixes=(".csv", ".json"))   # before any work starts
    with atomic_write("out/race.csv", "w") as handle:
        handle.write(text)

:func:`atomic_path` gives a temporary *path* instead of an open file, for writers that open
the file themselves (ffmpeg); :func:`atomic_directory` does the same for a folder of files,
checked beforehand with :func:`check_folder_target`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

from landscape_app.core.errors import LandscapeError

_DEFAULT_FILE_MODE = 0o666


class ExportError(LandscapeError):
    """A file cannot be written: missing or read-only folder, wrong extension, failed encoder."""


def check_writable(path: str | os.PathLike, suffixes: Sequence[str] | None = None) -> Path:
    """Check that ``path`` can be created or replaced, before any work starts.

    The folder must exist and accept a new file (tested for real by creating and removing a
    probe file, so read-only mounts and permissions are both caught), and ``path`` must not be
    an existing folder. With ``suffixes``, the file name must end in one of them.

    Returns
    -------
    Path
        ``path`` with ``~`` expanded.

    Raises
    ------
    ExportError
        Naming the path, what is wrong and what to do.
    """
    target = Path(path).expanduser()
    if suffixes is not None and target.suffix.lower() not in {s.lower() for s in suffixes}:
        raise ExportError(
            f"cannot write {target}: the file name must end in {' or '.join(suffixes)}"
        )
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a folder; give a file name")
    _check_folder(target.parent, target)
    return target


def _check_folder(folder: Path, target: Path) -> None:
    """Raise :class:`ExportError` unless a new file can be created in ``folder``."""
    shown = folder if str(folder) else Path(".")
    if not folder.exists():
        raise ExportError(
            f"cannot write {target}: the folder {shown} does not exist; "
            "create it or choose another location"
        )
    if not folder.is_dir():
        raise ExportError(f"cannot write {target}: {shown} is not a folder")
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".landscape-write-check-")
    except OSError as error:
        raise ExportError(
            f"cannot write {target}: the folder {shown} is not writable "
            f"({error.strerror or error}); choose another location"
        ) from None
    os.close(handle)
    os.unlink(probe)


def _temporary_name(target: Path, suffix: str = ".tmp") -> tuple[int, Path]:
    """Create an empty hidden temporary file beside ``target`` (same folder, same suffix)."""
    try:
        handle, name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=suffix + target.suffix
        )
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from None
    return handle, Path(name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _final_mode(target: Path) -> int:
    """The permissions the finished file gets: the old file's, else 0666 minus the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return _DEFAULT_FILE_MODE & ~_umask()


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        _fsync_path(folder)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is fsync'ed and renamed to ``path``.

    For writers that open the file themselves. The temporary keeps ``path``'s suffix, so tools
    that choose a format from the name (ffmpeg) see the right one. On any exception the
    temporary is deleted and the exception propagates (``OSError`` as :class:`ExportError`).
    """
    target = check_writable(path)
    handle, temporary = _temporary_name(target)
    os.close(handle)
    try:
        yield temporary
        os.chmod(temporary, _final_mode(target))
        _fsync_path(temporary)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError):
            raise ExportError(f"could not write {target}: {error.strerror or error}") from error
        raise
    _fsync_folder(target.parent)


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8",
    newline: str | None = None,
) -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; rename it to ``path`` on success.

    Parameters
    ----------
    path : path-like
        The final file.
    mode : {"w", "wb"}
        Text or binary.
    encoding, newline :
        As for :func:`open` (text mode only).
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write mode must be 'w' or 'wb', not {mode!r}")
    text_options = {"encoding": encoding, "newline": newline} if mode == "w" else {}
    with atomic_path(path) as temporary, open(temporary, mode, **text_options) as handle:
        yield handle


def _only_frames(folder: Path, is_frame: Callable[[Path], bool]) -> bool:
    return all(child.is_file() and is_frame(child) for child in folder.iterdir())


def check_folder_target(path: str | os.PathLike, is_replaceable: Callable[[Path], bool]) -> Path:
    """Check that a folder of files can be written at ``path``, before any work starts.

    ``path`` must not be a file; an existing folder there must hold only entries that pass
    ``is_replaceable`` (files of an earlier export), so a user's other files are never
    deleted; its parent must exist and be writable.

    Raises
    ------
    ExportError
        Naming the path, what is wrong and what to do.
    """
    target = Path(path).expanduser()
    if target.exists() and not target.is_dir():
        raise ExportError(f"cannot write frames to {target}: a file of that name exists")
    if target.is_dir() and not _only_frames(target, is_replaceable):
        raise ExportError(
            f"cannot write frames to {target}: the folder holds other files; "
            "choose a new or empty folder"
        )
    _check_folder(target.parent, target)
    return target


@contextlib.contextmanager
def atomic_directory(
    path: str | os.PathLike, is_replaceable: Callable[[Path], bool],
) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; on success it is renamed to ``path``.

    ``path`` is checked first with :func:`check_folder_target`. An existing folder of old
    frames there is replaced in two renames. On any exception the temporary folder and its
    contents are deleted and an existing folder is left as it was.
    """
    target = check_folder_target(path, is_replaceable)
    temporary = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.",
                                      suffix=".tmp"))
    try:
        yield temporary
        os.chmod(temporary, 0o777 & ~_umask())
        _swap_in(temporary, target)
    except BaseException as error:
        shutil.rmtree(temporary, ignore_errors=True)
        if isinstance(error, OSError):
            raise ExportError(f"could not write {target}: {error.strerror or error}") from error
        raise
    _fsync_folder(target.parent)


def _swap_in(temporary: Path, target: Path) -> None:
    """Rename ``temporary`` to ``target``, replacing an existing folder of old frames."""
    if not target.exists():
        os.replace(temporary, target)
        return
    retired = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
    os.rmdir(retired)
    os.replace(target, retired)
    try:
        os.replace(temporary, target)
    except BaseException:
        os.replace(retired, target)
        raise
    shutil.rmtree(retired, ignore_errors=True)
