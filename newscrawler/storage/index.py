"""What is stored, as one read at a crawl's start tells it (a projection, not the documents)."""

from __future__ import annotations

from dataclasses import dataclass

# What the memory of earlier runs and the dedupe pipeline need to know of each stored article.
INDEX_FIELDS = {"site": 1, "article_id": 1, "url": 1, "published_at": 1, "first_seen_at": 1, "content_hash": 1,
                "aliases": 1, "removed_at": 1, "last_seen_at": 1, "http_validators": 1}


@dataclass
class StoredIndex:
    """Per stored article: its key (`_id`), site, id, URL, publication, first sight, content hash,
    aliases, removal and the page's validators. Read once per crawl, for the memory of earlier runs
    and the dedupe pipeline."""

    docs: list[dict]

    def content_hashes(self) -> dict[str, tuple]:
        """{content_hash: (key, published_at)} of every live stored article: a removed article's
        content is no reason to drop a live copy of it."""
        return {doc["content_hash"]: (doc["_id"], doc.get("published_at")) for doc in self.docs
                if doc.get("content_hash") and doc.get("removed_at") is None}

    def keys(self) -> set[str]:
        return {doc["_id"] for doc in self.docs}
