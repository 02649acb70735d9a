"""An outcome map as a picture with axes, a title and a legend: PNG (Pillow), vector SVG, and
the frames of a map animation. No Qt, no matplotlib.

The picture is laid out once (:func:`map_drawing`: a list of :class:`Text`, :class:`Line`,
:class:`Box`, :class:`Cells` and :class:`ColorBar`) for a frame size, then painted by either
backend (:func:`paint_png`, :func:`svg_text`), so the PNG, the SVG and every animation frame
share one layout. Fonts scale with the frame height (Pillow's bundled FreeType font), so a map
exported at 1280×720 is as legible from the back of a room as one at 640×360 is on a laptop.
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from landscape_app.core.nice_numbers import linear_ticks, log_ticks, tick_label

COLOR_BY = ("basin", "loss", "steps", "status", "sharpness")
#: Size of a still map picture (``map --png``, the window's map export) in pixels.
STILL_SIZE = (900, 660)
#: viridis at 9 evenly spaced points (interpolated linearly in between).
_VIRIDIS = np.array([
    (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
    (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37)], dtype=float)
#: Basin colours: blue, orange, bluish green, reddish purple, yellow, sky blue, vermillion,
#: brown, grey-blue (Okabe–Ito first): the first four, the usual count, are far apart in hue
#: and lightness for every kind of colour vision (a test measures it), unlike Tableau's orange
#: and red, which looked alike over the heatmap.
_CATEGORIES = np.array([
    (0, 114, 178), (230, 159, 0), (0, 158, 115), (204, 121, 167), (240, 228, 66),
    (86, 180, 233), (213, 94, 0), (140, 86, 75), (120, 140, 170)], dtype=float)
_STATUS_COLORS = np.array([(230, 171, 2), (27, 158, 119), (217, 95, 2), (90, 90, 90)],
                          dtype=float)
_NONE = np.array((200, 200, 200), dtype=float)


def _viridis(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0) * (len(_VIRIDIS) - 1)
    low = np.floor(t).astype(int).clip(0, len(_VIRIDIS) - 2)
    frac = (t - low)[..., None]
    return _VIRIDIS[low] * (1 - frac) + _VIRIDIS[low + 1] * frac


#: Decades a loss colour scale spans at most (below: the darkest colour).
LOSS_DECADES = 12


def log_loss_range(*losses: np.ndarray) -> tuple[float, float]:
    """``(low, high)`` of ``log10`` of the positive finite values of ``losses``, spanning at
    most :data:`LOSS_DECADES` (a loss of exactly 0 would otherwise stretch it to −300);
    ``(0, 1)`` if there are none."""
    logged = [np.log10(a[np.isfinite(a) & (a > 0)]) for a in losses]
    logged = [a for a in logged if a.size]
    if not logged:
        return 0.0, 1.0
    high = float(max(a.max() for a in logged))
    return max(float(min(a.min() for a in logged)), high - LOSS_DECADES), high


def color_loss(loss: np.ndarray, scale: tuple[float, float]) -> np.ndarray:
    """RGB of ``log10 loss`` on viridis between ``scale = (low, high)``; grey if non-finite."""
    finite = np.isfinite(loss)
    logged = np.log10(np.maximum(loss, 1e-300), where=finite, out=np.zeros_like(loss))
    low, high = scale
    return np.where(finite[..., None], _viridis((logged - low) / ((high - low) or 1.0)), _NONE)


def color_sharpness(result) -> tuple[np.ndarray, list[tuple[str, tuple]], tuple]:
    """:func:`colorize`'s answer for λ_max per cell: ``log10 λ_max`` on viridis (over at most
    :data:`LOSS_DECADES` decades); grey where the cell diverged or went non-finite (its
    astronomic curvature would flatten the scale; the status colouring shows those), where
    λ_max ≤ 0 (a maximum), and everywhere when it was not measured."""
    sharpness = result.sharpness
    if sharpness is None:
        sharpness = np.full(result.shape, np.nan)
    lost = [result.status_names.index(name) for name in ("diverged", "non-finite")]
    kept = (sharpness > 0) & ~np.isin(result.status, lost)
    positive = np.where(kept, sharpness, np.nan)
    scale = log_loss_range(positive)
    return (color_loss(positive, scale), [("diverged, not finite or lambda_max <= 0",
                                           tuple(_NONE))], (*scale, "log10 lambda_max"))


def colorize(result, color_by: str) -> tuple[np.ndarray, list[tuple[str, tuple]], tuple | None]:
    """RGB ``(R1, R0, 3)``, categorical legend entries, and a colour bar ``(low, high, label)``."""
    if color_by == "basin":
        basin = result.basin
        rgb = np.where(basin[..., None] >= 0, _CATEGORIES[basin.clip(0) % len(_CATEGORIES)],
                       _NONE)
        legend = [(f"minimum {k}: ({x:.3g}, {y:.3g})", tuple(_CATEGORIES[k % 9]))
                  for k, (x, y) in enumerate(result.minima)]
        return rgb, legend + [("no minimum reached", tuple(_NONE))], None
    if color_by == "status":
        rgb = _STATUS_COLORS[result.status.astype(int)]
        return rgb, [(name, tuple(c)) for name, c in zip(result.status_names, _STATUS_COLORS,
                                                          strict=True)], None
    if color_by == "steps":
        steps = result.steps_to_tolerance.astype(float)
        reached = steps >= 0
        rgb = np.where(reached[..., None], _viridis(steps / max(result.steps, 1)), _NONE)
        return rgb, [("never reached", tuple(_NONE))], (0.0, float(result.steps),
                                                        "steps to tolerance")
    if color_by == "loss":
        scale = log_loss_range(result.loss)
        return (color_loss(result.loss, scale), [("non-finite", tuple(_NONE))],
                (*scale, "log10 final loss"))
    if color_by == "sharpness":
        return color_sharpness(result)
    raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)}")


# -- the drawing: one layout, two painters ---------------------------------------------------
@dataclass(frozen=True)
class Text:
    """``text`` at ``(x, y)``; ``anchor`` as Pillow's: l/m/r then t/m/b (e.g. ``"mt"``);
    ``bold`` is drawn bold in SVG (the PNG's bundled font has one weight: larger instead)."""

    x: float
    y: float
    text: str
    size: int
    anchor: str = "lt"
    bold: bool = False


@dataclass(frozen=True)
class Line:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Box:
    """A rectangle ``(x0, y0)``–``(x1, y1)``, filled with ``fill`` (RGB or None), outlined."""

    x0: float
    y0: float
    x1: float
    y1: float
    fill: tuple | None = None


@dataclass(frozen=True)
class Cells:
    """The map's cells ``rgb`` (``(R1, R0, 3)``, row 0 = lowest axis-1 value) in a square."""

    x: float
    y: float
    side: float
    rgb: np.ndarray


@dataclass(frozen=True)
class ColorBar:
    """A vertical viridis strip, ``high`` at the top."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class MapDrawing:
    width: int
    height: int
    items: tuple
    cells: Cells


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _ticks(values: np.ndarray, log: bool, count: int = 5) -> list[tuple[float, str]]:
    """(fraction along the axis, label) pairs at nice values (0.2, 0.4…; 10⁻⁶, 10⁻⁵…),
    labelled plainly (:mod:`landscape_app.core.nice_numbers`)."""
    low, high = float(values[0]), float(values[-1])
    if high == low:
        return [(0.5, tick_label(low))]
    if log:
        return [(math.log(v / low) / math.log(high / low), tick_label(v))
                for v in log_ticks(low, high, count)]
    picks = linear_ticks(low, high, count)
    step = picks[1] - picks[0] if len(picks) > 1 else None
    return [((v - low) / (high - low), tick_label(v, step)) for v in picks]


def map_drawing(result, rgb: np.ndarray, legend, bar, heading: str,
                size: tuple[int, int] = STILL_SIZE) -> MapDrawing:
    """Lay out the map picture at ``size`` = ``(width, height)`` pixels.

    The map is a square as large as fits beside its legend (right) under the title and the
    y-axis name (top), above the x-axis ticks and name (bottom), right of the y ticks (left).
    """
    width, height = size
    font_px = max(11, round(height / 42))
    pad = font_px // 2
    font = _font(font_px)
    names = [name + (" (log)" if log else "") for name, log in
             zip(result.axis_names, result.axis_log, strict=True)]
    x_ticks, y_ticks = _ticks(result.axis0, result.axis_log[0]), \
        _ticks(result.axis1, result.axis_log[1])
    left = pad + max(font.getlength(label) for _, label in y_ticks) + font_px
    top = 3 * font_px + 2 * pad
    bottom = 3 * font_px + 2 * pad
    swatch = font_px
    labels = [label for label, _ in legend] + ([bar[2], f"{bar[1]:.3g}"] if bar else [])
    right = 2 * pad + swatch + pad + max((font.getlength(t) for t in labels), default=0) + pad
    right = min(right, 0.4 * width)
    side = max(8.0, min(width - left - right, height - top - bottom))
    x0 = left + max(0.0, (width - left - right - side) / 2)
    y0 = top
    x1, y1 = x0 + side, y0 + side
    items: list = [Text(width / 2, pad, heading, round(1.15 * font_px), "mt", bold=True),
                   Text(x0, top - pad, names[1], font_px, "lb")]
    cells = Cells(x0, y0, side, rgb)
    items += [cells, Box(x0, y0, x1, y1)]
    tick = font_px / 2
    for fraction, label in x_ticks:
        x = x0 + fraction * side
        items += [Line(x, y1, x, y1 + tick), Text(x, y1 + tick + 2, label, font_px, "mt")]
    for fraction, label in y_ticks:
        y = y1 - fraction * side
        items += [Line(x0 - tick, y, x0, y), Text(x0 - tick - 2, y, label, font_px, "rm")]
    items.append(Text((x0 + x1) / 2, y1 + tick + 2 + 1.4 * font_px, names[0], font_px, "mt"))
    lx, y = x1 + 2 * pad, y0
    if bar is not None:
        low, high, label = bar
        items.append(Text(lx, y, label, font_px, "lt"))
        y += 1.5 * font_px
        strip = min(side * 0.6, side - (y - y0) - font_px * 2.0 * (len(legend) + 1))
        strip = max(strip, 3 * font_px)
        items += [ColorBar(lx, y, swatch, strip), Box(lx, y, lx + swatch, y + strip),
                  Text(lx + swatch + pad, y, f"{high:.3g}", font_px, "lt"),
                  Text(lx + swatch + pad, y + strip, f"{low:.3g}", font_px, "lb")]
        y += strip + font_px
    for label, color in legend:
        items += [Box(lx, y, lx + swatch, y + swatch, tuple(int(c) for c in color)),
                  Text(lx + swatch + pad, y + swatch / 2, label, font_px, "lm")]
        y += 1.6 * font_px
    return MapDrawing(width, height, tuple(items), cells)


def paint_png(drawing: MapDrawing) -> Image.Image:
    """The drawing as an RGB Pillow image."""
    canvas = Image.new("RGB", (drawing.width, drawing.height), "white")
    draw = ImageDraw.Draw(canvas)
    fonts: dict[int, ImageFont.FreeTypeFont] = {}
    for item in drawing.items:
        if isinstance(item, Cells):
            side = max(1, round(item.side))
            picture = Image.fromarray(np.flipud(item.rgb).astype(np.uint8), "RGB")
            canvas.paste(picture.resize((side, side), Image.NEAREST),
                         (round(item.x), round(item.y)))
        elif isinstance(item, ColorBar):
            rows = max(2, round(item.height))
            strip = _viridis(np.linspace(1, 0, rows))[:, None, :].repeat(round(item.width), 1)
            canvas.paste(Image.fromarray(strip.astype(np.uint8), "RGB"),
                         (round(item.x), round(item.y)))
        elif isinstance(item, Box):
            draw.rectangle((item.x0, item.y0, item.x1, item.y1), fill=item.fill,
                           outline="black")
        elif isinstance(item, Line):
            draw.line((item.x0, item.y0, item.x1, item.y1), fill="black",
                      width=max(1, drawing.height // 500))
        elif isinstance(item, Text):
            font = fonts.setdefault(item.size, _font(item.size))
            draw.text((item.x, item.y), item.text, fill="black", font=font, anchor=item.anchor)
    return canvas


_SVG_ANCHOR = {"l": "start", "m": "middle", "r": "end"}
#: Baseline offsets of Pillow's vertical anchors, in font sizes (``dominant-baseline`` is not
#: understood by every SVG renderer, Qt's included).
_SVG_BASELINE = {"t": 0.8, "m": 0.35, "b": 0.0}


def svg_text(drawing: MapDrawing, title: str) -> str:
    """The drawing as an SVG document: text, ticks, frame, legend and colour bar as vectors;
    the cells as one embedded image drawn with sharp edges (one pixel per cell)."""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{drawing.width}" '
           f'height="{drawing.height}" viewBox="0 0 {drawing.width} {drawing.height}" '
           'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">',
           f"<title>{escape(title)}</title>",
           '<rect width="100%" height="100%" fill="white"/>',
           '<defs><linearGradient id="viridis" x1="0" y1="1" x2="0" y2="0">'
           + "".join(f'<stop offset="{k / (len(_VIRIDIS) - 1):.3f}" '
                     f'stop-color="rgb({r:.0f},{g:.0f},{b:.0f})"/>'
                     for k, (r, g, b) in enumerate(_VIRIDIS))
           + "</linearGradient></defs>"]
    for item in drawing.items:
        if isinstance(item, Cells):
            buffer = io.BytesIO()
            Image.fromarray(np.flipud(item.rgb).astype(np.uint8), "RGB").save(buffer, "PNG")
            data = base64.b64encode(buffer.getvalue()).decode("ascii")
            out.append(f'<image x="{item.x:.2f}" y="{item.y:.2f}" width="{item.side:.2f}" '
                       f'height="{item.side:.2f}" preserveAspectRatio="none" '
                       'style="image-rendering:pixelated" image-rendering="optimizeSpeed" '
                       f'href="data:image/png;base64,{data}"/>')
        elif isinstance(item, ColorBar):
            out.append(f'<rect x="{item.x:.2f}" y="{item.y:.2f}" width="{item.width:.2f}" '
                       f'height="{item.height:.2f}" fill="url(#viridis)"/>')
        elif isinstance(item, Box):
            fill = "none" if item.fill is None else "rgb({},{},{})".format(*item.fill)
            out.append(f'<rect x="{item.x0:.2f}" y="{item.y0:.2f}" '
                       f'width="{item.x1 - item.x0:.2f}" height="{item.y1 - item.y0:.2f}" '
                       f'fill="{fill}" stroke="black"/>')
        elif isinstance(item, Line):
            out.append(f'<line x1="{item.x0:.2f}" y1="{item.y0:.2f}" x2="{item.x1:.2f}" '
                       f'y2="{item.y1:.2f}" stroke="black"/>')
        elif isinstance(item, Text):
            weight = ' font-weight="bold"' if item.bold else ""
            y = item.y + _SVG_BASELINE[item.anchor[1]] * item.size
            out.append(f'<text x="{item.x:.2f}" y="{y:.2f}" font-size="{item.size}" '
                       f'text-anchor="{_SVG_ANCHOR[item.anchor[0]]}"{weight}>'
                       f"{escape(item.text)}</text>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


# -- stills and frames -----------------------------------------------------------------------
def default_heading(result, what: str) -> str:
    settings = result.settings
    return f"{settings.get('optimizer', '')} on {settings.get('target', '')}: {what}"


def still_drawing(result, color_by: str = "basin", title: str | None = None,
                  size: tuple[int, int] = STILL_SIZE) -> MapDrawing:
    """The picture of ``result`` coloured by ``color_by`` (after all its steps)."""
    rgb, legend, bar = colorize(result, color_by)
    heading = title or default_heading(result, f"{color_by}, {result.steps} steps")
    return map_drawing(result, rgb, legend, bar, heading, size)


def loss_drawing(result, index: int, scale: tuple[float, float], size: tuple[int, int],
                 title: str | None = None) -> MapDrawing:
    """The picture of snapshot ``index``: every cell coloured by its loss after that step, on
    the fixed ``scale`` (log10 low, high) shared by all frames of an animation."""
    step = int(result.snapshot_steps[index])
    rgb = color_loss(result.snapshots[index], scale)
    what = f"loss after step {step} of {result.steps}"
    heading = f"{title}: {what}" if title else default_heading(result, what)
    return map_drawing(result, rgb, [("non-finite", tuple(_NONE))], (*scale, "log10 loss"),
                       heading, size)


def loss_frame(result, index: int, scale: tuple[float, float], size: tuple[int, int],
               title: str | None = None) -> np.ndarray:
    """:func:`loss_drawing` as an ``(h, w, 3)`` uint8 frame."""
    return np.asarray(paint_png(loss_drawing(result, index, scale, size, title)))


def render_map_png(result, path, color_by: str = "basin", title: str | None = None,
                   size: tuple[int, int] = STILL_SIZE) -> None:
    """Write ``result`` coloured by ``color_by`` to ``path`` (a path, atomically, or a binary
    file object) as PNG."""
    from landscape_app.core.atomic import atomic_write

    canvas = paint_png(still_drawing(result, color_by, title, size))
    if hasattr(path, "write"):
        canvas.save(path, format="PNG")
        return
    with atomic_write(path, "wb") as handle:
        canvas.save(handle, format="PNG")


def map_svg_text(result, color_by: str = "basin", title: str | None = None,
                 size: tuple[int, int] = STILL_SIZE) -> str:
    """The map picture as a vector SVG document (see :func:`svg_text`)."""
    drawing = still_drawing(result, color_by, title, size)
    return svg_text(drawing, title or default_heading(result, color_by))


def write_map_image(result, path, color_by: str = "basin", title: str | None = None,
                    size: tuple[int, int] = STILL_SIZE) -> None:
    """Write the map picture to ``path`` (``.png`` or ``.svg``) atomically."""
    from pathlib import Path

    from landscape_app.core.atomic import atomic_write, check_writable

    target = check_writable(path, suffixes=(".png", ".svg"))
    if Path(target).suffix.lower() == ".svg":
        with atomic_write(target, "w") as handle:
            handle.write(map_svg_text(result, color_by, title, size))
    else:
        render_map_png(result, target, color_by, title, size)


__all__ = ["COLOR_BY", "LOSS_DECADES", "STILL_SIZE", "color_loss", "colorize",
           "log_loss_range", "loss_drawing", "loss_frame", "map_drawing", "map_svg_text",
           "paint_png", "render_map_png", "still_drawing", "svg_text", "write_map_image"]
