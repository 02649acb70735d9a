"""GIF, MP4 and PNG-frame export from synthetic moving frames: decoded back and checked."""

import re
import subprocess

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from landscape_app.core.atomic import ExportError
from landscape_app.core.errors import CancelledError
from landscape_app.export.animation import (
    animation_format,
    check_animation_target,
    write_animation,
)

WIDTH, HEIGHT, COUNT = 64, 48, 12


def moving_frames(count=COUNT, width=WIDTH, height=HEIGHT):
    """A gradient background with a white square moving left to right and an orange line."""
    ramp = np.linspace(0, 255, width, dtype=np.uint8)
    for index in range(count):
        frame = np.zeros((height, width, 3), dtype=np.uint8)
        frame[..., 0] = ramp
        frame[..., 2] = 255 - ramp
        left = 2 + index * (width - 12) // max(count - 1, 1)
        frame[height // 2 - 4:height // 2 + 4, left:left + 8] = 255
        frame[2:4, :index * width // count + 1] = (230, 159, 0)
        yield frame


def decode_gif(path):
    frames, durations = [], []
    with Image.open(path) as image:
        for index in range(image.n_frames):
            image.seek(index)
            frames.append(np.asarray(image.convert("RGB")))
            durations.append(image.info["duration"])
    return frames, durations, image.size


def decode_mp4(path):
    """Frames and stream facts, decoded by the bundled ffmpeg (imageio_ffmpeg.read_frames
    leaves its pipes open, which warnings-as-errors turns into a failure)."""
    done = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path),
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    )
    stream = re.search(r"Video: (\w+).*?, (\d+)x(\d+)[ ,].*?([\d.]+) fps",
                       done.stderr.decode())
    codec, width, height, fps = stream.group(1), int(stream.group(2)), int(stream.group(3)), \
        float(stream.group(4))
    raw = np.frombuffer(done.stdout, dtype=np.uint8).reshape(-1, height, width, 3)
    return list(raw), {"codec": codec, "size": (width, height), "fps": fps}


def assert_moving(frames):
    differences = [np.abs(a.astype(int) - b.astype(int)).mean()
                   for a, b in zip(frames, frames[1:], strict=False)]
    assert min(differences) > 0.5, differences


def test_gif_decodes_with_count_size_timing_and_motion(tmp_path):
    path = tmp_path / "demo.gif"
    reported = []
    result = write_animation(path, moving_frames(), fps=30, total=COUNT,
                             progress=lambda stage, fraction: reported.append((stage, fraction)))
    frames, durations, size = decode_gif(path)
    assert (result.format, result.frames, result.width, result.height) == ("gif", COUNT, 64, 48)
    assert len(frames) == COUNT and size == (WIDTH, HEIGHT)
    assert sum(durations) == pytest.approx(1000 * COUNT / 30, abs=10)
    assert all(d in (30, 40) for d in durations)
    assert_moving(frames)
    assert reported == [("frames", i / COUNT) for i in range(1, COUNT + 1)]  # core.progress
    with Image.open(path) as image:
        assert image.info.get("loop") == 0  # loops forever
    first = next(moving_frames())
    assert np.abs(frames[0].astype(int) - first.astype(int)).mean() < 4  # palette is faithful
    assert tuple(frames[-1][3, 10]) == (230, 159, 0)  # thin lines keep their exact colour


def test_mp4_decodes_with_count_size_and_motion(tmp_path):
    path = tmp_path / "demo.mp4"
    result = write_animation(path, moving_frames(), fps=24)
    frames, meta = decode_mp4(path)
    assert meta["size"] == (WIDTH, HEIGHT) and meta["fps"] == pytest.approx(24)
    assert meta["codec"].startswith("h264")
    assert len(frames) == COUNT == result.frames
    assert_moving(frames)
    reference = next(moving_frames())
    assert np.abs(frames[0].astype(int) - reference.astype(int)).mean() < 6


def test_without_a_total_progress_is_told_once_at_the_end_under_the_stage_asked(tmp_path):
    reported = []
    write_animation(tmp_path / "a.gif", moving_frames(), fps=10, stage="map frames",
                    progress=lambda stage, fraction: reported.append((stage, fraction)))
    assert reported == [("map frames", 1.0)]


def test_mp4_pads_odd_sizes_to_even(tmp_path):
    path = tmp_path / "odd.mp4"
    write_animation(path, moving_frames(width=63, height=47), fps=10)
    frames, meta = decode_mp4(path)
    assert meta["size"] == (64, 48) and len(frames) == COUNT


