"""Incremental crawling: what is already stored, and which of it is worth fetching again.

The storage layer reads it once per crawl (`MongoArticleStore.crawl_start_index`); the spider asks
it what to fetch, the dedupe pipeline which contents are stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class KnownArticles:
    """Article ids already stored for one site, and those the re-visit policy fetches again."""

    ids: set[str] = field(default_factory=set)
    revisit: set[str] = field(default_factory=set)

    def should_fetch(self, article_id: str) -> bool:
        return article_id not in self.ids or article_id in self.revisit

    def all_known(self, article_ids: list[str]) -> bool:
        return bool(article_ids) and all(i in self.ids for i in article_ids)


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
            if published is None or published >= recent:
                known.revisit.add(doc["article_id"])
        return known
