"""Finished races (:class:`~landscape_app.core.result.RaceResult`) as tables: trajectories to
CSV or JSON (a 2D loss grid's NPZ is :mod:`landscape_app.core.files.grid_npz`'s).

CSV (one row per recorded step of each optimizer, lanes one after another)::

    optimizer,step,evals,grad_evals,time,lr,loss,best_loss,x,y,status,batch_loss
    adam,0,1,1,0.00012,0.05,412.5,412.5,-1.5,2.0,running,

``time`` is the optimizer's cumulative wall time in seconds, ``lr`` is empty for methods
without a learning rate, ``status`` is ``running`` on every row but a lane's last, which
carries its final status (converged, diverged, failed, finished). ``loss`` is the true
(full-data, noiseless) loss; ``batch_loss`` the minibatch loss a lane with ``batch_size``
stepped on (empty otherwise and at step 0). A race run with sharpness on
(``run --sharpness``) adds ``sharpness`` (λ_max of the full-data loss Hessian),
``sharpness_threshold`` (the optimizer's stability threshold, e.g. 2/η) and
``preconditioned_sharpness`` (λ_max(P⁻¹H) of adaptive methods), empty where not measured or
not defined. For landscapes of more than
two dimensions (networks), ``x``/``y`` hold the first two coordinates and the full position
follows in columns ``x0 … x{n−1}``. Floats are written with full precision; non-finite values
as ``nan``/``inf``.

JSON (``{"format": "landscape-app-trajectories", "version": 1, ...}``): the landscape name,
dimension, start, seed and step limit, then per lane its label, optimizer spec, status,
message and records (``x`` is the full position; ``batch_loss`` null unless minibatched; with
sharpness on, the three sharpness values and ``hessian_eigenvalues``, the top k, null where not
measured).
JSON has no NaN, so non-finite numbers are written as ``null``.
"""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from landscape_app.core.atomic import atomic_write, check_writable
from landscape_app.core.objective import Objective
from landscape_app.core.optim.registry import OptimizerSpec
from landscape_app.core.result import RaceResult, Status

TRAJECTORY_FORMAT = "landscape-app-trajectories"
TRAJECTORY_VERSION = 1
CSV_COLUMNS = ("optimizer", "step", "evals", "grad_evals", "time", "lr", "loss", "best_loss",
               "x", "y", "status", "batch_loss")
#: The columns a race measured with sharpness adds (after ``batch_loss``).
SHARPNESS_COLUMNS = ("sharpness", "sharpness_threshold", "preconditioned_sharpness")


def has_sharpness(result: RaceResult) -> bool:
    """Whether any record of ``result`` carries a sharpness reading."""
    return any(r.sharpness is not None for lane in result.lanes for r in lane.records)


def sharpness_values(record) -> tuple[float | None, float | None, float | None]:
    """A record's (sharpness, threshold, preconditioned sharpness); None where absent."""
    reading = record.sharpness
    if reading is None:
        return None, None, None
    return reading.sharpness, reading.threshold, reading.preconditioned


def summary_lines(result: RaceResult, objective: Objective | None = None) -> list[str]:
    """A fixed-width table of ``result``: one line per lane with its final loss and status.

    With an ``objective`` that knows its minima, the distance from the final position to the
    nearest one is included (blank where it cannot be measured); without known minima the
    column is left out rather than filled with ``nan``.
    """
    width = max([9, *(len(lane.label) for lane in result.lanes)])
    minima = objective is not None and bool(objective.minima)
    header = (f"{'optimizer':<{width}}  {'steps':>6}  {'evals':>8}  {'loss':>12}  "
              f"{'best loss':>12}  " + (f"{'to minimum':>10}  " if minima else "") + "status")
    lines = [header]
    for lane in result.lanes:
        last = lane.last
        if last is None:
            lines.append(f"{lane.label:<{width}}  {'-':>6}  {'-':>8}  {'-':>12}  "
                         f"{'-':>12}  " + (f"{'-':>10}  " if minima else "")
                         + f"{lane.status.value}: {lane.message}")
            continue
        distance = ""
        if minima:
            value = objective.distance_to_minimum(last.x)
            distance = f"{value:>10.4g}  " if math.isfinite(value) else " " * 12
        lines.append(
            f"{lane.label:<{width}}  {last.step:>6d}  {last.evals:>8d}  {last.loss:>12.6g}  "
            f"{last.best_loss:>12.6g}  {distance}{lane.status.value}"
            + (f" ({lane.message})" if lane.status.broken else "")
        )
    return lines


