"""The model view's picture as a small PNG (Pillow, no Qt): what the exported page shows beside a
network's plane, drawn as the window's Model view draws it.

- decision regions: each pixel the class colour of its side of p = ½, mixed into the
  background by ``REGION_STRENGTH · |2p − 1|`` (:func:`region_colors`), the data points filled
  with their label's colour;
- a fitted curve: the network's output over x (white) and the data points;
- outputs against targets: every sample's output over its target, each column divided by its
  targets' root mean square, the identity dashed.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw

from landscape_app.core.nn.model_picture import (
    DecisionRegions,
    FittedCurve,
    ModelPicture,
    OutputsVsTargets,
)

#: Class 0 and class 1 (and the two output columns of an outputs plot), as the window's.
CLASS_COLORS = ((79, 157, 222), (245, 158, 11))
#: How strongly the surest pixel takes its class colour (the rest is the background).
REGION_STRENGTH = 0.62
#: The plot background (the window's ``style.PLOT_BACKGROUND``, #15171c) and its muted
#: identity line (``style.MUTED``, #9aa1ae).
BACKGROUND = (0x15, 0x17, 0x1C)
MUTED = (0x9A, 0xA1, 0xAE)
#: Pixels per side of the picture.
SIZE = 160
POINT_RADIUS = 2.5


def region_colors(probability: np.ndarray, background=BACKGROUND) -> np.ndarray:
    """``(h, w, 4)`` uint8 RGBA of a probability image: the class colour of ``p``'s side,
    mixed into ``background`` by ``REGION_STRENGTH · |2p − 1|`` (NaN: background)."""
    back = np.asarray(background, dtype=float)
    p = np.nan_to_num(np.asarray(probability, dtype=float), nan=0.5)
    strength = REGION_STRENGTH * np.abs(2.0 * p - 1.0)[..., None]
    colour = np.where((p >= 0.5)[..., None], np.array(CLASS_COLORS[1], dtype=float),
                      np.array(CLASS_COLORS[0], dtype=float))
    rgb = back * (1.0 - strength) + colour * strength
    alpha = np.full(p.shape + (1,), 255.0)
    return np.concatenate([rgb, alpha], axis=-1).round().astype(np.uint8)


class _Frame:
    """Maps data coordinates ``(x0, x1) × (y0, y1)`` onto the picture (y up)."""

    def __init__(self, xs: tuple[float, float], ys: tuple[float, float], size: int):
        self.xs, self.ys, self.size = xs, ys, size

    def __call__(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        (x0, x1), (y0, y1) = self.xs, self.ys
        u = (np.asarray(x, dtype=float) - x0) / ((x1 - x0) or 1.0) * (self.size - 1)
        v = (y1 - np.asarray(y, dtype=float)) / ((y1 - y0) or 1.0) * (self.size - 1)
        return u, v


def _points(draw: ImageDraw.ImageDraw, us, vs, colors, outline=(255, 255, 255)) -> None:
    r = POINT_RADIUS
    for u, v, color in zip(us, vs, colors, strict=True):
        if np.isfinite(u) and np.isfinite(v):
            draw.ellipse((u - r, v - r, u + r, v + r), fill=tuple(color), outline=outline)


def _padded(values: np.ndarray) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return -1.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    pad = 0.08 * ((high - low) or 1.0)
    return low - pad, high + pad


def model_image(picture: ModelPicture, size: int = SIZE) -> Image.Image:
    """The picture of ``picture`` (see the module), ``size`` pixels a side."""
    if isinstance(picture, DecisionRegions):
        cells = Image.fromarray(region_colors(picture.probability[::-1])[..., :3], "RGB")
        image = cells.resize((size, size), Image.Resampling.BILINEAR)
        draw = ImageDraw.Draw(image)
        frame = _Frame(*picture.box, size)
        us, vs = frame(picture.inputs[:, 0], picture.inputs[:, 1])
        colors = [CLASS_COLORS[int(label) % 2] for label in picture.labels]
        _points(draw, us, vs, colors)
        return image
    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    if isinstance(picture, FittedCurve):
        ys = np.concatenate([picture.fitted, picture.targets])
        frame = _Frame((float(picture.xs[0]), float(picture.xs[-1])), _padded(ys), size)
        _points(draw, *frame(picture.inputs, picture.targets),
                [CLASS_COLORS[0]] * len(picture.inputs), outline=None)
        us, vs = frame(picture.xs, np.clip(picture.fitted, -1e6, 1e6))
        draw.line(list(zip(us.tolist(), vs.tolist(), strict=True)), fill=(255, 255, 255),
                  width=2)
        return image
    assert isinstance(picture, OutputsVsTargets)
    targets, outputs = picture.targets / picture.scales, picture.outputs / picture.scales
    span = _padded(np.concatenate([targets.ravel(), np.clip(outputs.ravel(), -1e6, 1e6)]))
    frame = _Frame(span, span, size)
    us, vs = frame(np.array(span), np.array(span))
    for k in range(0, size, 8):  # the identity, dashed
        draw.line((us[0] + k, vs[0] - k, us[0] + k + 4, vs[0] - k - 4), fill=MUTED)
    for column in range(targets.shape[1]):
        _points(draw, *frame(targets[:, column], np.clip(outputs[:, column], -1e6, 1e6)),
                [CLASS_COLORS[column % 2]] * len(targets), outline=(0, 0, 0))
    return image


def model_png(picture: ModelPicture, size: int = SIZE) -> bytes:
    """:func:`model_image` as PNG bytes (optimized)."""
    buffer = io.BytesIO()
    model_image(picture, size).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