def test_png_frames_folder(tmp_path):
    folder = tmp_path / "frames"
    result = write_animation(folder, moving_frames(), fps=10, total=COUNT)
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"frame_{i:04d}.png" for i in range(COUNT)]
    with Image.open(folder / "frame_0005.png") as image:
        decoded = np.asarray(image)
    assert np.array_equal(decoded, list(moving_frames())[5])
    assert result.format == "png" and result.bytes > 0


@pytest.mark.parametrize("name", ["demo.gif", "demo.mp4", "frames"])
def test_cancel_after_three_frames_leaves_nothing(tmp_path, name):
    written = []
    with pytest.raises(CancelledError):
        write_animation(tmp_path / name, moving_frames(), fps=10, total=COUNT,
                        progress=lambda _stage, fraction: written.append(round(fraction * COUNT)),
                        cancelled=lambda: len(written) >= 3)
    assert written == [1, 2, 3]
    assert list(tmp_path.iterdir()) == []


def test_cancel_keeps_an_existing_file(tmp_path):
    path = tmp_path / "demo.gif"
    path.write_bytes(b"old gif")
    with pytest.raises(CancelledError):
        write_animation(path, moving_frames(), cancelled=lambda: True)
    assert path.read_bytes() == b"old gif"
    assert [p.name for p in tmp_path.iterdir()] == ["demo.gif"]


def test_unwritable_path_is_refused_before_any_frame(tmp_path):
    pulled = []

    def frames():
        for frame in moving_frames():
            pulled.append(1)
            yield frame

    for name in ["missing/demo.mp4", "missing/demo.gif", "missing/frames"]:
        with pytest.raises(ExportError, match="does not exist"):
            write_animation(tmp_path / name, frames())
    assert pulled == []


@pytest.mark.parametrize(("name", "fps", "fragment"), [
    ("demo.avi", 30, "use a .gif or .mp4"),
    ("demo.png", 30, "folder name without extension"),
    ("demo.gif", 60, "out of range for GIF"),
    ("demo.mp4", 0, "out of range for MP4"),
    ("demo.mp4", float("nan"), "out of range"),
])
def test_bad_names_and_fps_are_refused(tmp_path, name, fps, fragment):
    with pytest.raises(ExportError, match=fragment):
        check_animation_target(tmp_path / name, fps)


def test_format_follows_the_name(tmp_path):
    assert animation_format("a.GIF") == "gif"
    assert animation_format("a.mp4") == "mp4"
    assert animation_format(tmp_path / "frames") == "png"
    assert animation_format(tmp_path) == "png"


@pytest.mark.parametrize(("frames", "fragment"), [
    ([], "no frames"),
    ([np.zeros((8, 8, 3), dtype=np.float32)], "uint8"),
    ([np.zeros((8, 8), dtype=np.uint8)], "uint8 RGB"),
    ([np.zeros((8, 8, 3), dtype=np.uint8), np.zeros((8, 9, 3), dtype=np.uint8)],
     "earlier frames are 8×8"),
])
@pytest.mark.parametrize("name", ["demo.gif", "demo.mp4", "frames"])
def test_bad_frames_leave_nothing(tmp_path, frames, fragment, name):
    with pytest.raises(ExportError, match=fragment):
        write_animation(tmp_path / name, iter(frames))
    assert list(tmp_path.iterdir()) == []


def test_rgba_frames_are_accepted(tmp_path):
    frames = (np.dstack([f, np.full(f.shape[:2], 255, np.uint8)]) for f in moving_frames())
    result = write_animation(tmp_path / "a.gif", frames, fps=10)
    assert result.frames == COUNT


def test_bad_mp4_options(tmp_path):
    with pytest.raises(ExportError, match="crf"):
        write_animation(tmp_path / "a.mp4", moving_frames(), crf=60)
    with pytest.raises(ExportError, match="preset"):
        write_animation(tmp_path / "a.mp4", moving_frames(), preset="warp")


def test_the_dialog_filter_and_the_help_are_made_from_the_writers():
    from landscape_app.cli.export_cmd import EPILOG
    from landscape_app.export.writers import WRITERS, file_filter

    assert file_filter() == "GIF animation (*.gif);;MP4 video (*.mp4);;Folder of PNG frames (*)"
    assert set(WRITERS) == {".gif", ".mp4", ""}
    for suffix, writer in WRITERS.items():
        assert f"NAME{suffix or ' (no extension)'}" in EPILOG and writer.description in EPILOG
        assert animation_format(f"demo{suffix}") == writer.name
