"""The one progress signature of the app, for every long computation and every listener.

``progress(stage, fraction)``: ``stage`` names the part of the work (``race``, ``train``,
``grid``, ``plane``, ``surface``, ``frames``…) and ``fraction`` runs from 0 to 1 within it.
A computation that takes ``progress`` also takes ``cancelled``, a poll that, when true, makes
it raise :class:`~landscape_app.core.errors.CancelledError` at its next check.
"""

from __future__ import annotations

from collections.abc import Callable

#: ``progress(stage, fraction)``.
StageProgress = Callable[[str, float], None]
#: ``cancelled()``: true once the user asked to stop.
CancelPoll = Callable[[], bool]
