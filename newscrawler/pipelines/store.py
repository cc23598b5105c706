"""MongoDB store pipeline: buffered bulk upserts off the reactor thread, retries, dead letters.

Items are buffered and written by size (`MONGO_BUFFER_SIZE`), by time (`MONGO_FLUSH_INTERVAL`) and
at close. A batch that cannot be written after `MONGO_WRITE_RETRIES` attempts (exponential backoff)
goes to the dead-letter file; `scrapy replay FILE` stores it later. Nothing is lost either way.
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
from ..storage.deadletter import DeadLetterFile
from ..storage.mongo import TRANSIENT_ERRORS, ArticleDoc, MongoArticleStore, StoreUnavailable, document_fields

logger = logging.getLogger(__name__)


class MongoStorePipeline:
    def __init__(self, crawler, store: MongoArticleStore):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = store
        self.clock = crawl_clock(crawler)
        self.buffer_size = max(1, settings.getint("MONGO_BUFFER_SIZE", 100))
        self.flush_interval = settings.getfloat("MONGO_FLUSH_INTERVAL", 5.0)
        self.attempts = max(1, settings.getint("MONGO_WRITE_RETRIES", 4))
        self.backoff = settings.getfloat("MONGO_RETRY_BACKOFF", 0.5)
        self.deadletter_template = settings.get("NEWS_DEADLETTER_PATH")
        self.buffer: list[ArticleDoc] = []
        self.pending_aliases: dict[str, list[str]] = defaultdict(list)
        self.lock = asyncio.Lock()
        self.timer: asyncio.Task | None = None
        self.closing = asyncio.Event()
        self.deadletter: DeadLetterFile | None = None
        self.unwritten: list[tuple[dict, str]] = []  # dead letters the file could not take yet

    @classmethod
    def from_crawler(cls, crawler):
        store = crawl_store(crawler)
        if store is None:
            raise NotConfigured("MONGO_URI is not set: articles are not stored")
        return cls(crawler, store)

    async def open_spider(self):
        spider_name = self.crawler.spider.name if self.crawler.spider else "crawl"
        self.deadletter = DeadLetterFile(self.deadletter_template, spider_name)
        try:
            await asyncio.to_thread(self.store.check)
            await asyncio.to_thread(self.store.ensure_indexes)
        except (StoreUnavailable, PyMongoError) as error:
            message = str(error) if isinstance(error, StoreUnavailable) else \
                f"MongoDB refused setup at {self.store.describe()}: {type(error).__name__}"
            logger.error("%s; closing the spider before crawling", message)
            self.stats.set_value("news/store/unavailable_at_start", 1)
            raise CloseSpider("mongodb_unreachable") from None
        self.timer = asyncio.ensure_future(self.flush_periodically())

    async def flush_periodically(self):
        while not self.closing.is_set():
            try:
                await asyncio.wait_for(self.closing.wait(), self.flush_interval)
            except asyncio.TimeoutError:
                await self.flush_quietly()

    def add_aliases(self, key: str, urls: list[str]) -> None:
        """URLs to add to the stored article `key`'s aliases (a duplicate of it was dropped):
        written with the next flush, with the article itself when it is in the same batch."""
        self.pending_aliases[key].extend(urls)

    async def process_item(self, item):
        if is_flash(item):  # stored by newscrawler.flashes.pipeline
            return item
        adapter = ItemAdapter(item)
        key = article_key(adapter["site"], adapter["article_id"])
        self.buffer.append(ArticleDoc(key, document_fields(adapter), list(adapter.get("aliases") or [])))
        if len(self.buffer) >= self.buffer_size:
            await self.flush()
        return item

    async def close_spider(self):
        # The timer is stopped, never cancelled: cancelling it in the middle of a timed flush lost
        # that batch's counts, and could lose the batch itself (cancelled during a retry's wait).
        self.closing.set()
        if self.timer:
            await self.timer
        await self.flush()
        if self.unwritten:  # a last try: the disk may have room again
            self.dead_letter([], "written at close")
        if self.unwritten:
            self.report_lost()
        if self.deadletter and self.deadletter.count:
            self.stats.set_value("news/store/deadletter_file", str(self.deadletter.path))
            logger.warning("%d records could not be stored; they are in %s. Store them later with: "
                           "scrapy replay %s", self.deadletter.count, self.deadletter.path, self.deadletter.path)

    def report_lost(self) -> None:
        """What neither MongoDB nor the dead-letter file took is gone when the process ends: said
        with its count, and counted where the monitors, the summary and the exit code look."""
        articles = sum(1 for record, _ in self.unwritten if record.get("kind") == "article")
        others = len(self.unwritten) - articles
        self.stats.set_value("news/lost/articles", articles)
        if others:
            self.stats.set_value("news/lost/alias_records", others)
        logger.error("%d articles (and %d alias records) scraped by this crawl are lost: neither MongoDB nor the "
                     "dead-letter file %s took them", articles, others, self.deadletter.path)

    # -- writing ----------------------------------------------------------------------------
    async def flush(self):
        async with self.lock:
            docs, self.buffer = self.buffer, []
            aliases, self.pending_aliases = self.pending_aliases, defaultdict(list)
            signals = self.crawler.signals
            signals.send_catch_log(store_flush_started)
            for doc in docs:  # aliases of an article in this batch travel with it
                doc.aliases = list(dict.fromkeys(doc.aliases + aliases.pop(doc.key, [])))
            if docs:
                await self.write_articles(docs)
            if aliases:
                await self.write_aliases(dict(aliases))
            signals.send_catch_log(store_flush_done)

    async def flush_quietly(self):
        """A timed flush: whatever happens, the timer goes on (its batch is stored or dead-lettered)."""
        try:
            await self.flush()
        except Exception as error:  # noqa: BLE001 - the next flush and the final one must still run
            logger.warning("A timed flush of the store failed (%s: %s); the next one goes on",
                           type(error).__name__, error)

    async def write_articles(self, docs: list[ArticleDoc]):
        now = self.clock.now()
        try:
            result = await self.with_retries(self.store.write, docs, now)
        except StoreUnavailable as error:
            return self.dead_letter([doc.to_record() for doc in docs], str(error))
        except Exception as error:  # noqa: BLE001 - whatever it is, the batch must not be lost
            return self.dead_letter([doc.to_record() for doc in docs], f"{type(error).__name__}: {error}")
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
        records = [{"kind": "aliases", "key": key, "urls": urls} for key, urls in aliases.items()]
        try:
            missing = await self.with_retries(self.store.add_aliases, aliases)
            # The kept article is not stored (it went to the dead letters too): keep its aliases
            # with it, so a replay adds them after the article.
            stored = await self.with_retries(self.store.stored_keys, list(aliases)) if missing else set(aliases)
        except StoreUnavailable as error:
            return self.dead_letter(records, str(error))
        except Exception as error:  # noqa: BLE001 - whatever it is, the aliases must not be lost
            return self.dead_letter(records, f"{type(error).__name__}: {error}")
        if missing:
            self.dead_letter([r for r in records if r["key"] not in stored], "article not stored yet")

    async def with_retries(self, function, *args):
        """Run a store call in a thread; retry transient failures with exponential backoff."""
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
            self.stats.inc_value("news/store/retries")
            if attempt == self.attempts:
                raise StoreUnavailable(f"MongoDB unreachable at {self.store.describe()} after "
                                       f"{attempt} attempts: {error_name}")
            delay = self.backoff * 2 ** (attempt - 1)
            logger.warning("MongoDB write failed (%s), attempt %d of %d; retrying in %.1fs",
                           error_name, attempt, self.attempts, delay)
            await asyncio.sleep(delay)

    def dead_letter(self, records: list[dict], error: str):
        """Write records to the dead-letter file. Where the file cannot be written either (a full
        disk), they stay in memory and are written with the next dead letters or at close."""
        pending = self.unwritten + [(record, error) for record in records]
        try:
            for reason in dict.fromkeys(reason for _, reason in pending):
                self.deadletter.write([record for record, r in pending if r == reason], reason)
        except OSError as failure:
            self.unwritten = pending
            self.stats.set_value("news/store/deadletter_unwritten", len(pending))
            logger.error("%d records could not be written to %s either (%s); kept in memory, written again "
                         "with the next dead letters or at close", len(pending), self.deadletter.path, failure)
            return
        self.unwritten = []
        self.stats.set_value("news/store/deadletter_unwritten", 0)
        self.stats.inc_value("news/store/dead_lettered", len(pending))
        logger.warning("%d records dead-lettered to %s: %s", len(pending), self.deadletter.path, error)
