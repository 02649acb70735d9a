"""Outcome-map jobs of the window, Qt-free: what to compute for a session's maps, coarse first.

:class:`MapJob` is one background computation (:func:`~landscape_app.core.maps.compute_map`)
of one :class:`~landscape_app.core.catalogue.kinds.MapKind` — a start map (every start of
the 2D view) or a sweep (two hyperparameters of the mapped lane). :func:`plan_maps` says
which jobs a session needs; a map whose inputs change is computed first at
:data:`~landscape_app.state.map_settings.COARSE_RES` cells a side and then refined to the session's
``res`` (:func:`refined`), so a zoom shows its new region at once and its structure sharpens
as the fine pass arrives.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from landscape_app.core.catalogue.kinds import LandscapeKind, MapKind
from landscape_app.core.errors import LandscapeError
from landscape_app.core.maps import StartGrid, Sweep, check_mappable, compute_map
from landscape_app.state.map_settings import COARSE_RES, MapSettings
from landscape_app.state.model import SessionState

KINDS = tuple(MapKind)


@dataclass(frozen=True, eq=False)
class MapJob:
    """Compute one map: ``kind`` of ``target`` under ``optimizer`` over ``region``.

    ``key`` names the inputs (a refined job has its coarse job's key); ``final_res`` is the
    side the map is refined to; ``sharpness``: also measure λ_max at every cell's final point
    (the map is coloured by it).
    """

    kind: MapKind
    target: Any  # an Objective (2D) or a NetworkConfig
    optimizer: Any  # OptimizerSpec
    region: StartGrid | Sweep
    steps: int
    tolerance: float
    final_res: int
    key: tuple
    seed: int = 0  # the session's: minibatches and gradient noise draw as its race does
    sharpness: bool = False

    @property
    def res(self) -> int:
        return self.region.res

    @property
    def coarse(self) -> bool:
        return self.region.res < self.final_res

    def run(self, progress=None, cancelled=None):
        """Compute the map (float32, on the best device); ``progress(stage, fraction)``."""
        result = compute_map(self.target, self.optimizer, self.region, self.steps,
                             tolerance=self.tolerance, device="auto", dtype="float32",
                             progress=progress, cancelled=cancelled, seed=self.seed)
        if not self.sharpness:
            return result
        from landscape_app.core.maps.cell_sharpness import with_sharpness

        return with_sharpness(result, self.target, progress=progress, cancelled=cancelled)


def refined(job: MapJob) -> MapJob | None:
    """The full-resolution job after a coarse one (None when ``job`` was already full)."""
    if not job.coarse:
        return None
    return replace(job, region=replace(job.region, res=job.final_res))


def start_extent(settings: MapSettings, landscape) -> tuple[float, float, float, float]:
    """The start map's region: the session's extent, else the landscape's view box."""
    if settings.extent is not None:
        return tuple(settings.extent)
    (x0, x1), (y0, y1) = landscape.box
    return (float(x0), float(x1), float(y0), float(y1))


def plan_maps(state: SessionState, landscape, start) -> tuple[dict[str, MapJob], str | None]:
    """The coarse jobs ``state``'s maps need (by kind), and why none can run (or None).

    ``landscape`` is the session's built 2D landscape (None on a network or while it is
    computed), ``start`` the race's start (sweeps run from it on 2D landscapes).
    """
    settings = state.map
    if settings is None:
        return {}, None
    if settings.lane >= len(state.lanes):
        return {}, f"the map follows optimizer {settings.lane + 1}, which no longer exists"
    spec = state.lanes[settings.lane].spec
    try:
        check_mappable(spec.id)
    except LandscapeError as error:
        return {}, str(error)
    network = state.landscape.kind == LandscapeKind.NETWORK
    if network:
        from landscape_app.state.network_settings import parse_network

        target = parse_network(state.landscape.network, lane_count=len(state.lanes)).config
    elif landscape is None:
        return {}, None
    else:
        target = landscape.objective
    coarse = min(COARSE_RES, settings.res)
    sharpness = settings.color_by == "sharpness"
    common = {"target": target, "optimizer": spec, "steps": settings.steps,
              "tolerance": settings.tolerance, "final_res": settings.res, "seed": state.seed,
              "sharpness": sharpness}
    base_key = (state.landscape, spec, settings.steps, settings.tolerance, settings.res,
                state.seed, sharpness)
    jobs: dict[MapKind, MapJob] = {}
    if settings.starts and not network:
        extent = start_extent(settings, landscape)
        jobs[MapKind.STARTS] = MapJob(MapKind.STARTS,
                                      region=StartGrid(extent[:2], extent[2:], coarse),
                                      key=base_key + (extent,), **common)
    if settings.sweep is not None:
        sweep_start = None if network or start is None else tuple(float(v) for v in start)
        jobs[MapKind.SWEEP] = MapJob(MapKind.SWEEP,
                                     region=settings.sweep_region(coarse, sweep_start),
                                     key=base_key + (settings.sweep, sweep_start), **common)
    return jobs, None
