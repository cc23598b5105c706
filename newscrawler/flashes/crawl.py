"""What one crawl does with a site's flashes: for each edition it crawls, walk the flash feed back
from its newest row to the newest flash stored (or, on a first run, to `NEWS_FLASH_FIRST_RUN_MAX`
rows), and back to the start of the re-read window (`NEWS_FLASH_RECHECK_HOURS`) for corrections,
removals and vote counts; every row read becomes an item (the store decides what is new). A flash
stored in that window that the walk did not meet is asked for by id: a 404 marks it removed.
One flash page per edition is rendered and compared with its row (`NEWS_FLASH_CHECK_RENDERS`).

The spider routes the responses here (its `parse_flash_*` methods); requests carry plain data only.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from scrapy.http import Request
from scrapy_playwright.page import PageMethod

from .. import meta as m
from ..storage import crawl_store
from ..storage.mongo import StoreUnavailable
from .feed import FeedWalk, FlashFeedError, mark_of
from .item import FlashItem
from .rows import FlashRowError, RowContext, differing_field, read_flash_row
from .store import FlashStore, StoredFlashes

logger = logging.getLogger(__name__)

WALK = "news_flash_walk"
"""On flash requests: the walk (`<start url>|<edition>`) the answer belongs to."""
CHECK = "news_flash_check"
"""On the render of a flash page: the item read from its row, as plain data."""


class FlashCrawl:
    """One crawl's flashes, for the spider to start (`start_requests`) and route to."""

    def __init__(self, spider, feed, store: FlashStore | None, incremental: bool, recheck: timedelta,
                 first_run_max: int, check_renders: int):
        self.spider = spider
        self.site = spider.site
        self.feed = feed
        self.store = store if incremental else None
        self.recheck = recheck
        self.first_run_max = first_run_max
        self.check_renders = check_renders
        self.walks: dict[str, FeedWalk] = {}
        self.stored: dict[str, StoredFlashes] = {}
        self.checks_left: dict[str, int] = {}

    @classmethod
    def from_spider(cls, spider, incremental: bool) -> "FlashCrawl":
        settings = spider.crawler.settings
        store = FlashStore.from_settings(crawl_store(spider.crawler), settings)
        return cls(spider, spider.site.site.flashes, store, incremental,
                   timedelta(hours=settings.getfloat("NEWS_FLASH_RECHECK_HOURS", 2.0)),
                   settings.getint("NEWS_FLASH_FIRST_RUN_MAX", 1000), settings.getint("NEWS_FLASH_CHECK_RENDERS", 1))

    @property
    def stats(self):
        return self.spider.crawler.stats

    # -- starting --------------------------------------------------------------------------------
    def walk_key(self, start_url: str) -> str:
        return f"{start_url}|{self.feed.edition(start_url, self.site)}"

    async def start_requests(self, start_urls: list[str]) -> list[Request]:
        """The first page of each edition's feed, once what is stored of it has been read."""
        requests = []
        for start_url in start_urls:
            key = self.walk_key(start_url)
            if key in self.walks:
                continue
            edition = self.feed.edition(start_url, self.site)
            stored = await self.recall(edition)
            self.stored[key] = stored
            self.walks[key] = FeedWalk(stop_at=self.stop_at(stored), max_rows=self.first_run_max,
                                       since=self.spider.since)
            self.checks_left[key] = self.check_renders
            requests.append(self.api_request(self.feed.page_url(self.site, edition), key, self.spider.parse_flash_page))
        return requests

    async def recall(self, edition: str) -> StoredFlashes:
        if self.store is None:
            return StoredFlashes()
        try:
            return await asyncio.to_thread(self.store.stored, self.site.name, edition, self.window_start())
        except StoreUnavailable as error:
            logger.warning("Stored flashes not read (%s): the %s feed is read as on a first run", error, edition)
            return StoredFlashes()

    def window_start(self) -> datetime:
        return datetime.now(timezone.utc) - self.recheck

    def stop_at(self, stored: StoredFlashes):
        """Where a walk has gone far enough: the newest stored flash, or the start of the re-read
        window where that is older; None when nothing is stored (a first run)."""
        if stored.newest is None:
            return None
        window = mark_of({"published_at": self.window_start(), "flash_id": "0"})
        return min(stored.newest, window)

    def api_request(self, url: str, key: str, callback, **meta) -> Request:
        return Request(url, callback=callback, errback=self.spider.flash_failed, dont_filter=True,
                       meta={m.PAGE_KIND: m.FLASH, m.FORMAT: "json", WALK: key, **meta})

    # -- the feed --------------------------------------------------------------------------------
    def page_answer(self, response):
        key = response.meta[WALK]
        start_url, _, edition = key.rpartition("|")
        self.stats.inc_value("news/flashes/pages")
        try:
            rows = self.feed.rows(response.text)
        except FlashFeedError as error:
            self.stats.inc_value("news/flashes/feed_unreadable")
            logger.warning("Flash feed not read (%s): %s", error, response.url)
            return
        now = datetime.now(timezone.utc)
        items = [item for item in (self.item_of(row, start_url, edition, now) for row in rows) if item]
        for item in items:
            yield item
        if items and self.checks_left.get(key, 0) > 0 and self.renders():
            self.checks_left[key] -= 1
            yield self.check_request(items[0], key)
        walk = self.walks[key]
        if walk.read([mark for mark in map(mark_of, items) if mark]) and rows:
            yield self.api_request(self.feed.page_url(self.site, edition, int(rows[-1]["id"])), key,
                                   self.spider.parse_flash_page)
            return
        if walk.stalled:
            logger.warning("The flash feed answered the page after its cursor with the cursor's own rows (it "
                           "ignores the cursor): this walk stops here: %s", response.url)
        yield from self.vanished_requests(key, edition)

    def item_of(self, row: dict, start_url: str, edition: str, now: datetime) -> FlashItem | None:
        context = RowContext(self.site.name, edition, self.feed.flash_url(start_url, self.site, edition, row.get("id")),
                             self.site.zone)
        try:
            item = read_flash_row(row, context, now)
        except FlashRowError as error:
            self.stats.inc_value("news/flashes/row_unreadable")
            logger.warning("Flash row not read (%s): %s", error, context.url)
            return None
        self.stats.inc_value("news/flashes/read")
        return item

    def vanished_requests(self, key: str, edition: str):
        """A stored flash of the re-read window that the walk went past without meeting: asked for by id."""
        walk, stored = self.walks[key], self.stored.get(key) or StoredFlashes()
        for flash_key, mark in stored.recent.items():
            if walk.covers(mark) and mark.number not in walk.seen:
                self.stats.inc_value("news/flashes/unlisted")
                yield self.api_request(self.feed.one_url(self.site, edition, mark.number), key,
                                       self.spider.parse_flash_one, handle_httpstatus_list=[404, 410],
                                       news_flash_key=flash_key)

    async def one_answer(self, response):
        """A stored flash the feed no longer lists: gone (marked removed) or still there (read again)."""
        key = response.meta[WALK]
        start_url, _, edition = key.rpartition("|")
        if response.status in (404, 410):
            if self.store is not None:
                await asyncio.to_thread(self.store.mark_removed, [response.meta["news_flash_key"]])
            self.stats.inc_value("news/flashes/removed")
            logger.info("Flash removed from the site, marked removed_at: %s", response.meta["news_flash_key"])
            return
        try:
            row = self.feed.row(response.text)
        except FlashFeedError as error:
            logger.warning("Flash not read (%s): %s", error, response.url)
            return
        item = self.item_of(row, start_url, edition, datetime.now(timezone.utc))
        if item is not None:
            yield item

    # -- checking rows against rendered pages ----------------------------------------------------
    def renders(self) -> bool:
        return self.spider.render.enabled and self.spider.learner.mode != "never"

    def check_request(self, item: FlashItem, key: str) -> Request:
        page, config = self.feed.page, self.spider.render
        methods = [PageMethod("wait_for_selector", page.ready_css, state="attached",
                              timeout=config.navigation_timeout_ms)]
        request = Request(item.url, callback=self.spider.parse_flash_check, errback=self.spider.flash_failed,
                          dont_filter=True, meta={m.PAGE_KIND: m.FLASH, WALK: key, **self.spider.render_meta(methods),
                                                  CHECK: {"title": item.title, "body": item.body,
                                                          "published_at": item.published_at.isoformat(),
                                                          "flash_id": item.flash_id, "url": item.url,
                                                          "site": item.site}})
        return request

    def check_answer(self, response) -> None:
        """Compare the rendered page with the row: a mismatch is counted and said loudly."""
        read = dict(response.meta[CHECK])
        item = FlashItem(**{**read, "published_at": datetime.fromisoformat(read["published_at"])})
        zone = ZoneInfo(self.spider.render.timezone_id)
        page = self.feed.page(response.text)
        if page.is_error():
            self.stats.inc_value("news/flashes/check_unavailable")
            logger.info("Flash page drawn without its flash (the app's call failed), not compared: %s", response.url)
            return
        field = differing_field(item, page, zone, datetime.now(timezone.utc))
        if field is None:
            self.stats.inc_value("news/flashes/checked")
            return
        self.stats.inc_value(f"news/flashes/check_mismatch/{field}")
        logger.warning("Flash row and rendered page differ in %s: rows may be misread: %s", field, response.url)

    def failed(self, failure) -> None:
        self.spider.count_failure(failure)
        self.stats.inc_value("news/flashes/fetch_failed")
