"""Which step of the race on screen is shown: the timeline's state, without Qt.

A race that has run (live, a drag preview, a network replay) has rows for steps
``0 … furthest``. The timeline shows one of them: either the latest (*live*: the views follow
the race as it grows) or a step ``k`` the user scrubbed to (the views show every lane cut at
``k``: trails of ``k + 1`` points, the table's rows of step ``k``). Reaching the last step
again (End, or scrubbing to the end) makes it live again.

Playing from a scrubbed step (:meth:`Timeline.play_plan`) *replays* the steps already computed
— the shown step advances at the chosen speed (:meth:`Timeline.advance`) — and, once it
catches up with the race, the race itself plays on from there. Nothing computed is thrown
away, and the animation looks the same as the first time, because an optimizer's steps are
deterministic (re-running from ``k`` would recompute exactly the same rows).

The timeline also holds the range a teacher marks for an export (:meth:`set_in`,
:meth:`set_out`, :meth:`selection`).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

#: Steps of a big jump (Shift+PgUp / Shift+PgDn).
BIG_STEP = 10
#: Replay speed used when the race plays "as fast as possible" (steps per second).
MAX_REPLAY_SPEED = 600.0


class Plan(enum.Enum):
    """What play or step should do (see :meth:`Timeline.play_plan`, :meth:`step_plan`)."""

    LIVE = "live"  # the race worker plays / steps the race
    REPLAY = "replay"  # the shown step advances through steps already computed
    RESTART = "restart"  # the race is rebuilt from step 0 first (then plays / steps)
    NOTHING = "nothing"


@dataclass
class Timeline:
    """The shown step of a race; see the module docstring.

    Attributes
    ----------
    shown : int or None
        The step scrubbed to, or None when live (the latest step is shown).
    furthest : int
        The last step the race has rows for.
    generation : int
        The race the steps belong to (a new race makes the timeline live again).
    mark_in, mark_out : int or None
        The export range's ends, when marked.
    replaying : bool
        Playing through steps already computed (:meth:`advance` moves the shown step).
    """

    shown: int | None = None
    furthest: int = 0
    generation: int = -1
    mark_in: int | None = None
    mark_out: int | None = None
    replaying: bool = False
    _carry: float = 0.0

    # -- what is shown ---------------------------------------------------------------------
    @property
    def step(self) -> int:
        """The step on screen."""
        return self.furthest if self.shown is None else self.shown

    @property
    def live(self) -> bool:
        return self.shown is None

    def follow(self, generation: int, furthest: int) -> bool:
        """The race on screen is ``generation`` with rows up to ``furthest``; True when the
        shown step changed. A new race is shown live (and stops any replay)."""
        before = self.step
        if generation != self.generation:
            self.generation, self.shown, self.replaying, self._carry = generation, None, False, 0.0
        self.furthest = max(0, int(furthest))
        if self.shown is not None and self.shown >= self.furthest:
            self.shown = None
        return self.step != before

    def show(self, step: int) -> int:
        """Show ``step`` (clamped to ``0 … furthest``; the last step is live); the step shown."""
        step = min(max(0, int(step)), self.furthest)
        self.shown = None if step >= self.furthest else step
        self._carry = 0.0
        return self.step

    def move(self, steps: int) -> int:
        """Show the step ``steps`` away from the shown one; the step shown."""
        return self.show(self.step + steps)

    def first(self) -> int:
        return self.show(0)

    def last(self) -> int:
        return self.show(self.furthest)

    # -- playing -----------------------------------------------------------------------------
    def play_plan(self, done: bool, preview: bool) -> Plan:
        """What play does: replay from a scrubbed step; restart a race that has ended (or a
        preview, which play turns into the real race's animation) when shown at its end;
        otherwise play the race live."""
        if not self.live:
            return Plan.REPLAY
        return Plan.RESTART if done or preview else Plan.LIVE

    def step_plan(self, done: bool, preview: bool) -> Plan:
        """What one step does: show the next computed step when scrubbed; after a preview,
        rebuild the real race and take its first step (a preview has no steps left to take);
        nothing at the end of a finished race; otherwise step the race."""
        if not self.live:
            return Plan.REPLAY
        if preview:
            return Plan.RESTART
        return Plan.NOTHING if done else Plan.LIVE

    def advance(self, seconds: float, speed: float | None) -> int:
        """Replay: move the shown step forward by ``seconds × speed`` steps (fractions carry
        over to the next call; ``speed`` None means :data:`MAX_REPLAY_SPEED`); the steps
        moved. Reaching the last computed step makes the timeline live and ends the replay."""
        if not self.replaying or self.live:
            self.replaying = False
            return 0
        rate = MAX_REPLAY_SPEED if speed is None else float(speed)
        self._carry += max(0.0, seconds) * rate
        steps = math.floor(self._carry)
        if steps <= 0:
            return 0
        carry = self._carry - steps
        before = self.step
        self.show(before + steps)
        self._carry = carry
        if self.live:
            self.replaying = False
        return self.step - before

    # -- the export range -------------------------------------------------------------------
    def set_in(self) -> int:
        """Mark the shown step as the range's first step (I); that step."""
        self.mark_in = self.step
        return self.mark_in

    def set_out(self) -> int:
        """Mark the shown step as the range's last step (O); that step."""
        self.mark_out = self.step
        return self.mark_out

    def clear_marks(self) -> None:
        self.mark_in = self.mark_out = None

    def selection(self) -> tuple[int, int] | None:
        """The marked range ``(from, to)`` (from < to), or None when it is not a range: an
        unmarked end is the race's first or last step."""
        if self.mark_in is None and self.mark_out is None:
            return None
        first = 0 if self.mark_in is None else self.mark_in
        last = self.furthest if self.mark_out is None else self.mark_out
        first, last = min(first, last), max(first, last)
        return (first, last) if last > first else None
