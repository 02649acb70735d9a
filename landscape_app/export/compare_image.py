"""A comparison of optimizers as a picture (Pillow): success against setting, and the tuning
curves, one line per optimizer in the lanes' colours. No Qt, no matplotlib.

Left: each optimizer's success rate at each setting of its (first) sweep — the best over a
second sweep's values at each — on a log axis where the sweep is logarithmic; optimizers that
sweep different hyperparameters share the axis as the fraction of their own range. Right: the
tuning curves, the expected best success rate after k settings drawn at random.
"""

from __future__ import annotations

import math
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from landscape_app.core.nice_numbers import linear_ticks, log_ticks, tick_label

#: Size of the picture in pixels.
SIZE = (1200, 560)


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def success_by_first_value(result, index: int) -> tuple[np.ndarray, np.ndarray]:
    """Optimizer ``index``'s distinct first-sweep values and, at each, its best success rate
    over the second sweep's values (its success rate with one sweep)."""
    first = result.settings[index, :, 0]
    values = np.unique(first)
    success = np.array([result.success[index][first == v].max() for v in values])
    return values, success


def _sweep_log(result, index: int) -> bool:
    return bool(result.metadata["sweeps"][index][0].split(":")[2] == "log")


def _setting_axis(result) -> tuple[str, bool, float, float] | None:
    """The shared x-axis ``(name, log, low, high)`` when every optimizer sweeps the same
    hyperparameter on the same scale; None: each is drawn over the fraction of its range."""
    names = {names[0] for names in result.sweep_names}
    logs = {_sweep_log(result, o) for o in range(len(result.optimizers))}
    if len(names) != 1 or len(logs) != 1:
        return None
    first = result.settings[:, :, 0]
    return names.pop(), logs.pop(), float(first.min()), float(first.max())


class _Panel:
    """A plot area ``(x0, y0)–(x1, y1)`` mapping data to pixels (x linear or log, y 0…1)."""

    def __init__(self, box, low: float, high: float, log: bool):
        self.x0, self.y0, self.x1, self.y1 = box
        self.low, self.high, self.log = low, high, log

    def fraction(self, value: float) -> float:
        if self.high == self.low:
            return 0.5
        if self.log:
            return math.log(value / self.low) / math.log(self.high / self.low)
        return (value - self.low) / (self.high - self.low)

    def point(self, value: float, rate: float) -> tuple[float, float]:
        return (self.x0 + self.fraction(value) * (self.x1 - self.x0),
                self.y1 - rate * (self.y1 - self.y0))

    def ticks(self) -> list[tuple[float, str]]:
        if self.high == self.low:
            return [(self.low, tick_label(self.low))]
        if self.log:
            return [(v, tick_label(v)) for v in log_ticks(self.low, self.high, 6)]
        picks = linear_ticks(self.low, self.high, 5)
        step = picks[1] - picks[0] if len(picks) > 1 else None
        return [(v, tick_label(v, step)) for v in picks]


def _frame(draw, panel: _Panel, font, size: int, x_name: str, title: str) -> None:
    draw.rectangle((panel.x0, panel.y0, panel.x1, panel.y1), outline="black")
    tick = size // 2
    for value, label in panel.ticks():
        x = panel.point(value, 0)[0]
        draw.line((x, panel.y1, x, panel.y1 + tick), fill="black")
        draw.text((x, panel.y1 + tick + 2), label, fill="black", font=font, anchor="mt")
    for rate in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = panel.point(panel.low, rate)[1]
        draw.line((panel.x0 - tick, y, panel.x0, y), fill="black")
        draw.line((panel.x0, y, panel.x1, y), fill=(225, 225, 225))
        draw.text((panel.x0 - tick - 2, y), f"{rate:g}", fill="black", font=font, anchor="rm")
    draw.text(((panel.x0 + panel.x1) / 2, panel.y1 + tick + 2 + 1.4 * size), x_name,
              fill="black", font=font, anchor="mt")
    draw.text((panel.x0, panel.y0 - size // 2), title, fill="black", font=font, anchor="lb")


def _polyline(draw, points, color, width: int) -> None:
    if len(points) > 1:
        draw.line(points, fill=color, width=width, joint="curve")
    radius = width + 1
    for x, y in points:
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=color,
                     outline="black")


def compare_image(result, colors, size: tuple[int, int] = SIZE) -> Image.Image:
    """The picture of ``result`` with optimizer ``o`` in ``colors[o % len(colors)]``."""
    width, height = size
    px = max(12, round(height / 40))
    font, bold = _font(px), _font(round(1.2 * px))
    canvas = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(canvas)
    meta = result.metadata
    draw.text((width / 2, px // 2), f"{meta['target']}: {result.final_loss.shape[2]} starts x "
              f"{result.success.shape[1]} settings x {meta['steps']} steps, success: loss <= "
              f"{result.goal:.4g}", fill="black", font=bold, anchor="mt")
    legend_height = 2 * px
    top, bottom = 4 * px, height - 4 * px - legend_height
    half = width / 2
    left = _Panel((5 * px, top, half - 2 * px, bottom), 0, 1, False)
    axis = _setting_axis(result)
    if axis is not None:
        name, log, low, high = axis
        left = _Panel((left.x0, top, left.x1, bottom), low, high, log)
        x_name = name + (" (log)" if log else "")
    else:
        x_name = "setting (fraction of each optimizer's sweep)"
    _frame(draw, left, font, px, x_name, "success rate")
    count = result.tuning_curve.shape[1]
    right = _Panel((half + 4 * px, top, width - 2 * px, bottom), 1, max(count, 2), False)
    _frame(draw, right, font, px, "settings tried at random (k)", "expected best success rate")
    line = max(2, height // 250)
    for o in range(len(result.optimizers)):
        color = colors[o % len(colors)]
        values, success = success_by_first_value(result, o)
        if axis is None:  # each over its own range: the fraction along it
            own = _Panel((left.x0, top, left.x1, bottom), float(values[0]), float(values[-1]),
                         _sweep_log(result, o))
            points = [(own.point(float(v), float(s))) for v, s in zip(values, success,
                                                                      strict=True)]
        else:
            points = [left.point(float(v), float(s)) for v, s in zip(values, success,
                                                                    strict=True)]
        _polyline(draw, points, color, line)
        curve = result.tuning_curve[o]
        _polyline(draw, [right.point(k + 1, float(v)) for k, v in enumerate(curve)], color, line)
    x, y = 5 * px, height - legend_height
    for o, name in enumerate(result.optimizers):
        color = colors[o % len(colors)]
        draw.rectangle((x, y, x + px, y + px), fill=color, outline="black")
        label = f"{name} (best {result.success[o].max():.2f})"
        draw.text((x + 1.4 * px, y + px / 2), label, fill="black", font=font, anchor="lm")
        x += 1.4 * px + font.getlength(label) + 2 * px
    return canvas


def render_compare_png(result, path: str | os.PathLike, colors) -> None:
    """Write :func:`compare_image` to ``path`` (PNG), atomically."""
    from landscape_app.core.atomic import atomic_write

    with atomic_write(path, "wb") as handle:
        compare_image(result, colors).save(handle, format="PNG")
