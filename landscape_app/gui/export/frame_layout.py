"""What an exported frame shows and its size, checked before anything is rendered.

:class:`FrameLayout` is plain data (the export command and a window dialog build one from
their options); :func:`require_opengl` says what to do where the 3D view cannot be drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from landscape_app.core.atomic import check_writable
from landscape_app.core.errors import LandscapeError

VIEWS = ("2d", "3d", "both")
#: Loss-curve x-axes an export may use (wall time is not one: frames must be deterministic).
CURVE_AXES = ("steps", "evals", "grad_evals")
#: Smallest and largest output sides, in pixels.
MIN_SIZE, MAX_SIZE = (160, 120), (7680, 4320)
#: What a still image may be written as.
STILL_SUFFIXES = (".png", ".svg")

@dataclass(frozen=True)
class FrameLayout:
    """What a frame shows and its size.

    ``title`` is the caption's text (empty: the caption shows only the legend and the step);
    ``axis`` is the loss curves' x-axis (one of :data:`CURVE_AXES`); with ``model`` the model
    view (a network's decision regions, fitted curve or outputs) sits beside the landscape,
    showing lane ``model_lane`` (0-based, in the session's order); with ``sharpness`` the
    sharpness panel (λ_max against each lane's threshold) sits beside the loss curves.
    """

    view: str = "2d"
    curves: bool = True
    title: str = ""
    width: int = 1280
    height: int = 720
    axis: str = "steps"
    model: bool = False
    model_lane: int = 0
    sharpness: bool = False

    def __post_init__(self):
        if isinstance(self.model_lane, bool) or not isinstance(self.model_lane, int) \
                or self.model_lane < 0:
            raise LandscapeError(f"the model view's lane {self.model_lane!r} is not a lane "
                                 "number (1 for the first)")
        if self.view not in VIEWS:
            raise LandscapeError(f"unknown view {self.view!r}; choose one of {', '.join(VIEWS)}")
        if self.axis not in CURVE_AXES:
            raise LandscapeError(f"the loss curves of an export are plotted against "
                                 f"{', '.join(CURVE_AXES)}; not {self.axis!r}")
        for side, value, low, high in (("width", self.width, MIN_SIZE[0], MAX_SIZE[0]),
                                       ("height", self.height, MIN_SIZE[1], MAX_SIZE[1])):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise LandscapeError(f"frame {side} {value!r} is out of range: expected a "
                                     f"whole number of pixels from {low} to {high}")

    @property
    def needs_opengl(self) -> bool:
        return self.view in ("3d", "both")


def require_opengl() -> None:
    """Raise a :class:`LandscapeError` saying what to do when the 3D view cannot be drawn."""
    from landscape_app.gui.views.surface3d import opengl_available

    available, reason = opengl_available()
    if not available:
        raise LandscapeError(
            f"the 3D view needs OpenGL, which is not available here ({reason}); run the "
            "export on a desktop session, or headless under a virtual display: "
            "xvfb-run -a -s \"-screen 0 1920x1080x24 +extension GLX\" landscape-app export "
            "... (or choose --view 2d)"
        )


def check_still(path: str, layout: FrameLayout) -> Path:
    """A still's path, checked before anything is drawn: writable, ``.png`` or ``.svg``, and
    SVG only without the 3D view (OpenGL output is pixels)."""
    target = check_writable(path, suffixes=STILL_SUFFIXES)
    if target.suffix.lower() == ".svg" and layout.needs_opengl:
        raise LandscapeError(f"{target}: an SVG still shows the 2D view only (OpenGL output "
                             "is pixels); use --view 2d, or a .png still for the 3D view")
    return target
