"""CrawlReport: one closing summary line, the final stats as JSON, and a log without tracebacks
for failures the site can cause."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

logger = logging.getLogger(__name__)

SUMMARY_KEYS = [
    ("pages", "news/pages/article"), ("listings", "news/pages/listing"), ("renders", "news/renders"),
    ("new", "news/store/new"), ("updated", "news/store/updated"), ("unchanged", "news/store/unchanged"),
    ("duplicates", "news/duplicates/"), ("parse_failures", "news/parse_failed/"), ("refused", "news/refused/"),
    ("render_timeouts", "news/related/unavailable"), ("render_partial", "news/related/partial"),
    ("retries", "retry/count"), ("dead_lettered", "news/store/dead_lettered"), ("lost", "news/lost/"),
    ("monitors_failed", "news/monitors/failed"),
]
BREAKDOWNS = ("news/parse_failed/", "news/refused/", "news/duplicates/")


class NoTraceback(logging.Filter):
    """scrapy-playwright logs a failed navigation with its traceback; the failure itself reaches
    our errback, which logs one line with the URL. Keep the message, drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


class MonitorDetails(logging.Filter):
    """Spidermon writes each failed monitor as an ERROR with the assertion's traceback. The
    monitors' own lines say which failed and why (newscrawler.monitors: one WARNING, and the
    `news/monitors/failed/<name>` stats), so the traceback lines are left out of the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno >= logging.ERROR and str(record.msg).startswith("[Spidermon]"))


# A crawl that closed for one of these reasons ended itself because it could not go on.
FAILED_REASONS = {"stalled", "frontier_lost"}


def crawl_failed(stats: dict) -> bool:
    """Whether the crawl lost something it held (`news/lost/...`) or ended itself as failed: the
    crawl command then exits non-zero, whatever the monitors say."""
    lost = sum(v for k, v in stats.items() if k.startswith("news/lost/") and isinstance(v, int))
    return bool(lost) or stats.get("finish_reason") in FAILED_REASONS


def summary(stats: dict) -> dict:
    """The closing numbers; a key ending in `/` sums every stat under that prefix, and the
    failures are also given by reason (`parse_failed/missing_title=1`)."""
    result = {}
    for name, key in SUMMARY_KEYS:
        if key.endswith("/"):
            result[name] = sum(v for k, v in stats.items() if k.startswith(key) and isinstance(v, int))
        else:
            result[name] = stats.get(key, 0)
    for prefix in BREAKDOWNS:
        for key in sorted(k for k in stats if k.startswith(prefix)):
            result[key.removeprefix("news/")] = stats[key]
    return result


class CrawlReport:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats_file = crawler.settings.get("NEWS_STATS_FILE")
        self.filter = NoTraceback()
        self.monitor_details = MonitorDetails()

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider):
        logging.getLogger("scrapy-playwright").addFilter(self.filter)
        logging.getLogger(spider.name).addFilter(self.monitor_details)

    def spider_closed(self, spider, reason):
        logging.getLogger("scrapy-playwright").removeFilter(self.filter)
        # Spidermon's monitors ran before (its extension connected first).
        logging.getLogger(spider.name).removeFilter(self.monitor_details)
        stats = self.crawler.stats.get_stats()
        numbers = summary(stats)
        logger.info("Crawl summary (%s): %s", reason, ", ".join(f"{k}={v}" for k, v in numbers.items()))
        if self.stats_file:
            path = Path(self.stats_file)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({**stats, "finish_reason": reason, "summary": numbers},
                                       default=str, indent=1, sort_keys=True))


class WaitForPeers:
    """Keeps an idle process open while its peers still work (a live process said with its heartbeat
    that it has requests under way: a listing whose links are not queued yet, an article whose related
    links may follow), and `NEWS_REDIS_IDLE_BEFORE_CLOSE` seconds after, for the requests their last
    answers queue. (A blocking pop would freeze the reactor; the idle signal does not.)"""

    def __init__(self, crawler):
        self.crawler = crawler
        self.patience = crawler.settings.getfloat("NEWS_REDIS_IDLE_BEFORE_CLOSE", 15)
        self.idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured("REDIS_URL is not set: single-process crawl")
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.busy, signal=signals.request_scheduled)
        crawler.signals.connect(extension.busy, signal=signals.response_received)
        return extension

    def busy(self, *args, **kwargs):
        self.idle_since = None

    def peers_at_work(self) -> bool:
        peers_at_work = getattr(self.crawler.engine.scheduler, "peers_at_work", None)
        return bool(peers_at_work and peers_at_work())

    def spider_idle(self, spider):
        now = time.monotonic()
        if self.idle_since is None or self.peers_at_work():
            self.idle_since = now
        if now - self.idle_since < self.patience:
            raise DontCloseSpider("waiting for other processes of this crawl")


class StallGuard:
    """Ends a crawl that has made no progress (no page downloaded or failed, no article scraped)
    for `NEWS_STALL_MINUTES`: its shared Redis gone, a browser that never answers. It closes as
    `stalled`, which fails the outcome monitor (the operator is notified) and makes `scrapy crawl`
    exit 1; a crawl left hanging would also block every later scheduled run."""

    def __init__(self, crawler, minutes: float):
        self.crawler = crawler
        self.minutes = minutes
        self.last_progress = time.monotonic()
        self.watch: asyncio.Task | None = None

    @classmethod
    def from_crawler(cls, crawler):
        minutes = crawler.settings.getfloat("NEWS_STALL_MINUTES", 30)
        if minutes <= 0:
            raise NotConfigured("NEWS_STALL_MINUTES is 0: no stall guard")
        guard = cls(crawler, minutes)
        for signal in (signals.request_left_downloader, signals.item_scraped, signals.item_dropped):
            crawler.signals.connect(guard.progress, signal=signal)
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def progress(self, *args, **kwargs):
        self.last_progress = time.monotonic()

    def spider_opened(self, spider):
        self.last_progress = time.monotonic()
        self.watch = asyncio.ensure_future(self.watch_progress())

    def spider_closed(self, spider, reason):
        if self.watch:
            self.watch.cancel()

    async def watch_progress(self):
        limit = self.minutes * 60
        while True:
            await asyncio.sleep(min(30.0, limit / 5))
            if time.monotonic() - self.last_progress >= limit:
                break
        self.crawler.stats.set_value("news/stalled", 1)
        logger.error("No progress for %g minutes (no page downloaded, no article scraped): the crawl ends itself "
                     "as stalled (NEWS_STALL_MINUTES)", self.minutes)
        # A task of its own: closing cancels this watch (spider_closed), which must not cancel the close.
        asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="stalled"))
