"""What a follow knows of one edition's flashes: the newest it has read, and the flashes of the
re-check window with what was last stored of each (its text's hash and the fields that change
without a new version). Nothing older than the window is kept: memory stays the same however long
the follow runs.

A poll's walk goes back from the feed's newest row to the newest flash known (`walk_target`), or,
on a re-check, to the window's start; only rows that are new or differ from what was read last are
passed on to be stored. A flash of the window the walk went past without meeting has vanished from
the feed: it is asked for by id (a removal, or a feed that skipped it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..flashes.feed import FeedMark, mark_of

WINDOW_START_ID = 0  # the first place of a moment: every flash published then is at or after it


def signature(item) -> tuple:
    """What of a flash, when it changes, is worth storing again."""
    return (item.content_hash, item.bull_count, item.bear_count, item.important, item.source_url, item.source_name,
            item.published_at)


@dataclass
class FlashWatch:
    """One edition's recent flashes, as a follow has read them."""

    newest: FeedMark | None = None
    recent: dict[str, tuple[FeedMark, tuple]] = field(default_factory=dict)  # key -> (place, signature)

    def walk_target(self, window_start: datetime, recheck: bool) -> FeedMark:
        """Where a poll's walk may stop: the newest flash known, or the window's start on a re-check
        (and on the first poll, when nothing is known yet)."""
        window = FeedMark(window_start.astimezone(timezone.utc).replace(microsecond=0), WINDOW_START_ID)
        if recheck or self.newest is None:
            return window
        return max(self.newest, window)

    def remember(self, key: str, mark: FeedMark) -> None:
        """A flash stored before the follow read it: known by its place, whatever its fields."""
        self.recent.setdefault(key, (mark, ()))

    def changed(self, key: str, item) -> bool:
        """Whether a row read now is new, or differs from the one read last; remembers it."""
        mark, sign = mark_of(item), signature(item)
        if mark is None:
            return True
        before = self.recent.get(key)
        self.recent[key] = (mark, sign)
        return before is None or before[1] != sign

    def vanished(self, covered_from: FeedMark | None, seen: set[int]) -> list[tuple[str, FeedMark]]:
        """Flashes of the window at or above `covered_from` (the lowest row a walk read) that the
        walk did not meet; forgotten here (the answer to the call by id decides)."""
        if covered_from is None:
            return []
        gone = [(key, mark) for key, (mark, _) in self.recent.items() if mark >= covered_from and mark.number not in seen]
        for key, _ in gone:
            del self.recent[key]
        return gone

    def walked(self, top: FeedMark | None, window_start: datetime) -> None:
        """A walk reached its target: its newest row is the newest known; what left the window is forgotten."""
        if top is not None and (self.newest is None or top > self.newest):
            self.newest = top
        floor = FeedMark(window_start.astimezone(timezone.utc).replace(microsecond=0), WINDOW_START_ID)
        for key in [key for key, (mark, _) in self.recent.items() if mark < floor]:
            del self.recent[key]
