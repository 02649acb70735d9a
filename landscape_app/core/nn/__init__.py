"""Loss landscapes of small neural networks (Qt-free; numpy crosses out, tensors stay in).

Public API (what the window and the ``surface`` / ``seed-experiment`` commands use)::

    from landscape_app.core.nn import NetworkConfig, build_network_landscape

    land = build_network_landscape(
        NetworkConfig(model="moons", hidden=(16, 16), activation="tanh", samples=256),
        ["adam:lr=0.05", "sgd:lr=0.1"], steps=300, directions="pca", resolution=101,
        device="auto", progress=lambda stage, fraction: ..., cancelled=lambda: False)
    land.surface.values          # (R, R), rows β: values[j, i] = f(θ₀ + α_i d₁ + β_j d₂)
    land.surface.alphas, land.surface.betas, land.surface.device
    land.plane.explained_variance  # PCA only; land.plane.eigenvalues for Hessian planes
    for lane in land.lanes:      # lane.coords (n, 2), lane.losses, lane.distances, ...
        ...

Step by step: :func:`build_network` gives a :class:`NetworkObjective` (an ordinary
:class:`~landscape_app.core.objective.Objective` over the flat parameter vector, so every
optimizer and the race runner run on it; ``.initial_parameters()`` is the start and
``.parameter_count`` the dimension); :func:`make_plane` chooses a :class:`Plane` (``pca``,
``random``, ``hessian``); :func:`evaluate_plane` evaluates a :class:`PlaneSurface` on it;
``Plane.project`` / :func:`project_path` put paths on the plane; :func:`interpolate_loss` is the
1D start-to-end line. :func:`run_seed_experiment` re-runs the seed article's comparison.

Search boxes (what population methods sample in): [−1, 1]^10 for the seed network (as the
article), [−2, 2]^P for the MLPs (their initial weights lie within ±1/√fan_in ≤ 1 and trained
weights of these small problems stay within a few units).
"""

from landscape_app.core.nn.directions import DIRECTION_METHODS, Plane, make_plane
from landscape_app.core.nn.interpolation import Interpolation, interpolate_loss
from landscape_app.core.nn.models import ACTIVATIONS, NETWORK_MODELS, NetworkConfig
from landscape_app.core.nn.network_landscape import (
    LanePath,
    NetworkLandscape,
    build_network_landscape,
    landscape_from_runs,
    train_race,
)
from landscape_app.core.nn.network_objective import NetworkObjective, build_network
from landscape_app.core.nn.projection import ProjectedPath, project_path
from landscape_app.core.nn.surface import PlaneSurface, evaluate_plane, plane_ranges

__all__ = [
    "ACTIVATIONS",
    "DIRECTION_METHODS",
    "NETWORK_MODELS",
    "Interpolation",
    "LanePath",
    "NetworkConfig",
    "NetworkLandscape",
    "NetworkObjective",
    "Plane",
    "PlaneSurface",
    "ProjectedPath",
    "build_network",
    "build_network_landscape",
    "evaluate_plane",
    "interpolate_loss",
    "landscape_from_runs",
    "make_plane",
    "plane_ranges",
    "project_path",
    "train_race",
]
