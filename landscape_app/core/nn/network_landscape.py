"""One call from a network configuration and a race to a surface with the paths on it.

:func:`build_network_landscape` is what the ``surface`` command and the window both use:

1. build the objective (:func:`~landscape_app.core.nn.network_objective.build_network`);
2. race the optimizers from the network's initial weights
   (:class:`~landscape_app.core.runner.Race`);
3. choose the plane: ``pca`` of all lanes' paths (diverged and failed lanes left out) or of one
   lane, ``random`` or ``hessian`` — through the *origin*, the final point of the lane with the
   lowest final loss (or of the chosen lane);
4. evaluate the grid on the plane over a range covering the origin, every lane's start and end
   and the central ``coverage`` fraction of all path points (so that a few far excursions,
   such as SLSQP's line-search probes, do not shrink everything else to a dot), widened by
   ``margin``; ``random`` and ``hessian`` planes cover at least [−1, 1]²;
5. project every path (coordinates, off-plane distances, true and on-plane losses) and
   interpolate each lane's loss from its start to its end.

Steps 3–5 run through one :class:`~landscape_app.core.fallback.DeviceFallback`: a stage that
runs out of GPU (or MPS) memory is retried in smaller chunks, then on the CPU, and the
landscape's ``device`` says what ran where (``CUDA (…) for training, the plane and 38,400 of
40,401 grid points, then CPU``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from landscape_app.core.catalogue.kinds import LandscapeKind
from landscape_app.core.errors import LandscapeError
from landscape_app.core.fallback import DeviceFallback
from landscape_app.core.grid import Grid2D
from landscape_app.core.landscape import Landscape
from landscape_app.core.nn.directions import Plane, make_plane
from landscape_app.core.nn.interpolation import Interpolation, interpolate_loss
from landscape_app.core.nn.models import NetworkConfig
from landscape_app.core.nn.network_objective import NetworkObjective, build_network
from landscape_app.core.nn.projection import ProjectedPath, project_path
from landscape_app.core.nn.surface import PlaneSurface, evaluate_plane, plane_ranges
from landscape_app.core.optim.registry import OptimizerSpec, parse_optimizer_spec
from landscape_app.core.progress import CancelPoll, StageProgress
from landscape_app.core.result import LaneResult, RaceResult
from landscape_app.core.runner import Race, Racer
from landscape_app.core.sharpness_reading import reading_rows
from landscape_app.core.surface_raw import RecordedPath

#: Fraction of all path points the grid covers (besides every start and end point).
DEFAULT_COVERAGE = 0.95
#: Stage names in device reports.
TRAINING_STAGE, PLANE_STAGE = "training", "the plane"


@dataclass(frozen=True, kw_only=True)
class LanePath(RecordedPath):
    """A trained lane on the plane: a :class:`~landscape_app.core.surface_raw.RecordedPath`
    with the full ``trajectory`` θ_t ``(n, P)`` and the start-to-end ``interpolation``."""

    trajectory: np.ndarray
    interpolation: Interpolation


@dataclass(frozen=True)
class NetworkLandscape(Landscape):
    """The result: the surface, its plane, and every lane projected onto it.

    As a :class:`~landscape_app.core.landscape.Landscape` it is *recorded*: its grid is the
    surface, and its lanes' projected paths are replayed.
    """

    config: NetworkConfig
    description: str
    parameter_count: int
    initial_loss: float
    origin_label: str
    surface: PlaneSurface
    lanes: tuple[LanePath, ...]
    #: Where the work ran (the surface's ``device`` only where its grid did), e.g. ``CUDA (…)
    #: for training, the plane and 38,400 of 40,401 grid points, then CPU``.
    device: str

    kind = LandscapeKind.NETWORK
    live = False
    equal_aspect = False
    distance_label = "off plane"

    @property
    def name(self) -> str:
        return self.description

    @property
    def axis_labels(self) -> tuple[str, str]:  # type: ignore[override]
        """The plane's directions, e.g. ``("PCA 1 (89.8 %)", "PCA 2 (7.1 %)")``."""
        return self.plane.axis_labels()

    @property
    def plane(self) -> Plane:
        return self.surface.plane

    @property
    def box(self) -> tuple[tuple[float, float], tuple[float, float]]:
        alphas, betas = self.surface.alphas, self.surface.betas
        return (float(alphas[0]), float(alphas[-1])), (float(betas[0]), float(betas[-1]))

    @property
    def log_scale(self) -> bool:
        return True

    def grid(self, resolution: int | None = None, progress=None, cancelled=None) -> Grid2D:
        """The computed surface (its own resolution)."""
        surface = self.surface
        return Grid2D(np.asarray(surface.alphas), np.asarray(surface.betas),
                      np.asarray(surface.values))

    def metadata(self, log_scale: bool | None = None) -> dict:
        return {**super().metadata(log_scale), "plane": self.plane.describe(),
                "origin": f"end of {self.origin_label}",
                "parameter_count": self.parameter_count}

    def summary(self) -> str:
        """One line: the network, its size, the plane, where and how fast it was computed."""
        return (f"{self.description} · {self.parameter_count} parameters · "
                f"{self.plane.describe()} · computed on {self.device} in "
                f"{self.surface.seconds:.2f} s")


