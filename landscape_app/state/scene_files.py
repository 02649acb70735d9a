"""The scene library's files and ids, without torch (so the command line checks a scene id
at once). :mod:`landscape_app.state.scenes` loads and validates the scenes themselves.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

from landscape_app.core.errors import UnknownIdError

SCENE_FOLDER = "scenes"  # inside the landscape_app package

#: The order scenes are listed and presented in.
SCENE_ORDER = (
    "momentum-overshoot",
    "adaptive-steps",
    "adam-vs-sgd",
    "lookahead-calm",
    "adamw-vs-adam",
    "lr-schedules",
    "saddle-trap",
    "noisy-saddle",
    "himmelblau-basins",
    "himmelblau-map-basins",
    "quadratic-stable-lr",
    "rastrigin-global",
    "steps-vs-evaluations",
    "seed-pca",
    "two-moons",
    "minibatch-moons",
    "seed-fractal-edge",
    "edge-of-stability",
    "fair-race",
)


def scene_files() -> dict[str, Traversable]:
    """Scene id → its JSON file in the package."""
    folder = resources.files("landscape_app").joinpath(SCENE_FOLDER)
    return {entry.name.removesuffix(".json"): entry for entry in folder.iterdir()
            if entry.name.endswith(".json") and entry.is_file()}


def scene_ids() -> list[str]:
    """Every scene id, in teaching order."""
    files = scene_files()
    ordered = [scene_id for scene_id in SCENE_ORDER if scene_id in files]
    return ordered + sorted(set(files) - set(SCENE_ORDER))


def check_scene_id(scene_id: str) -> str:
    """``scene_id`` if the library has it, else an :class:`UnknownIdError` listing the ids."""
    if scene_id not in scene_files():
        raise UnknownIdError(f"unknown scene {scene_id!r}; known: {', '.join(scene_ids())}")
    return scene_id
