"""Dedupe pipeline: one document per article, within a crawl and across crawls.

The same article under several URLs (same id) and a syndicated copy (another id, the same
normalised title and body) are dropped; their URLs travel to the kept article's `aliases` through
the `alias_found` signal, which the store pipeline turns into updates.
"""

from __future__ import annotations

import asyncio
import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from ..cleaning.hashing import article_key, content_hash
from ..signals import alias_found
from ..storage.mongo import MongoArticleStore, StoreUnavailable

logger = logging.getLogger(__name__)


class DedupePipeline:
    def __init__(self, crawler, store: MongoArticleStore | None):
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = store
        self.seen_keys: set[str] = set()
        self.key_by_hash: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, MongoArticleStore.from_settings(crawler.settings))

    async def open_spider(self):
        """Learn the stored articles' hashes, so a copy of an article stored by an earlier crawl
        is recognised too. Without a reachable store this pipeline still dedupes within the crawl
        (the store pipeline reports the unreachable server)."""
        if self.store is None:
            return
        try:
            self.key_by_hash = await asyncio.to_thread(self.store.content_hashes)
        except StoreUnavailable as error:
            logger.debug("Dedupe starts without stored hashes: %s", error)
        finally:
            self.store.close()

    def process_item(self, item):
        adapter = ItemAdapter(item)
        key = article_key(adapter["site"], adapter["article_id"])
        digest = adapter.get("content_hash") or content_hash(adapter.get("title"), adapter.get("body"))
        adapter["content_hash"] = digest
        urls = [adapter["url"], *(adapter.get("aliases") or [])]
        if key in self.seen_keys:
            return self.drop("same_id", key, urls, item)
        original = self.key_by_hash.get(digest)
        if original and original != key:
            return self.drop("same_content", original, urls, item)
        self.seen_keys.add(key)
        self.key_by_hash[digest] = key
        return item

    def drop(self, reason: str, kept_key: str, urls: list[str], item):
        self.stats.inc_value(f"news/duplicates/{reason}")
        self.crawler.signals.send_catch_log(alias_found, key=kept_key, urls=urls)
        raise DropItem(f"duplicate ({reason}) of {kept_key}: {urls[0]}", log_level="DEBUG")
