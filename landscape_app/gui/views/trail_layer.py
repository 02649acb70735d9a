"""Drawing growing paths at the cost of their new points only.

A race's paths only ever grow (the worker appends rows), so a frame need not redo what the
previous one did:

* :class:`PreparedPaths` clips and thins only the points added since the last call (thinning
  against the last kept point) and says how many leading points of each path are unchanged;
* :class:`TrailLayer` keeps the paths already stroked in a transparent image the size of the
  view, in device pixels. A frame strokes the new part of each path onto it (in chunks of
  :data:`COMMIT_POINTS` points, the last few points being stroked live so that the
  antialiased joints between chunks stay rare) and copies the exposed part of the image.
  A change of the view (pan, zoom, resize), of the colours or of the race draws it again.

Both fall back to the plain behaviour when told nothing is stable (``key`` None, or a
painter that is not a raster one, e.g. an SVG export): everything is prepared and drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPaintEngine, QPainter, QPen, QTransform

#: Points stroked onto the layer at once (fewer: they are stroked live, every frame).
COMMIT_POINTS = 6


class _Growing:
    """One lane's prepared points in an array that doubles when full."""

    def __init__(self):
        self.points = np.empty((64, 2))
        self.count = 0
        self.source = 0

    def extend(self, points: np.ndarray) -> None:
        needed = self.count + len(points)
        if needed > len(self.points):
            grown = np.empty((max(needed, 2 * len(self.points)), 2))
            grown[: self.count] = self.points[: self.count]
            self.points = grown
        self.points[self.count:needed] = points
        self.count = needed

    @property
    def view(self) -> np.ndarray:
        return self.points[: self.count]


class PreparedPaths:
    """Each lane's path after ``prepare`` (clip and thin), extended by the new points only."""

    def __init__(self):
        self._key = None
        self._lanes: list[_Growing] = []

    def update(self, paths: Sequence[np.ndarray], shown: Sequence[bool], key,
               prepare: Callable[[np.ndarray], np.ndarray]
               ) -> tuple[list[np.ndarray | None], list[int]]:
        """``(prepared, stable)``: each shown lane's prepared path (None when hidden or
        empty) and how many of its leading points are as in the previous call.

        While ``key`` is the same (not None) every path must extend the previous call's, and
        ``prepare`` must do the same thing. ``prepare`` maps an ``(n, 2)`` array to the
        points to draw; it must keep the first and the last point (each extension is
        prepared with the previous last point in front).
        """
        if key is None or key != self._key:
            self._lanes = []
        self._key = key
        while len(self._lanes) < len(paths):
            self._lanes.append(_Growing())
        prepared, stable = [], []
        for index, (path, show) in enumerate(zip(paths, shown, strict=False)):
            path = np.asarray(path, dtype=float).reshape(-1, 2)
            if len(path) < self._lanes[index].source:  # not an extension after all: again
                self._lanes[index] = _Growing()
            lane = self._lanes[index]
            stable.append(lane.count)
            if show and len(path) > lane.source:
                seed = lane.view[-1:]
                lane.extend(prepare(np.concatenate([seed, path[lane.source:]]))[len(seed):])
                lane.source = len(path)
            prepared.append(lane.view if show and lane.count else None)
        return prepared, stable


def device_points(transform: QTransform, points: np.ndarray) -> np.ndarray:
    """``points`` ``(n, 2)`` mapped by an affine ``transform`` (no perspective)."""
    x, y = points[:, 0], points[:, 1]
    return np.column_stack([transform.m11() * x + transform.m21() * y + transform.m31(),
                            transform.m12() * x + transform.m22() * y + transform.m32()])


def stroke(painter: QPainter, pen: QPen | Sequence[QPen], points: np.ndarray) -> None:
    """Stroke the polyline through ``points`` (device pixels; NaN rows break it) with ``pen``,
    or with each of several pens in turn (a halo, then the line on it)."""
    if len(points) >= 2:
        path = pg.arrayToQPath(points[:, 0], points[:, 1], connect="finite")
        for each in (pen,) if isinstance(pen, QPen) else pen:
            painter.setPen(each)
            painter.drawPath(path)


class TrailLayer:
    """The committed part of every lane's path, stroked once into a device-pixel image."""

    def __init__(self):
        self._image: QImage | None = None
        self._key = None
        self.committed: list[int] = []

    def reset(self) -> None:
        """Stroke everything again at the next :meth:`paint`."""
        self._image = None

    @staticmethod
    def usable(painter: QPainter) -> bool:
        """Whether ``painter`` paints pixels (a widget or an image), not vectors."""
        engine = painter.paintEngine()
        return engine is not None and engine.type() == QPaintEngine.Type.Raster

    def paint(self, painter: QPainter, paths: Sequence[np.ndarray | None],
              pens: Sequence[QPen | Sequence[QPen]], exposed: QRectF) -> None:
        """Draw ``paths`` (item coordinates) with ``painter``, whose transform maps them to
        the device; ``exposed`` is the part of the item to draw. ``pens[i]`` strokes path
        ``i``: one pen, or several stroked in turn (see :func:`stroke`)."""
        transform = painter.transform()
        self._sync(painter, transform, len(paths))
        lanes = list(zip(paths, pens, strict=False))
        layer = QPainter(self._image)
        layer.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        live = []
        for lane, (path, pen) in enumerate(lanes):
            if path is None:
                continue
            start = max(self.committed[lane] - 1, 0)
            if len(path) - start > COMMIT_POINTS:
                stroke(layer, pen, device_points(transform, path[start:]))
                self.committed[lane] = len(path)
            elif len(path) - start >= 2:
                live.append((pen, path[start:]))
        layer.end()
        painter.resetTransform()
        dpr = self._image.devicePixelRatio()
        bounds = QRectF(0, 0, self._image.width() / dpr, self._image.height() / dpr)
        target = transform.mapRect(exposed).adjusted(-2, -2, 2, 2).intersected(bounds)
        target = QRectF(target.toAlignedRect()).intersected(bounds)
        if not target.isEmpty():
            source = QRectF(target.x() * dpr, target.y() * dpr, target.width() * dpr,
                            target.height() * dpr)
            painter.drawImage(target, self._image, source)
        for pen, points in live:
            stroke(painter, pen, device_points(transform, points))
        painter.setTransform(transform)

    def _sync(self, painter: QPainter, transform: QTransform, lanes: int) -> None:
        """A fresh, empty image when the device, its size or the view transform changed."""
        device = painter.device()
        dpr = device.devicePixelRatioF()
        key = (device.width(), device.height(), dpr, transform)
        if self._image is not None and key == self._key and len(self.committed) == lanes:
            return
        self._key = key
        width, height = math.ceil(device.width() * dpr), math.ceil(device.height() * dpr)
        self._image = QImage(max(width, 1), max(height, 1),
                             QImage.Format.Format_ARGB32_Premultiplied)
        self._image.setDevicePixelRatio(dpr)
        self._image.fill(Qt.GlobalColor.transparent)
        self.committed = [0] * lanes


def data_rect(points: np.ndarray) -> QRectF | None:
    """The bounding rectangle of the finite ``points``, or None."""
    finite = points[np.isfinite(points).all(axis=1)]
    if not len(finite):
        return None
    low, high = finite.min(axis=0), finite.max(axis=0)
    return QRectF(QPointF(low[0], low[1]), QPointF(high[0], high[1]))
