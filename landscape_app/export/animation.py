"""Animations from numpy frames: GIF (Pillow), MP4 (H.264, imageio-ffmpeg) and PNG frames.

The format follows the output name:

=====================  =============================================================
``demo.gif``           animated GIF, loops forever (Pillow)
``demo.mp4``           H.264 video, yuv420p (ffmpeg binary bundled with imageio-ffmpeg)
``demo_frames`` (no    a folder of ``frame_0000.png``, ``frame_0001.png``... (Pillow);
extension)             an existing folder is replaced only if it holds nothing but frames
=====================  =============================================================

Frames are ``(height, width, 3)`` (or ``4``, alpha dropped) ``uint8`` RGB arrays, all the same
size, given as any iterable, so a renderer can produce them one at a time while the encoder
consumes them (memory stays flat for MP4 and PNG; the GIF writer keeps the paletted frames,
one byte per pixel). ``cancelled`` is polled before each frame is pulled and ``progress``
called after each is written; cancelling raises
:class:`~landscape_app.core.errors.CancelledError`. Output is atomic: a failed or cancelled
export leaves nothing behind and an existing file untouched.

GIF: one 256-colour palette for the whole animation, from Pillow's fast octree quantizer on
the first frame (unlike median cut it keeps thin trajectory lines in their exact colours; the
first frame already shows the landscape, every lane's colour and the text); later frames are
mapped onto it. A shared palette keeps unchanged pixels unchanged, which halves the file
against a palette per frame. No dithering (its noise would defeat that compression).
GIF delays are in hundredths of a second, so each frame's delay is chosen to keep the
cumulative time exact (30 fps → 30, 40, 30 ms...); fps is limited to 50 because browsers slow
faster GIFs down.
Identical consecutive frames are merged into one longer frame by Pillow.

MP4: libx264 with ``-crf`` (0 lossless … 51 worst; 18–23 look clean for plots), a speed
``preset``, yuv420p for players (QuickTime, PowerPoint, browsers) and ``+faststart``. yuv420p
needs even sides: an odd width or height is padded by one repeated edge pixel.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from landscape_app.core.atomic import (
    ExportError,
    atomic_directory,
    atomic_path,
    check_folder_target,
    check_writable,
)
from landscape_app.core.errors import CancelledError

GIF_MAX_FPS = 50.0
MP4_MAX_FPS = 120.0
MP4_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow")
FRAME_NAME = re.compile(r"frame_\d+\.png")

#: ``progress(frames_written, total_or_None)``.
ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True)
class AnimationResult:
    """What was written: path, format, frame count and size, fps, bytes, seconds taken."""

    path: Path
    format: str
    frames: int
    width: int
    height: int
    fps: float
    bytes: int
    seconds: float


def animation_format(path: str | os.PathLike) -> str:
    """``"gif"``, ``"mp4"`` or ``"png"`` (a folder of frames), from the output name."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix in (".gif", ".mp4"):
        return suffix[1:]
    if suffix == "" or target.is_dir():
        return "png"
    raise ExportError(
        f"cannot export an animation to {target}: use a .gif or .mp4 file name, "
        "or a folder name without extension for PNG frames"
    )


def check_animation_target(path: str | os.PathLike, fps: float) -> str:
    """Validate the output name, fps and writability before any frame is rendered.

    Returns the format; raises :class:`ExportError` naming the problem.
    """
    kind = animation_format(path)
    limit = GIF_MAX_FPS if kind == "gif" else MP4_MAX_FPS
    if isinstance(fps, bool) or not isinstance(fps, int | float) or not 0 < fps <= limit:
        raise ExportError(f"fps {fps!r} is out of range for {kind.upper()}: allowed (0, {limit:g}]")
    if kind == "png":
        check_folder_target(path, _is_frame_file)
    else:
        check_writable(path)
    return kind


def _is_frame_file(path: Path) -> bool:
    return FRAME_NAME.fullmatch(path.name) is not None


def write_animation(
    path: str | os.PathLike,
    frames: Iterable[np.ndarray],
    fps: float = 30.0,
    *,
    total: int | None = None,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
    crf: int = 20,
    preset: str = "veryfast",
) -> AnimationResult:
    """Encode ``frames`` to ``path`` in the format its name asks for.

    Parameters
    ----------
    path : path-like
        ``*.gif``, ``*.mp4``, or a folder name (no extension) for PNG frames.
    frames : iterable of ndarray
        ``(h, w, 3|4)`` uint8 frames, all the same size.
    fps : float
        Frames per second (GIF at most 50, MP4 at most 120).
    total : int, optional
        The number of frames, when known: passed to ``progress`` and used to size PNG names.
    progress : callable, optional
        ``progress(done, total)`` after each frame.
    cancelled : callable, optional
        Polled before each frame; when it returns True the export stops, the partial output
        is deleted and :class:`CancelledError` is raised.
    crf, preset :
        MP4 quality (0–51, lower is better) and libx264 speed preset.

    Raises
    ------
    ExportError
        Bad name, fps, size or frames; unwritable location; encoder failure.
    CancelledError
        When ``cancelled()`` returned True.
    """
    kind = check_animation_target(path, fps)
    if kind == "mp4":
        _check_mp4_options(crf, preset)
    started = time.perf_counter()
    stream = _FrameStream(frames, total, progress, cancelled)
    target = Path(path).expanduser()
    if kind == "gif":
        with atomic_path(target) as temporary:
            _encode_gif(temporary, stream, fps)
        size = target.stat().st_size
    elif kind == "mp4":
        with atomic_path(target) as temporary:
            _encode_mp4(temporary, stream, fps, crf, preset)
        size = target.stat().st_size
    else:
        digits = max(4, len(str(max(total or 0, 1) - 1)))
        with atomic_directory(target, _is_frame_file) as temporary:
            _write_png_frames(temporary, stream, digits)
        size = sum(p.stat().st_size for p in target.iterdir())
    return AnimationResult(target, kind, stream.count, stream.width, stream.height, float(fps),
                           size, time.perf_counter() - started)


