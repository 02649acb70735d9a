"""A session's outcome map for export, Qt-free: computed at its full resolution with the loss
of every cell recorded at each frame's step, then written as a still (PNG or SVG) and/or an
animation of the map over the steps.

The animation's frame ``i`` of ``N`` colours every cell by its loss after step
``round(i·S/(N − 1))`` of the map's ``S`` steps
(:func:`~landscape_app.export.animation.frame_steps`), all frames on one ``log10`` colour
scale, so the basins fill in as the optimizer runs. The still is the finished map coloured
as the session says (basin, loss, steps or status). The window's Maps ▸ Export entries go
through :func:`exported_kind` and :func:`write_window_map`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from landscape_app.core.catalogue.kinds import LandscapeKind, MapKind
from landscape_app.core.errors import LandscapeError
from landscape_app.core.progress import CancelPoll, StageProgress
from landscape_app.engine.map_jobs import MapJob, plan_maps, refined
from landscape_app.state.model import SessionState, build_landscape
from landscape_app.state.race import session_start

if TYPE_CHECKING:
    from landscape_app.core.maps import OutcomeMap


#: What an export from the window says when it has no map.
NO_MAP = "No map to export yet: turn one on in the Maps menu"


@dataclass(frozen=True)
class MapExport:
    """What to write of a session's map; paths left None are not written.

    ``kind`` a :class:`MapKind` (None: the start map when the session has one, else
    its hyperparameter map); ``frames``/``duration``/``fps`` as for a race's animation.
    """

    still: str | Path | None = None
    animation: str | Path | None = None
    kind: MapKind | None = None
    size: tuple[int, int] = (1280, 720)
    fps: float = 30.0
    frames: int | None = None
    duration: float | None = None
    title: str | None = None
    device: str = "auto"


def exported_kind(maps: Mapping[MapKind, OutcomeMap], shown: MapKind) -> MapKind | None:
    """Which of the window's computed ``maps`` an export writes: the one ``shown`` when it is
    computed, else the first computed; None when none is."""
    return shown if shown in maps else next(iter(maps), None)


def write_window_map(maps: Mapping[MapKind, OutcomeMap], shown: MapKind, path: str | Path,
                     color_by: str) -> Path:
    """Write the window's map (:func:`exported_kind`) as a still coloured by ``color_by``:
    ``path`` ``.png`` or ``.svg``, atomically; the path written.

    Raises :class:`LandscapeError` when no map is computed (:data:`NO_MAP`) or the path
    cannot be written.
    """
    from landscape_app.export.map_image import write_map_image

    kind = exported_kind(maps, shown)
    if kind is None:
        raise LandscapeError(NO_MAP)
    write_map_image(maps[kind], path, color_by)
    return Path(path).expanduser()


def session_map_job(state: SessionState, kind: MapKind | None = None) -> MapJob:
    """The full-resolution job of ``state``'s map of ``kind`` (see :class:`MapExport`)."""
    if state.map is None:
        raise LandscapeError("this session has no outcome map: turn one on in the window's "
                             "Maps menu and save the session, or use `landscape-app map`")
    landscape = start = None
    if state.landscape.kind != LandscapeKind.NETWORK:
        landscape = build_landscape(state.landscape)
        start = session_start(state, landscape.objective)
    jobs, reason = plan_maps(state, landscape, start)
    if reason:
        raise LandscapeError(f"the session's map cannot be computed: {reason}")
    if kind is None:
        kind = MapKind.STARTS if MapKind.STARTS in jobs else MapKind.SWEEP
    if kind not in jobs:
        have = " and ".join(f"a {k} map" for k in jobs) or "no map"
        raise LandscapeError(f"the session has no {kind} map (it has {have})")
    job = jobs[kind]
    return refined(job) or job


def write_map_export(state: SessionState, request: MapExport,
                     progress: StageProgress | None = None,
                     cancelled: CancelPoll | None = None) -> tuple[list[Path], Any]:
    """Compute ``state``'s map and write what ``request`` asks for; returns the paths written
    and the animation's :class:`~landscape_app.export.animation.AnimationResult` (or None).

    ``progress(stage, fraction)`` reports ``map`` while computing and ``map frames`` while
    encoding; every file is written atomically, and a cancel leaves nothing behind.
    """
    from landscape_app.core.maps import compute_map
    from landscape_app.export.animation import count_frames, frame_steps, write_animation
    from landscape_app.export.map_image import log_loss_range, loss_frame, write_map_image

    job = session_map_job(state, request.kind)
    count = count_frames(request.frames, request.duration, request.fps, job.steps)
    steps = frame_steps(count, job.steps) if request.animation is not None else []
    result = compute_map(job.target, job.optimizer, job.region, job.steps,
                         tolerance=job.tolerance, device=request.device, dtype="float32",
                         snapshot_steps=steps, cancelled=cancelled, progress=progress)
    if job.sharpness:  # the session's map is coloured by it
        from landscape_app.core.maps.cell_sharpness import with_sharpness

        result = with_sharpness(result, job.target, request.device, progress, cancelled)
    written: list[Path] = []
    animation = None
    if request.animation is not None:
        index = {int(step): k for k, step in enumerate(result.snapshot_steps)}
        scale = log_loss_range(result.snapshots)
        frames = (loss_frame(result, index[step], scale, request.size, request.title)
                  for step in steps)
        animation = write_animation(
            request.animation, frames, request.fps, total=count, cancelled=cancelled,
            progress=progress, stage="map frames")
        written.append(animation.path)
    if request.still is not None:
        color_by = state.map.color_by
        write_map_image(result, request.still, color_by, request.title, request.size)
        written.append(Path(request.still).expanduser())
    return written, animation


__all__ = ["NO_MAP", "MapExport", "exported_kind", "session_map_job", "write_map_export",
           "write_window_map"]
