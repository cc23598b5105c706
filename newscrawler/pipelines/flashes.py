"""The flash store pipeline: flashes buffered and written in bulk into their own collection, with
the articles' buffering, retries and dead letters (`pipelines/buffered.py`). Other items pass
through untouched.

A flash that cannot be stored (MongoDB away after the retries, a write the server refuses) goes to
the crawl's dead-letter file as a `flash` record, which `scrapy replay` stores into the flashes
collection; the next crawl also walks the feed back to the newest flash stored.
"""

from __future__ import annotations

import asyncio
import logging

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError
from scrapy.exceptions import NotConfigured

from ..cleaning.hashing import article_key
from ..clock import crawl_clock
from ..flashes.item import is_flash
from ..flashes.store import FlashDoc, FlashStore
from ..storage import crawl_store
from .buffered import BufferedStorePipeline

logger = logging.getLogger(__name__)


class FlashStorePipeline(BufferedStorePipeline):
    stats_prefix = "news/flashes/store"

    def __init__(self, crawler, store: FlashStore):
        super().__init__(crawler, store)
        self.clock = crawl_clock(crawler)
        self.buffer: dict[str, FlashDoc] = {}

    @classmethod
    def from_crawler(cls, crawler):
        store = FlashStore.from_settings(crawl_store(crawler), crawler.settings)
        if store is None:
            raise NotConfigured("MONGO_URI is not set: flashes are not stored")
        return cls(crawler, store)

    async def prepare_store(self) -> None:
        # The article store pipeline says it when the server is unreachable, and closes the spider.
        try:
            await asyncio.to_thread(self.store.ensure_indexes)
        except PyMongoError as error:
            logger.warning("Flash indexes not created at %s: %s", self.store.describe(), type(error).__name__)

    def takes(self, item) -> bool:
        return is_flash(item)

    def buffer_item(self, adapter: ItemAdapter) -> None:
        # The last reading of a flash in a batch wins (a render's check reads none: rows only).
        key = article_key(adapter["site"], adapter["flash_id"])
        self.buffer[key] = FlashDoc(key, adapter.asdict(), self.clock.database_now())

    def buffered(self) -> int:
        return len(self.buffer)

    async def write_buffer(self) -> None:
        docs, self.buffer = self.buffer, {}
        if not docs:
            return
        records = [doc.to_record() for doc in docs.values()]
        result = await self.write_or_dead_letter(records, self.store.write,
                                                 {key: doc.fields for key, doc in docs.items()})
        if result is None:
            return
        for name in ("new", "updated", "refreshed", "unchanged"):
            self.stats.inc_value(f"news/flashes/store/{name}", getattr(result, name))
        for key, error in result.failed:
            logger.warning("Flash not stored (%s): %s", error[:200], docs[key].fields.get("url"))
            self.dead_letter([docs[key].to_record()], error)