def _check_mp4_options(crf: int, preset: str) -> None:
    if isinstance(crf, bool) or not isinstance(crf, int) or not 0 <= crf <= 51:
        raise ExportError(f"MP4 quality crf={crf!r}: expected a whole number in [0, 51]")
    if preset not in MP4_PRESETS:
        raise ExportError(f"MP4 preset {preset!r}: expected one of {', '.join(MP4_PRESETS)}")


class _FrameStream:
    """Validates frames one by one, polls cancellation, reports progress, counts."""

    def __init__(self, frames: Iterable[np.ndarray], total: int | None,
                 progress: ProgressCallback | None, cancelled: Callable[[], bool] | None):
        self._frames = iter(frames)
        self.total = total
        self._progress = progress
        self._cancelled = cancelled
        self.count = 0
        self.width = 0
        self.height = 0

    def __iter__(self) -> Iterator[np.ndarray]:
        while True:
            if self._cancelled is not None and self._cancelled():
                raise CancelledError(f"export cancelled after {self.count} frames")
            frame = next(self._frames, None)
            if frame is None:
                break
            yield self._checked(frame)
            self.count += 1
            if self._progress is not None:
                self._progress(self.count, self.total)
        if self.count == 0:
            raise ExportError("nothing to export: no frames were produced")

    def _checked(self, frame: np.ndarray) -> np.ndarray:
        array = np.asarray(frame)
        if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] not in (3, 4):
            raise ExportError(
                f"frame {self.count}: expected a (height, width, 3) uint8 RGB image, "
                f"got shape {array.shape} of {array.dtype}"
            )
        height, width = array.shape[:2]
        if self.count == 0:
            if height < 2 or width < 2:
                raise ExportError(f"frames of {width}×{height} pixels are too small to export")
            self.width, self.height = width, height
        elif (width, height) != (self.width, self.height):
            raise ExportError(
                f"frame {self.count} is {width}×{height}; earlier frames are "
                f"{self.width}×{self.height}"
            )
        return np.ascontiguousarray(array[..., :3])


def _gif_delays_ms(index: int, fps: float) -> int:
    """Delay of frame ``index`` in ms, a whole number of centiseconds, exact on average."""
    def centiseconds(i: int) -> int:
        return round(100 * i / fps)

    return 10 * (centiseconds(index + 1) - centiseconds(index))


def _encode_gif(temporary: Path, stream: _FrameStream, fps: float) -> None:
    from PIL import Image

    frames = iter(stream)
    first = Image.fromarray(next(frames)).quantize(
        256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    first.info["duration"] = _gif_delays_ms(0, fps)

    def paletted(rgb: np.ndarray, index: int) -> Image.Image:
        image = Image.fromarray(rgb).quantize(palette=first, dither=Image.Dither.NONE)
        image.info["duration"] = _gif_delays_ms(index, fps)
        return image

    rest = (paletted(rgb, index) for index, rgb in enumerate(frames, start=1))
    first.save(temporary, format="GIF", save_all=True, append_images=rest, loop=0,
               optimize=False)


def _pad_even(rgb: np.ndarray) -> np.ndarray:
    """Repeat the last row/column when a side is odd (yuv420p needs even sides)."""
    pad_rows, pad_cols = rgb.shape[0] % 2, rgb.shape[1] % 2
    if not pad_rows and not pad_cols:
        return rgb
    return np.pad(rgb, ((0, pad_rows), (0, pad_cols), (0, 0)), mode="edge")


def _encode_mp4(temporary: Path, stream: _FrameStream, fps: float, crf: int,
                preset: str) -> None:
    import imageio_ffmpeg

    frames = iter(stream)
    first = _pad_even(next(frames))
    height, width = first.shape[:2]
    writer = imageio_ffmpeg.write_frames(
        str(temporary), (width, height), pix_fmt_in="rgb24", pix_fmt_out="yuv420p",
        fps=fps, quality=None, codec="libx264", macro_block_size=1, ffmpeg_log_level="error",
        output_params=["-crf", str(crf), "-preset", preset, "-movflags", "+faststart"],
    )
    writer.send(None)
    try:
        for rgb in _chain_first(first, frames):
            try:
                writer.send(rgb)
            except OSError:
                raise ExportError(
                    f"the MP4 encoder (ffmpeg) stopped after {stream.count} frames; "
                    "is the disk full?"
                ) from None
    finally:
        writer.close()
    if temporary.stat().st_size == 0:
        raise ExportError("the MP4 encoder (ffmpeg) produced no output")


def _chain_first(first: np.ndarray, rest: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    yield first
    for rgb in rest:
        yield _pad_even(rgb)


def _write_png_frames(folder: Path, stream: _FrameStream, digits: int) -> None:
    from PIL import Image

    for index, rgb in enumerate(stream):
        Image.fromarray(rgb).save(folder / f"frame_{index:0{digits}d}.png", compress_level=3)
