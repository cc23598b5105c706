"""Dedupe pipeline: one document per article, within a crawl and across crawls.

The same article under several URLs (same id) and a syndicated copy (another id met for the first
time, the same normalised title and body as a live article, published later) are dropped; an
article already stored is never a copy (its identity is its key: edited into another's text, it is
stored as edited); their URLs go to the kept article's
`aliases` through the store pipeline (`MongoStorePipeline.add_aliases`). Of two copies, the earliest
published is the one kept, also when it is met second: it passes, and the store (where the
database is the arbiter, across crawls and processes) retires the later copy it had kept.
"""

from __future__ import annotations

import asyncio
import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from ..cleaning.hashing import article_key, content_hash
from ..flashes.item import is_flash
from ..items import extraction_of
from ..storage import crawl_store
from ..storage.mongo import StoreUnavailable, published_earlier
from .store import MongoStorePipeline

logger = logging.getLogger(__name__)

STAT_PREFIX = "news/duplicates/"


class DedupePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.seen_keys: set[str] = set()
        self.owner_by_hash: dict[str, tuple[str, object]] = {}  # content hash: (key, published_at)
        self.stored_keys: set[str] = set()
        # Where a dropped duplicate's URLs go: the store pipeline, when the crawl stores.
        self.alias_sink = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def open_spider(self):
        """Learn the stored articles' hashes, so a copy of an article stored by an earlier crawl
        is recognised too. Without a reachable store this pipeline still dedupes within the crawl
        (the store pipeline reports the unreachable server)."""
        self.alias_sink = self.alias_sink or self.crawler.get_item_pipeline(MongoStorePipeline)
        store = crawl_store(self.crawler)
        if store is None:
            return
        try:
            index = await asyncio.to_thread(store.crawl_start_index)
            self.owner_by_hash, self.stored_keys = index.content_hashes(), index.keys()
        except StoreUnavailable as error:
            logger.debug("Dedupe starts without stored hashes: %s", error)

    def process_item(self, item):
        if is_flash(item):  # stored by newscrawler.pipelines.flashes
            return item
        adapter = ItemAdapter(item)
        key = article_key(adapter["site"], adapter["article_id"])
        digest = adapter.get("content_hash") or content_hash(adapter.get("title"), adapter.get("body"))
        if not (adapter.get("title") and adapter.get("body")):
            # An article kept without its title or text: too little to call two of them one content.
            digest = content_hash(adapter.get("title"), f"{adapter.get('body') or ''}\n{key}")
        adapter["content_hash"] = digest
        urls = [adapter["url"], *(adapter.get("aliases") or [])]
        if key in self.seen_keys and not extraction_of(adapter).supersedes:
            return self.drop("same_id", key, urls, item)
        published = adapter.get("published_at")
        owner = self.owner_by_hash.get(digest)
        if owner and owner[0] != key and key not in self.stored_keys:
            if not published_earlier({"published_at": published}, key, {"published_at": owner[1]}, owner[0]):
                return self.drop("same_content", owner[0], urls, item)
            # The original, met after a copy of it: kept; the store retires the copy.
            self.stats.inc_value(STAT_PREFIX + "earlier_original")
        self.seen_keys.add(key)
        self.owner_by_hash[digest] = (key, published)
        return item

    def drop(self, reason: str, kept_key: str, urls: list[str], item):
        self.stats.inc_value(STAT_PREFIX + reason)
        if self.alias_sink is not None:
            self.alias_sink.add_aliases(kept_key, urls)
        raise DropItem(f"duplicate ({reason}) of {kept_key}: {urls[0]}", log_level="DEBUG")
