"""What one crawl leaves the next: the articles it missed, those it found removed, and when the
listings were last walked to their end (the deep walk)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .known import aware


@dataclass
class Leftovers:
    """What this crawl learned from earlier ones (`missed`: article id -> URL to retry; `deep_walk`:
    walk listings to their end) and what it leaves to later ones (misses, removals)."""

    site: str
    missed: dict[str, str] = field(default_factory=dict)
    deep_walk: bool = True
    new_misses: dict[str, dict] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)

    @classmethod
    def recall(cls, store, site: str, now: datetime, deep_walk_hours: float, max_attempts: int) -> "Leftovers":
        """Read from `store`: misses still worth a try, and whether a deep walk is due. Raises what
        the store raises when it cannot be read."""
        missed = {doc["_id"].split(":", 1)[1]: doc["url"] for doc in store.missed(site)
                  if int(doc.get("attempts", 0)) < max_attempts and doc.get("url")}
        last = store.state(site).get("deep_walk_finished_at")
        due = last is None or now - aware(last) >= timedelta(hours=deep_walk_hours)
        return cls(site, missed, due)

    def miss(self, key: str, url: str, reason: str) -> None:
        self.new_misses[key] = {"key": key, "site": self.site, "url": url, "reason": reason}

    def remove(self, key: str) -> None:
        self.removed.add(key)

    def leave(self, store, now: datetime, finished: bool) -> None:
        """Write what later crawls need: this crawl's misses and removals, and the deep walk's end
        (only when the crawl finished: an interrupted walk is walked again)."""
        store.record_misses(list(self.new_misses.values()), now)
        store.mark_removed(sorted(self.removed), now)
        if self.deep_walk and finished:
            store.set_state(self.site, deep_walk_finished_at=now)
