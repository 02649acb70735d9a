"""``landscape-app export`` end to end, in process: real files, decoded and checked.

Small frames and few steps keep it fast; the frame content itself is tested in
``test_render.py``.
"""

import io
import json
import os
import re
import signal
import subprocess
import threading
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from landscape_app.cli import main
from landscape_app.cli.arguments import parse_size
from landscape_app.cli.progress_bar import ProgressBar
from landscape_app.core.errors import LandscapeError
from landscape_app.core.files.grid_npz import read_grid_npz

SMALL = ["--size", "240x180", "--fps", "10", "--steps", "12"]


def export(*args: str) -> int:
    return main(["export", "--scene", "adam-vs-sgd", *args])


def gif_frames(path: Path) -> list[np.ndarray]:
    with Image.open(path) as image:
        frames = []
        for index in range(image.n_frames):
            image.seek(index)
            frames.append(np.asarray(image.convert("RGB")))
    return frames


def mp4_frames(path: Path) -> tuple[tuple[int, int], list[np.ndarray]]:
    """Size and frames, decoded by the bundled ffmpeg (``imageio_ffmpeg.read_frames`` leaves
    its pipes open, which warnings-as-errors turns into a failure)."""
    import imageio_ffmpeg

    done = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path),
                           "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                          capture_output=True, check=True)
    stream = re.search(r"Video: h264.*?, (\d+)x(\d+)[ ,]", done.stderr.decode())
    width, height = int(stream.group(1)), int(stream.group(2))
    raw = np.frombuffer(done.stdout, dtype=np.uint8).reshape(-1, height, width, 3)
    return (width, height), list(raw)


def test_gif_export_has_the_frames_asked_for(tmp_path, capsys):
    out = tmp_path / "demo.gif"
    assert export("--out", str(out), *SMALL, "--frames", "6") == 0
    frames = gif_frames(out)
    assert len(frames) == 6 and frames[0].shape == (180, 240, 3)
    assert not np.array_equal(frames[0], frames[-1])
    assert all(not np.array_equal(a, b) for a, b in zip(frames, frames[1:]))
    assert f"wrote {out}: 6 frames, 240x180, 10 fps" in capsys.readouterr().out


