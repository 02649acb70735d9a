"""The animation formats: one writer per output-name suffix, in one registry.

As matplotlib's ``animation.writers`` registry maps a name to a writer class, :data:`WRITERS`
maps a suffix (``".gif"``, ``".mp4"``; ``""`` for a folder of PNG frames) to an
:class:`AnimationWriter` that carries its description, its fps limit, its options and how it
writes. The export dialog's file filter (:func:`file_filter`) and ``landscape-app export
--help`` (:func:`formats_help`) are generated from it. A new format is one more writer here
(its encoder in :mod:`landscape_app.export.encoders`).

This module imports neither numpy nor an encoder until a writer writes, so that ``--help``
stays instant.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from landscape_app.core.atomic import ExportError, atomic_directory, atomic_path

if TYPE_CHECKING:
    import numpy as np

MP4_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow")
FRAME_NAME = re.compile(r"frame_\d+\.png")


def is_frame_file(path: Path) -> bool:
    """Whether ``path`` is named like a frame of a PNG-frames folder."""
    return FRAME_NAME.fullmatch(path.name) is not None


class AnimationWriter(ABC):
    """One output format.

    ``name`` is the format's short name (``AnimationResult.format``), ``suffix`` the output
    name's suffix that selects it (``""``: a folder), ``description`` its name in file
    dialogs, ``details`` what ``--help`` adds, ``max_fps`` the highest frame rate it takes.
    """

    name: ClassVar[str]
    suffix: ClassVar[str]
    description: ClassVar[str]
    details: ClassVar[str]
    max_fps: ClassVar[float]

    def check_options(self, crf: int, preset: str) -> None:  # noqa: B027 - most take none
        """Refuse options this format takes and cannot use (before any frame is drawn)."""

    @abstractmethod
    def write(self, target: Path, frames: Iterable[np.ndarray], fps: float, total: int | None,
              crf: int, preset: str) -> int:
        """Write ``frames`` to ``target`` atomically; the bytes written."""


class FileWriter(AnimationWriter):
    """A format written as one file: encoded to a temporary file moved into place."""

    def write(self, target, frames, fps, total, crf, preset) -> int:
        with atomic_path(target) as temporary:
            self.encode(temporary, frames, fps, crf, preset)
        return target.stat().st_size

    @abstractmethod
    def encode(self, temporary: Path, frames: Iterable[np.ndarray], fps: float, crf: int,
               preset: str) -> None:
        """Encode ``frames`` into the file ``temporary``."""


class GifWriter(FileWriter):
    name = "gif"
    suffix = ".gif"
    description = "GIF animation"
    details = "loops forever (Pillow)"
    max_fps = 50.0  # browsers slow faster GIFs down

    def encode(self, temporary, frames, fps, crf, preset) -> None:
        from landscape_app.export.encoders import encode_gif

        encode_gif(temporary, frames, fps)


class Mp4Writer(FileWriter):
    name = "mp4"
    suffix = ".mp4"
    description = "MP4 video"
    details = "H.264 (imageio-ffmpeg's own ffmpeg; no system one needed)"
    max_fps = 120.0

    def check_options(self, crf: int, preset: str) -> None:
        if isinstance(crf, bool) or not isinstance(crf, int) or not 0 <= crf <= 51:
            raise ExportError(f"MP4 quality crf={crf!r}: expected a whole number in [0, 51]")
        if preset not in MP4_PRESETS:
            raise ExportError(f"MP4 preset {preset!r}: expected one of {', '.join(MP4_PRESETS)}")

    def encode(self, temporary, frames, fps, crf, preset) -> None:
        from landscape_app.export.encoders import encode_mp4

        encode_mp4(temporary, frames, fps, crf, preset)


class PngFramesWriter(AnimationWriter):
    name = "png"
    suffix = ""
    description = "Folder of PNG frames"
    details = "frame_0000.png, frame_0001.png, ... (Pillow)"
    max_fps = 120.0

    def write(self, target, frames, fps, total, crf, preset) -> int:
        from landscape_app.export.encoders import write_png_frames

        digits = max(4, len(str(max(total or 0, 1) - 1)))
        with atomic_directory(target, is_frame_file) as temporary:
            write_png_frames(temporary, frames, digits)
        return sum(p.stat().st_size for p in target.iterdir())


#: Every animation writer by the output-name suffix that selects it.
WRITERS: dict[str, AnimationWriter] = {
    writer.suffix: writer for writer in (GifWriter(), Mp4Writer(), PngFramesWriter())
}


def writer_for(path: str | Path) -> AnimationWriter:
    """The writer the output name asks for: by its suffix; no suffix, or a folder, is PNG frames.

    Raises
    ------
    ExportError
        For a suffix no writer has, naming those that have one.
    """
    target = Path(path)
    suffix = "" if target.is_dir() else target.suffix.lower()
    if suffix not in WRITERS:
        files = " or ".join(s for s in WRITERS if s)
        raise ExportError(f"cannot export an animation to {target}: use a {files} file name, "
                          "or a folder name without extension for PNG frames")
    return WRITERS[suffix]


def file_filter() -> str:
    """The file dialog's filter: ``GIF animation (*.gif);;...;;Folder of PNG frames (*)``."""
    return ";;".join(f"{w.description} (*{w.suffix})" for w in WRITERS.values())


def output_names(stem: str = "demo") -> str:
    """``demo.gif, demo.mp4, or a folder name``: the names that choose a format."""
    return ", ".join(f"{stem}{suffix}" for suffix in WRITERS if suffix) + ", or a folder name"


def formats_help() -> str:
    """One line per format for ``--help``: the output name, then what it writes."""
    lines = []
    for writer in WRITERS.values():
        pattern = f"NAME{writer.suffix}" if writer.suffix else "NAME (no extension)"
        lines.append(f"  {pattern:<20} {writer.description}: {writer.details}")
    return "\n".join(lines)
