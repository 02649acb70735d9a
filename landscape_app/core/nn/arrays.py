"""A network landscape as plain named numpy arrays (what ``surface --out`` saves as NPZ).

Every array loads with ``numpy.load(path)`` (no pickle). Keys:

- ``values`` ``(R, R)``: ``values[j, i] = f(origin + alphas[i] d1 + betas[j] d2)``;
  ``alphas``, ``betas`` ``(R,)``; ``origin``, ``d1``, ``d2`` ``(P,)``.
- ``method``: ``pca``, ``random`` or ``hessian``; ``explained_variance`` ``(2,)`` (PCA ratios,
  NaN otherwise); ``eigenvalues`` ``(2,)`` (Hessian, NaN otherwise); ``device`` (where the grid
  was computed); ``seconds`` (grid time); ``initial_loss``; ``origin_label`` (the lane whose
  final point is the origin).
- ``lane_labels``, ``lane_specs``, ``lane_status``, ``lane_messages`` ``(L,)``; the paths of all
  lanes one after another, lane ``k`` in rows ``lane_offsets[k]:lane_offsets[k + 1]``:
  ``path_steps``, ``path_evals``, ``path_coords`` ``(n, 2)``, ``path_losses`` (true loss at
  θ_t), ``path_plane_losses`` (loss at the projection), ``path_distances`` (off-plane).
- with sharpness on (``surface --sharpness``): ``path_sharpness`` (λ_max of the full-data
  loss Hessian at θ_t), ``path_sharpness_threshold`` (the optimizer's stability threshold,
  e.g. 2/η) and ``path_preconditioned_sharpness`` (λ_max(P⁻¹H) of adaptive methods), ``(n,)``
  beside the paths, NaN where not measured (every K-th step) or not defined.
- ``interp_ts`` ``(K,)`` and ``interp_losses`` ``(L, K)``: each lane's loss along the straight
  line from its start (t = 0) to its end (t = 1).
- ``metadata``: a JSON string with the configuration, the plane's description and where the
  whole landscape was computed (``device``: e.g. ``CUDA (…) for training, the plane and
  38,400 of 40,401 grid points, then CPU`` after running out of GPU memory).
"""

from __future__ import annotations

import json
from dataclasses import asdict

import numpy as np

from landscape_app.core.nn.network_landscape import NetworkLandscape
from landscape_app.core.sharpness_reading import READING_COLUMNS

NAN_PAIR = np.array([np.nan, np.nan])
#: The optional keys of a race measured with sharpness on: the first three of
#: :data:`~landscape_app.core.sharpness_reading.READING_COLUMNS`, the columns of
#: :attr:`~landscape_app.core.nn.network_landscape.LanePath.sharpness`.
SHARPNESS_KEYS = ("path_sharpness", "path_sharpness_threshold", "path_preconditioned_sharpness")


def plane_arrays(plane) -> dict[str, np.ndarray]:
    """A plane's arrays in a surface NPZ: origin, d1, d2, method, explained variance and
    eigenvalues (NaN pairs where the method has none)."""
    return {
        "origin": plane.origin,
        "d1": plane.d1,
        "d2": plane.d2,
        "method": np.array(plane.method),
        "explained_variance": (np.array(plane.explained_variance)
                               if plane.explained_variance is not None else NAN_PAIR),
        "eigenvalues": (np.array(plane.eigenvalues)
                        if plane.eigenvalues is not None else NAN_PAIR),
    }


def landscape_arrays(landscape: NetworkLandscape) -> dict[str, np.ndarray]:
    """The arrays described in the module docstring."""
    surface, plane, lanes = landscape.surface, landscape.plane, landscape.lanes
    offsets = np.cumsum([0, *(len(lane.steps) for lane in lanes)])

    def joined(name: str, width: int | None = None) -> np.ndarray:
        parts = [getattr(lane, name) for lane in lanes]
        if parts:
            return np.concatenate(parts)
        return np.zeros((0,) if width is None else (0, width))

    metadata = {
        "config": asdict(landscape.config),
        "description": landscape.description,
        "parameter_count": landscape.parameter_count,
        "plane": plane.describe(),
        "device": landscape.device,
    }
    return {
        "values": surface.values,
        "alphas": surface.alphas,
        "betas": surface.betas,
        **plane_arrays(plane),
        "device": np.array(surface.device),
        "seconds": np.array(surface.seconds),
        "initial_loss": np.array(landscape.initial_loss),
        "origin_label": np.array(landscape.origin_label),
        "lane_labels": np.array([lane.label for lane in lanes], dtype=str),
        "lane_specs": np.array([lane.spec for lane in lanes], dtype=str),
        "lane_status": np.array([lane.status.value for lane in lanes], dtype=str),
        "lane_messages": np.array([lane.message for lane in lanes], dtype=str),
        "lane_offsets": offsets,
        "path_steps": joined("steps"),
        "path_evals": joined("evals"),
        "path_coords": joined("coords", 2),
        "path_losses": joined("losses"),
        "path_plane_losses": joined("plane_losses"),
        "path_distances": joined("distances"),
        "interp_ts": (lanes[0].interpolation.ts if lanes else np.zeros(0)),
        "interp_losses": (np.stack([lane.interpolation.losses for lane in lanes]) if lanes
                          else np.zeros((0, 0))),
        "metadata": np.array(json.dumps(metadata)),
        **sharpness_arrays(lanes),
    }


def sharpness_arrays(lanes) -> dict[str, np.ndarray]:
    """:data:`SHARPNESS_KEYS` joined over ``lanes`` like the paths (NaN for a lane without
    readings); empty when no lane was measured."""
    if all(lane.sharpness is None for lane in lanes):
        return {}
    rows = np.concatenate([np.full((len(lane.steps), len(READING_COLUMNS)), np.nan)
                           if lane.sharpness is None else lane.sharpness for lane in lanes])
    return {key: rows[:, READING_COLUMNS.index(column)] for key, column in
            zip(SHARPNESS_KEYS, READING_COLUMNS[:3], strict=True)}
