"""MongoDB store pipeline for articles: buffered bulk upserts off the reactor thread, retries, dead
letters (the buffering, retries and dead letters shared with the flashes: `pipelines/buffered.py`).

A batch that cannot be written after `MONGO_WRITE_RETRIES` attempts (exponential backoff) goes to
the dead-letter file; `scrapy replay FILE` stores it later. Nothing is lost either way.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError
from scrapy.exceptions import CloseSpider, NotConfigured

from ..cleaning.hashing import article_key
from ..clock import crawl_clock
from ..flashes.item import is_flash
from ..signals import store_flush_done, store_flush_started
from ..storage import crawl_store
from ..storage.deadletter import ALIASES
from ..storage.mongo import ArticleDoc, MongoArticleStore, StoreUnavailable, document_fields
from .buffered import BufferedStorePipeline

logger = logging.getLogger(__name__)


class MongoStorePipeline(BufferedStorePipeline):
    stats_prefix = "news/store"

    def __init__(self, crawler, store: MongoArticleStore):
        super().__init__(crawler, store)
        self.clock = crawl_clock(crawler)
        self.buffer: list[ArticleDoc] = []
        self.pending_aliases: dict[str, list[str]] = defaultdict(list)

    @classmethod
    def from_crawler(cls, crawler):
        store = crawl_store(crawler)
        if store is None:
            raise NotConfigured("MONGO_URI is not set: articles are not stored")
        return cls(crawler, store)

    async def prepare_store(self) -> None:
        try:
            await asyncio.to_thread(self.store.check)
            await asyncio.to_thread(self.store.ensure_indexes)
        except (StoreUnavailable, PyMongoError) as error:
            message = str(error) if isinstance(error, StoreUnavailable) else \
                f"MongoDB refused setup at {self.store.describe()}: {type(error).__name__}"
            logger.error("%s; closing the spider before crawling", message)
            self.stats.set_value("news/store/unavailable_at_start", 1)
            raise CloseSpider("mongodb_unreachable") from None

    def add_aliases(self, key: str, urls: list[str]) -> None:
        """URLs to add to the stored article `key`'s aliases (a duplicate of it was dropped):
        written with the next flush, with the article itself when it is in the same batch."""
        self.pending_aliases[key].extend(urls)

    def takes(self, item) -> bool:
        return not is_flash(item)  # flashes are stored by newscrawler.pipelines.flashes

    def buffer_item(self, adapter: ItemAdapter) -> None:
        key = article_key(adapter["site"], adapter["article_id"])
        self.buffer.append(ArticleDoc(key, document_fields(adapter), list(adapter.get("aliases") or [])))

    def buffered(self) -> int:
        return len(self.buffer)

    # -- writing ----------------------------------------------------------------------------
    async def write_buffer(self) -> None:
        docs, self.buffer = self.buffer, []
        aliases, self.pending_aliases = self.pending_aliases, defaultdict(list)
        # Sent around every flush, an empty one too: the items scraped before it are durable
        # (stored or dead-lettered) once it is done, whichever pipeline held them.
        signals = self.crawler.signals
        signals.send_catch_log(store_flush_started)
        for doc in docs:  # aliases of an article in this batch travel with it
            doc.aliases = list(dict.fromkeys(doc.aliases + aliases.pop(doc.key, [])))
        if docs:
            await self.write_articles(docs)
        if aliases:
            await self.write_aliases(dict(aliases))
        signals.send_catch_log(store_flush_done)

    async def write_articles(self, docs: list[ArticleDoc]):
        result = await self.write_or_dead_letter([doc.to_record() for doc in docs], self.store.write, docs,
                                                 self.clock.now())
        if result is None:
            return
        for name in ("new", "updated", "refreshed", "unchanged", "stale", "copies"):
            self.stats.inc_value(f"news/store/{name}", getattr(result, name))
        if result.stale:  # never silent: a crawl's own fetch judged older than what is stored
            logger.warning("%d articles read in this crawl are older than what is stored (by the site's "
                           "modified_at or the fetch times) and were not stored", result.stale)
        for key in result.retired:
            logger.info("Stored copy %s replaced by the earlier original of the same content", key)
        for doc, error in result.failed:
            logger.warning("Article not stored (%s): %s", error, doc.fields.get("url"))
            self.dead_letter([doc.to_record()], error)

    async def write_aliases(self, aliases: dict[str, list[str]]):
        records = [{"kind": ALIASES, "key": key, "urls": urls} for key, urls in aliases.items()]
        missing = await self.write_or_dead_letter(records, self.store.add_aliases, aliases)
        if not missing:  # all added, or dead-lettered (None)
            return
        # The kept article is not stored (it went to the dead letters too): keep its aliases
        # with it, so a replay adds them after the article.
        stored = await self.write_or_dead_letter(records, self.store.stored_keys, list(aliases))
        if stored is not None:
            self.dead_letter([r for r in records if r["key"] not in stored], "article not stored yet")