def gap(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


def test_a_step_range_exports_those_steps_its_first_frame_step_a(tmp_path, capsys):
    """--steps A:B (the timeline's range): B − A + 1 frames, frame i showing step A + i,
    as the whole race's export shows it (PNG frames: pixel for pixel; a GIF has its own
    palette, taken from its first frame: the nearest frame of the whole race's GIF)."""
    small = [arg if arg != "12" else "5:12" for arg in SMALL]
    assert export("--out", str(tmp_path / "whole"), *SMALL) == 0
    assert export("--out", str(tmp_path / "part"), *small) == 0
    every = [np.asarray(Image.open(path)) for path in sorted((tmp_path / "whole").iterdir())]
    frames = [np.asarray(Image.open(path)) for path in sorted((tmp_path / "part").iterdir())]
    assert len(every) == 13 and len(frames) == 8
    for step, frame in enumerate(frames, start=5):
        assert np.array_equal(frame, every[step])
    whole, part = tmp_path / "whole.gif", tmp_path / "part.gif"
    assert export("--out", str(whole), *SMALL) == 0
    assert export("--out", str(part), *small) == 0
    every, frames = gif_frames(whole), gif_frames(part)
    assert len(every) == 13 and len(frames) == 8
    for step, frame in enumerate(frames, start=5):
        nearest = min(range(13), key=lambda other: gap(frame, every[other]))
        assert nearest == step
    assert f"wrote {part}: 8 frames" in capsys.readouterr().out


def test_a_step_range_in_mp4_starts_at_step_a(tmp_path):
    whole, part = tmp_path / "whole.mp4", tmp_path / "part.mp4"
    base = ["--size", "320x240", "--fps", "30"]
    assert export("--out", str(whole), *base, "--steps", "10") == 0
    assert export("--out", str(part), *base, "--steps", "4:10", "--frames", "4") == 0
    _, every = mp4_frames(whole)
    _, frames = mp4_frames(part)
    assert len(frames) == 4  # steps 4, 6, 8, 10
    for frame, step in zip(frames, (4, 6, 8, 10), strict=True):
        assert gap(frame, every[step]) < min(gap(frame, every[other]) for other in range(11)
                                             if other != step)


def test_mp4_export_exactly_as_documented_but_small(tmp_path):
    out = tmp_path / "demo.mp4"
    assert main(["export", "--scene", "adam-vs-sgd", "--out", str(out), "--size", "320x240",
                 "--fps", "30", "--steps", "8"]) == 0
    size, frames = mp4_frames(out)
    assert size == (320, 240) and len(frames) == 9  # one frame per step, the start included
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 0.5


def test_png_frames_duration_and_no_curves(tmp_path):
    out = tmp_path / "frames"
    assert export("--out", str(out), *SMALL, "--duration", "0.5", "--no-curves",
                  "--title", "") == 0
    names = sorted(path.name for path in out.iterdir())
    assert names == [f"frame_{i:04d}.png" for i in range(5)]
    with Image.open(out / names[-1]) as image:
        assert image.size == (240, 180)


def test_two_exports_are_identical(tmp_path):
    for name in ("one", "two"):
        assert export("--out", str(tmp_path / name), *SMALL, "--frames", "3") == 0
    for index in range(3):
        name = f"frame_{index:04d}.png"
        one = np.asarray(Image.open(tmp_path / "one" / name))
        two = np.asarray(Image.open(tmp_path / "two" / name))
        assert np.array_equal(one, two)


def test_extra_outputs_exist_and_decode(tmp_path):
    paths = {name: tmp_path / name for name in ("race.csv", "race.json", "grid.npz",
                                                 "view.png", "view.svg")}
    assert export("--trajectories", str(paths["race.csv"]), "--surface", str(paths["grid.npz"]),
                  "--still", str(paths["view.png"]), *SMALL) == 0
    assert export("--trajectories", str(paths["race.json"]), "--still", str(paths["view.svg"]),
                  *SMALL) == 0
    lines = paths["race.csv"].read_text().splitlines()
    assert lines[0].startswith("optimizer,step,evals") and len(lines) == 1 + 3 * 13
    document = json.loads(paths["race.json"].read_text())
    assert [lane["label"] for lane in document["lanes"]] == ["SGD", "momentum", "Adam"]
    grid = read_grid_npz(paths["grid.npz"])  # the grid kind's one reader
    assert grid.grid.values.shape == (len(grid.grid.ys), len(grid.grid.xs))
    assert grid.metadata["title"] == "Adam vs SGD on Rosenbrock" and grid.version == 1
    with Image.open(paths["view.png"]) as still:
        assert still.size == (240, 180)
    root = ElementTree.parse(paths["view.svg"]).getroot()
    assert root.tag.endswith("svg")


# -- refused before any work ----------------------------------------------------------------
@pytest.mark.parametrize(("args", "message"), [
    (["--out", "{gif}", "--size", "12x"], "--size '12x': expected WIDTHxHEIGHT"),
    (["--out", "{gif}", "--size", "10x10"], "frame width 10 is out of range"),
    (["--out", "{gif}", "--fps", "0"], "--fps '0': must be above 0"),
    (["--out", "{gif}", "--fps", "-3"], "--fps '-3': must be above 0"),
    (["--out", "{gif}", "--fps", "60"], "fps 60.0 is out of range for GIF"),
    (["--out", "{gif}", "--frames", "2.5"], "--frames '2.5': expected a whole number"),
    (["--out", "{gif}", "--steps", "zero"], "--steps 'zero': expected a whole number"),
    (["--out", "{gif}", "--steps", "9:3"], "--steps '9:3': expected 0 <= A < B"),
    (["--out", "{gif}", "--steps", "a:3"], "--steps 'a:3': expected S or A:B"),
    (["--out", "demo.avi"], "use a .gif or .mp4 file name"),
    (["--out", "{tmp}/missing/demo.gif"], "does not exist"),
    (["--out", "{gif}", "--still", "{gif}"], "same path"),
    (["--still", "{tmp}/view.svg", "--view", "3d"], "SVG still"),
    (["--trajectories", "{tmp}/race.txt"], "must end in .csv or .json"),
    ([], "nothing to export"),
])
def test_bad_options_are_refused_in_one_line(tmp_path, capsys, args, message):
    gif = str(tmp_path / "demo.gif")
    args = [arg.replace("{gif}", gif).replace("{tmp}", str(tmp_path)) for arg in args]
    assert export(*args) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("landscape-app export: error: ")
    assert message in error
    assert list(tmp_path.iterdir()) == []


def test_the_3d_view_without_a_display_says_to_use_xvfb(tmp_path, capsys):
    from PySide6.QtGui import QGuiApplication

    from landscape_app.gui.app import headless_application

    headless_application()
    if QGuiApplication.platformName() != "offscreen":
        pytest.skip("this test is about the offscreen platform")
    assert export("--out", str(tmp_path / "demo.gif"), "--view", "3d", *SMALL) == 2
    error = capsys.readouterr().err
    assert "needs OpenGL" in error and "xvfb-run" in error and error.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_unknown_scene_and_broken_session_are_refused(tmp_path, capsys):
    assert main(["export", "--scene", "no-such-scene", "--out", str(tmp_path / "a.gif")]) == 2
    assert "unknown scene 'no-such-scene'" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert main(["export", "--session", str(broken), "--out", str(tmp_path / "a.gif")]) == 2
    assert "invalid JSON at line 1" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions and a non-root user")
def test_a_read_only_folder_is_refused_before_the_race(tmp_path, capsys):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        # a million steps: the test would not finish if the race ran before the check
        assert export("--out", str(folder / "demo.mp4"), "--steps", "1000000") == 2
    finally:
        folder.chmod(0o700)
    assert "not writable" in capsys.readouterr().err


def test_an_unwritable_path_is_refused_before_the_race(tmp_path, capsys):
    started = time.perf_counter()
    # a million steps: the race would take hours if it ran before the check
    assert export("--out", str(tmp_path / "missing" / "demo.mp4"), "--steps", "1000000") == 2
    assert time.perf_counter() - started < 30
    assert "the folder" in capsys.readouterr().err and list(tmp_path.iterdir()) == []


def test_ctrl_c_cancels_cleanly_and_leaves_nothing(tmp_path, capsys):
    out = tmp_path / "long.gif"

    def interrupt_once_encoding_started():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(p.name.startswith(".long.gif.") for p in tmp_path.iterdir()):
                os.kill(os.getpid(), signal.SIGINT)
                return
            time.sleep(0.02)  # polling for the condition: the encoder's temporary file

    sender = threading.Thread(target=interrupt_once_encoding_started)
    sender.start()
    try:
        code = export("--out", str(out), "--size", "160x120", "--steps", "12",
                      "--frames", "5000", "--fps", "50")
    finally:
        sender.join()
    assert code == 130
    assert "cancelled; nothing was written" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# -- the pieces -------------------------------------------------------------------------------
def test_help_documents_every_option_with_examples(capsys):
    with pytest.raises(SystemExit) as leaving:
        main(["export", "--help"])
    assert leaving.value.code == 0
    text = capsys.readouterr().out
    for option in ("--scene", "--session", "--out", "--still", "--trajectories", "--surface",
                   "--view", "--curves", "--no-curves", "--axis", "--title", "--size", "--fps",
                   "--steps", "--frames", "--duration", "--device"):
        assert option in text
    assert "landscape-app export --scene adam-vs-sgd --out demo.mp4 --size 1280x720 --fps 30 " \
           "--steps 300" in text
    assert "--steps S|A:B" in text and "--steps 100:200" in text


def test_size_parsing():
    assert parse_size("1280x720") == (1280, 720)
    assert parse_size(" 800 X 600 ") == (800, 600)
    for bad in ("12x", "x720", "1280*720", "-5x5", "1280x720x3"):
        with pytest.raises(LandscapeError, match="expected WIDTHxHEIGHT"):
            parse_size(bad)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_frames_elapsed_and_eta_on_a_terminal_only():
    terminal = Terminal()
    bar = ProgressBar(terminal)
    bar("race", 0.5)
    bar("frames", 0.3)
    shown = terminal.getvalue()
    assert "race" in shown and "50%" in shown
    assert "30%" in shown and "ETA" in shown and "elapsed" in shown
    bar.close()
    assert terminal.getvalue().endswith("\r")
    pipe = io.StringIO()
    quiet = ProgressBar(pipe)
    quiet("frames", 0.3)
    quiet.close()
    assert pipe.getvalue() == ""


def test_the_export_command_writes_a_sessions_outcome_map(tmp_path, capsys):
    from dataclasses import replace

    from landscape_app.state.scenes import load_scene

    scene = load_scene("himmelblau-map-basins").state
    state = replace(scene, map=replace(scene.map, res=12, steps=40))
    from landscape_app.state.session_io import save_session

    session = tmp_path / "s.json"
    save_session(session, state)
    gif, svg = tmp_path / "m.gif", tmp_path / "m.svg"
    assert main(["export", "--session", str(session), "--map-out", str(gif), "--map-still",
                 str(svg), "--frames", "4", "--size", "320x240", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert f"wrote {gif}: 4 frames, 320x240" in out and f"wrote {svg}" in out
    with Image.open(gif) as animation:
        assert animation.n_frames == 4

    plain = tmp_path / "plain.json"
    save_session(plain, replace(state, map=None))
    target = tmp_path / "none.gif"
    assert main(["export", "--session", str(plain), "--map-out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "no outcome map" in err and err.count("\n") == 1
    assert not target.exists()
