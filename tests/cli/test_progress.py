"""The progress bar long commands draw, and the race's progress reports that feed it."""

from __future__ import annotations

import io

from landscape_app.cli.progress import ProgressBar
from landscape_app.core.functions import get_function
from landscape_app.core.optim import parse_optimizer_spec
from landscape_app.core.runner import Race, Racer


class Terminal(io.StringIO):
    """A text stream that says it is a terminal, as stderr in a console does."""

    def isatty(self) -> bool:
        return True


def test_the_bar_shows_stage_percentage_and_time_left_on_a_terminal():
    stream = Terminal()
    bar = ProgressBar(stream)
    bar("racing", 50, 200)
    line = stream.getvalue().split("\r")[-1]
    assert line.startswith("racing") and "25%" in line and "ETA" in line
    bar.close()
    assert stream.getvalue().endswith("\r")


def test_the_bar_draws_nothing_when_not_on_a_terminal():
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar("racing", 1, 2)
    bar.close()
    assert stream.getvalue() == ""


def test_a_race_reports_its_progress_up_to_every_lane_s_last_step():
    objective = get_function("rosenbrock")
    racers = [Racer("adam", parse_optimizer_spec("adam:lr=0.01")),
              Racer("sgd", parse_optimizer_spec("sgd:lr=1"))]  # sgd diverges early
    race = Race(objective, racers, objective.default_start(), max_steps=300)
    reports: list[tuple[str, float, float]] = []
    history = race.run(progress=lambda *report: reports.append(report))
    assert len(history[0]) == 301
    assert {stage for stage, _, _ in reports} == {"racing"}
    done = [d for _, d, _ in reports]
    assert done == sorted(done) and len(done) > 2
    assert reports[-1][1:] == (600, 600)
