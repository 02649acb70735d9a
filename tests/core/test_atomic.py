"""Atomic writes: complete or nothing, old files kept on failure, clear errors up front."""

import os

import pytest

from landscape_app.core.atomic import (
    ExportError,
    atomic_directory,
    atomic_path,
    atomic_write,
    check_folder_target,
    check_writable,
)
from landscape_app.core.errors import CancelledError, LandscapeError


def _entries(folder):
    return sorted(p.name for p in folder.iterdir())


def test_atomic_write_creates_the_file(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_write(target, "w") as handle:
        handle.write("hello")
        assert not target.exists()  # nothing visible until the end
    assert target.read_text() == "hello"
    assert _entries(tmp_path) == ["out.txt"]


def test_binary_mode_and_permissions_follow_the_umask(tmp_path):
    target = tmp_path / "out.bin"
    with atomic_write(target, "wb") as handle:
        handle.write(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.parametrize("error", [RuntimeError("encoder broke"), CancelledError("cancelled"),
                                   KeyboardInterrupt()])
def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path, error):
    target = tmp_path / "out.txt"
    target.write_text("old contents")
    with pytest.raises(type(error)), atomic_write(target, "w") as handle:
        handle.write("half written")
        raise error
    assert target.read_text() == "old contents"
    assert _entries(tmp_path) == ["out.txt"]


def test_atomic_path_yields_a_temporary_with_the_same_suffix(tmp_path):
    target = tmp_path / "movie.mp4"
    with atomic_path(target) as temporary:
        assert temporary.parent == tmp_path and temporary.suffix == ".mp4"
        temporary.write_bytes(b"data")
    assert target.read_bytes() == b"data"
    assert _entries(tmp_path) == ["movie.mp4"]


def test_os_errors_become_export_errors(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(ExportError, match="could not write"), atomic_path(target):
        raise OSError(28, "No space left on device")
    assert _entries(tmp_path) == []


def test_missing_folder_is_refused_before_any_work(tmp_path):
    with pytest.raises(ExportError, match="does not exist; create it"):
        check_writable(tmp_path / "nope" / "out.csv")
    with pytest.raises(ExportError, match="does not exist"), atomic_write(tmp_path / "a" / "b"):
        pytest.fail("the body must not run")


def test_a_file_as_folder_and_a_folder_as_file_are_refused(tmp_path):
    (tmp_path / "plain").write_text("x")
    with pytest.raises(ExportError, match="is not a folder"):
        check_writable(tmp_path / "plain" / "out.csv")
    with pytest.raises(ExportError, match="it is a folder"):
        check_writable(tmp_path)


def test_suffix_check(tmp_path):
    assert check_writable(tmp_path / "a.CSV", suffixes=(".csv", ".json")).name == "a.CSV"
    with pytest.raises(ExportError, match=r"must end in \.csv or \.json"):
        check_writable(tmp_path / "a.txt", suffixes=(".csv", ".json"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="not writable"):
            check_writable(folder / "out.gif")
    finally:
        folder.chmod(0o700)


def test_export_error_is_a_landscape_error():
    assert issubclass(ExportError, LandscapeError)


def _is_frame(path):
    return path.name.startswith("frame_")


def test_atomic_directory_replaces_old_frames_only(tmp_path):
    target = tmp_path / "frames"
    target.mkdir()
    (target / "frame_0000.png").write_text("old")
    with atomic_directory(target, _is_frame) as temporary:
        (temporary / "frame_0000.png").write_text("new")
        (temporary / "frame_0001.png").write_text("new")
    assert _entries(target) == ["frame_0000.png", "frame_0001.png"]
    assert (target / "frame_0000.png").read_text() == "new"
    assert _entries(tmp_path) == ["frames"]


def test_atomic_directory_never_deletes_other_files(tmp_path):
    target = tmp_path / "photos"
    target.mkdir()
    (target / "holiday.jpg").write_text("precious")
    with pytest.raises(ExportError, match="holds other files"):
        check_folder_target(target, _is_frame)
    assert (target / "holiday.jpg").read_text() == "precious"


def test_atomic_directory_failure_leaves_nothing(tmp_path):
    target = tmp_path / "frames"
    with pytest.raises(CancelledError), atomic_directory(target, _is_frame) as temporary:
        (temporary / "frame_0000.png").write_text("partial")
        raise CancelledError("stop")
    assert _entries(tmp_path) == []