def as_racers(specs: Sequence[OptimizerSpec | Racer | str]) -> list[Racer]:
    """Racers with unique labels from specs, racers or ``"adam:lr=0.05"`` texts."""
    racers, seen = [], {}
    for item in specs:
        if isinstance(item, Racer):
            racer = item
        else:
            spec = parse_optimizer_spec(item) if isinstance(item, str) else item
            racer = Racer(spec.to_text(), spec)
        count = seen.get(racer.label, 0) + 1
        seen[racer.label] = count
        racers.append(racer if count == 1 else Racer(f"{racer.label} #{count}", racer.spec))
    if not racers:
        raise LandscapeError("a race needs at least one optimizer")
    return racers


def train_race(objective: NetworkObjective, specs: Sequence[OptimizerSpec | Racer | str],
               steps: int, seed: int = 0, start: np.ndarray | None = None,
               progress: StageProgress | None = None,
               cancelled: CancelPoll | None = None,
               sharpness_every: int | None = None) -> RaceResult:
    """Race ``specs`` for ``steps`` steps from ``start`` (default: the network's initial θ);
    ``progress`` gets stage ``train``; ``sharpness_every`` as for
    :class:`~landscape_app.core.runner.Race`."""
    if steps < 1:
        raise LandscapeError(f"steps must be at least 1, got {steps}")
    start = objective.initial_parameters() if start is None else start
    race = Race(objective, as_racers(specs), start, seed=seed, max_steps=steps,
                sharpness_every=sharpness_every)
    return race.run(progress=progress, cancelled=cancelled, stage="train")


def landscape_from_runs(objective: NetworkObjective, runs: Sequence[LaneResult], directions: str,
                        resolution: int, margin: float = 0.25, coverage: float = DEFAULT_COVERAGE,
                        seed: int = 0,
                        plane_lane: int | None = None, progress: StageProgress | None = None,
                        cancelled: CancelPoll | None = None,
                        fallback: DeviceFallback | None = None) -> NetworkLandscape:
    """Plane, surface and projected paths for finished lanes ``runs`` (steps 3–5 of the module;
    a race's lanes: ``train_race(...).lanes``).

    ``fallback`` runs every stage (default: a fresh one for ``objective``); pass the one that
    recorded the training to have it in the device report.
    """
    if plane_lane is not None:
        if not 0 <= plane_lane < len(runs):
            raise LandscapeError(f"plane lane {plane_lane} does not exist "
                                 f"(there are {len(runs)} lanes)")
        basis_runs = [runs[plane_lane]]
    else:
        basis_runs = [run for run in runs if run.usable]
    if not basis_runs:
        raise LandscapeError("every optimizer diverged or failed; there is no path to draw "
                             "a plane from — lower the learning rates")
    best = min(basis_runs, key=lambda run: run.final_loss)
    if progress is not None:
        progress("plane", 0.0)
    if fallback is None:
        fallback = DeviceFallback.for_objective(objective)
    plane = fallback.whole(lambda placed: make_plane(
        placed, directions, [run.trajectory for run in basis_runs], origin=best.trajectory[-1],
        seed=seed), PLANE_STAGE)
    if progress is not None:
        progress("plane", 1.0)
    # The grid covers the usable runs: a diverged path would stretch it to astronomic size.
    projections = [plane.project(run.trajectory)[0] for run in basis_runs if run.records]
    coords = np.concatenate(projections) if projections else None
    ends = np.array([p[i] for p in projections for i in (0, -1)]) if projections else None
    alpha_range, beta_range = plane_ranges(coords, margin, anchors=ends, coverage=coverage)
    if directions != "pca":
        alpha_range = (min(alpha_range[0], -1.0), max(alpha_range[1], 1.0))
        beta_range = (min(beta_range[0], -1.0), max(beta_range[1], 1.0))
    surface = evaluate_plane(
        objective, plane, resolution, alpha_range, beta_range,
        progress=progress, cancelled=cancelled, fallback=fallback,
    )
    drawn = [run for run in runs if run.records]
    # Stage by stage (all projections, then all interpolations), so that a fall-back to the
    # CPU splits one stage at most.
    projected = [project_path(objective, plane, run.trajectory, fallback) for run in drawn]
    lines = [interpolate_loss(objective, run.trajectory[0], run.trajectory[-1],
                              fallback=fallback) for run in drawn]
    lanes = tuple(_lane_path(run, path, line)
                  for run, path, line in zip(drawn, projected, lines, strict=True))
    start_loss = fallback.whole(lambda placed: float(
        placed.evaluate(placed.as_tensor(placed.initial_parameters())).detach()))
    return NetworkLandscape(objective.config, objective.name, objective.dim, start_loss,
                            best.label, surface, lanes, fallback.describe())


