"""What the three NPZ kinds share (:mod:`landscape_app.core.files.npz`): every file names its
kind and version; a file without them (written before they were stored) reads as version 1;
a newer version, or another kind's file, is refused in one line; a writer cannot stray from
its kind's keys."""

import itertools

import numpy as np
import pytest

from landscape_app.core.errors import LandscapeError
from landscape_app.core.files import grid_npz, map_npz, surface_npz
from landscape_app.core.files.npz import load
from landscape_app.core.grid import Grid2D

KINDS = {"grid": grid_npz, "surface": surface_npz, "map": map_npz}
READERS = {"grid": grid_npz.read_grid_npz, "surface": surface_npz.read_surface_npz,
           "map": map_npz.read_map_npz}


def _unversioned(kind: str) -> dict[str, np.ndarray]:
    """Arrays as the app wrote them before files named their kind and version."""
    if kind == "grid":
        return {"xs": np.arange(3.0), "ys": np.arange(2.0), "values": np.ones((2, 3)),
                "metadata": np.array('{"landscape": "Rosenbrock"}')}
    if kind == "surface":
        return {"alphas": np.arange(3.0), "betas": np.arange(2.0), "values": np.ones((2, 3)),
                "metadata": np.array('{"description": "an old surface"}')}
    cells = np.zeros((2, 3), dtype=int)
    return {"kind": np.array("starts"), "axis0": np.arange(3.0), "axis1": np.arange(2.0),
            "final": np.zeros((2, 3, 2)), "loss": np.ones((2, 3)), "best_loss": np.ones((2, 3)),
            "steps_to_tolerance": cells - 1, "status": cells,
            "status_names": np.array(["running", "converged"]), "basin": cells - 1,
            "minima": np.zeros((0, 2)), "seconds": np.array(0.5), "device": np.array("CPU"),
            "metadata": np.array('{"axis_names": ["x", "y"]}')}


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_without_a_version_reads_as_version_1(tmp_path, kind):
    path = tmp_path / f"{kind}.npz"
    np.savez_compressed(path, **_unversioned(kind))
    read = READERS[kind](path)
    assert read.version == 1
    assert read.metadata == {"grid": {"landscape": "Rosenbrock"},
                             "surface": {"description": "an old surface"},
                             "map": {"axis_names": ["x", "y"]}}[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_a_newer_version_is_refused_in_one_line(tmp_path, kind):
    path = tmp_path / f"{kind}.npz"
    declared = KINDS[kind].KIND
    np.savez_compressed(path, format=np.array(declared.format),
                        version=np.array(declared.version + 1), **_unversioned(kind))
    with pytest.raises(LandscapeError, match=f"version {declared.version + 1}; this app reads "
                                             f"versions 1 to {declared.version}") as error:
        READERS[kind](path)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(("kind", "other"), list(itertools.permutations(KINDS, 2)))
def test_each_reader_refuses_the_other_kinds(tmp_path, kind, other):
    path = tmp_path / f"{other}.npz"
    np.savez_compressed(path, format=np.array(KINDS[other].KIND.format), version=np.array(1),
                        **_unversioned(other))
    with pytest.raises(LandscapeError, match=f"a {KINDS[other].KIND.format} file, not a"):
        READERS[kind](path)


def test_the_written_file_names_its_kind_and_version(tmp_path):
    path = grid_npz.write_grid_npz(tmp_path / "grid.npz", Grid2D(np.arange(3.0), np.arange(2.0),
                                                                 np.ones((2, 3))))
    loaded = load(path)
    assert (loaded.format, loaded.version) == ("landscape-app-grid", 1)
    assert set(loaded.arrays) == set(grid_npz.KEYS)  # format and version are not arrays


def test_a_writer_cannot_stray_from_its_keys(tmp_path):
    arrays = _unversioned("map")
    with pytest.raises(ValueError, match=r"unknown \['curvature'\]"):
        map_npz.KIND.save(tmp_path / "map.npz", {**arrays, "curvature": np.ones(2)})
    del arrays["basin"]
    with pytest.raises(ValueError, match=r"missing \['basin'\]"):
        map_npz.KIND.save(tmp_path / "map.npz", arrays)
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_that_is_no_npz_is_refused_in_one_line(tmp_path, kind):
    path = tmp_path / "notes.npz"
    path.write_text("not a zip archive")
    with pytest.raises(LandscapeError, match="not a readable NPZ file"):
        READERS[kind](path)
    with pytest.raises(LandscapeError, match="not a readable NPZ file"):
        READERS[kind](tmp_path / "missing.npz")


def test_a_version_that_is_no_number_is_refused(tmp_path):
    path = tmp_path / "grid.npz"
    np.savez_compressed(path, version=np.array("two"), **_unversioned("grid"))
    with pytest.raises(LandscapeError, match="its version is not a whole number"):
        grid_npz.read_grid_npz(path)
