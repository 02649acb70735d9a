"""What a comparison reports per setting and per optimizer: plain numpy over the runs.

For one optimizer with ``L`` settings and ``S`` starts (a :class:`RunArrays`):

- success rate ``s_l``: the share of starts whose final loss is ≤ the goal (a non-finite loss
  never is);
- success at an equal budget: the share that reached the goal within ``B`` function
  evaluations (``0 ≤ evaluations_to_tolerance ≤ B``), the race's fair x-axis;
- median final loss; median steps and evaluations to the goal over the starts that reached
  it (NaN where none did);
- the tuning curve: the expected best success rate after ``k`` settings drawn uniformly at
  random, with replacement, ``k = 1 … K``. With the rates sorted ascending,
  ``s_(1) ≤ … ≤ s_(L)``, the best of ``k`` draws is ``s_(i)`` or less with probability
  ``(i/L)^k``, so

      E[max of k draws] = Σ_i s_(i) · ((i/L)^k − ((i − 1)/L)^k);

- the best setting: the highest success rate, ties to the lower median final loss.
"""

from __future__ import annotations

import numpy as np

from landscape_app.core.compare.runs import RunArrays


def success_rate(final_loss: np.ndarray, goal: float) -> np.ndarray:
    """``(L, S)`` final losses → ``(L,)`` share of starts with loss ≤ ``goal``."""
    with np.errstate(invalid="ignore"):
        return np.mean(np.nan_to_num(final_loss, nan=np.inf) <= goal, axis=-1)


def success_within(evaluations_to_tolerance: np.ndarray, budget: int) -> np.ndarray:
    """``(L, S)`` → ``(L,)`` share of starts that reached the goal within ``budget``
    evaluations."""
    spent = evaluations_to_tolerance
    return np.mean((spent >= 0) & (spent <= budget), axis=-1)


def median_reached(counts: np.ndarray) -> np.ndarray:
    """``(L, S)`` counts (−1: never) → ``(L,)`` median over the reached ones, NaN for none."""
    values = np.where(counts >= 0, counts, np.nan).astype(float)
    out = np.full(counts.shape[0], np.nan)
    some = np.any(counts >= 0, axis=-1)
    out[some] = np.nanmedian(values[some], axis=-1)
    return out


def median_loss(final_loss: np.ndarray) -> np.ndarray:
    """``(L, S)`` → ``(L,)`` median final loss (a NaN loss counts as +∞, a diverged run)."""
    with np.errstate(over="ignore"):  # the mean of two huge middle values may be +∞
        return np.median(np.nan_to_num(final_loss, nan=np.inf, posinf=np.inf), axis=-1)


def tuning_curve(success: np.ndarray, draws: int) -> np.ndarray:
    """``(L,)`` success rates → ``(draws,)`` expected best rate after ``k = 1 … draws``
    uniform draws with replacement (the formula in the module docstring)."""
    rates = np.sort(np.asarray(success, dtype=float))
    count = rates.size
    fractions = np.arange(count + 1) / count
    k = np.arange(1, draws + 1)[:, None]
    weights = fractions[1:] ** k - fractions[:-1] ** k  # (draws, L): P(max = s_(i))
    return weights @ rates


def best_setting(success: np.ndarray, losses: np.ndarray) -> int:
    """The index of the highest success rate, ties to the lowest median final loss."""
    return int(np.lexsort((losses, -np.asarray(success)))[0])


def summarise(runs: RunArrays, goal: float, budget: int, draws: int) -> dict[str, np.ndarray]:
    """Every per-setting figure and the tuning curve of one optimizer's runs."""
    success = success_rate(runs.final_loss, goal)
    losses = median_loss(runs.final_loss)
    return {
        "success": success,
        "success_at_budget": success_within(runs.evaluations_to_tolerance, budget),
        "median_loss": losses,
        "median_steps": median_reached(runs.steps_to_tolerance),
        "median_evaluations": median_reached(runs.evaluations_to_tolerance),
        "tuning_curve": tuning_curve(success, draws),
        "best": np.int64(best_setting(success, losses)),
    }
