"""The encoders behind the animation writers (:mod:`landscape_app.export.writers`).

Each takes an iterable of checked ``(height, width, 3)`` uint8 frames and writes a temporary
path that the writer then moves into place; the GIF, MP4 and PNG details are described in
:mod:`landscape_app.export.animation`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from landscape_app.core.atomic import ExportError


def _gif_delays_ms(index: int, fps: float) -> int:
    """Delay of frame ``index`` in ms, a whole number of centiseconds, exact on average."""
    def centiseconds(i: int) -> int:
        return round(100 * i / fps)

    return 10 * (centiseconds(index + 1) - centiseconds(index))


def encode_gif(temporary: Path, stream: Iterable[np.ndarray], fps: float) -> None:
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


def encode_mp4(temporary: Path, stream: Iterable[np.ndarray], fps: float, crf: int,
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
    sent = 0
    try:
        for rgb in _chain_first(first, frames):
            try:
                writer.send(rgb)
            except OSError:
                raise ExportError(
                    f"the MP4 encoder (ffmpeg) stopped after {sent} frames; is the disk full?"
                ) from None
            sent += 1
    finally:
        writer.close()
    if temporary.stat().st_size == 0:
        raise ExportError("the MP4 encoder (ffmpeg) produced no output")


def _chain_first(first: np.ndarray, rest: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    yield first
    for rgb in rest:
        yield _pad_even(rgb)


def write_png_frames(folder: Path, stream: Iterable[np.ndarray], digits: int) -> None:
    from PIL import Image

    for index, rgb in enumerate(stream):
        Image.fromarray(rgb).save(folder / f"frame_{index:0{digits}d}.png", compress_level=3)
