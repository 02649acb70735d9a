"""An outcome map as a PNG with axes, a title and a legend (Pillow; no Qt, no matplotlib)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

COLOR_BY = ("basin", "loss", "steps", "status")
#: viridis at 9 evenly spaced points (interpolated linearly in between).
_VIRIDIS = np.array([
    (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
    (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37)], dtype=float)
_CATEGORIES = np.array([
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (188, 189, 34), (23, 190, 207)], dtype=float)
_STATUS_COLORS = np.array([(230, 171, 2), (27, 158, 119), (217, 95, 2), (90, 90, 90)],
                          dtype=float)
_NONE = np.array((200, 200, 200), dtype=float)
MAP_PIXELS = 512
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 80, 190, 50, 60


def _viridis(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0) * (len(_VIRIDIS) - 1)
    low = np.floor(t).astype(int).clip(0, len(_VIRIDIS) - 2)
    frac = (t - low)[..., None]
    return _VIRIDIS[low] * (1 - frac) + _VIRIDIS[low + 1] * frac


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
        loss = result.loss
        finite = np.isfinite(loss)
        logged = np.log10(np.maximum(loss, 1e-300), where=finite, out=np.zeros_like(loss))
        low, high = (float(logged[finite].min()), float(logged[finite].max())) \
            if finite.any() else (0.0, 1.0)
        span = (high - low) or 1.0
        rgb = np.where(finite[..., None], _viridis((logged - low) / span), _NONE)
        return rgb, [("non-finite", tuple(_NONE))], (low, high, "log10 final loss")
    raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)}")


def _ticks(values: np.ndarray, log: bool, count: int = 5) -> list[tuple[float, str]]:
    """(fraction along the axis, label) pairs."""
    low, high = float(values[0]), float(values[-1])
    out = []
    for k in range(count):
        f = k / (count - 1)
        v = low * (high / low) ** f if log else low + (high - low) * f
        out.append((f, f"{v:.3g}"))
    return out


def render_map_png(result, path, color_by: str = "basin", title: str | None = None) -> None:
    """Write ``result`` coloured by ``color_by`` to ``path`` atomically."""
    from landscape_app.core.atomic import atomic_write

    rgb, legend, bar = colorize(result, color_by)
    image = Image.fromarray(np.flipud(rgb).astype(np.uint8), "RGB")  # row 0 at the bottom
    image = image.resize((MAP_PIXELS, MAP_PIXELS), Image.NEAREST)
    width = MARGIN_LEFT + MAP_PIXELS + MARGIN_RIGHT
    height = MARGIN_TOP + MAP_PIXELS + MARGIN_BOTTOM
    canvas = Image.new("RGB", (width, height), "white")
    canvas.paste(image, (MARGIN_LEFT, MARGIN_TOP))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default()
    left, top, right, bottom = MARGIN_LEFT, MARGIN_TOP, MARGIN_LEFT + MAP_PIXELS, \
        MARGIN_TOP + MAP_PIXELS
    draw.rectangle((left - 1, top - 1, right, bottom), outline="black")
    for fraction, label in _ticks(result.axis0, result.axis_log[0]):
        x = left + fraction * (MAP_PIXELS - 1)
        draw.line((x, bottom, x, bottom + 5), fill="black")
        draw.text((x, bottom + 8), label, fill="black", font=font, anchor="mt")
    for fraction, label in _ticks(result.axis1, result.axis_log[1]):
        y = bottom - fraction * (MAP_PIXELS - 1)
        draw.line((left - 5, y, left, y), fill="black")
        draw.text((left - 8, y), label, fill="black", font=font, anchor="rm")
    names = result.axis_names
    draw.text(((left + right) / 2, bottom + 30),
              names[0] + (" (log)" if result.axis_log[0] else ""), fill="black", font=font,
              anchor="mt")
    draw.text((8, top - 20), names[1] + (" (log)" if result.axis_log[1] else ""),
              fill="black", font=font)
    heading = title or f"{result.settings.get('optimizer', '')} on " \
        f"{result.settings.get('target', '')}: {color_by}, {result.steps} steps"
    draw.text((width / 2, 16), heading, fill="black", font=font, anchor="mt")
    y = top
    if bar is not None:
        low, high, label = bar
        draw.text((right + 20, y), label, fill="black", font=font)
        y += 16
        strip = _viridis(np.linspace(1, 0, 200))[:, None, :].repeat(20, axis=1)
        canvas.paste(Image.fromarray(strip.astype(np.uint8), "RGB"), (right + 20, y))
        draw.text((right + 46, y), f"{high:.3g}", fill="black", font=font)
        draw.text((right + 46, y + 192), f"{low:.3g}", fill="black", font=font)
        y += 215
    for label, color in legend:
        draw.rectangle((right + 20, y, right + 32, y + 12), fill=tuple(int(c) for c in color),
                       outline="black")
        draw.text((right + 38, y), label, fill="black", font=font)
        y += 18
    if hasattr(path, "write"):
        canvas.save(path, format="PNG")
        return
    with atomic_write(path, "wb") as handle:
        canvas.save(handle, format="PNG")


def map_png_bytes(result, color_by: str = "basin", title: str | None = None) -> bytes:
    """The picture of :func:`render_map_png` as PNG bytes."""
    import io

    buffer = io.BytesIO()
    render_map_png(result, buffer, color_by, title)
    return buffer.getvalue()


def map_svg_text(result, color_by: str = "basin", title: str | None = None) -> str:
    """The map picture as an SVG document: the PNG (cells, axes, legend) embedded as one
    image at its pixel size, with the title as SVG text for search and accessibility."""
    import base64
    from xml.sax.saxutils import escape

    png = map_png_bytes(result, color_by, title)
    width = MARGIN_LEFT + MAP_PIXELS + MARGIN_RIGHT
    height = MARGIN_TOP + MAP_PIXELS + MARGIN_BOTTOM
    heading = escape(title or f"{result.kind} map: {color_by}")
    encoded = base64.b64encode(png).decode("ascii")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">\n<title>{heading}</title>\n'
            f'<image width="{width}" height="{height}" href="data:image/png;base64,{encoded}"/>'
            "\n</svg>\n")


def write_map_image(result, path, color_by: str = "basin", title: str | None = None) -> None:
    """Write the map picture to ``path`` (``.png`` or ``.svg``) atomically."""
    from pathlib import Path

    from landscape_app.core.atomic import atomic_write, check_writable

    target = check_writable(path, suffixes=(".png", ".svg"))
    if Path(target).suffix.lower() == ".svg":
        with atomic_write(target, "w") as handle:
            handle.write(map_svg_text(result, color_by, title))
    else:
        render_map_png(result, target, color_by, title)


__all__ = ["COLOR_BY", "colorize", "map_png_bytes", "map_svg_text", "render_map_png",
           "write_map_image"]
