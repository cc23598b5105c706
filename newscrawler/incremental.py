"""Incremental crawling: what is already stored, and which of it is worth fetching again.

The storage layer reads it (`MongoArticleStore.known_articles`); the spider asks it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class KnownArticles:
    """Article ids already stored for one site, and those the re-visit policy fetches again."""

    ids: set[str] = field(default_factory=set)
    revisit: set[str] = field(default_factory=set)

    def should_fetch(self, article_id: str) -> bool:
        return article_id not in self.ids or article_id in self.revisit

    def all_known(self, article_ids: list[str]) -> bool:
        return bool(article_ids) and all(i in self.ids for i in article_ids)
