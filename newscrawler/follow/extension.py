"""`FollowMode`: the Scrapy extension that keeps a crawl following its site (newscrawler.follow
says what a follow does; `docs/running.md` how to run one).

Off unless the spider is asked to follow (`-a follow=1`, or `NEWS_FOLLOW`). When the usual crawl
is done (the spider's first `spider_idle`), it leaves the memory of earlier runs what this crawl has
learned, builds one follower per feed and edition, and starts a loop that starts each feed's next
poll when it is due; every `spider_idle` after that raises `DontCloseSpider`. A graceful stop
(SIGTERM, SIGINT: `crawler.crawling` turns false) ends the loop and the idle handler lets the
spider close, so the pipelines flush their buffers as at the end of any crawl.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from .. import meta as m
from ..flashes.item import is_flash
from ..notify import tell_operator
from ..pipelines.flashes import FlashStorePipeline
from ..pipelines.store import MongoStorePipeline
from ..storage import crawl_store
from .polls import ArticleFollower, FlashFollower, PollFailed

logger = logging.getLogger(__name__)

STAT = "news/follow/"
LOOP_STEP_S = 0.25      # how often the loop looks for a due poll: a poll starts at most this late
FLUSH_DELAY_S = 0.2     # a poll's items are written together, this soon after the first is scraped
HEARTBEAT_S = 30.0      # the heartbeat in crawl_state is written at most this often
# A poll that has heard nothing for this long is given up (a request lost on the way): longer than a
# host may keep it waiting (NEWS_RETRY_AFTER_MAX, 120 s, for each of NEWS_THROTTLE_RETRIES answers).
POLL_TIMEOUT_S = 1800.0
SUMMARY_COUNTS = ("polls", "polls_failed", "pages", "flashes_vanished", "articles_new")
# What the flash store did with the rows polls passed on (a row whose votes moved is passed on and
# only refreshed; one read again after a restart is passed on and found unchanged): the summary
# says what changed in the database, not what was read.
STORED_COUNTS = {"flashes_new": "news/flashes/store/new", "flashes_corrected": "news/flashes/store/updated",
                 "flashes_votes_refreshed": "news/flashes/store/refreshed"}


def is_on(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class QuietPollRetries(logging.Filter):
    """Scrapy's "Gave up retrying" line for a poll: the follow says a failure streak once (WARNING)
    and its end (INFO); a line per failed poll of an hour-long outage says nothing more."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = record.args.get("request") if isinstance(record.args, dict) else None
        return not (request is not None and m.FOLLOW in getattr(request, "meta", {}))


