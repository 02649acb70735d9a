"""The messages between the window's worker and the race process (request -> reply).

==========================  =========================================================
request                     reply
==========================  =========================================================
:class:`LoadRequest`        :class:`LoadReply` (the race's labels and step-0 rows)
:class:`AdvanceRequest`     :class:`AdvanceReply` (the new rows of every lane)
``None``                    none: the process exits (so does a closed connection)
==========================  =========================================================

Any failure (the race cannot be built, the stepper raised) is answered with a
:class:`FailureReply` carrying the message. Both sides import this module and nothing of each
other: :mod:`~landscape_app.engine.race_process` starts the child by its module name.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Niceness added to the race process (POSIX): a busy CPU goes to painting first.
RACE_PROCESS_NICENESS = 5


@dataclass(frozen=True)
class LoadRequest:
    """Build the race from ``payload`` (a pickled stepper factory) and start it."""

    payload: bytes


@dataclass(frozen=True)
class AdvanceRequest:
    """Advance every running lane by ``steps`` steps."""

    steps: int


@dataclass(frozen=True)
class LoadReply:
    labels: tuple[str, ...]
    chunks: list
    done: bool


@dataclass(frozen=True)
class AdvanceReply:
    """The new rows (``LaneChunk`` list) and whether the race ended."""

    chunks: list
    done: bool


@dataclass(frozen=True)
class FailureReply:
    message: str


class RaceProcessError(RuntimeError):
    """The race process failed a request (the message says why) or stopped."""
