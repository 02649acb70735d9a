"""Export a session: the animation (GIF, MP4, PNG frames), a still, the trajectories, the grid.

One code path for the ``export`` command, the benchmark and a window dialog::

    request = ExportRequest(layout=FrameLayout(view="2d", width=1280, height=720), fps=30,
                            steps=300, animation="demo.mp4", still="final.png")
    check_request(request)                       # before any work: paths, sizes, fps, frames
    report = run_export(state, request, progress=..., cancelled=...)

Frame schedule (:func:`frame_steps`): ``N`` frames spread over steps ``A … S`` (``A`` the
request's ``first_step``, 0 unless a range was chosen), frame ``i`` showing step
``round(A + i·(S − A)/(N − 1))`` (the first frame step ``A``, the last frame step ``S``; a
single frame shows step ``S``). By default ``N = S − A + 1``: one step per frame. With a
duration ``d`` seconds at ``fps`` frames per second, ``N = round(d·fps)``.

``progress(stage, fraction)`` is called with ``stage`` ``race``/``grid`` (2D) or
``train``/``plane``/``surface`` (networks), then ``frames`` after each frame (frames written
over :func:`frame_count`), then ``still``, ``trajectories`` and ``surface file`` (1.0) as each
is written. ``cancelled()`` is polled between race batches, grid
chunks and frames; when it returns True :class:`~landscape_app.core.errors.CancelledError` is
raised and no file is left behind: every output is written atomically, and the still, the
trajectories and the grid are written only after the animation is complete.

A window must call :func:`run_export` in its GUI thread (the views are widgets); a
``progress`` that processes events keeps the window responsive, and the recording step can be
done beforehand in a thread with :func:`~landscape_app.engine.recording.record_session` and
passed as ``recording``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from landscape_app.core.errors import CancelledError, LandscapeError
from landscape_app.core.progress import CancelPoll, StageProgress
from landscape_app.engine.map_export import MapExport, write_map_export
from landscape_app.engine.recording import Recording, record_session
from landscape_app.export.animation import AnimationResult, count_frames, frame_steps
from landscape_app.gui.export.render import FrameRenderer
from landscape_app.gui.export.request import ExportRequest
from landscape_app.state.model import SessionState


@dataclass(frozen=True)
class ExportReport:
    """What was written, and how long recording and rendering (with encoding) took."""

    written: tuple[Path, ...]
    animation: AnimationResult | None
    frames: int
    steps: int
    record_seconds: float
    render_seconds: float
    map_animation: AnimationResult | None = None


def frame_count(request: ExportRequest, steps: int) -> int:
    """How many frames ``request`` asks for, over steps ``request.first_step … steps``."""
    return count_frames(request.frames, request.duration, request.fps,
                        steps - request.first_step)


def run_export(state: SessionState, request: ExportRequest,
               progress: StageProgress | None = None,
               cancelled: CancelPoll | None = None,
               recording: Recording | None = None) -> ExportReport:
    """Record ``state`` (unless ``recording`` is given), then write every requested output.

    Call :func:`~landscape_app.gui.export.request.check_request` first. Needs a
    ``QApplication`` when an animation or a still is asked for, and must then run in its GUI
    thread. The session's outcome map (``map_still``, ``map_animation``) is computed and
    written last (:func:`~landscape_app.engine.map_export.write_map_export`); a session with
    only map outputs is not raced.
    """
    started = time.perf_counter()
    last = state.max_steps if request.steps is None else request.steps
    if request.race_outputs and request.first_step >= last:
        raise LandscapeError(f"steps {request.first_step}:{last}: the first step must come "
                             "before the last")
    written: list[Path] = []
    animation, map_animation, frames, steps = None, None, 0, 0
    recorded = rendered = started
    if request.race_outputs:
        if recording is None:
            recording = record_session(state, request.steps, request.device,
                                       progress=progress, cancelled=cancelled,
                                       sharpness=request.layout.sharpness)
        steps = recording.steps
        recorded = time.perf_counter()
        if request.needs_frames:
            animation, frames = _write_frames(recording, request, progress, cancelled, written)
        rendered = time.perf_counter()
        _write_tables(recording, request, progress, written)
    if request.map_outputs:
        try:
            maps, map_animation = write_map_export(state, _map_request(request), progress,
                                                   cancelled)
        except CancelledError:
            for path in written:  # nothing is left behind by a cancelled export
                _remove(path)
            raise
        written += maps
    return ExportReport(tuple(written), animation, frames, steps, recorded - started,
                        rendered - recorded, map_animation)


def _write_tables(recording: Recording, request: ExportRequest,
                  progress: StageProgress | None, written: list[Path]) -> None:
    if request.trajectories is not None:
        from landscape_app.export.tables import write_trajectories

        written.append(write_trajectories(request.trajectories, recording.result))
        _report(progress, "trajectories")
    if request.surface is not None:
        from landscape_app.core.files.grid_npz import write_grid_npz

        metadata = {**recording.grid_metadata, "title": recording.title}
        written.append(write_grid_npz(request.surface, recording.grid, metadata))
        _report(progress, "surface file")


def _remove(path: Path) -> None:
    """Delete a written output (a file, or a folder of PNG frames)."""
    import shutil

    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _map_request(request: ExportRequest) -> MapExport:
    layout = request.layout
    return MapExport(still=request.map_still, animation=request.map_animation,
                     kind=request.map_kind, size=(layout.width, layout.height), fps=request.fps,
                     frames=request.frames, duration=request.duration, title=request.title,
                     device=request.device)


def _report(progress: StageProgress | None, stage: str) -> None:
    if progress is not None:
        progress(stage, 1.0)


def _write_frames(recording: Recording, request: ExportRequest,
                  progress: StageProgress | None, cancelled: CancelPoll | None,
                  written: list[Path]) -> tuple[AnimationResult | None, int]:
    from landscape_app.export.animation import write_animation

    title = request.title if request.title is not None else (
        recording.title or recording.landscape)
    layout = replace(request.layout, title=title)
    count = frame_count(request, recording.steps)
    animation = None
    with FrameRenderer(recording, layout) as renderer:
        if request.animation is not None:
            animation = write_animation(
                request.animation,
                renderer.frames(frame_steps(count, recording.steps, request.first_step)),
                request.fps, total=count, cancelled=cancelled, crf=request.crf,
                preset=request.preset, progress=progress)
            written.append(animation.path)
        if request.still is not None:
            written.append(_write_still(renderer, Path(request.still).expanduser(),
                                        recording.steps))
            _report(progress, "still")
    return animation, count if request.animation is not None else 0


def _write_still(renderer: FrameRenderer, path: Path, step: int) -> Path:
    """The frame at ``step`` as PNG (Pillow) or SVG (Qt's SVG generator), atomically."""
    from landscape_app.core.atomic import atomic_write

    if path.suffix.lower() == ".svg":
        data = renderer.svg_bytes(step)
        with atomic_write(path, "wb") as handle:
            handle.write(data)
        return path
    from PIL import Image

    frame = renderer.render(step)
    with atomic_write(path, "wb") as handle:
        Image.fromarray(frame).save(handle, format="PNG", compress_level=6)
    return path
