"""Incremental crawling: what is already stored, and which of it is worth fetching again."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .storage.mongo import MongoArticleStore

logger = logging.getLogger(__name__)


@dataclass
class KnownArticles:
    """Article ids already stored for one site, and those the re-visit policy fetches again."""

    ids: set[str] = field(default_factory=set)
    revisit: set[str] = field(default_factory=set)

    def should_fetch(self, article_id: str) -> bool:
        return article_id not in self.ids or article_id in self.revisit

    def all_known(self, article_ids: list[str]) -> bool:
        return bool(article_ids) and all(i in self.ids for i in article_ids)

    @classmethod
    def load(cls, store: MongoArticleStore, site: str, revisit_days: float, now: datetime) -> "KnownArticles":
        """Reads only ids and dates (an index-backed projection), not the documents."""
        recent = now - timedelta(days=revisit_days)
        known = cls()
        for doc in store.articles.find({"site": site}, {"_id": 0, "article_id": 1, "published_at": 1}):
            known.ids.add(doc["article_id"])
            published = doc.get("published_at")
            # Articles without a date are re-visited too: a later crawl may read it.
            if published is None or published >= recent:
                known.revisit.add(doc["article_id"])
        return known
