"""The 3D view: the landscape as a lit surface with the optimizers' paths drawn on it.

Everything lives in a normalised scene so that any landscape looks well proportioned: the
longest side of the ``x × y`` box spans :data:`SCENE_EXTENT` units centred on the origin, and
the height is squeezed into ``[0, SCENE_HEIGHT]``. :class:`SceneTransform` holds that mapping;
the surface and the paths go through the same one, so a path lies on the surface.

pyqtgraph's OpenGL widget needs a real GL context: on Qt's ``offscreen`` platform it crashes
the process. :func:`opengl_available` answers before any GL widget exists, and
:class:`Surface3DView` shows a message instead of the 3D scene where it says no.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication, QImage, QOffscreenSurface, QOpenGLContext, QVector3D
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from landscape_app.core.grid import Grid2D
from landscape_app.gui.style import PLOT_BACKGROUND, PLOT_FOREGROUND
from landscape_app.state.lane_contrast import DARK_HALO, halo_color

#: Longest side of the landscape's ``x × y`` box, in scene units.
SCENE_EXTENT = 10.0
#: Height of the surface from its lowest to its highest value, in scene units.
SCENE_HEIGHT = 4.0
#: Most vertices along one side of the mesh (a 400² grid is drawn as 200²).
MESH_MAX_SIDE = 200
#: ε of the log scale, as a fraction of the value range: z = log10(v − min + ε).
LOG_EPSILON_FRACTION = 1e-3
#: How far a path is lifted above the surface, as a fraction of SCENE_HEIGHT.
PATH_LIFT = 0.015
#: Qt platforms that have no OpenGL at all.
NO_GL_PLATFORMS = frozenset({"offscreen", "minimal", "linuxfb", "vnc"})

_probe_results: dict[str, tuple[bool, str]] = {}


def share_gl_contexts() -> bool:
    """Make every OpenGL context of the application share resources; call before the
    QApplication is created (Qt ignores it afterwards). Returns whether contexts are shared.

    pyqtgraph compiles each GL item's shader program once per process and reuses it in every
    context. Without sharing, a second 3D view (a new window, a dock floated out, a test after
    a test) draws with programs that are invalid in its context: ``GLError 1281`` from
    ``glUseProgram`` (pyqtgraph issues #1822, #2008, #3455).
    """
    if QCoreApplication.instance() is not None:
        return QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    return True


def opengl_available() -> tuple[bool, str]:
    """Whether this process can create the OpenGL context the 3D view needs.

    Decided from the Qt platform first (``offscreen`` and friends have no GL, and a GL widget
    there takes the process down), then by creating a context and making it current on an
    offscreen surface. The result is cached per platform.

    Returns
    -------
    (available, reason)
        ``reason`` says why not (empty when available).
    """
    if QGuiApplication.instance() is None:
        return False, "no QApplication exists yet; create one before asking for OpenGL"
    platform = QGuiApplication.platformName()
    if platform in NO_GL_PLATFORMS:
        return False, (f"the Qt platform '{platform}' has no OpenGL; run with a display "
                       "(or under Xvfb with QT_QPA_PLATFORM=xcb) to see the 3D view")
    if platform not in _probe_results:
        _probe_results[platform] = _probe_context(platform)
    return _probe_results[platform]


def _probe_context(platform: str) -> tuple[bool, str]:
    try:
        import OpenGL.GL  # noqa: F401  (pyqtgraph.opengl draws through PyOpenGL)
    except ImportError as error:
        return False, f"PyOpenGL is not installed ({error}); install it for the 3D view"
    context = QOpenGLContext()
    if not context.create():
        return False, f"no OpenGL context can be created on the Qt platform '{platform}'"
    surface = QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    try:
        if not context.makeCurrent(surface):
            return False, f"an OpenGL context on '{platform}' cannot be made current"
        version = context.format().majorVersion(), context.format().minorVersion()
        context.doneCurrent()
    finally:
        surface.destroy()
    if version < (2, 0):
        return False, f"OpenGL {version[0]}.{version[1]} is too old; the 3D view needs 2.0"
    return True, ""


@dataclass(frozen=True)
class SceneTransform:
    """Landscape coordinates and loss values → scene coordinates.

    ``x' = (x − x_c)·s`` and ``y' = (y − y_c)·s`` with ``s = SCENE_EXTENT / max(Δx, Δy)``;
    ``z' = SCENE_HEIGHT · (t(v) − t(v_min)) / (t(v_max) − t(v_min))`` where ``t(v) = v`` on the
    linear scale and ``t(v) = log10(max(v − v_min, 0) + ε)``, ``ε = 10⁻⁶·(v_max − v_min)``, on
    the log scale. ``v_min``, ``v_max`` are the finite range of the grid.
    """

    x_center: float
    y_center: float
    scale: float
    value_min: float
    value_max: float
    log_scale: bool

    @classmethod
    def for_grid(cls, grid: Grid2D, log_scale: bool) -> SceneTransform:
        """The transform that fits ``grid`` into the scene box."""
        span = max(float(np.ptp(grid.xs)), float(np.ptp(grid.ys)))
        value_min, value_max = grid.finite_range
        return cls(
            x_center=float(grid.xs[0] + grid.xs[-1]) / 2,
            y_center=float(grid.ys[0] + grid.ys[-1]) / 2,
            scale=SCENE_EXTENT / span if span > 0 else 1.0,
            value_min=value_min,
            value_max=value_max,
            log_scale=log_scale,
        )

    def xy(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Scene ``x'``, ``y'`` of landscape coordinates."""
        scene_x = (np.asarray(x, dtype=float) - self.x_center) * self.scale
        scene_y = (np.asarray(y, dtype=float) - self.y_center) * self.scale
        return scene_x, scene_y

    def unit_height(self, values: np.ndarray) -> np.ndarray:
        """``(t(v) − t(v_min)) / (t(v_max) − t(v_min))``: 0 at the lowest value, 1 at the highest.

        Non-finite values are read as the top (NaN, +∞) or the bottom (−∞) of the range.
        """
        values = np.nan_to_num(np.asarray(values, dtype=float), nan=self.value_max,
                               posinf=self.value_max, neginf=self.value_min)
        spread = self.value_max - self.value_min
        if spread <= 0:
            return np.full(values.shape, 0.5)
        if not self.log_scale:
            return (values - self.value_min) / spread
        epsilon = LOG_EPSILON_FRACTION * spread
        low = math.log10(epsilon)
        high = math.log10(spread + epsilon)
        return (np.log10(np.maximum(values - self.value_min, 0.0) + epsilon) - low) / (high - low)

    def z(self, values: np.ndarray) -> np.ndarray:
        """Scene height ``z'`` of loss values."""
        return SCENE_HEIGHT * self.unit_height(values)


def mesh_indices(length: int, most: int = MESH_MAX_SIDE) -> np.ndarray:
    """At most ``most`` evenly spaced indices into ``range(length)``, both ends kept."""
    if length <= most:
        return np.arange(length)
    return np.unique(np.linspace(0, length - 1, most).round().astype(int))


def surface_mesh(xs: np.ndarray, ys: np.ndarray,
                 heights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The triangles of a height field with holes: ``heights[i, j]`` at ``(xs[i], ys[j])``,
    NaN where the landscape lacks the point.

    Returns ``(vertexes, faces)``: float32 ``(len(xs)·len(ys), 3)`` vertices (vertex
    ``i·len(ys) + j``; a hole's at height 0, used by no face) and uint32 ``(m, 3)`` faces, two
    per grid cell, keeping only triangles whose three corners are present — so a hole is a
    hole, never a peak, and the faces around it stop at its edge.
    """
    nx, ny = heights.shape
    present = np.isfinite(heights).ravel()
    gx, gy = np.meshgrid(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float),
                         indexing="ij")
    vertexes = np.column_stack([gx.ravel(), gy.ravel(),
                                np.where(present, heights.ravel(), 0.0)]).astype(np.float32)
    corner = (np.arange(nx - 1)[:, None] * ny + np.arange(ny - 1)[None, :]).ravel()
    faces = np.concatenate([
        np.column_stack([corner, corner + 1, corner + ny]),
        np.column_stack([corner + ny, corner + 1, corner + ny + 1]),
    ]).astype(np.uint32)
    return vertexes, faces[present[faces].all(axis=1)]


def colormap_by_name(name: str) -> pg.ColorMap:
    """A pyqtgraph colour map by name (``viridis``, ``inferno``, ``plasma``, ``magma``,
    ``cividis``, ``turbo``, the ``CET-…`` maps), or a ``ValueError`` naming the choices."""
    try:
        return pg.colormap.get(name)
    except (OSError, ValueError, KeyError) as error:
        raise ValueError(f"unknown colour map {name!r}; choose one of "
                         f"viridis, inferno, plasma, magma, cividis, turbo") from error


def _rgba(color: str) -> tuple[float, float, float, float]:
    return pg.mkColor(color).getRgbF()


def _surface_shader():
    """Vertex colours under a soft light fixed to the camera: ``rgb · (0.55 + 0.45·|n·l|)``.

    pyqtgraph's own ``shaded`` program multiplies by ``0.2 + 0.8·max(n·l, 0)``, which turns the
    colour map muddy on slopes facing away from the light and black under the sheet; ``|n·l|``
    lights both faces, and a zero normal (a degenerate triangle) counts as fully lit.
    """
    from pyqtgraph.opengl import shaders

    return shaders.ShaderProgram("soft_shaded", [
        shaders.VertexShader("""
            uniform mat4 u_mvp;
            uniform mat3 u_normal;
            attribute vec4 a_position;
            attribute vec3 a_normal;
            attribute vec4 a_color;
            varying vec4 v_color;
            varying vec3 v_normal;
            void main() {
                v_normal = normalize(u_normal * a_normal);
                v_color = a_color;
                gl_Position = u_mvp * a_position;
            }
        """),
        shaders.FragmentShader("""
            #ifdef GL_ES
            precision mediump float;
            #endif
            varying vec4 v_color;
            varying vec3 v_normal;
            void main() {
                float norm = length(v_normal);
                vec3 light_from = normalize(vec3(0.3, -0.4, 1.0));
                float light = norm > 1e-6 ? abs(dot(v_normal / norm, light_from)) : 1.0;
                gl_FragColor = vec4(v_color.rgb * (0.55 + 0.45 * light), v_color.a);
            }
        """),
    ])


class Surface3DView(QWidget):
    """The landscape as a 3D surface with one path and one head marker per lane.

    Drag to orbit, wheel to zoom (pyqtgraph's ``GLViewWidget``). Where OpenGL is not available
    (see :func:`opengl_available`) the widget shows the reason instead; every method still works
    and :meth:`grab_frame` returns a picture of that message.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.available, self.unavailable_reason = opengl_available()
        self.transform: SceneTransform | None = None
        self._lanes: list[_LaneItems] = []
        self._last_paths: tuple[list[np.ndarray], list[str], list[bool]] | None = None
        self.size_factor = 1.0
        self.halo = DARK_HALO  # the trails' outline colour, chosen for the colour map
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if self.available:
            self._build_scene(layout)
        else:
            message = QLabel(f"3D view unavailable: {self.unavailable_reason}")
            message.setAlignment(Qt.AlignmentFlag.AlignCenter)
            message.setWordWrap(True)
            layout.addWidget(message)

    def _build_scene(self, layout: QVBoxLayout) -> None:
        import pyqtgraph.opengl as gl

        self.gl_widget = gl.GLViewWidget()
        self.gl_widget.setBackgroundColor(PLOT_BACKGROUND)
        self._floor = gl.GLGridItem(color=(255, 255, 255, 40))
        self._floor.setSpacing(SCENE_EXTENT / 10, SCENE_EXTENT / 10)
        label_color = pg.mkColor(PLOT_FOREGROUND)
        self._axis_labels = [gl.GLTextItem(text=text, color=label_color)
                             for text in ("x", "y")]
        self._place_axes(SCENE_EXTENT, SCENE_EXTENT)
        self._surface = gl.GLMeshItem(shader=_surface_shader(), computeNormals=True,
                                      smooth=True, glOptions="opaque")
        self._surface.setVisible(False)
        for item in (self._floor, self._surface, *self._axis_labels):
            self.gl_widget.addItem(item)
        layout.addWidget(self.gl_widget)
        self.reset_camera()

    # -- the API the window drives ------------------------------------------------------------
    def set_surface(self, grid: Grid2D, log_scale: bool, colormap: str) -> None:
        """Show ``grid`` (values[j, i] = f(xs[i], ys[j])) with ``colormap`` on a linear or log
        height scale. Points the grid lacks (non-finite values) are holes: no face touches
        them (:func:`surface_mesh`). The paths last given to :meth:`set_paths` are redrawn in
        the new scene."""
        cmap = colormap_by_name(colormap)
        self.halo = halo_color(colormap)
        self.transform = SceneTransform.for_grid(grid, log_scale)
        rows, cols = mesh_indices(len(grid.ys)), mesh_indices(len(grid.xs))
        xs, ys = self.transform.xy(grid.xs[cols], grid.ys[rows])
        values = grid.values[np.ix_(rows, cols)].T
        unit = np.where(np.isfinite(values), self.transform.unit_height(values), np.nan)
        colors = cmap.map(np.nan_to_num(unit).ravel(), mode="float")
        if self.available:
            vertexes, faces = surface_mesh(xs, ys, SCENE_HEIGHT * unit)
            self._surface.setMeshData(vertexes=vertexes, faces=faces, vertexColors=colors)
            self._surface.setVisible(len(faces) > 0)
            self._place_axes(float(np.ptp(xs)), float(np.ptp(ys)))
        if self._last_paths is not None:
            self.set_paths(*self._last_paths)

    def clear_surface(self) -> None:
        """Show no surface (a landscape is being computed)."""
        self._surface.setVisible(False)

    def set_axis_names(self, x_name: str, y_name: str) -> None:
        """Label the floor's x and y edges (a network plane's directions, e.g. ``PCA 1``)."""
        if self.available:
            for label, text in zip(self._axis_labels, (x_name, y_name), strict=True):
                label.setData(text=text)

    def _place_axes(self, width: float, depth: float) -> None:
        """Fit the floor grid to the box; label its front (x) and right (y) edges."""
        self._floor.setSize(width, depth)
        margin = 0.06 * SCENE_EXTENT
        tips = ((0.0, -depth / 2 - margin, 0.0), (width / 2 + margin, 0.0, 0.0))
        for label, tip in zip(self._axis_labels, tips, strict=True):
            label.setData(pos=tip)

    def set_paths(self, paths_xyz: list[np.ndarray], colors: list[str],
                  visible: list[bool]) -> None:
        """Draw one path per lane: rows ``(x, y, loss)`` in landscape coordinates, the last row
        being the lane's head. Rows with a non-finite ``x`` or ``y`` are left out; the path is
        kept within one box size of the landscape and lifted slightly above the surface."""
        if not len(paths_xyz) == len(colors) == len(visible):
            raise ValueError(f"set_paths needs as many colours and visibility flags as paths; "
                             f"got {len(paths_xyz)} paths, {len(colors)} colours, "
                             f"{len(visible)} flags")
        self._last_paths = (paths_xyz, colors, visible)
        if not self.available:
            return
        self._ensure_lanes(len(paths_xyz))
        halo = _rgba(self.halo)
        for lane, (path, color, shown) in enumerate(zip(paths_xyz, colors, visible, strict=True)):
            self._lanes[lane].show(self.scene_path(path), _rgba(color), bool(shown), halo)
        for lane in self._lanes[len(paths_xyz):]:
            lane.hide()

    def set_size_factor(self, factor: float) -> None:
        """Paths and heads ``factor`` times their normal width (presentation; 1 normal)."""
        self.size_factor = float(factor)
        for lane in self._lanes:
            lane.set_size_factor(self.size_factor)

    def scene_path(self, path_xyz: np.ndarray) -> np.ndarray:
        """Scene coordinates ``(n, 3)`` float32 of a path's ``(x, y, loss)`` rows."""
        path = np.asarray(path_xyz, dtype=float).reshape(-1, 3)
        path = path[np.isfinite(path[:, 0]) & np.isfinite(path[:, 1])]
        if self.transform is None or len(path) == 0:
            return np.empty((0, 3), dtype=np.float32)
        x, y = self.transform.xy(path[:, 0], path[:, 1])
        bound = SCENE_EXTENT
        z = self.transform.z(path[:, 2]) + PATH_LIFT * SCENE_HEIGHT
        scene = np.column_stack([np.clip(x, -bound, bound), np.clip(y, -bound, bound),
                                 np.clip(z, 0.0, 1.5 * SCENE_HEIGHT)])
        return scene.astype(np.float32)

    def _ensure_lanes(self, count: int) -> None:
        while len(self._lanes) < count:
            self._lanes.append(_LaneItems(self.gl_widget))
            self._lanes[-1].set_size_factor(self.size_factor)

    def reset_camera(self) -> None:
        """Look at the whole landscape from the default angle."""
        if self.available:
            self.gl_widget.setCameraPosition(pos=QVector3D(0, 0, 0.4 * SCENE_HEIGHT),
                                             distance=1.55 * SCENE_EXTENT, elevation=30,
                                             azimuth=-60)

    def grab_frame(self) -> np.ndarray:
        """The view as an ``(h, w, 3)`` uint8 RGB array."""
        image = self.gl_widget.grabFramebuffer() if self.available else self.grab().toImage()
        image = image.convertToFormat(QImage.Format.Format_RGB888)
        height, width = image.height(), image.width()
        buffer = np.frombuffer(image.constBits(), dtype=np.uint8)
        rows = buffer[: height * image.bytesPerLine()].reshape(height, image.bytesPerLine())
        return rows[:, : width * 3].reshape(height, width, 3).copy()


class _LaneItems:
    """One lane's GL items: its path (solid where visible, on a halo — a wider line in the
    colour map's halo colour, as in the 2D view — and a faint ghost where a hill hides it)
    and its head (a dot with a dark rim, always on top)."""

    #: Line, halo, ghost line, rim and head sizes in pixels at size factor 1.
    SIZES = (3.0, 6.0, 1.5, 16.0, 11.0)

    def __init__(self, view: QWidget):
        import pyqtgraph.opengl as gl
        from OpenGL.GL import GL_DEPTH_TEST, GL_LEQUAL
        from pyqtgraph.opengl.GLGraphicsItem import GLOptions

        on_top = {**GLOptions["translucent"], GL_DEPTH_TEST: False}
        # The line lies exactly on its halo: it must pass the depth test where they are equal.
        over_halo = {**GLOptions["translucent"], "glDepthFunc": (GL_LEQUAL,)}
        line, halo, ghost, rim, head = self.SIZES
        self.halo = gl.GLLinePlotItem(width=halo, antialias=True, glOptions=over_halo,
                                      color=_rgba(DARK_HALO))
        self.line = gl.GLLinePlotItem(width=line, antialias=True, glOptions=over_halo)
        self.ghost = gl.GLLinePlotItem(width=ghost, antialias=True, glOptions=on_top)
        self.rim = gl.GLScatterPlotItem(size=rim, pxMode=True, glOptions=on_top,
                                        color=(0.05, 0.05, 0.05, 1.0))
        self.head = gl.GLScatterPlotItem(size=head, pxMode=True, glOptions=on_top)
        for depth, item in enumerate(self._items()):
            item.setDepthValue(10 + depth)
            item.setVisible(False)
            view.addItem(item)

    def _items(self) -> tuple:
        return self.halo, self.line, self.ghost, self.rim, self.head

    def show(self, scene: np.ndarray, rgba: tuple[float, float, float, float],
             shown: bool, halo: tuple[float, float, float, float]) -> None:
        """Draw the scene-coordinate path ``scene`` (n, 3) in ``rgba`` on a ``halo``-coloured
        outline; its last row is the head."""
        has_line, has_head = shown and len(scene) >= 2, shown and len(scene) >= 1
        if has_line:
            self.halo.setData(pos=scene, color=halo)
            self.line.setData(pos=scene, color=rgba)
            self.ghost.setData(pos=scene, color=(*rgba[:3], 0.35))
        if has_head:
            self.rim.setData(pos=scene[-1:])
            self.head.setData(pos=scene[-1:], color=rgba)
        for item, visible in ((self.halo, has_line), (self.line, has_line),
                              (self.ghost, has_line), (self.rim, has_head),
                              (self.head, has_head)):
            item.setVisible(visible)

    def set_size_factor(self, factor: float) -> None:
        line, halo, ghost, rim, head = (size * factor for size in self.SIZES)
        self.line.setData(width=line)
        self.halo.setData(width=halo)
        self.ghost.setData(width=ghost)
        self.rim.setData(size=rim)
        self.head.setData(size=head)

    def hide(self) -> None:
        """Hide every item of this lane."""
        for item in self._items():
            item.setVisible(False)
