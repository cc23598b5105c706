"""Each followed feed's polls over time: when the next is due, whether it is a re-check (a walk
through the whole re-check window), how many failed in a row, when one last succeeded, and the
feed's usual pace of new items (to tell a quiet hour from a feed that has stopped). Times are
`time.monotonic()` seconds but for `last_success_at`, the wall clock the heartbeat stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# A feed's usual gap between new items, as an exponential mean: recent gaps weigh most, one odd gap
# moves it a little.
GAP_WEIGHT = 0.2
# Gaps seen before a feed's pace is trusted: two items say nothing of a feed that publishes hourly.
GAPS_BEFORE_PACE = 3
# After this many failed polls in a row (a minute at the default interval), polls are spaced out
# (doubling, up to `MAX_BACKOFF_S`): an outage costs a request every few minutes, not six a minute.
FAILURES_BEFORE_BACKOFF = 6
MAX_BACKOFF_S = 300.0


@dataclass
class FeedPace:
    name: str
    interval: float
    recheck_every: float = 60.0
    in_flight: bool = False
    started: float | None = None
    failures: int = 0
    last_success: float | None = None
    last_success_at: datetime | None = None
    last_new: float | None = None
    usual_gap: float | None = None
    gaps: int = 0
    quiet_said: bool = False
    rechecked: float | None = None  # when the last re-check succeeded (None: none yet, the first poll is one)
    rechecking: bool = False        # the poll in flight is a re-check
    counts: dict[str, int] = field(default_factory=dict)

    def due_at(self) -> float:
        """When the next poll may start (monotonic): an interval after the last one started, longer
        once polls have failed for a while."""
        if self.started is None:
            return 0.0
        wait = self.interval
        if self.failures >= FAILURES_BEFORE_BACKOFF:
            wait = min(MAX_BACKOFF_S, self.interval * 2 ** (self.failures - FAILURES_BEFORE_BACKOFF + 1))
        return self.started + wait

    def recheck_due(self, now: float) -> bool:
        """Whether the next poll is a re-check. One is due `recheck_every` seconds after the last one
        succeeded (the first poll is one) and stays due until one succeeds: a feed whose poll is in
        flight when it comes due re-checks at its next poll, one whose re-check failed at the next
        one. Timed from the last one's end, so that polls which stop at the newest flash known come
        between two re-checks however long a walk through the window takes."""
        return self.rechecked is None or now - self.rechecked >= self.recheck_every

    def start(self, now: float) -> bool:
        """A poll starts; returns whether it is a re-check."""
        self.in_flight, self.started, self.rechecking = True, now, self.recheck_due(now)
        return self.rechecking

    def succeeded(self, now: float, wall: datetime) -> bool:
        """A poll read its feed to its target; returns whether a failure streak ended with it."""
        recovered = self.failures > 0
        self.in_flight, self.failures, self.last_success, self.last_success_at = False, 0, now, wall
        if self.rechecking:
            self.rechecked, self.rechecking = now, False
        return recovered

    def failed(self) -> bool:
        """A poll failed; returns whether it is the first of a streak (said at WARNING, the rest not)."""
        self.in_flight = self.rechecking = False
        self.failures += 1
        return self.failures == 1

    def found_new(self, now: float) -> None:
        """The poll found new items: the feed's usual gap learns from the time since the last."""
        if self.last_new is not None:
            gap = now - self.last_new
            self.usual_gap = gap if self.usual_gap is None else (1 - GAP_WEIGHT) * self.usual_gap + GAP_WEIGHT * gap
            self.gaps += 1
        self.last_new, self.quiet_said = now, False

    def quiet_for(self, now: float, factor: float, floor: float) -> float | None:
        """How long the feed has been without a new item when that is `factor` times its usual gap
        (and at least `floor` seconds), once its pace is known; else None."""
        if self.last_new is None or self.usual_gap is None or self.gaps < GAPS_BEFORE_PACE:
            return None
        quiet = now - self.last_new
        return quiet if quiet >= max(factor * self.usual_gap, floor) else None

    def count(self, name: str, value: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value
