"""Optimizer internals drawn over the 2D landscape: arrows, swarms, populations, proposals.

For each lane, :class:`InternalsOverlay` keeps one set of pyqtgraph items and updates them with
``setData`` from the lane's :class:`~landscape_app.core.optim.optimizer_base.Internals` (only the
first two coordinates are drawn); what a lane's optimizer does not report is hidden.

- gradient: an arrow from ``x`` along ``−∇f(x)``, of fixed length on screen
  (:data:`GRADIENT_PIXELS`): its direction is the news, its magnitude would not fit the view.
- velocity: an arrow from ``x`` along the last displacement ``v = x_t − x_{t−1}``, as long as
  ``v`` on screen but kept within :data:`VELOCITY_PIXELS` so it is neither lost nor huge.
- PSO: the particles, and a star at ``x`` (the swarm's best).
- CMA-ES: the generation's samples, the mean, and the 1σ and 2σ contours of N(m, C), i.e. the
  points ``p`` with ``(p − m)ᵀ C⁻¹ (p − m) = k²``, drawn as ``m + k·V·diag(√λ)·(cos t, sin t)``
  from the eigen-decomposition ``C = V diag(λ) Vᵀ``.
- simulated annealing: the candidate (filled if accepted, hollow if rejected), a dashed line to
  it, and the temperature as a label by the lane head.
- Lookahead: the slow weights (anchor) as a small square joined to the fast point ``x``.

Arrow lengths are in screen pixels, so the overlay lays its arrows out again whenever the view
is panned, zoomed or resized.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from landscape_app.core.optim.optimizer_base import Internals

#: Length of the gradient arrow on screen, in pixels.
GRADIENT_PIXELS = 56.0
#: Shortest and longest velocity arrow on screen, in pixels.
VELOCITY_PIXELS = (14.0, 110.0)
#: Radii of the covariance contours, in standard deviations.
ELLIPSE_SIGMAS = (1.0, 2.0)
#: Points per covariance contour.
ELLIPSE_POINTS = 72
#: Length of an arrow head on screen, in pixels.
HEAD_PIXELS = 11.0
#: Stacking above the heatmap (-20) and contours (-10): distributions under the trails (10),
#: arrows and markers above them, under the lane heads (16); the temperature label on top.
Z_DISTRIBUTION, Z_MARKERS, Z_LABEL = 8.0, 12.0, 18.0
#: Outline that keeps markers readable on any colour map.
OUTLINE = (15, 17, 22, 220)


def covariance_ellipse(mean: np.ndarray, covariance: np.ndarray, sigmas: float) -> np.ndarray:
    """The closed contour ``(p − m)ᵀ C⁻¹ (p − m) = sigmas²`` of a 2D Gaussian, ``(n, 2)``.

    Negative eigenvalues (round-off in a nearly singular ``C``) are read as zero, which
    flattens the ellipse onto a segment rather than failing.
    """
    symmetric = 0.5 * (covariance + covariance.T)
    eigenvalues, eigenvectors = np.linalg.eigh(symmetric)
    angles = np.linspace(0.0, 2.0 * np.pi, ELLIPSE_POINTS)
    circle = np.stack([np.cos(angles), np.sin(angles)])
    axes = eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))
    return mean + sigmas * (axes @ circle).T


def _plane(array: np.ndarray | None) -> np.ndarray | None:
    """The first two coordinates of a point as a ``(1, 2)`` row, or ``None`` when absent or
    not finite."""
    if array is None:
        return None
    point = np.asarray(array, dtype=float).reshape(-1)
    if point.size < 2 or not np.all(np.isfinite(point[:2])):
        return None
    return point[None, :2]


def _plane_points(array: np.ndarray | None) -> np.ndarray | None:
    """The finite rows of a point set, first two coordinates, or ``None`` when none."""
    if array is None:
        return None
    points = np.asarray(array, dtype=float)
    if points.ndim != 2 or points.shape[1] < 2:
        return None
    points = points[np.all(np.isfinite(points[:, :2]), axis=1), :2]
    return points if len(points) else None


def _segment(start: np.ndarray | None, end: np.ndarray | None) -> np.ndarray | None:
    """The two-point line from ``start`` to ``end`` (``(1, 2)`` rows), ``None`` if one is."""
    return None if start is None or end is None else np.vstack([start, end])


def _ellipse(mean: np.ndarray | None, covariance, sigmas: float) -> np.ndarray | None:
    """The ``sigmas`` contour of N(mean, covariance[:2, :2]), ``None`` when unusable."""
    if mean is None or covariance is None or np.ndim(covariance) != 2:
        return None
    block = np.asarray(covariance, dtype=float)[:2, :2]
    if block.shape != (2, 2) or not np.all(np.isfinite(block)):
        return None
    return covariance_ellipse(mean[0], block, sigmas)


class Arrow:
    """A shaft (``PlotCurveItem``, in data coordinates) and a head (``ArrowItem``, in pixels)."""

    def __init__(self, dashed: bool, filled: bool):
        self.dashed, self.filled = dashed, filled
        self.shaft = pg.PlotCurveItem()
        self.head = pg.ArrowItem(headLen=HEAD_PIXELS, tipAngle=40, tailLen=None)

    def set_color(self, color: QColor) -> None:
        style = Qt.PenStyle.DashLine if self.dashed else Qt.PenStyle.SolidLine
        self.shaft.setPen(pg.mkPen(color, width=2.2, style=style))
        self.head.setStyle(pen=pg.mkPen(color, width=1.6),
                           brush=pg.mkBrush(color if self.filled else None))

    def place(self, start: np.ndarray, vector: np.ndarray, angle: float, pixels: float) -> None:
        """Draw from ``start`` to ``start + vector`` (``pixels`` long on screen, pointing at
        screen ``angle`` in degrees, y down)."""
        base = start + vector * max(1.0 - HEAD_PIXELS / pixels, 0.0)
        self.shaft.setData([start[0], base[0]], [start[1], base[1]])
        self.head.setStyle(angle=angle + 180.0)  # an ArrowItem at angle 0 points left
        self.head.setPos(*(start + vector))

    def setVisible(self, visible: bool) -> None:
        """Show or hide shaft and head (named like the Qt method of the parts)."""
        self.shaft.setVisible(visible)
        self.head.setVisible(visible)

    def setZValue(self, z: float) -> None:
        """Stack shaft and head at ``z``."""
        self.shaft.setZValue(z)
        self.head.setZValue(z)


class LaneItems:
    """Every item one lane may show, built once; ``present`` names those its optimizer has."""

    def __init__(self, plot_item: pg.PlotItem):
        self.color: QColor | None = None
        self.gradient = Arrow(dashed=False, filled=True)
        self.velocity = Arrow(dashed=True, filled=False)
        self.temperature = pg.TextItem(anchor=(-0.12, 1.3), fill=pg.mkBrush(OUTLINE))
        self.pieces: dict[str, pg.GraphicsObject | Arrow] = {
            "gradient": self.gradient,
            "velocity": self.velocity,
            "particles": pg.ScatterPlotItem(size=7),
            "swarm_best": pg.ScatterPlotItem(symbol="star", size=17),
            "population": pg.ScatterPlotItem(size=8),
            "mean": pg.ScatterPlotItem(symbol="+", size=15),
            "ellipse_1": pg.PlotCurveItem(),
            "ellipse_2": pg.PlotCurveItem(),
            "candidate": pg.ScatterPlotItem(size=11),
            "candidate_link": pg.PlotCurveItem(),
            "temperature": self.temperature,
            "anchor": pg.ScatterPlotItem(symbol="s", size=9),
            "anchor_link": pg.PlotCurveItem(),
        }
        self.present: set[str] = set()
        layers = {**dict.fromkeys(("particles", "population", "ellipse_1", "ellipse_2"),
                                  Z_DISTRIBUTION), "temperature": Z_LABEL}
        for name, piece in self.pieces.items():
            piece.setZValue(layers.get(name, Z_MARKERS))
            for item in (piece.shaft, piece.head) if isinstance(piece, Arrow) else (piece,):
                plot_item.addItem(item, ignoreBounds=True)
        self.apply_visibility(True)

    def __getitem__(self, name: str) -> pg.GraphicsObject | Arrow:
        """The piece called ``name`` (see :attr:`pieces`)."""
        return self.pieces[name]

    def set_color(self, color: str) -> None:
        """Restyle every item in the lane's ``color`` (only when it changed)."""
        qcolor = pg.mkColor(color)
        if qcolor == self.color:
            return
        self.color = qcolor
        faint = pg.mkColor(qcolor)
        faint.setAlpha(140)
        outline = pg.mkPen(OUTLINE, width=1.2)
        dashed, dotted = Qt.PenStyle.DashLine, Qt.PenStyle.DotLine
        self.gradient.set_color(qcolor)
        self.velocity.set_color(qcolor)
        self.temperature.setColor(qcolor)
        for name, pen, brush in (("particles", pg.mkPen(OUTLINE, width=0.8), faint),
                                 ("swarm_best", outline, qcolor),
                                 ("population", pg.mkPen(qcolor, width=1.2), faint),
                                 ("mean", outline, qcolor), ("anchor", outline, qcolor)):
            self.pieces[name].setPen(pen)
            self.pieces[name].setBrush(pg.mkBrush(brush))
        self.pieces["candidate"].setPen(pg.mkPen(qcolor, width=2.0))
        for name, pen in (("ellipse_1", pg.mkPen(qcolor, width=2.0)),
                          ("ellipse_2", pg.mkPen(qcolor, width=1.2, style=dashed)),
                          ("candidate_link", pg.mkPen(faint, width=1.2, style=dashed)),
                          ("anchor_link", pg.mkPen(qcolor, width=1.5, style=dotted))):
            self.pieces[name].setPen(pen)

    def points(self, name: str, points: np.ndarray | None, **style) -> None:
        """Scatter ``points`` ``(n, 2)`` in the piece ``name``; absent when ``None``."""
        self.mark(name, points is not None)
        if points is not None:
            self.pieces[name].setData(pos=points, **style)

    def line(self, name: str, points: np.ndarray | None) -> None:
        """Draw the polyline ``points`` ``(n, 2)`` in the piece ``name``; absent when ``None``."""
        self.mark(name, points is not None)
        if points is not None:
            self.pieces[name].setData(points[:, 0], points[:, 1])

    def mark(self, name: str, present: bool) -> None:
        """Record whether the piece ``name`` is present for this lane."""
        if present:
            self.present.add(name)
        else:
            self.present.discard(name)

    def forget(self) -> None:
        """Nothing is present any more."""
        self.present.clear()

    def apply_visibility(self, overlay_visible: bool) -> None:
        """Show the present pieces when the overlay is visible; hide everything else."""
        for name, piece in self.pieces.items():
            piece.setVisible(overlay_visible and name in self.present)


