"""A still of a surface file, headless: what Li et al.'s ``plot_2D.py`` does for their
``.h5`` files, drawn by the window's own views (``landscape-app export --surface-file``).

The file's paths (if it recorded any) are drawn to their last step, with the loss curves
beside the landscape; holes are left undrawn as in the window. PNG, or SVG for the 2D view.
"""

from __future__ import annotations

from pathlib import Path

from landscape_app.core.surface_file import SurfaceFileLandscape
from landscape_app.engine.surface_recording import surface_recording
from landscape_app.gui.export.frame_layout import FrameLayout, check_still, require_opengl
from landscape_app.gui.export.frames import _write_still
from landscape_app.gui.export.render import FrameRenderer


def surface_title(land: SurfaceFileLandscape) -> str:
    """The caption: the surface's name and quantity, and how many points it lacks."""
    parts = [land.name, land.quantity]
    if land.missing:
        parts.append(f"{land.missing_text()} (holes)")
    return " · ".join(parts)


def export_surface_still(land: SurfaceFileLandscape, path: str, layout: FrameLayout) -> Path:
    """Draw ``land`` as ``layout`` says and write it to ``path`` atomically; the path.

    Needs a ``QApplication`` (and OpenGL for the 3D view), in its GUI thread.
    """
    target = check_still(path, layout)
    if layout.needs_opengl:
        require_opengl()
    recording = surface_recording(land, layout.title)
    with FrameRenderer(recording, layout) as renderer:
        return _write_still(renderer, target, recording.steps)
