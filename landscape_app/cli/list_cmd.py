"""``landscape-app list``: the test functions, optimizers (with hyperparameters) and scenes."""

from __future__ import annotations

import argparse
import sys

SECTIONS = ("functions", "optimizers", "scenes")

EPILOG = """\
examples:
  landscape-app list                 every section
  landscape-app list optimizers      ids, hyperparameters, defaults and allowed ranges
  landscape-app list scenes          the scene library (open one with --scene ID)
"""


def add_parser(subparsers, name: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name,
        help="list test functions, optimizers or scenes",
        description="List the test functions (with their minima), the optimizers (with every "
        "hyperparameter, its default and allowed range) and the scenes.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("section", nargs="?", choices=SECTIONS, default=None,
                        help="what to list (default: all three)")
    return parser


def _number(value: float) -> str:
    return f"{value:.6g}"


def _point(position) -> str:
    return "(" + ", ".join(_number(v) for v in position) + ")"


def function_lines() -> list[str]:
    """Every test function: id and name, description, formula, minima, start and view."""
    from landscape_app.core.functions import all_functions

    lines = ["FUNCTIONS (use the id with --function)"]
    for function in all_functions():
        lines.append(f"  {function.id:<18} {function.name}: {function.description}")
        if function.latex:
            lines.append(f"  {'':<18} f(x, y) = {function.latex}")
        if function.minima:
            minima = "; ".join(f"f{_point(m.position)} = {_number(m.value)}"
                               for m in function.minima)
            lines.append(f"  {'':<18} global minimum: {minima}")
        else:
            lines.append(f"  {'':<18} no minimum (unbounded below)")
        view = function.view
        lines.append(f"  {'':<18} start {_point(function.start)}; view x ∈ [{_number(view.x0)}, "
                     f"{_number(view.x1)}], y ∈ [{_number(view.y0)}, {_number(view.y1)}]")
    return lines


def _param_line(param) -> str:
    default = str(param.default).lower() if isinstance(param.default, bool) else param.default
    if isinstance(default, float):
        default = _number(default)
    return f"      {param.name:<26} {str(default):<12} {param.range_text():<26} {param.help}"


def optimizer_lines() -> list[str]:
    """Every optimizer: id, title, family and summary, then each hyperparameter.

    The learning-rate schedule hyperparameters, shared by every gradient optimizer, are
    listed once at the end.
    """
    import textwrap

    from landscape_app.core.catalogue.optimizer_params import SCHEDULE_PARAMS
    from landscape_app.core.catalogue.optimizer_records import RECORDS
    from landscape_app.core.catalogue.optimizer_specs import param_spec
    from landscape_app.core.catalogue.stochastic_checks import (
        NOISE_MODEL,
        STOCHASTIC_NAMES,
        STOCHASTIC_PARAMS,
    )

    schedule_names = {p.name for p in SCHEDULE_PARAMS} | STOCHASTIC_NAMES
    lines = ["OPTIMIZERS (use as ID[:name=value,...], e.g. adam:lr=0.01)"]
    lines.append(f"      {'hyperparameter':<26} {'default':<12} {'allowed':<26} meaning")
    any_schedule = False
    for record in RECORDS:
        lines.append(f"  {record.id:<16} {record.title} ({record.family}): {record.summary}")
        params = param_spec(record.id, {})
        names = {p.name for p in params}
        has_schedule = schedule_names <= names
        any_schedule = any_schedule or has_schedule
        for param in params:
            if param.name in schedule_names:
                continue
            lines.append(_param_line(param))
        if has_schedule:
            lines.append("      + learning-rate schedule and stochastic gradients (below)")
        elif names & schedule_names:
            lines.append("      + learning-rate schedule (below)")
        chooser = next((p for p in params if p.name == "inner"), None)
        if chooser is not None:
            lines.append(f"      (shown for inner={chooser.default}; each inner optimizer brings "
                         "its own hyperparameters)")
    if any_schedule:
        lines.append("  learning-rate schedule, accepted by every optimizer marked above:")
        lines.extend(_param_line(param) for param in SCHEDULE_PARAMS)
        lines.append("  stochastic gradients, accepted by every optimizer marked above but "
                     "L-BFGS:")
        lines.extend(_param_line(param) for param in STOCHASTIC_PARAMS)
        lines.extend(textwrap.wrap(NOISE_MODEL, 96, initial_indent="      ",
                                   subsequent_indent="      "))
    return lines


def scene_lines() -> list[str]:
    """Every scene: id and title."""
    from landscape_app.state.scenes import list_scenes

    lines = ["SCENES (use the id with --scene)"]
    lines.extend(f"  {scene.id:<22} {scene.title}" for scene in list_scenes())
    return lines


def run(args: argparse.Namespace) -> int:
    builders = {"functions": function_lines, "optimizers": optimizer_lines,
                "scenes": scene_lines}
    sections = [args.section] if args.section else list(SECTIONS)
    blocks = ["\n".join(builders[section]()) for section in sections]
    text = "\n\n".join(blocks) + "\n"
    stream = sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(text.encode(encoding, errors="replace").decode(encoding))
    return 0