class InternalsOverlay:
    """Draws each lane's optimizer internals on a 2D ``PlotItem``.

    Parameters
    ----------
    plot_item : pg.PlotItem
        The plot of the 2D landscape. Items are added with ``ignoreBounds`` so they never move
        the auto-range.
    """

    def __init__(self, plot_item: pg.PlotItem):
        self.plot_item = plot_item
        self.view_box = plot_item.getViewBox()
        self.visible = True
        self._lanes: dict[int, LaneItems] = {}
        self._latest: dict[int, tuple[Internals, np.ndarray | None]] = {}
        self.view_box.sigTransformChanged.connect(self._relayout)

    def lane_items(self, lane: int) -> LaneItems:
        """The items of ``lane`` (created on first use)."""
        if lane not in self._lanes:
            self._lanes[lane] = LaneItems(self.plot_item)
        return self._lanes[lane]

    def update(self, lane: int, internals: Internals, x: np.ndarray, color: str) -> None:
        """Show ``internals`` of the lane whose current position is ``x``, in ``color``."""
        items = self.lane_items(lane)
        items.set_color(color)
        here = _plane(x)
        self._latest[lane] = (internals, here)
        self._draw_arrows(items, internals, here)
        particles = _plane_points(internals.particles)
        items.points("particles", particles)
        items.points("swarm_best", None if particles is None else here)
        items.points("population", _plane_points(internals.population))
        mean = _plane(internals.mean)
        items.points("mean", mean)
        for index, sigmas in enumerate(ELLIPSE_SIGMAS):
            items.line(f"ellipse_{index + 1}", _ellipse(mean, internals.covariance, sigmas))
        candidate = _plane(internals.candidate)
        items.points("candidate", candidate,
                     brush=pg.mkBrush(items.color if internals.accepted else None))
        items.line("candidate_link", _segment(here, candidate))
        anchor = _plane(internals.anchor)
        items.points("anchor", anchor)
        items.line("anchor_link", _segment(anchor, here))
        temperature = internals.temperature
        shown = here is not None and temperature is not None and bool(np.isfinite(temperature))
        items.mark("temperature", shown)
        if shown:
            items.temperature.setText(f"T = {temperature:.3g}")
            items.temperature.setPos(*here[0])
        items.apply_visibility(self.visible)

    def clear(self) -> None:
        """Hide every lane's internals and forget them."""
        for items in self._lanes.values():
            items.forget()
            items.apply_visibility(self.visible)
        self._latest.clear()

    def set_visible(self, visible: bool) -> None:
        """Show or hide the whole overlay (what a lane has is remembered)."""
        self.visible = bool(visible)
        for items in self._lanes.values():
            items.apply_visibility(self.visible)

    # -- arrows: lengths in screen pixels -------------------------------------------------
    def _pixel_size(self) -> np.ndarray:
        """Data units per screen pixel along x and y (a fallback before the view is laid out)."""
        size = np.asarray(self.view_box.viewPixelSize(), dtype=float)
        if np.all(np.isfinite(size)) and np.all(size > 0):
            return size
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        return np.array([max(x1 - x0, 1e-12), max(y1 - y0, 1e-12)]) / 400.0

    def _screen_arrow(self, direction: np.ndarray | None, pixels: tuple[float, float]):
        """``(vector, angle, length)``: the data-space vector along ``direction`` whose screen
        length is its own clipped to ``pixels``, its screen angle (degrees, y down) and that
        screen length; ``None`` for a missing or zero direction."""
        if direction is None:
            return None
        on_screen = direction[0] / self._pixel_size() * np.array([1.0, -1.0])  # y points down
        length = float(np.hypot(*on_screen))
        if not np.isfinite(length) or length == 0.0:
            return None
        clipped = float(np.clip(length, *pixels))
        angle = float(np.degrees(np.arctan2(on_screen[1], on_screen[0])))
        return direction[0] * (clipped / length), angle, clipped

    def _draw_arrows(self, items: LaneItems, internals: Internals, here) -> None:
        gradient = _plane(internals.gradient)
        descent = self._screen_arrow(None if gradient is None else -gradient,
                                     (GRADIENT_PIXELS, GRADIENT_PIXELS))
        step = self._screen_arrow(_plane(internals.velocity), VELOCITY_PIXELS)
        for name, arrow, placement in (("gradient", items.gradient, descent),
                                       ("velocity", items.velocity, step)):
            items.mark(name, here is not None and placement is not None)
            if name in items.present:
                arrow.place(here[0], *placement)

    def _relayout(self) -> None:
        """Recompute the pixel-sized arrows after the view's scale changed."""
        for lane, (internals, here) in self._latest.items():
            self._draw_arrows(self._lanes[lane], internals, here)
            self._lanes[lane].apply_visibility(self.visible)
