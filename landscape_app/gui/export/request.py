"""What an export asks for, and its checks: Qt-free and torch-free, so the ``export``
command refuses a bad size, number or path at once, before the heavy imports.

:mod:`landscape_app.gui.export.frames` runs a checked request.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from landscape_app.core.atomic import ExportError, check_writable
from landscape_app.core.catalogue.kinds import MapKind
from landscape_app.core.errors import LandscapeError
from landscape_app.export.animation import check_animation_target
from landscape_app.gui.export.frame_layout import FrameLayout

MAX_FRAMES = 100_000
MAX_STEPS = 1_000_000
STILL_SUFFIXES = (".png", ".svg")


@dataclass(frozen=True)
class ExportRequest:
    """What to export and how; paths left ``None`` are not written.

    ``title`` None takes the session's title (or the landscape's name when it has none);
    ``steps`` None the session's ``max_steps``; ``frames`` None one frame per step, unless
    ``duration`` (seconds) is given. The animation shows steps ``first_step … steps`` (a
    range chosen on the timeline; the race itself always runs from step 0).
    ``map_still``/``map_animation`` are the session's outcome map
    (:mod:`landscape_app.engine.map_export`; ``map_kind`` a :class:`MapKind`).
    """

    layout: FrameLayout = field(default_factory=FrameLayout)
    title: str | None = None
    fps: float = 30.0
    steps: int | None = None
    first_step: int = 0
    frames: int | None = None
    duration: float | None = None
    animation: str | os.PathLike | None = None
    still: str | os.PathLike | None = None
    trajectories: str | os.PathLike | None = None
    surface: str | os.PathLike | None = None
    map_still: str | os.PathLike | None = None
    map_animation: str | os.PathLike | None = None
    map_kind: MapKind | None = None
    device: str = "auto"
    crf: int = 20
    preset: str = "veryfast"

    @property
    def outputs(self) -> dict[str, Path]:
        """The outputs asked for, by kind."""
        named = {"animation": self.animation, "still": self.still,
                 "trajectories": self.trajectories, "surface": self.surface,
                 "map_still": self.map_still, "map_animation": self.map_animation}
        return {kind: Path(path).expanduser() for kind, path in named.items() if path is not None}

    @property
    def race_outputs(self) -> bool:
        """Whether anything needs the race run (every output but the map's)."""
        return any(kind not in ("map_still", "map_animation") for kind in self.outputs)

    @property
    def map_outputs(self) -> bool:
        return self.map_still is not None or self.map_animation is not None

    @property
    def needs_frames(self) -> bool:
        return self.animation is not None or self.still is not None


def _positive_number(value, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            math.isfinite(value) and value > 0):
        raise LandscapeError(f"{what} {value!r}: expected a number above 0")


def check_request(request: ExportRequest) -> None:
    """Validate everything before any work: numbers, output names, writability, clashes.

    Raises
    ------
    LandscapeError
        Naming the option and the problem (an :class:`ExportError` for paths).
    """
    outputs = request.outputs
    if not outputs:
        raise LandscapeError("nothing to export: give an animation (--out), a still (--still), "
                             "trajectories (--trajectories), a surface (--surface) or an "
                             "outcome map (--map-out, --map-still)")
    _positive_number(request.fps, "fps")
    if request.steps is not None and (isinstance(request.steps, bool)
                                      or not 1 <= request.steps <= MAX_STEPS):
        raise LandscapeError(f"steps {request.steps!r}: expected a whole number from 1 to "
                             f"{MAX_STEPS}")
    first = request.first_step
    if isinstance(first, bool) or not isinstance(first, int) or first < 0:
        raise LandscapeError(f"first step {first!r}: expected a whole number from 0")
    if request.steps is not None and first >= request.steps:
        raise LandscapeError(f"steps {first}:{request.steps}: the first step must come before "
                             "the last")
    if request.frames is not None and request.duration is not None:
        raise LandscapeError("give the number of frames or the duration, not both")
    if request.frames is not None and not 1 <= request.frames <= MAX_FRAMES:
        raise LandscapeError(f"frames {request.frames!r}: expected 1 to {MAX_FRAMES}")
    if request.duration is not None:
        _positive_number(request.duration, "duration")
        if request.duration * request.fps > MAX_FRAMES:
            raise LandscapeError(f"a duration of {request.duration:g} s at {request.fps:g} fps "
                                 f"is more than {MAX_FRAMES} frames")
    resolved = [path.resolve() for path in outputs.values()]
    if len(set(resolved)) < len(resolved):
        raise ExportError("two outputs have the same path; give each its own file name")
    if request.animation is not None:
        check_animation_target(request.animation, request.fps)
    if request.still is not None:
        check_writable(request.still, suffixes=STILL_SUFFIXES)
        if outputs["still"].suffix.lower() == ".svg" and request.layout.needs_opengl:
            raise ExportError("an SVG still can show the 2D view and the curves only; "
                              "use --view 2d, or a .png still for the 3D view")
    if request.trajectories is not None:
        check_writable(request.trajectories, suffixes=(".csv", ".json"))
    if request.map_animation is not None:
        check_animation_target(request.map_animation, request.fps)
    if request.map_still is not None:
        check_writable(request.map_still, suffixes=STILL_SUFFIXES)
    if request.surface is not None:
        check_writable(request.surface, suffixes=(".npz",))
