"""Incremental crawling: what is already stored, which of it is worth fetching again, and what
scheduled crawls remember of each other.

The storage layer reads the stored index once per crawl (`MongoArticleStore.crawl_start_index`); the
spider asks it what to fetch, the dedupe pipeline which contents are stored. `CrawlMemory` is what a
series of crawls needs beyond one: the articles earlier crawls missed (retried wherever they sit),
the articles a re-visit found removed, and when the listings were last walked to their end.

Listing walks stop at the first page of stored articles (nothing newer lies below), except: a page
holding an article due for a re-visit is walked past (edits below page 1 are seen), and once every
`NEWS_DEEP_WALK_HOURS` (24) a crawl walks every listing to its end, fetching only what is not
stored. That deep walk is what reaches a backdated article (published with an old time, it sits deep
in a newest-first listing) and whatever an interrupted first crawl never reached; it costs listing
pages only, once a day, and needs no per-source cursor. It counts as done only when its crawl
finishes, so an interrupted deep walk is walked again by the next crawl."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone


@dataclass
class KnownArticles:
    """Article ids already stored for one site, and those the re-visit policy fetches again."""

    ids: set[str] = field(default_factory=set)
    revisit: set[str] = field(default_factory=set)
    revisit_urls: list[str] = field(default_factory=list)
    """Where the articles due for a re-visit are: fetched directly, so that an edit below the first
    page of a listing, or an article the site removed (and no longer lists), is seen."""

    def should_fetch(self, article_id: str) -> bool:
        return article_id not in self.ids or article_id in self.revisit

    def all_known(self, article_ids: list[str]) -> bool:
        """Whether a listing page holds nothing to fetch: every article stored, none due again."""
        return bool(article_ids) and all(i in self.ids and i not in self.revisit for i in article_ids)


@dataclass
class StoredIndex:
    """What is stored, as one read tells it: per article its key (`_id`), site, id, publication,
    content hash and aliases. A crawl reads it once at its start, for the incremental spider and
    for the dedupe pipeline alike."""

    docs: list[dict]

    def content_hashes(self) -> dict[str, tuple]:
        """{content_hash: (key, published_at)} of every stored article."""
        return {doc["content_hash"]: (doc["_id"], doc.get("published_at")) for doc in self.docs if doc.get("content_hash")}

    def known_articles(self, site: str, revisit_days: float, now: datetime, id_of_url=None) -> KnownArticles:
        """The ids stored for `site`, and those published in the last `revisit_days` (or without a
        date: a later crawl may read it), which incremental crawls fetch again. With `id_of_url`,
        the ids of the copies stored as aliases are known too (they are not fetched again)."""
        recent = now - timedelta(days=revisit_days)
        known = KnownArticles()
        for doc in self.docs:
            if doc.get("site") != site:
                continue
            known.ids.add(doc["article_id"])
            if id_of_url:
                known.ids.update(filter(None, map(id_of_url, doc.get("aliases") or ())))
            published = doc.get("published_at")
            if published is None or _aware(published) >= recent:
                known.revisit.add(doc["article_id"])
                if doc.get("url"):
                    known.revisit_urls.append(doc["url"])
        return known


@dataclass
class CrawlMemory:
    """What this crawl learned from earlier ones (`missed`: article id -> URL to retry; `deep_walk`:
    walk listings to their end) and what it leaves to later ones (misses, removals)."""

    site: str
    missed: dict[str, str] = field(default_factory=dict)
    deep_walk: bool = True
    new_misses: dict[str, dict] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)

    @classmethod
    def recall(cls, store, site: str, now: datetime, deep_walk_hours: float, max_attempts: int) -> "CrawlMemory":
        """Read from `store` (a MongoArticleStore): misses still worth a try, and whether a deep
        walk is due. Raises what the store raises when it cannot be read."""
        missed = {doc["_id"].split(":", 1)[1]: doc["url"] for doc in store.missed(site)
                  if int(doc.get("attempts", 0)) < max_attempts and doc.get("url")}
        last = store.state(site).get("deep_walk_finished_at")
        due = last is None or now - _aware(last) >= timedelta(hours=deep_walk_hours)
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


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
