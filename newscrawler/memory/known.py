"""What is stored, seen by a crawl: which articles it knows, and which of them are due again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from ..urls import host_family, host_of


@dataclass
class KnownArticles:
    """Article ids already stored for one site, and those the re-visit policy fetches again."""

    ids: set[str] = field(default_factory=set)
    revisit: set[str] = field(default_factory=set)
    revisit_urls: list[str] = field(default_factory=list)
    """Where the articles due for a re-visit are: fetched directly, so that an edit below the first
    page of a listing, or an article the site removed (and no longer lists), is seen."""
    live: dict[str, tuple] = field(default_factory=dict)
    """Stored articles not marked removed and not due: article id -> (when last seen, URL)."""
    validators: dict[str, dict] = field(default_factory=dict)
    """Live stored articles' page validators (article id -> `{"etag", "last_modified"}`): a re-visit
    sends them, so that an unchanged page costs the site a 304 (newscrawler.downloader.conditional)."""

    def should_fetch(self, article_id: str) -> bool:
        return article_id not in self.ids or article_id in self.revisit

    def all_known(self, article_ids: list[str]) -> bool:
        """Whether a listing page holds nothing to fetch: every article stored, none due again."""
        return bool(article_ids) and all(i in self.ids and i not in self.revisit for i in article_ids)


def known_articles(docs: list[dict], site: str, revisit_days: float, now: datetime, id_of_url=None,
                   hosts: set[str] | None = None, noticed_after: datetime | None = None) -> KnownArticles:
    """The ids stored for `site` (`docs`: the stored index; with `hosts`, those of these hosts only)
    and those due again: published in the last `revisit_days`, or first seen in them after
    `noticed_after` (the end of the site's first crawl: an article met later was new on the site,
    so a date it claims outside the window may be wrong and is read again while it is new to us;
    the archive a first crawl stores is not fetched again for it). An undated article is not
    fetched by every run forever. With `id_of_url`, the ids of the copies stored as
    aliases of a live article are known too (not fetched again); those of a removed one are fetched
    directly (the copy lives on)."""
    recent = now - timedelta(days=revisit_days)
    known, orphaned = KnownArticles(), []
    for doc in docs:
        if doc.get("site") != site or (hosts is not None and host_family(host_of(doc.get("url") or "")) not in hosts):
            continue
        known.ids.add(doc["article_id"])
        if doc.get("http_validators") and doc.get("removed_at") is None:
            known.validators[doc["article_id"]] = doc["http_validators"]
        if doc.get("removed_at") is not None:
            orphaned += doc.get("aliases") or ()
        elif id_of_url:
            known.ids.update(filter(None, map(id_of_url, doc.get("aliases") or ())))
        first_seen = doc.get("first_seen_at")
        noticed = noticed_after is not None and is_recent(first_seen, max(recent, aware(noticed_after)))
        if is_recent(doc.get("published_at"), recent) or noticed:
            known.revisit.add(doc["article_id"])
            if doc.get("url"):
                known.revisit_urls.append(doc["url"])
        elif doc.get("removed_at") is None and doc.get("url"):
            known.live[doc["article_id"]] = (aware(doc.get("last_seen_at") or datetime.min), doc["url"])
    if id_of_url:
        known.revisit_urls += [url for url in orphaned if (copy := id_of_url(url)) and copy not in known.ids]
    return known


def is_recent(moment: datetime | None, since: datetime) -> bool:
    return moment is not None and aware(moment) >= since


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
