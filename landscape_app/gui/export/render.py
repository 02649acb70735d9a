"""Offscreen frames of a recorded race: the window's own views, drawn into numpy arrays.

A :class:`FrameRenderer` lays out the views of the window (:class:`ContourView`,
:class:`Surface3DView`, :class:`LossCurves`) under a caption bar (title, step counter and a
legend of the lanes) in a top-level widget of exactly the output size, never shown on screen
(``WA_DontShowOnScreen``). Every item is built once; a frame only passes each lane's rows up
to the frame's step to the views (``set_paths`` / ``set_data``) and renders the widget into a
``QImage`` of the exact size, which becomes an ``(h, w, 3)`` uint8 RGB array.

Layouts (``view``): ``2d`` the contour map, ``3d`` the surface (needs OpenGL: a display, or
Xvfb), ``both`` the two side by side; with ``model`` (network landscapes) the model view of
lane ``model_lane``'s network at the frame's step sits beside them
(:mod:`~landscape_app.gui.export.model_panel`); with ``curves`` the loss curves sit on the
right (2d, 3d) or along the bottom (both, or any layout with the model view); with
``sharpness`` the sharpness panel (:mod:`~landscape_app.gui.views.sharpness_plot`) shares their
place, under them (2d, 3d) or beside them (along the bottom), its axes fixed to the whole
race's readings as the curves' are. The loss
curves' axes are fixed to the whole race's extent before the first frame
(:mod:`landscape_app.gui.views.loss_axis`), so the curves grow into a still frame instead of
rescaling every frame. Nothing drawn depends on wall time, hence frames are deterministic.

The renderer must be used in the GUI thread of a ``QApplication`` (the exporter creates one;
on a machine without a display it uses Qt's ``offscreen`` platform).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator

import numpy as np
from PySide6.QtCore import QBuffer, QEvent, QIODevice, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from landscape_app.core.errors import LandscapeError
from landscape_app.engine.recording import Recording
from landscape_app.engine.traces import AXIS_COLUMNS, COLUMN
from landscape_app.gui import style
from landscape_app.gui.export.frame_layout import FrameLayout, require_opengl
from landscape_app.gui.views.lane_feed import draw_curves, draw_paths_3d, draw_trails
from landscape_app.gui.views.loss_axis import fix_loss_axes
from landscape_app.state.lane_contrast import trail_colors

#: Gap between panels, in pixels.
GAP = 6
#: The start marker sits under the trails (10) and heads (16): nothing drags it in a video,
#: and a lane that has barely moved must not hide under it.
START_MARKER_Z = 9
#: How the grid's axes are labelled on the 2D view (network planes: the two directions).
AXIS_NAMES = {"alpha": "α (direction 1)", "beta": "β (direction 2)"}
#: Paints before the first frame, for the axes to settle on the width of their labels.
SETTLE_PASSES = 2
#: Frame height at which trails and heads have their window size; taller frames scale them up.
TRAIL_REFERENCE_HEIGHT = 480
#: What frames are painted into (Qt's fastest raster format; converted to RGB888 after).
RENDER_FORMAT = QImage.Format.Format_RGB32


def image_to_array(image: QImage) -> np.ndarray:
    """An ``(h, w, 3)`` uint8 RGB copy of ``image`` (any format; row padding respected)."""
    if image.format() != QImage.Format.Format_RGB888:
        image = image.convertToFormat(QImage.Format.Format_RGB888)
    height, width, stride = image.height(), image.width(), image.bytesPerLine()
    buffer = np.frombuffer(image.constBits(), dtype=np.uint8, count=height * stride)
    return buffer.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def trail_scale(layout: FrameLayout) -> float:
    """How many times their window size trails and heads are drawn in a frame: 1 up to
    :data:`TRAIL_REFERENCE_HEIGHT` pixels high, in proportion above (a 1080p video gets lines
    2.25 times as wide, as legible as the window's at its size)."""
    return max(1.0, layout.height / TRAIL_REFERENCE_HEIGHT)


def _pixel_font(pixels: float, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(8, round(pixels)))
    font.setBold(bold)
    return font


class FrameRenderer:
    """Draws a :class:`Recording` at any step, as the layout says.

    Use as a context manager (or call :meth:`close`) so the offscreen widgets are released::

        with FrameRenderer(recording, FrameLayout(view="2d", width=800, height=600)) as r:
            for frame in r.frames(frame_steps(150, recording.steps)):
                ...

    Raises
    ------
    LandscapeError
        When the layout needs the 3D view and OpenGL is not available.
    """

    def __init__(self, recording: Recording, layout: FrameLayout):
        if QApplication.instance() is None:
            raise RuntimeError("create a QApplication before a FrameRenderer")
        if layout.needs_opengl:
            require_opengl()
        self.recording, self.layout = recording, layout
        self.colors = list(trail_colors(tuple(lane.color for lane in recording.lanes),
                                        recording.colormap))
        self.contour = self.surface3d = self.curves = self.model = self.sharpness = None
        self._last: tuple[int, np.ndarray] | None = None
        style.configure_pyqtgraph()
        self.root = QWidget()
        self.root.setObjectName("export-frame")
        self.root.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.root.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.root.setStyleSheet(f"#export-frame {{ background: {style.PLOT_BACKGROUND}; }}"
                                f"#export-frame QLabel {{ color: {style.TEXT}; "
                                "background: transparent; }")
        outer = QVBoxLayout(self.root)
        outer.setContentsMargins(GAP, GAP // 2, GAP, GAP)
        outer.setSpacing(GAP // 2)
        outer.addLayout(self._build_caption())
        outer.addLayout(self._build_views(), 1)
        self.root.setFixedSize(layout.width, layout.height)
        self.root.show()
        QApplication.processEvents()
        self._show_landscape()
        for _ in range(SETTLE_PASSES):  # axes widen to fit their tick labels after a paint
            self.render(recording.steps)
            self._last = None
            QApplication.processEvents()

    # -- building -------------------------------------------------------------------------
    def _build_caption(self) -> QVBoxLayout:
        height = self.layout.height
        caption = QVBoxLayout()
        caption.setSpacing(0)
        top = QHBoxLayout()
        self.title_label = QLabel(self.layout.title)
        self.title_label.setFont(_pixel_font(0.03 * height + 4, bold=True))
        self.step_label = QLabel()
        self.step_label.setFont(_pixel_font(0.026 * height + 4))
        widest = f"step {self.recording.steps} / {self.recording.steps}"
        self.step_label.setMinimumWidth(
            self.step_label.fontMetrics().horizontalAdvance(widest) + GAP)
        self.step_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.legend_label = QLabel(self._legend_html())
        self.legend_label.setFont(_pixel_font(0.026 * height + 4))
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend_label.setWordWrap(True)  # long names: a second line, never cut
        if self.layout.title:
            top.addWidget(self.title_label, 1)
            top.addWidget(self.step_label)
            caption.addLayout(top)
            caption.addWidget(self.legend_label)
        else:
            top.addWidget(self.legend_label, 1)
            top.addWidget(self.step_label)
            caption.addLayout(top)
        return caption

    def _legend_html(self) -> str:
        entries = [f'<span style="color:{color}">&#9679;</span>&nbsp;'
                   f"{html.escape(lane.label)}"
                   for lane, color in zip(self.recording.lanes, self.colors, strict=True)
                   if lane.visible]
        return "&nbsp;&nbsp;&nbsp; ".join(entries)  # a long legend wraps

    def _build_views(self) -> QVBoxLayout | QHBoxLayout:
        from landscape_app.gui.views.contour import ContourView
        from landscape_app.gui.views.curves import LossCurves

        view = self.layout.view
        if view in ("2d", "both"):
            self.contour = ContourView()
        if view in ("3d", "both"):
            from landscape_app.gui.views.surface3d import Surface3DView

            self.surface3d = Surface3DView()
        if self.layout.curves:
            self.curves = LossCurves()
        if self.layout.sharpness:
            from landscape_app.gui.views.sharpness_plot import SharpnessPlot

            self.sharpness = SharpnessPlot()
        if self.layout.model:
            from landscape_app.gui.export.model_panel import ExportModelPanel

            self.model = ExportModelPanel(self.recording, self.layout.model_lane)
        maps = QHBoxLayout()
        maps.setSpacing(GAP)
        for widget in (self.contour, self.surface3d, self.model):
            if widget is not None:
                maps.addWidget(widget, 1)
        stacked = view == "both" or self.model is not None  # side-by-side panels: curves below
        body = QVBoxLayout() if stacked else QHBoxLayout()
        body.setSpacing(GAP)
        body.addLayout(maps, 2 if stacked else 3)
        side = QHBoxLayout() if stacked else QVBoxLayout()
        side.setSpacing(GAP)
        for widget in (self.curves, self.sharpness):
            if widget is not None:
                side.addWidget(widget, 1)
        if side.count():
            body.addLayout(side, 1 if stacked else 2)
        self._scale_fonts()
        return body

    def _scale_fonts(self) -> None:
        """Tick and axis-label fonts in proportion to the output height."""
        tick_pixels = min(max(0.017 * self.layout.height, 10.0), 28.0)
        axes = []
        plots = (self.contour, self.curves, self.sharpness,
                 None if self.model is None else self.model.plot)
        for plot in plots:
            if plot is not None:
                axes += [plot.plot_item.getAxis(side) for side in ("left", "bottom")]
        if self.contour is not None:
            axes.append(self.contour.colorbar.axis)
        if self.model is not None:
            self.model.label.setFont(_pixel_font(1.1 * tick_pixels))
        for plot in plots:
            if plot is not None:  # room for the half of the top tick label above the plot
                plot.plot_item.setContentsMargins(0, tick_pixels / 2, tick_pixels / 2, 0)
        for axis in axes:
            axis.setTickFont(_pixel_font(tick_pixels))
            axis.setLabel(axis.labelText, **{"font-size": f"{round(1.1 * tick_pixels)}px"})

    def _show_landscape(self) -> None:
        rec = self.recording
        colors = self.colors
        if self.contour is not None:
            self.contour.set_landscape(rec.grid, rec.log_scale, rec.colormap, rec.minima,
                                       rec.contours, equal_aspect=rec.equal_aspect)
            self.contour.set_lanes(colors)
            self.contour.trails.set_size_factor(trail_scale(self.layout))
            self.contour.start_marker.setVisible(rec.start is not None)
            self.contour.start_marker.setZValue(START_MARKER_Z)
            for side, name in zip(("bottom", "left"), rec.grid_metadata.get("axes", ("x", "y")),
                                  strict=True):
                self.contour.plot_item.setLabel(side, AXIS_NAMES.get(name, name))
            if rec.start is not None:
                self.contour.set_start(*rec.start)
        if self.surface3d is not None:
            self.surface3d.set_surface(rec.grid, rec.log_scale, rec.colormap)
        if self.curves is not None:
            self.curves.set_lanes(colors)
            self.curves.set_offset(rec.loss_offset, rec.grid.finite_range[0])
            self.curves.set_axis(self.layout.axis)
            fix_loss_axes(self.curves, [lane.rows for lane in rec.lanes if lane.visible],
                          COLUMN[AXIS_COLUMNS[self.layout.axis]])
        if self.sharpness is not None:
            self.sharpness.set_lanes(colors)
            self.sharpness.set_axis(self.layout.axis)
            self.sharpness.set_data([lane.label for lane in rec.lanes],
                                    [lane.rows for lane in rec.lanes],
                                    [lane.visible for lane in rec.lanes])
            self.sharpness.fix_range()

    # -- drawing --------------------------------------------------------------------------
    def _draw(self, step: int) -> None:
        rec, axis = self.recording, self.layout.axis
        parts = [lane.view.upto(step) for lane in rec.lanes]
        visible = [lane.visible for lane in rec.lanes]
        if self.contour is not None:
            draw_trails(self.contour, parts, visible)
        if self.surface3d is not None:
            draw_paths_3d(self.surface3d, parts, self.colors, visible)
        if self.curves is not None:
            draw_curves(self.curves, parts, visible, axis)
        if self.sharpness is not None:
            self.sharpness.set_data([lane.label for lane in parts],
                                    [lane.rows for lane in parts], visible)
        if self.model is not None:
            self.model.draw(step)
        # A landscape without paths (a surface file's) has no steps to count.
        self.step_label.setText(f"step {step} / {rec.steps}" if rec.lanes else "")

    def render(self, step: int) -> np.ndarray:
        """The frame at ``step`` (0 … ``recording.steps``) as a read-only ``(h, w, 3)`` uint8
        array; asking for the same step again (more frames than steps) reuses it."""
        step = int(min(max(step, 0), self.recording.steps))
        if self._last is not None and self._last[0] == step:
            return self._last[1]
        self._draw(step)
        image = QImage(self.layout.width, self.layout.height, RENDER_FORMAT)
        image.fill(QColor(style.PLOT_BACKGROUND))
        self.root.render(image)
        frame = image_to_array(image)
        frame.flags.writeable = False
        self._last = (step, frame)
        return frame

    def frames(self, steps: Iterable[int]) -> Iterator[np.ndarray]:
        """One frame per step of ``steps``, rendered as they are pulled."""
        for step in steps:
            yield self.render(step)

    def svg_bytes(self, step: int) -> bytes:
        """The frame at ``step`` as SVG (lines and text as vectors, the heatmap as an image).

        Only layouts without the 3D view: OpenGL output is pixels only.
        """
        from PySide6.QtSvg import QSvgGenerator

        if self.surface3d is not None:
            raise LandscapeError("an SVG still can show the 2D view and the curves only; "
                                 "use --view 2d, or a .png still for the 3D view")
        self._draw(int(min(max(step, 0), self.recording.steps)))
        self._last = None
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(QSize(self.layout.width, self.layout.height))
        generator.setViewBox(QRect(0, 0, self.layout.width, self.layout.height))
        generator.setTitle(self.layout.title or self.recording.landscape)
        generator.setDescription("Loss Landscape Lab")
        painter = QPainter(generator)
        try:
            painter.fillRect(0, 0, self.layout.width, self.layout.height,
                             QColor(style.PLOT_BACKGROUND))
            self.root.render(painter, QPoint(0, 0))
        finally:
            painter.end()
        buffer.close()
        return bytes(buffer.data())

    # -- lifetime -------------------------------------------------------------------------
    def close(self) -> None:
        """Hide and delete the offscreen widgets (and their OpenGL context) now."""
        self.root.hide()
        self.root.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def __enter__(self) -> FrameRenderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
