"""What the store pipelines (articles: `pipelines/store.py`; flashes: `pipelines/flashes.py`) share:
items buffered and written in bulk off the reactor thread, and nothing lost when MongoDB is not there.

A buffer is written when it holds `MONGO_BUFFER_SIZE` items, every `MONGO_FLUSH_INTERVAL` seconds
and at close. A store call that fails for a transient reason (the server unreachable) is tried
`MONGO_WRITE_RETRIES` times in all, `MONGO_RETRY_BACKOFF` × 2ⁿ seconds apart; one the server refuses
is not tried again. What still cannot be written goes to the crawl's dead-letter file
(`storage/deadletter.py`, `NEWS_DEADLETTER_PATH`), which `scrapy replay` stores later.
"""

from __future__ import annotations

import asyncio
import logging

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError

from ..storage.deadletter import crawl_dead_letters
from ..storage.mongo import TRANSIENT_ERRORS, StoreUnavailable

logger = logging.getLogger(__name__)


class BufferedStorePipeline:
    """A store pipeline: a subclass says which items it takes (`takes`), how one is buffered
    (`buffer_item`, read with ItemAdapter), how many are (`buffered`), how the store is readied
    (`prepare_store`) and how the buffer is written (`write_buffer`, one flush at a time)."""

    stats_prefix = "news/store"  # where the retries of its store calls are counted

    def __init__(self, crawler, store):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = store
        self.buffer_size = max(1, settings.getint("MONGO_BUFFER_SIZE", 100))
        self.flush_interval = settings.getfloat("MONGO_FLUSH_INTERVAL", 5.0)
        self.attempts = max(1, settings.getint("MONGO_WRITE_RETRIES", 4))
        self.backoff = settings.getfloat("MONGO_RETRY_BACKOFF", 0.5)
        self.dead_letters = crawl_dead_letters(crawler)
        self.lock = asyncio.Lock()
        self.closing = asyncio.Event()
        self.timer: asyncio.Task | None = None

    # -- what a subclass says ---------------------------------------------------------------
    def takes(self, item) -> bool:
        raise NotImplementedError

    def buffer_item(self, adapter: ItemAdapter) -> None:
        raise NotImplementedError

    def buffered(self) -> int:
        raise NotImplementedError

    async def prepare_store(self) -> None:
        """Indexes and checks before the first item (may raise CloseSpider)."""

    async def write_buffer(self) -> None:
        raise NotImplementedError

    # -- the spider's life --------------------------------------------------------------------
    async def open_spider(self):
        # First: a pipeline that closes the spider from `prepare_store` still closes the dead
        # letters, and the last pipeline to close them is the one that reports.
        self.dead_letters.open()
        await self.prepare_store()
        self.timer = asyncio.ensure_future(self.flush_periodically())

    async def process_item(self, item):
        if not self.takes(item):
            return item
        self.buffer_item(ItemAdapter(item))
        if self.buffered() >= self.buffer_size:
            await self.flush()
        return item

    async def close_spider(self):
        # The timer is stopped, never cancelled: cancelling it in the middle of a timed flush lost
        # that batch's counts, and could lose the batch itself (cancelled during a retry's wait).
        self.closing.set()
        if self.timer:
            await self.timer
        await self.flush()
        self.dead_letters.close()

    # -- flushing -----------------------------------------------------------------------------
    async def flush(self):
        async with self.lock:
            await self.write_buffer()

    async def flush_periodically(self):
        while not self.closing.is_set():
            try:
                await asyncio.wait_for(self.closing.wait(), self.flush_interval)
            except asyncio.TimeoutError:
                await self.flush_quietly()

    async def flush_quietly(self):
        """A timed flush: whatever happens, the timer goes on (its batch is stored or dead-lettered)."""
        try:
            await self.flush()
        except Exception as error:  # noqa: BLE001 - the next flush and the final one must still run
            logger.warning("A timed flush of the store failed (%s: %s); the next one goes on",
                           type(error).__name__, error)

    # -- writing ------------------------------------------------------------------------------
    async def write_or_dead_letter(self, records: list[dict], function, *args):
        """The store's answer to `function(*args)` (with retries), or None when it could not be had:
        then `records`, what that call was to store, are dead-lettered with the reason."""
        try:
            return await self.with_retries(function, *args)
        except StoreUnavailable as error:
            reason = str(error)
        except Exception as error:  # noqa: BLE001 - whatever it is, the records must not be lost
            reason = f"{type(error).__name__}: {error}"
        self.dead_letter(records, reason)
        return None

    async def with_retries(self, function, *args):
        """Run a store call in a thread; retry transient failures with exponential backoff. Raises
        StoreUnavailable when the server stays away or refuses."""
        for attempt in range(1, self.attempts + 1):
            try:
                return await asyncio.to_thread(function, *args)
            except TRANSIENT_ERRORS as error:
                error_name = type(error).__name__
            except PyMongoError as error:
                # Refused rather than unreachable (authentication, permissions, a full disk, a
                # validator): retrying would not help.
                raise StoreUnavailable(f"MongoDB refused the write at {self.store.describe()}: "
                                       f"{type(error).__name__}: {str(error)[:200]}") from None
            self.stats.inc_value(f"{self.stats_prefix}/retries")
            if attempt == self.attempts:
                raise StoreUnavailable(f"MongoDB unreachable at {self.store.describe()} after "
                                       f"{attempt} attempts: {error_name}")
            delay = self.backoff * 2 ** (attempt - 1)
            logger.warning("MongoDB write failed (%s), attempt %d of %d; retrying in %.1fs",
                           error_name, attempt, self.attempts, delay)
            await asyncio.sleep(delay)

    def dead_letter(self, records: list[dict], reason: str) -> None:
        self.dead_letters.add(records, reason)
