"""What is stored, seen by a crawl: which articles it knows, and which of them are due again."""

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


def known_articles(docs: list[dict], site: str, revisit_days: float, now: datetime, id_of_url=None) -> KnownArticles:
    """The ids stored for `site` (`docs`: the stored index), and those published in the last
    `revisit_days` (or without a date: a later crawl may read it), which incremental crawls fetch
    again. With `id_of_url`, the ids of the copies stored as aliases are known too (they are not
    fetched again)."""
    recent = now - timedelta(days=revisit_days)
    known = KnownArticles()
    for doc in docs:
        if doc.get("site") != site:
            continue
        known.ids.add(doc["article_id"])
        if id_of_url:
            known.ids.update(filter(None, map(id_of_url, doc.get("aliases") or ())))
        published = doc.get("published_at")
        if published is None or aware(published) >= recent:
            known.revisit.add(doc["article_id"])
            if doc.get("url"):
                known.revisit_urls.append(doc["url"])
    return known


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
