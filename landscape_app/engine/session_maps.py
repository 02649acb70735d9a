"""The window model's map edits (and the comparison it keeps), Qt-free: a mixin of
:class:`~landscape_app.engine.session_model.SessionModel` (it keeps the state, the landscape
and the start they read).

Any edit of the session's maps recomputes a map whose inputs changed, coarse then fine
(:mod:`~landscape_app.engine.map_jobs`); a new landscape or optimizer clears the old map at
once, a zoom keeps it until the new one arrives. A map result is taken only if it answers the
job asked for last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.errors import LandscapeError
from landscape_app.engine.effects import NOTHING, Effects
from landscape_app.engine.map_jobs import KINDS, MapJob, plan_maps, refined
from landscape_app.state.map_settings import MapSettings


class MapEdits:
    """The maps on screen (:attr:`maps`: kind → OutcomeMap, coarse or fine) and their edits."""

    def _init_maps(self) -> None:
        self.maps: dict[str, Any] = {}
        self._map_jobs: dict[str, MapJob] = {}
        self._map_keys: dict[str, tuple] = {}

    def set_map(self, settings: MapSettings | None) -> Effects:
        """The session's maps (None: none); maps whose inputs changed are computed again."""
        self.state = replace(self.state, map=settings)
        return replace(self._with_maps(NOTHING), redraw_maps=True)

    def zoom_starts(self, extent: Sequence[float]) -> Effects:
        """The start map's region ``(x0, x1, y0, y1)`` (the 2D view was zoomed or panned)."""
        x0, x1, y0, y1 = (float(v) for v in extent)
        if self.state.map is None or not (x0 < x1 and y0 < y1):
            return NOTHING
        return self.set_map(replace(self.state.map, extent=(x0, x1, y0, y1)))

    def zoom_sweep(self, x_range: Sequence[float], y_range: Sequence[float]) -> Effects:
        """The hyperparameter map's axis ranges (its view was zoomed or panned); each range is
        kept inside what the hyperparameter allows, and a log axis above zero."""
        settings = self.state.map
        if settings is None or settings.sweep is None:
            return NOTHING
        from landscape_app.core.catalogue.map_checks import check_axis

        axes = []
        spec = self.state.lanes[settings.lane].spec
        network = self.state.landscape.kind == LandscapeKind.NETWORK
        for axis, (low, high) in zip(settings.sweep, (x_range, y_range), strict=True):
            zoomed = replace(axis, low=float(low), high=float(high))
            try:
                if not zoomed.low < zoomed.high or (zoomed.log and zoomed.low <= 0):
                    raise LandscapeError("empty range")
                check_axis(spec.id, spec.params, zoomed, network)
            except LandscapeError:
                zoomed = axis
            axes.append(zoomed)
        return self.set_map(replace(settings, sweep=tuple(axes)))

    def set_compare(self, record) -> Effects:
        """The lanes' comparison to keep with the session (a
        :class:`~landscape_app.state.compare_record.CompareRecord`, None: none); nothing reruns."""
        self.state = replace(self.state, compare=record)
        return NOTHING

    def cancel_maps(self) -> Effects:
        """The user stopped the maps being computed (what is drawn stays)."""
        kinds = tuple(self._map_jobs)
        if not kinds:
            return NOTHING
        self._map_jobs.clear()
        return Effects(cancel_maps=kinds, messages=("map cancelled",))

    def map_done(self, job: MapJob, result) -> Effects:
        """A map arrived: drawn if it answers the current job; a coarse one is refined."""
        if job is None or self._map_jobs.get(job.kind) is not job:
            return NOTHING
        self.maps[job.kind] = result
        following = refined(job)
        if following is None:
            del self._map_jobs[job.kind]
            return Effects(redraw_maps=True)
        self._map_jobs[job.kind] = following
        return Effects(maps=(following,), redraw_maps=True)

    def map_failed(self, job: MapJob, message: str) -> Effects:
        if job is None or self._map_jobs.get(job.kind) is not job:
            return NOTHING
        del self._map_jobs[job.kind]
        return Effects(messages=(f"the map could not be computed: {message}",))

    @property
    def map_computing(self) -> bool:
        """Whether a map job is waited for."""
        return bool(self._map_jobs)

    def map_pending(self, kind: str) -> bool:
        """Whether the map of ``kind`` is being computed."""
        return kind in self._map_jobs

    # -- helpers ----------------------------------------------------------------------------
    def _with_maps(self, effects: Effects) -> Effects:
        """``effects`` plus what the session's maps need after the edit."""
        landscape = self.landscape if self.live else None
        jobs, reason = plan_maps(self.state, landscape, self.start_point())
        cancel, new, redraw = [], [], False
        for kind in KINDS:
            job = jobs.get(kind)
            if job is None:
                if kind in self.maps or kind in self._map_jobs:
                    redraw = True
                    self.maps.pop(kind, None)
                    if self._map_jobs.pop(kind, None) is not None:
                        cancel.append(kind)
                self._map_keys.pop(kind, None)
                continue
            old = self._map_keys.get(kind)
            if old == job.key:
                continue
            if old is None or old[:-1] != job.key[:-1]:  # not only the region moved: the
                redraw = True  # old map goes at once, the new one's axes show while it computes
                self.maps.pop(kind, None)
            self._map_keys[kind] = job.key
            self._map_jobs[kind] = job
            cancel.append(kind)
            new.append(job)
        messages = effects.messages + ((reason,) if reason else ())
        return replace(effects, cancel_maps=effects.cancel_maps + tuple(cancel),
                       maps=effects.maps + tuple(new),
                       redraw_maps=effects.redraw_maps or redraw, messages=messages)


def _without_extent(settings: MapSettings | None, network: bool = False):
    """A map's settings for a new landscape: its own view box; no start map on a network."""
    if settings is None:
        return None
    return replace(settings, extent=None, starts=settings.starts and not network)
