"""The flash store pipeline: flashes buffered and written in bulk off the reactor thread, by size
(`MONGO_BUFFER_SIZE`), by time (`MONGO_FLUSH_INTERVAL`) and at close, transient failures retried
(`MONGO_WRITE_RETRIES`, `MONGO_RETRY_BACKOFF`). Other items pass through untouched.

A batch that still cannot be written is logged and counted (`news/flashes/store/failed`); its
flashes are not lost for good: the next crawl walks the feed back to the newest flash stored.
"""

from __future__ import annotations

import asyncio
import logging

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError
from scrapy.exceptions import NotConfigured

from ..cleaning.hashing import article_key
from ..storage import crawl_store
from ..storage.mongo import TRANSIENT_ERRORS
from .item import FlashItem
from .store import FlashStore

logger = logging.getLogger(__name__)


class FlashStorePipeline:
    def __init__(self, crawler, store: FlashStore):
        settings = crawler.settings
        self.stats = crawler.stats
        self.store = store
        self.buffer_size = max(1, settings.getint("MONGO_BUFFER_SIZE", 100))
        self.flush_interval = settings.getfloat("MONGO_FLUSH_INTERVAL", 5.0)
        self.attempts = max(1, settings.getint("MONGO_WRITE_RETRIES", 4))
        self.backoff = settings.getfloat("MONGO_RETRY_BACKOFF", 0.5)
        self.buffer: dict[str, dict] = {}
        self.lock = asyncio.Lock()
        self.closing = asyncio.Event()
        self.timer: asyncio.Task | None = None

    @classmethod
    def from_crawler(cls, crawler):
        store = FlashStore.from_settings(crawl_store(crawler), crawler.settings)
        if store is None:
            raise NotConfigured("MONGO_URI is not set: flashes are not stored")
        return cls(crawler, store)

    async def open_spider(self):
        # The article store pipeline says it when the server is unreachable, and closes the spider.
        try:
            await asyncio.to_thread(self.store.ensure_indexes)
        except PyMongoError as error:
            logger.warning("Flash indexes not created at %s: %s", self.store.describe(), type(error).__name__)
        self.timer = asyncio.ensure_future(self.flush_periodically())

    async def flush_periodically(self):
        while not self.closing.is_set():
            try:
                await asyncio.wait_for(self.closing.wait(), self.flush_interval)
            except asyncio.TimeoutError:
                await self.flush()

    async def process_item(self, item):
        if not isinstance(item, FlashItem):
            return item
        adapter = ItemAdapter(item)
        # The last reading of a flash in a batch wins (a render's check reads none: rows only).
        self.buffer[article_key(adapter["site"], adapter["flash_id"])] = adapter.asdict()
        if len(self.buffer) >= self.buffer_size:
            await self.flush()
        return item

    async def close_spider(self):
        self.closing.set()
        if self.timer:
            await self.timer
        await self.flush()

    async def flush(self):
        async with self.lock:
            docs, self.buffer = self.buffer, {}
            if not docs:
                return
            result = await self.write(docs)
        if result is None:
            return
        for name in ("new", "updated", "refreshed", "unchanged"):
            self.stats.inc_value(f"news/flashes/store/{name}", getattr(result, name))
        for key, error in result.failed:
            self.stats.inc_value("news/flashes/store/failed")
            logger.warning("Flash not stored (%s): %s", error[:200], key)

    async def write(self, docs: dict[str, dict]):
        for attempt in range(1, self.attempts + 1):
            try:
                return await asyncio.to_thread(self.store.write, docs)
            except TRANSIENT_ERRORS as error:
                reason = type(error).__name__
            except PyMongoError as error:  # refused, not unreachable: retrying would not help
                reason = f"{type(error).__name__}: {str(error)[:200]}"
                break
            if attempt < self.attempts:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
        self.stats.inc_value("news/flashes/store/failed", len(docs))
        logger.warning("%d flashes not stored at %s (%s); the next crawl reads them again", len(docs),
                       self.store.describe(), reason)
        return None
