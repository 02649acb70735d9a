"""Animations from numpy frames: GIF (Pillow), MP4 (H.264, imageio-ffmpeg) and PNG frames.

The format follows the output name (one writer per suffix, in
:data:`landscape_app.export.writers.WRITERS`):

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
(the app's one signature, ``progress(stage, fraction)``: :mod:`landscape_app.core.progress`)
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
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from landscape_app.core.atomic import ExportError, check_folder_target, check_writable
from landscape_app.core.errors import CancelledError
from landscape_app.core.progress import CancelPoll, StageProgress
from landscape_app.export.writers import AnimationWriter, is_frame_file, writer_for


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
    return writer_for(path).name


def check_animation_target(path: str | os.PathLike, fps: float) -> str:
    """Validate the output name, fps and writability before any frame is rendered.

    Returns the format; raises :class:`ExportError` naming the problem.
    """
    return _checked_writer(path, fps).name


def _checked_writer(path: str | os.PathLike, fps: float) -> AnimationWriter:
    writer = writer_for(path)
    limit = writer.max_fps
    if isinstance(fps, bool) or not isinstance(fps, int | float) or not 0 < fps <= limit:
        raise ExportError(f"fps {fps!r} is out of range for {writer.name.upper()}: "
                          f"allowed (0, {limit:g}]")
    if writer.suffix:
        check_writable(path)
    else:
        check_folder_target(path, is_frame_file)
    return writer


def frame_steps(frames: int, steps: int, first: int = 0) -> list[int]:
    """The step each of ``frames`` frames shows over steps ``first … steps``:
    ``round(first + i·(steps − first)/(frames − 1))`` (the first frame step ``first``, the last
    step ``steps``; a single frame shows step ``steps``)."""
    if frames < 1:
        raise ExportError(f"an animation needs at least 1 frame, got {frames}")
    if frames == 1:
        return [steps]
    return [round(first + i * (steps - first) / (frames - 1)) for i in range(frames)]


def count_frames(frames: int | None, duration: float | None, fps: float, steps: int) -> int:
    """How many frames are asked for over ``steps`` steps: ``frames``, else
    ``round(duration·fps)``, else one per step (``steps + 1``)."""
    if frames is not None:
        return frames
    if duration is not None:
        return max(1, round(duration * fps))
    return steps + 1


def write_animation(
    path: str | os.PathLike,
    frames: Iterable[np.ndarray],
    fps: float = 30.0,
    *,
    total: int | None = None,
    progress: StageProgress | None = None,
    cancelled: CancelPoll | None = None,
    crf: int = 20,
    preset: str = "veryfast",
    stage: str = "frames",
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
        ``progress(stage, written / total)`` after each frame; without ``total`` the
        fraction is unknown, so it is told only once, with 1.0, after the last frame.
    cancelled : callable, optional
        Polled before each frame; when it returns True the export stops, the partial output
        is deleted and :class:`CancelledError` is raised.
    crf, preset :
        MP4 quality (0–51, lower is better) and libx264 speed preset.
    stage : str
        The stage ``progress`` is told (``frames``; a map's export says ``map frames``).

    Raises
    ------
    ExportError
        Bad name, fps, size or frames; unwritable location; encoder failure.
    CancelledError
        When ``cancelled()`` returned True.
    """
    writer = _checked_writer(path, fps)
    writer.check_options(crf, preset)
    started = time.perf_counter()
    stream = _FrameStream(frames, total, progress, cancelled, stage)
    target = Path(path).expanduser()
    size = writer.write(target, stream, fps, total, crf, preset)
    if progress is not None and total is None:
        progress(stage, 1.0)
    return AnimationResult(target, writer.name, stream.count, stream.width, stream.height,
                           float(fps), size, time.perf_counter() - started)


class _FrameStream:
    """Validates frames one by one, polls cancellation, reports progress, counts."""

    def __init__(self, frames: Iterable[np.ndarray], total: int | None,
                 progress: StageProgress | None, cancelled: CancelPoll | None, stage: str):
        self._frames = iter(frames)
        self.total = total
        self._progress = progress if total else None  # a fraction needs the total
        self._stage = stage
        self._fraction_of = total or 1
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
                self._progress(self._stage, min(1.0, self.count / self._fraction_of))
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
