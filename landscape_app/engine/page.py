"""A session as the interactive page's document: the recorded race, the field paths of its
mappable lanes from a grid of starts, and its outcome map if it has one. Qt-free.

:func:`page_document` is what ``landscape-app export --out lesson.html``, the window's File ▸
Export ▸ Interactive page… and `landscape_app.page` (:func:`page`) call; the HTML itself is
written by :mod:`landscape_app.export.page`.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

import numpy as np

from landscape_app.core.catalogue.kinds import LandscapeKind, MapKind
from landscape_app.core.errors import LandscapeError
from landscape_app.core.progress import CancelPoll, StageProgress
from landscape_app.engine.recording import Recording, record_session, shown_colors
from landscape_app.engine.traces import COLUMN
from landscape_app.export.page import FieldPaths, ModelFrame, PageExtras, PageMap, pack_page
from landscape_app.state.model import SessionState, build_landscape

#: Starts per side of the page's field grid, and the most points kept of each field path.
FIELD_SIDE, FIELD_POINTS = 16, 64
#: A network page's model-view pictures per lane (evenly spread steps, the first and the last
#: included) and the decision images' pixels per side (the PNG is scaled up, smoothly).
MODEL_FRAMES, MODEL_SIDE = 16, 48


def field_steps(steps: int, points: int = FIELD_POINTS) -> np.ndarray:
    """The steps a thinned field path keeps: ``points`` evenly spread over 0..steps, the
    first and the last included (every step when there are fewer)."""
    return np.unique(np.round(np.linspace(0, steps, min(points, steps + 1))).astype(np.int64))


def field_paths_for_page(state: SessionState, recording: Recording, side: int = FIELD_SIDE,
                         points: int = FIELD_POINTS, cancelled: CancelPoll | None = None
                         ) -> FieldPaths | None:
    """Whole thinned paths from a ``side × side`` grid of starts over the view, for every lane
    the batched map engine steps (None for a network plane or when no lane maps).

    Each lane's :func:`~landscape_app.core.maps.compute_field` (float64 on the CPU, the
    session's seed), kept at :func:`field_steps`: every path is the race from its start, and a
    path that stopped (converged, diverged) repeats the point where it stopped.
    """
    from landscape_app.core.maps import StartGrid, check_mappable, compute_field

    if state.landscape.kind == LandscapeKind.NETWORK:
        return None
    mappable = []
    for index, lane in enumerate(state.lanes):
        try:
            check_mappable(lane.spec.id)
        except LandscapeError:
            continue
        mappable.append(index)
    if not mappable:
        return None
    grid = recording.grid
    region = StartGrid((float(grid.xs[0]), float(grid.xs[-1])),
                       (float(grid.ys[0]), float(grid.ys[-1])), side)
    objective = build_landscape(state.landscape).objective
    kept = field_steps(recording.steps, points)
    paths = tuple(compute_field(objective, state.lanes[index].spec, region, recording.steps,
                                thin=points, device="cpu", seed=state.seed,
                                cancelled=cancelled).paths.reshape(side, side, len(kept), 2)
                  for index in mappable)
    return FieldPaths(region.axis0, region.axis1, kept, tuple(mappable), paths)


def page_document(state: SessionState, steps: int | None = None, device: str = "auto",
                  progress: StageProgress | None = None,
                  cancelled: CancelPoll | None = None, field: bool = True) -> dict:
    """Record ``state``'s race (``steps``: default its own) and pack the page's document."""
    recording = shown_colors(record_session(state, steps, device=device, progress=progress,
                                            cancelled=cancelled))
    paths = field_paths_for_page(state, recording, cancelled=cancelled) if field else None
    extras = PageExtras(note=state.note, field=paths, maps=session_maps(state, device, cancelled),
                        model=model_frames(recording))
    return pack_page(recording, COLUMN, extras)


def model_frames(recording: Recording, frames: int = MODEL_FRAMES,
                 ) -> tuple[tuple[ModelFrame, ...], ...]:
    """A network recording's model view (decision regions, fitted curve or outputs against
    targets: :mod:`landscape_app.core.nn.model_picture`) of every lane at :func:`field_steps`
    ``(steps, frames)``, each at the lane's recorded θ of the last step ≤ that step, as
    PNG (:mod:`landscape_app.export.model_image`); none off a network."""
    if recording.network is None:
        return ()
    from landscape_app.core.nn.model_picture import LaneTrack, ModelProbe, picture_caption
    from landscape_app.export.model_image import model_png

    probe = ModelProbe.from_config(recording.network, side=MODEL_SIDE)
    pictures = []
    for drawing in recording.lanes:
        track, kept = LaneTrack.of(drawing.lane), {}
        for step in field_steps(recording.steps, frames):
            found = track.at(int(step))
            if found is not None and found[0] not in kept:
                picture = probe.picture(found[1])
                kept[found[0]] = ModelFrame(found[0], model_png(picture),
                                            picture_caption(picture))
        pictures.append(tuple(kept.values()))
    return tuple(pictures)


def session_maps(state: SessionState, device: str = "auto",
                 cancelled: CancelPoll | None = None) -> tuple[PageMap, ...]:
    """The session's outcome maps (start and hyperparameter) as pictures with their legends;
    none when it has no map."""
    if state.map is None:
        return ()
    from landscape_app.core.maps import compute_map
    from landscape_app.engine.map_export import session_map_job
    from landscape_app.export.map_image import colorize, paint_png, still_drawing

    pictures = []
    for kind in MapKind:
        try:
            job = session_map_job(state, kind)
        except LandscapeError:
            continue
        result = compute_map(job.target, job.optimizer, job.region, job.steps,
                             tolerance=job.tolerance, device=device, dtype="float32",
                             cancelled=cancelled)
        buffer = io.BytesIO()
        paint_png(still_drawing(result, state.map.color_by)).save(buffer, format="PNG")
        layer = {}
        if kind is MapKind.STARTS:
            extent = (result.axis0[0], result.axis0[-1], result.axis1[0], result.axis1[-1])
            layer = {"cells": colorize(result, state.map.color_by)[0],
                     "extent": tuple(float(v) for v in extent),
                     "opacity": float(state.map.opacity)}
        pictures.append(PageMap(kind.title, buffer.getvalue(), **layer))
    return tuple(pictures)


class Page:
    """An interactive page, for a notebook: shown inline (``_repr_html_``: the page in an
    iframe, so its ids and keys stay its own) and saved with :meth:`save`."""

    #: Height of the inline frame in a notebook (CSS pixels).
    FRAME_HEIGHT = 900

    def __init__(self, document: dict):
        from landscape_app.export.page import page_html

        self.document = document
        self.html = page_html(document)

    def save(self, path) -> Path:
        """Write the page to ``path`` (``.html``), atomically; returns the path."""
        from landscape_app.export.page import write_page

        return write_page(path, self.document)

    def _repr_html_(self) -> str:
        source = html.escape(self.html, quote=True)
        return (f'<iframe srcdoc="{source}" style="width:100%;height:{self.FRAME_HEIGHT}px;'
                'border:0" sandbox="allow-scripts" title="Loss Landscape Lab page"></iframe>')


def page(source, steps: int | None = None, device: str = "auto") -> Page:
    """The interactive page of ``source``: a :class:`~landscape_app.state.model.SessionState`,
    a saved session file's path, or a scene id (``"adam-vs-sgd"``); ``steps`` replaces the
    session's length."""
    if isinstance(source, SessionState):
        state = source
    elif Path(str(source)).expanduser().is_file():
        from landscape_app.state.session_io import load_session

        state = load_session(source)
    else:
        from landscape_app.state.scenes import load_scene

        state = load_scene(str(source)).state
    return Page(page_document(state, steps, device=device))
