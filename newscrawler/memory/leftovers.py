"""What one crawl leaves the next: the articles it missed, those it found removed, and when the
listings were last walked to their end (the deep walk). Kept per site and host (`crawl_state` `_id`
`<site>:<host>`, misses by their URL's host): two sites of one profile (`generic`) in one database
never share a deep walk or each other's misses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..urls import host_family, host_of
from .known import aware


@dataclass
class Leftovers:
    """What this crawl learned from earlier ones (`missed`: article id -> URL to retry; `deep_walk`:
    walk listings to their end) and what it leaves to later ones (misses, removals)."""

    site: str
    hosts: set[str] = field(default_factory=set)
    missed: dict[str, str] = field(default_factory=dict)
    deep_walk: bool = True
    new_misses: dict[str, dict] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    unchanged: set[str] = field(default_factory=set)
    """Stored articles a re-visit found unchanged (a 304): seen, though no item was stored."""
    first_walked: datetime | None = None
    """When the site's first crawl that walked everything ended (of its hosts, the latest): what is
    first seen afterwards was new on the site."""

    @classmethod
    def recall(cls, store, site: str, hosts: set[str], now: datetime, deep_walk_hours: float,
               max_attempts: int) -> "Leftovers":
        """Read from `store`: the misses of these hosts still worth a try, and whether a deep walk
        is due (for any of them). Raises what the store raises when it cannot be read."""
        missed = {doc["_id"].split(":", 1)[1]: doc["url"] for doc in store.missed(site)
                  if int(doc.get("attempts", 0)) < max_attempts and doc.get("url")
                  and host_family(host_of(doc["url"])) in hosts}
        states = [store.state(state_key(site, host)) for host in sorted(hosts)]
        walks = [state.get("deep_walk_finished_at") for state in states]
        due = any(last is None or now - aware(last) >= timedelta(hours=deep_walk_hours) for last in walks)
        firsts = [state.get("first_walk_finished_at") for state in states]
        first_walked = max(map(aware, firsts)) if firsts and None not in firsts else None
        return cls(site, set(hosts), missed, due, first_walked=first_walked)

    def miss(self, key: str, url: str, reason: str) -> None:
        self.new_misses[key] = {"key": key, "site": self.site, "url": url, "reason": reason}

    def remove(self, key: str) -> None:
        self.removed.add(key)

    def seen_unchanged(self, key: str) -> None:
        self.unchanged.add(key)
        self.new_misses.pop(key, None)

    def leave(self, store, now: datetime, walked_everything: bool) -> None:
        """Write what later crawls need: this crawl's misses and removals, and the deep walk's end
        (only when the crawl walked everything a deep walk covers: finished, not narrowed to some
        sections or a number of articles; an interrupted or narrower walk leaves it due)."""
        store.record_misses(list(self.new_misses.values()), now)
        store.mark_removed(sorted(self.removed), now)
        store.mark_seen_unchanged(sorted(self.unchanged), now)
        if self.deep_walk and walked_everything:
            for host in sorted(self.hosts):
                store.set_state(state_key(self.site, host), deep_walk_finished_at=now)
                store.set_state_once(state_key(self.site, host), first_walk_finished_at=now)


def state_key(site: str, host: str) -> str:
    return f"{site}:{host}"