class FollowMode:
    def __init__(self, crawler, spider):
        settings = crawler.settings
        self.crawler, self.spider, self.stats = crawler, spider, crawler.stats
        self.interval = max(0.5, settings.getfloat("NEWS_FOLLOW_INTERVAL", 10.0))
        self.recheck = timedelta(minutes=settings.getfloat("NEWS_FOLLOW_RECHECK", 30.0))
        self.recheck_every = settings.getfloat("NEWS_FOLLOW_RECHECK_EVERY", 60.0)
        self.stale_after = 60 * settings.getfloat("NEWS_FOLLOW_STALE_MINUTES", 10.0)
        self.quiet_factor = settings.getfloat("NEWS_FOLLOW_QUIET_FACTOR", 10.0)
        self.summary_every = 60 * settings.getfloat("NEWS_FOLLOW_SUMMARY_MINUTES", 5.0)
        self.followers: dict = {}
        self.task: asyncio.Task | None = None
        self.counts: Counter[str] = Counter()
        self.summarised: dict[str, int] = {}  # the counts at the last summary (begin() takes the first)
        self.summarised_at = 0.0
        self.retry_filter = QuietPollRetries()
        self.flush_pending: set = set()
        self.started = self.last_success = self.next_summary = self.next_heartbeat = 0.0
        self.stale_said = False
        self.heartbeat_failing = False

    @classmethod
    def from_crawler(cls, crawler):
        spider = crawler.spider
        follow = getattr(spider, "follow_arg", None)
        if spider is None or not is_on(crawler.settings.get("NEWS_FOLLOW", False) if follow in (None, "") else follow):
            raise NotConfigured("follow mode is off")
        extension = cls(crawler, spider)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        return extension

    def spider_opened(self, spider):
        # A follow job's end is a stop asked for, even one before it began following (monitors).
        self.stats.set_value(f"{STAT}on", 1)

    # -- staying -----------------------------------------------------------------------------------
    def following(self) -> bool:
        """False once a graceful stop has begun (a signal, a closespider limit): no poll starts then."""
        engine = self.crawler.engine
        return bool(self.crawler.crawling and engine is not None and engine.running)

    def spider_idle(self, spider):
        if not self.following():
            return
        if self.task is None:
            self.begin()
        if self.followers:
            raise DontCloseSpider("following the site's feeds")

    def begin(self) -> None:
        """The usual crawl is done: leave later runs what it learned, then start polling."""
        spider = self.spider
        spider.memory.leave(walked_everything=not spider.narrowed())
        self.followers = self.build_followers()
        if not self.followers:
            logger.warning("Follow mode: site %r has no feed to poll; the crawl ends as usual", spider.site.name)
            self.task = asyncio.Future()  # begun, with nothing to follow
            return
        logging.getLogger("scrapy.downloadermiddlewares.retry").addFilter(self.retry_filter)
        now = time.monotonic()
        self.started = self.last_success = now
        self.summarised, self.summarised_at = self.stored_counts(), now  # the usual crawl's counts are its own
        self.next_summary, self.next_heartbeat = now + self.summary_every, now  # the first beat: the first poll
        self.stats.set_value(f"{STAT}feeds", len(self.followers))
        logger.info("Following %s every %g s (corrections and removals re-checked over the last %g min)",
                    ", ".join(self.followers), self.interval, self.recheck.total_seconds() / 60)
        self.task = asyncio.ensure_future(self.run())

    def build_followers(self) -> dict:
        spider, site = self.spider, self.spider.site
        source = site.sources[0] if site.sources else None
        followers = {}
        for start_url in spider.start_urls:
            edition = site.urls.edition(start_url) or site.site.language
            if spider.flashes is not None:
                follower = FlashFollower(spider, start_url, edition, self.interval, self, self.recheck)
                followers.setdefault(follower.name, follower)
            if "articles" in spider.kinds and hasattr(source, "latest_url"):
                follower = ArticleFollower(spider, start_url, edition, self.interval, self, source)
                followers.setdefault(follower.name, follower)
        return followers

    async def run(self) -> None:
        # The usual crawl's last flashes may still wait in the store's buffer (written every
        # MONGO_FLUSH_INTERVAL): written first, the followers recall them with the rest, and one
        # removed before the first poll reads the feed is asked for by id like any other.
        pipeline = self.crawler.get_item_pipeline(FlashStorePipeline)
        if pipeline is not None:
            await pipeline.flush()
        for follower in self.followers.values():
            await follower.recall()
        while self.following():
            now = time.monotonic()
            for follower in self.followers.values():
                if not follower.pace.in_flight and now >= follower.pace.due_at():
                    self.crawler.engine.crawl(follower.start(now))
                elif follower.pace.in_flight and now - follower.pace.started > POLL_TIMEOUT_S:
                    self.poll_ended(follower, False, "no answer")
            self.look_after(now)
            await asyncio.sleep(LOOP_STEP_S)

    # -- answers (routed by the spider) ------------------------------------------------------------
    def answer(self, response):
        follower = self.followers.get(response.meta.get(m.FOLLOW))
        if follower is None:
            return
        try:
            yield from follower.answer(response)
        except PollFailed as error:
            self.poll_ended(follower, False, str(error))

    def failed(self, failure) -> None:
        follower = self.followers.get(failure.request.meta.get(m.FOLLOW))
        if follower is not None:
            self.poll_ended(follower, False, self.spider.failure_reason(failure))

    def poll_ended(self, follower, ok: bool, reason: str = "") -> None:
        now, pace = time.monotonic(), follower.pace
        self.count("polls")
        if ok:
            if pace.succeeded(now, datetime.now(timezone.utc)):
                logger.info("Polls of %s succeed again", follower.name)
            if follower.new_in_poll:
                pace.found_new(now)
            self.last_success = now
            if self.stale_said:
                self.stale_said = False
                logger.info("Follow mode: polls succeed again")
            return
        self.count("polls_failed")
        first = pace.failed()
        logger.log(logging.WARNING if first else logging.DEBUG, "Poll of %s failed (%s): the next one reads what "
                   "this one missed", follower.name, reason)

    def count(self, name: str, value: int = 1) -> None:
        if value:
            self.counts[name] += value
            self.stats.inc_value(f"{STAT}{name}", value)

    # -- a job that never finishes: summary, heartbeat, alerts ------------------------------------------
    def look_after(self, now: float) -> None:
        if now >= self.next_summary:
            self.next_summary = now + self.summary_every
            self.log_summary()
        if now >= self.next_heartbeat and (beat := self.heartbeat()):
            self.next_heartbeat = now + HEARTBEAT_S
            asyncio.ensure_future(self.write_heartbeat(beat))
        if not self.stale_said and now - self.last_success >= self.stale_after:
            self.stale_said = True
            self.alert(f"no poll has succeeded for {(now - self.last_success) / 60:.0f} min")
        for follower in self.followers.values():
            quiet = follower.pace.quiet_for(now, self.quiet_factor, self.stale_after)
            if quiet is not None and not follower.pace.quiet_said:
                follower.pace.quiet_said = True
                self.alert(f"{follower.name} has had nothing new for {quiet / 60:.0f} min, "
                           f"{quiet / follower.pace.usual_gap:.0f} times its usual gap")

    def log_summary(self, closing: bool = False) -> None:
        """The counts since the last summary: every NEWS_FOLLOW_SUMMARY_MINUTES, and at the end for
        the minutes since the last one."""
        now, counts = time.monotonic(), self.stored_counts()
        delta = {name: counts[name] - self.summarised.get(name, 0) for name in counts}
        since = now - self.summarised_at
        minutes = f"{since / 60:.1f}" if closing else f"{self.summary_every / 60:g}"
        self.summarised, self.summarised_at = counts, now
        failing = [f.name for f in self.followers.values() if f.pace.failures]
        logger.info("Following, last %s min: %s%s", minutes,
                    ", ".join(f"{name}={value}" for name, value in delta.items()),
                    f"; failing: {', '.join(failing)}" if failing else "")

    def stored_counts(self) -> dict[str, int]:
        counts = {name: self.counts[name] for name in SUMMARY_COUNTS}
        return {**counts, **{name: self.stats.get_value(key, 0) for name, key in STORED_COUNTS.items()}}

    def alert(self, problem: str) -> None:
        self.stats.inc_value(f"{STAT}alerts")
        logger.warning("Follow mode: %s", problem)
        asyncio.ensure_future(asyncio.to_thread(tell_operator, self.crawler, [f"follow: {problem}"], "following"))

    def heartbeat(self) -> dict:
        beats = {f"last_poll_at.{f.name}": f.pace.last_success_at for f in self.followers.values()
                 if f.pace.last_success_at is not None}
        return {**beats, "interval_s": self.interval} if beats else {}

    async def write_heartbeat(self, fields: dict) -> None:
        """`crawl_state` `follow:<site>`: when each feed was last polled successfully, for whoever
        watches the job from outside (a stopped heartbeat is a stopped follow)."""
        store = crawl_store(self.crawler)
        if store is None:
            return
        try:
            await asyncio.to_thread(store.set_state, f"follow:{self.spider.site.name}", **fields)
        except Exception as error:  # noqa: BLE001 - StoreUnavailable or any driver error: the follow goes on
            if not self.heartbeat_failing:
                logger.warning("Follow heartbeat not written (%s): polls go on", type(error).__name__)
            self.heartbeat_failing = True
            return
        self.heartbeat_failing = False

    # -- stored promptly ---------------------------------------------------------------------------
    def item_scraped(self, item) -> None:
        """While following, items are written a moment after they are scraped, not when a buffer
        fills or its timer comes (`MONGO_FLUSH_INTERVAL`): seconds count for a flash."""
        if self.task is None:
            return
        pipeline = self.crawler.get_item_pipeline(FlashStorePipeline if is_flash(item) else MongoStorePipeline)
        if pipeline is None or pipeline in self.flush_pending:
            return
        self.flush_pending.add(pipeline)
        asyncio.get_running_loop().call_later(FLUSH_DELAY_S, lambda: asyncio.ensure_future(self.flush(pipeline)))

    async def flush(self, pipeline) -> None:
        self.flush_pending.discard(pipeline)
        if not self.following():
            return  # the pipeline's own close flushes
        await pipeline.flush_quietly()

    def spider_closed(self, spider, reason):
        if self.task is not None:
            self.task.cancel()
            logging.getLogger("scrapy.downloadermiddlewares.retry").removeFilter(self.retry_filter)
            if self.followers:
                self.log_summary(closing=True)
