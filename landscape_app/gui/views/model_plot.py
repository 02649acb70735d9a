"""Draws one :mod:`~landscape_app.core.nn.model_picture` picture: decision regions, a fitted
curve, or outputs against targets.

Items are built once and updated with ``setImage``/``setData``; the kind of picture decides
which are visible. The decision image blends class 0's blue and class 1's orange through the
plot background by the softmax probability ``p`` of class 1 (``|2p − 1|`` is how sure the
network is, how saturated the pixel), the boundary ``p = ½`` is drawn as a line
(:mod:`contourpy`), and the data points are filled with their label's colour.
"""

from __future__ import annotations

import contourpy
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from landscape_app.core.nn.model_picture import (
    DecisionRegions,
    FittedCurve,
    ModelPicture,
    OutputsVsTargets,
)
from landscape_app.export.model_image import CLASS_COLORS
from landscape_app.export.model_image import region_colors as shared_region_colors
from landscape_app.gui import style
from landscape_app.gui.views.axis_fonts import AxisFonts, quiet_plot_item

POINT_SIZE = 7.0
CURVE_COLOR = "#ffffff"


def region_colors(probability: np.ndarray) -> np.ndarray:
    """``(h, w, 4)`` uint8 RGBA of a probability image on the plot background (the rule of
    :func:`landscape_app.export.model_image.region_colors`, shared with the exported page)."""
    background = pg.mkColor(style.PLOT_BACKGROUND).getRgb()[:3]
    return shared_region_colors(probability, background)


def boundary_lines(regions: DecisionRegions) -> np.ndarray:
    """The ``p = ½`` iso-line of the probability image as ``(n, 2)`` points with NaN breaks."""
    p = np.nan_to_num(regions.probability, nan=0.5)
    if not (p.min() < 0.5 < p.max()):
        return np.empty((0, 2))
    generator = contourpy.contour_generator(regions.xs, regions.ys, p,
                                            line_type="ChunkCombinedNan")
    chunks = [c for c in generator.lines(0.5)[0] if c is not None and len(c)]
    return np.concatenate(chunks) if chunks else np.empty((0, 2))


class ModelPlot(pg.PlotWidget):
    """The model picture. :meth:`show_picture` draws one; :attr:`picture` is the one shown."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot_item = quiet_plot_item(self)
        self.plot_item.vb.setDefaultPadding(0.02)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-20)
        self.boundary = pg.PlotCurveItem(pen=pg.mkPen("#ffffff", width=1.5), connect="finite",
                                         antialias=True)
        self.boundary.setZValue(-10)
        self.points = pg.ScatterPlotItem(size=POINT_SIZE, pen=pg.mkPen("#ffffff", width=0.8))
        self.second = pg.ScatterPlotItem(size=POINT_SIZE, pen=pg.mkPen("#000000", width=0.6))
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(CURVE_COLOR, width=2.5), antialias=True)
        self.identity = pg.PlotCurveItem(pen=pg.mkPen(style.MUTED, width=1,
                                                      dash=[4, 4]))
        for item in (self.image, self.boundary, self.points, self.second, self.curve,
                     self.identity):
            self.plot_item.addItem(item)
        self.axis_fonts = AxisFonts([self.plot_item.getAxis("left"),
                                     self.plot_item.getAxis("bottom")])
        self.picture: ModelPicture | None = None
        self._kind: str | None = None
        #: Height ÷ width of the data box when the axes keep equal scales (None: they don't).
        self.aspect: float | None = None
        self._colors = [pg.mkBrush(*c) for c in CLASS_COLORS]

    def clear_picture(self) -> None:
        """Show nothing (no network, or no lane to show)."""
        self.picture, self._kind = None, None
        self.image.clear()
        for item in (self.boundary, self.curve, self.identity):
            item.setData([], [])
        for scatter in (self.points, self.second):
            scatter.setData([], [])

    def show_picture(self, picture: ModelPicture) -> None:
        """Draw ``picture``; the view range is set when the kind of picture changes."""
        first = picture.kind != self._kind
        self.picture, self._kind = picture, picture.kind
        self.image.setVisible(picture.kind == "classifier")
        self.boundary.setVisible(picture.kind == "classifier")
        self.curve.setVisible(picture.kind == "curve")
        self.identity.setVisible(picture.kind == "outputs")
        self.second.setVisible(picture.kind == "outputs")
        if isinstance(picture, DecisionRegions):
            self._regions(picture, first)
        elif isinstance(picture, FittedCurve):
            self._curve(picture, first)
        else:
            self._outputs(picture, first)

    # -- the three pictures ---------------------------------------------------------------
    def _regions(self, regions: DecisionRegions, first: bool) -> None:
        (x0, x1), (y0, y1) = regions.box
        self.image.setImage(region_colors(regions.probability), autoLevels=False)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        lines = boundary_lines(regions)
        self.boundary.setData(lines[:, 0], lines[:, 1], connect="finite")
        if first:
            brushes = [self._colors[int(label)] for label in regions.labels]
            self.points.setData(pos=regions.inputs, brush=brushes)
            self.plot_item.setLabel("bottom", "x₁")
            self.plot_item.setLabel("left", "x₂")
            self.plot_item.setAspectLocked(True, ratio=1.0)
            self.plot_item.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
            self.aspect = (y1 - y0) / (x1 - x0)

    def _curve(self, curve: FittedCurve, first: bool) -> None:
        self.curve.setData(curve.xs, curve.fitted)
        if first:
            self.points.setData(x=curve.inputs, y=curve.targets, brush=self._colors[0])
            self.plot_item.setLabel("bottom", "x")
            self.plot_item.setLabel("left", "y")
            self.plot_item.setAspectLocked(False)
            self.aspect = None
            low = min(float(np.min(curve.targets)), -1.0)
            high = max(float(np.max(curve.targets)), 1.0)
            pad = 0.25 * (high - low)
            self.plot_item.setRange(xRange=(curve.xs[0], curve.xs[-1]),
                                    yRange=(low - pad, high + pad), padding=0.0)

    def _outputs(self, outputs: OutputsVsTargets, first: bool) -> None:
        targets = outputs.targets / outputs.scales
        values = outputs.outputs / outputs.scales
        self.points.setData(x=targets[:, 0], y=values[:, 0], brush=self._colors[0])
        if targets.shape[1] > 1:
            self.second.setData(x=targets[:, 1], y=values[:, 1], brush=self._colors[1])
        if first:
            low = float(np.min(targets)) - 0.5
            high = float(np.max(targets)) + 0.5
            self.identity.setData([low, high], [low, high])
            self.plot_item.setLabel("bottom", "target ÷ its RMS")
            self.plot_item.setLabel("left", "output ÷ target RMS")
            self.plot_item.setAspectLocked(True, ratio=1.0)
            self.plot_item.setRange(xRange=(low, high), yRange=(low, high), padding=0.0)
            self.aspect = 1.0