def write_trajectories(path: str | os.PathLike, result: RaceResult) -> Path:
    """Write ``result`` to ``path`` as CSV or JSON, chosen by the suffix; atomic."""
    target = check_writable(path, suffixes=(".csv", ".json"))
    if target.suffix.lower() == ".csv":
        write_csv(target, result)
    else:
        write_json(target, result)
    return target


def _number(value: float | None) -> str:
    """Full-precision text for CSV ('' for missing, 'nan'/'inf' for non-finite)."""
    return "" if value is None else repr(float(value))


def write_csv(path: str | os.PathLike, result: RaceResult) -> None:
    """Write one row per step and optimizer (columns in the module docstring)."""
    extra = [f"x{i}" for i in range(result.dim)] if result.dim > 2 else []
    sharp = SHARPNESS_COLUMNS if has_sharpness(result) else ()
    with atomic_write(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*CSV_COLUMNS, *sharp, *extra])
        for lane in result.lanes:
            for index, record in enumerate(lane.records):
                final = index == len(lane.records) - 1
                x = np.asarray(record.x, dtype=float).reshape(-1)
                row = [lane.label, record.step, record.evals, record.grad_evals,
                       _number(record.time), _number(record.lr), _number(record.loss),
                       _number(record.best_loss), _number(x[0]),
                       _number(x[1]) if x.size > 1 else "",
                       (lane.status if final else Status.RUNNING).value,
                       "" if record.batch_loss is None else _number(record.batch_loss)]
                if sharp:
                    row.extend(_number(v) for v in sharpness_values(record))
                if extra:
                    row.extend(_number(v) for v in x)
                writer.writerow(row)


def _json_number(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _spec_dict(spec: OptimizerSpec) -> dict[str, Any]:
    return {"id": spec.id, "params": dict(spec.params)}


def _record_dict(r, sharp: bool) -> dict[str, Any]:
    row = {
        "step": r.step,
        "evals": r.evals,
        "grad_evals": r.grad_evals,
        "time": _json_number(r.time),
        "lr": _json_number(r.lr),
        "loss": _json_number(r.loss),
        "best_loss": _json_number(r.best_loss),
        "batch_loss": _json_number(r.batch_loss),
        "x": [_json_number(v) for v in np.asarray(r.x, dtype=float).ravel()],
    }
    if sharp:
        row.update(zip(SHARPNESS_COLUMNS, map(_json_number, sharpness_values(r)), strict=True))
        row["hessian_eigenvalues"] = (None if r.sharpness is None else
                                      [_json_number(v) for v in r.sharpness.eigenvalues])
    return row


def trajectories_to_dict(result: RaceResult) -> dict[str, Any]:
    """The JSON document :func:`write_json` writes, as plain Python values."""
    sharp = has_sharpness(result)
    return {
        "format": TRAJECTORY_FORMAT,
        "version": TRAJECTORY_VERSION,
        "landscape": result.landscape,
        "dim": result.dim,
        "start": [_json_number(v) for v in result.start],
        "seed": result.seed,
        "max_steps": result.max_steps,
        "lanes": [
            {
                "label": lane.label,
                "spec": _spec_dict(lane.spec),
                "status": lane.status.value,
                "message": lane.message,
                "records": [_record_dict(r, sharp) for r in lane.records],
            }
            for lane in result.lanes
        ],
    }


def write_json(path: str | os.PathLike, result: RaceResult) -> None:
    """Write the trajectories document (strict JSON: non-finite numbers become null)."""
    text = json.dumps(trajectories_to_dict(result), allow_nan=False, ensure_ascii=False)
    with atomic_write(path, "w") as handle:
        handle.write(text)
        handle.write("\n")

