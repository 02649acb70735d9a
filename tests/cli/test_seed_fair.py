"""``landscape-app seed-experiment --fair``: the printed table is made of single races."""

from __future__ import annotations

import numpy as np

from landscape_app.cli import main
from landscape_app.core.nn.models import initial_weights
from landscape_app.core.nn.network_objective import build_network
from landscape_app.core.nn.seed_experiment import SEED_CONFIG, SEED_METHODS
from landscape_app.core.nn.seed_fair import FAIR_METHODS
from landscape_app.core.optim import parse_optimizer_spec
from landscape_app.core.runner import Race, Racer

INITS, SETTINGS, BUDGET = 2, 2, 120


def loss_at_budget(objective, text: str, init: int) -> float:
    """One race from initialisation ``init`` (seed 42, as the article's random methods): the
    loss of its last record within the budget."""
    race = Race(objective, [Racer(text, parse_optimizer_spec(text))],
                initial_weights(SEED_CONFIG, init), seed=42, max_steps=BUDGET)
    records = race.run().lanes[0].records
    return [r for r in records if r.evals <= BUDGET][-1].loss


def test_fair_table_equals_single_runs(capsys):
    assert main(["seed-experiment", "--fair", "--inits", str(INITS), "--settings",
                 str(SETTINGS), "--budget", str(BUDGET)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (f"fair comparison: {INITS} initializations (seeds 42-43), {SETTINGS} "
                        f"settings per method, at most {BUDGET} evaluations per run, "
                        "success = loss <= 1")
    rows = {line.split()[0]: line for line in lines[2:7]}
    objective = build_network(SEED_CONFIG, "cpu")
    tuned = {}
    for method, article in zip(FAIR_METHODS, SEED_METHODS, strict=True):
        values = method.values(SETTINGS)
        losses = np.array([[loss_at_budget(objective, method.spec_text(v, BUDGET, 10), init)
                            for init in (42, 43)] for v in values])
        success, median = np.mean(losses <= 1.0, axis=1), np.median(losses, axis=1)
        best = max(range(SETTINGS), key=lambda k: (success[k], -median[k]))
        cells = rows[article.name].split("|")
        assert f"{article.article:.3f}" in cells[0]
        assert f"{method.setting}={method.article_value:g}" in cells[0]
        assert cells[1].split()[-3:] == [f"{method.setting}={values[best]:.3g}",
                                         f"{median[best]:.3f}",
                                         f"{round(success[best] * INITS)}/{INITS}"]
        tuned[article.name] = (-success[best], median[best])
    one_start = sorted(tuned, key=lambda name: next(m.article for m in SEED_METHODS
                                                    if m.name == name))
    fair = sorted(tuned, key=tuned.get)
    assert lines[7].startswith(f"ranking: one start {' < '.join(one_start)}; tuned "
                               f"{' < '.join(fair)} (")
    for name in one_start:
        move = f"{name} {one_start.index(name) + 1} -> {fair.index(name) + 1}"
        assert (move in lines[7]) == (one_start.index(name) != fair.index(name))