def _lane_path(run: LaneResult, projected: ProjectedPath,
               interpolation: Interpolation) -> LanePath:
    return LanePath(
        run.label, run.spec.to_text(), run.status, run.message,
        steps=np.array([r.step for r in run.records]),
        evals=np.array([r.evals for r in run.records]),
        trajectory=run.trajectory, coords=projected.coords, distances=projected.distances,
        losses=projected.losses, plane_losses=projected.plane_losses,
        interpolation=interpolation,
        batch_losses=np.array([np.nan if r.batch_loss is None else r.batch_loss
                               for r in run.records]),
        sharpness=(reading_rows([r.sharpness for r in run.records])
                   if any(r.sharpness is not None for r in run.records) else None),
    )


def build_network_landscape(config: NetworkConfig,
                            specs: Sequence[OptimizerSpec | Racer | str],
                            steps: int = 300, directions: str = "pca", resolution: int = 51,
                            device: torch.device | str = "auto",
                            progress: StageProgress | None = None,
                            cancelled: CancelPoll | None = None,
                            margin: float = 0.25, coverage: float = DEFAULT_COVERAGE,
                            seed: int = 0, plane_lane: int | None = None,
                            sharpness_every: int | None = None) -> NetworkLandscape:
    """Train the race on ``config``'s network and return the surface with every path on it.

    Parameters
    ----------
    config : NetworkConfig
    specs : optimizer specs, racers, or texts such as ``"adam:lr=0.05"``
    steps : int
        Steps per lane.
    directions : str
        ``pca``, ``random`` or ``hessian``.
    resolution : int
        Grid side (2 to 2001).
    device : torch.device or str
        ``auto`` takes CUDA, then MPS, then the CPU (a device that computes in
        ``config.dtype``: MPS has no float64).
    progress : callable, optional
        ``progress(stage, fraction)`` with stage ``train``, ``plane`` or ``surface``.
    cancelled : callable, optional
        Polled between race batches and grid chunks; when true, :class:`CancelledError`.
    margin : float
        How far the grid reaches beyond the paths, as a fraction of their extent.
    coverage : float
        Fraction of all path points the grid must cover (starts and ends always are).
    seed : int
        Seeds the optimizers and the random/Lanczos directions.
    plane_lane : int, optional
        Build the plane from this lane alone (a per-optimizer PCA plane); default: all lanes.
    sharpness_every : int, optional
        Measure each lane's sharpness every this many steps (:class:`~landscape_app.core.
        runner.Race`); the paths carry the readings (``LanePath.sharpness``).
    """
    objective = build_network(config, device)
    result = train_race(objective, specs, steps, seed=seed, progress=progress,
                        cancelled=cancelled, sharpness_every=sharpness_every)
    fallback = DeviceFallback.for_objective(objective)
    fallback.record(TRAINING_STAGE)
    return landscape_from_runs(objective, result.lanes, directions, resolution, margin=margin,
                               coverage=coverage, seed=seed, plane_lane=plane_lane,
                               progress=progress, cancelled=cancelled, fallback=fallback)
