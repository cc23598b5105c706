"""Distributed mode: several crawler processes share one frontier in Redis (scrapy-redis).

Off unless `REDIS_URL` is set. Then every process of the same crawl (`NEWS_CRAWL_ID`) takes
requests from one Redis queue and checks one Redis duplicate filter, keyed by the same article-aware
fingerprints as a single process, so an article is fetched once whichever process met it first.

Requests survive a dead process: each process keeps the requests it has taken in a Redis hash of its
own and renews a heartbeat key; when a heartbeat expires, any live process of the crawl claims the
dead one's taken requests (one `HDEL` per request, so exactly one process gets each) and puts them
back in the queue. Marking a request seen and queueing it, and moving it from the queue to the taken
hash, are each one Redis script: a process killed at any instant leaves no request half-moved.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

from redis.exceptions import RedisError
from scrapy import signals
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from . import meta
from .addons import SITE_IN_KEYS
from .pacing import PACE
from .redis_serializer import RefusedRequest
from .signals import store_flush_done, store_flush_started

logger = logging.getLogger(__name__)

TAKEN = meta.TAKEN
# Redis scripts run atomically: nothing of a request is lost if its process dies mid-step.
SCRIPTS = {
    # KEYS: duplicate filter, queue; ARGV: fingerprint ('' for a request never filtered), score, request,
    # the keys' time to live (renewed with every write: keys live as long as their crawl writes)
    "enqueue": """
        if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
        redis.call('EXPIRE', KEYS[1], ARGV[4])
        redis.call('EXPIRE', KEYS[2], ARGV[4])
        return 1""",
    # KEYS: the crawl's run marker, its duplicate filter, this process's heartbeat; ARGV: the heartbeat
    # keys' pattern, a new run id, the keys' time to live, the heartbeat's. With no process of the
    # crawl alive, a new run begins: the filter a killed run left would make this run's own start
    # and re-visit requests count as seen. Beating in the same step makes a peer starting at the
    # same moment join this run.
    "begin": """
        local alive = redis.call('KEYS', ARGV[1])
        local run = redis.call('GET', KEYS[1])
        if #alive == 0 or not run then
            if #alive == 0 then redis.call('DEL', KEYS[2]) end
            run = ARGV[2]
            redis.call('SET', KEYS[1], run, 'EX', ARGV[3])
        end
        redis.call('SET', KEYS[3], 1, 'EX', ARGV[4])
        return run""",
    # KEYS: queue, this process's taken hash; ARGV: token, the hash's time to live
    "take": """
        local first = redis.call('ZRANGE', KEYS[1], 0, 0)
        if #first == 0 then return false end
        redis.call('ZREM', KEYS[1], first[1])
        redis.call('HSET', KEYS[2], ARGV[1], first[1])
        redis.call('EXPIRE', KEYS[2], ARGV[2])
        return first[1]""",
}


def site_in_keys(spider) -> str:
    """The site a crawl's keys name: its profile and the host of its first start URL (two sites of
    one profile, `generic`, never share a frontier; a host added later changes nothing)."""
    site = getattr(getattr(spider, "site", None), "name", None) or spider.name
    home = getattr(spider, "home_host", None)
    return f"{site}:{home}" if home else site


def with_site(key: str, spider) -> str:
    return key.replace(SITE_IN_KEYS, site_in_keys(spider))


def as_text(value):
    """A Redis answer as text, whether the client decodes answers or not."""
    return value.decode() if isinstance(value, bytes) else value


class ArticleDupeFilter(RFPDupeFilter):
    """scrapy-redis's filter with the crawl's own fingerprints (an article id of the configured
    site, not a URL): the same fingerprinter as the crawler's (`REQUEST_FINGERPRINTER_CLASS`)."""

    fingerprinter = None

    @classmethod
    def from_spider(cls, spider):
        dupefilter = super().from_spider(spider)
        dupefilter.key = with_site(dupefilter.key, spider)
        dupefilter.fingerprinter = spider.crawler.request_fingerprinter
        return dupefilter

    def request_fingerprint(self, request) -> str:
        if self.fingerprinter is None:
            raise RuntimeError("ArticleDupeFilter is built by the shared scheduler (from_spider)")
        return self.fingerprinter.fingerprint(request).hex()

    def log(self, request, spider):
        if self.debug or not self.logdupes:
            return super().log(request, spider)
        self.logdupes = False  # like Scrapy's own filter: say it once, at DEBUG
        logger.debug("Filtered duplicate request %s (shared filter; no more duplicates will be shown)", request)


class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler, plus taken requests that outlive their process.

    It also avoids scrapy-redis's deprecated calls (`stats.inc_value(spider=...)`, `spider.log`), so
    the log stays clean without hiding other warnings, and lets the crawl's keys expire
    (`NEWS_REDIS_KEY_TTL`)."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        settings = crawler.settings
        scheduler.key_ttl = settings.getint("NEWS_REDIS_KEY_TTL", 2 * 86400)
        scheduler.heartbeat_ttl = settings.getint("NEWS_REDIS_HEARTBEAT_TTL", 10)
        scheduler.prefetch = max(1, settings.getint("NEWS_REDIS_PREFETCH", 4))
        scheduler.owner = uuid.uuid4().hex[:12]
        scheduler.last_rescue = 0.0
        scheduler.in_buffer, scheduler.flushing = [], []
        scheduler.unsent = []  # requests Redis could not take: sent again before the next is taken
        scheduler.away = False  # Redis did not answer the last call
        scheduler.frontier_lost = False
        connect = crawler.signals.connect
        connect(scheduler.download_done, signal=signals.request_left_downloader)
        connect(scheduler.request_done, signal=signals.request_dropped)
        connect(scheduler.item_buffered, signal=signals.item_scraped)
        connect(scheduler.flush_started, signal=store_flush_started)
        connect(scheduler.flush_done, signal=store_flush_done)
        connect(scheduler.check_frontier, signal=signals.spider_idle)
        scheduler.crawler = crawler
        return scheduler

    # -- keys -------------------------------------------------------------------------------
    @property
    def prefix(self) -> str:
        return self.queue.key.rsplit(":", 1)[0]

    def taken_key(self, owner: str) -> str:
        return f"{self.prefix}:taken:{owner}"

    def alive_key(self, owner: str) -> str:
        return f"{self.prefix}:alive:{owner}"

    @property
    def pace_prefix(self) -> str:
        """Keys `<prefix>:pace:<host>` live while the host is busy (newscrawler.pacing)."""
        return f"{self.prefix}:pace"

    @property
    def run_key(self) -> str:
        """Holds the id of the crawl's current run: gone, or another's, the frontier was lost."""
        return f"{self.prefix}:run"

    # -- lifecycle --------------------------------------------------------------------------
    def open(self, spider):
        self.queue_key = with_site(self.queue_key, spider)
        stats, self.stats = self.stats, None
        log = spider.log  # the base class announces a resumed queue through the deprecated Spider.log
        spider.log = lambda message, *args, **kwargs: logger.info(message)
        try:
            super().open(spider)
        finally:
            spider.log = log
            self.stats = stats
        self.scripts = {name: self.server.register_script(source) for name, source in SCRIPTS.items()}
        self.run_id = as_text(self.scripts["begin"](
            keys=[self.run_key, self.df.key, self.alive_key(self.owner)],
            args=[f"{self.prefix}:alive:*", uuid.uuid4().hex, self.key_ttl, self.heartbeat_ttl]))
        self.beat()
        # Beat on a timer, not on next_request(): a process busy rendering may not ask for
        # requests for longer than the heartbeat lives, and must not look dead.
        self.heartbeat = asyncio.ensure_future(self.keep_alive())
        # One pace per host for every process of the crawl (newscrawler.pacing).
        PACE.share(self.server, self.pace_prefix)
        for key in (self.queue.key, self.df.key):
            self.server.expire(key, self.key_ttl)

    async def keep_alive(self):
        while True:
            await asyncio.sleep(self.heartbeat_ttl / 3)
            try:
                self.beat()
            except RedisError as error:
                self.redis_away(error)

    def redis_away(self, error: RedisError) -> None:
        """Redis does not answer: said once until it answers again (the crawl's stall guard,
        NEWS_STALL_MINUTES, ends a crawl that cannot go on without it)."""
        if not self.away:
            logger.warning("Redis does not answer (%s): this process waits for it", type(error).__name__)
        self.away = True

    def redis_back(self) -> None:
        if self.away:
            logger.info("Redis answers again")
        self.away = False

    def close(self, reason):
        self.heartbeat.cancel()
        PACE.stop_sharing()
        super().close(reason)
        try:
            self.send_unsent()
            # Closing comes after the pipelines closed (their last flush): everything taken is done.
            self.server.delete(self.taken_key(self.owner), self.alive_key(self.owner))
            self.end_crawl_if_last()
        except RedisError as error:
            logger.warning("Redis did not answer at close (%s): this process's keys expire on their own",
                           type(error).__name__)
        self.report_unsent()

    def report_unsent(self) -> None:
        """Requests this process found and could never hand to the shared frontier die with it."""
        if not self.unsent:
            return
        if self.stats:
            self.stats.set_value("news/lost/requests", len(self.unsent))
        logger.error("%d requests found by this process are lost: Redis never took them back", len(self.unsent))

    def end_crawl_if_last(self) -> None:
        """The last process of a crawl to close, with nothing left queued, deletes the crawl's
        frontier: a crawl id used again (every scheduled run of the same job) starts afresh."""
        peers = list(self.server.scan_iter(match=f"{self.prefix}:alive:*"))
        if not peers and not self.server.zcard(self.queue.key):
            self.server.delete(self.queue.key, self.df.key, self.run_key)
            logger.info("Last process of the crawl: its Redis frontier is deleted")

    def beat(self) -> None:
        # The value says whether this process has work under way (peers_at_work).
        self.server.set(self.alive_key(self.owner), int(self.working()), ex=self.heartbeat_ttl)
        self.server.expire(self.run_key, self.key_ttl)

    def check_frontier(self, *args, **kwargs) -> None:
        """Every time the process is idle: is the crawl's frontier still the one it began with?
        Redis restarted without persistence (or flushed) has lost every queued request and the
        filter, and a crawl that then closed `finished` would pass for one that walked everything."""
        try:
            run = self.server.get(self.run_key)
        except RedisError as error:
            self.redis_away(error)
            return
        if as_text(run) == self.run_id or self.frontier_lost:
            return
        self.frontier_lost = True
        if self.stats:
            self.stats.set_value("news/distributed/frontier_lost", 1)
        logger.error("The crawl's frontier in Redis is gone (Redis restarted empty, or flushed): the requests "
                     "queued there are lost; the crawl ends as frontier_lost and the next run walks again")
        asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="frontier_lost"))

    # -- requests ---------------------------------------------------------------------------
    def enqueue_request(self, request):
        try:
            self.request_done(request)  # a retried request is back in the queue, no longer taken
            return self.send(request)
        except RedisError as error:
            # Redis away for a moment: the request waits here, and the rest of the callback's
            # output goes on being scheduled.
            if not self.unsent:
                logger.warning("Redis did not take a request (%s): kept until it answers again", type(error).__name__)
            self.unsent.append(request)
            return True

    def send(self, request) -> bool:
        # Marking it seen and queueing it are one step in Redis: a process killed between the two
        # would leave a request that every process thinks is queued.
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        queued = self.scripts["enqueue"](keys=[self.df.key, self.queue.key],
                                         args=[fingerprint, -request.priority, self.queue._encode_request(request),
                                               self.key_ttl])
        if not queued:
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def send_unsent(self) -> None:
        while self.unsent:
            self.send(self.unsent[0])
            self.unsent.pop(0)

    def has_pending_requests(self) -> bool:
        if self.unsent:
            return True
        try:
            return super().has_pending_requests()
        except RedisError as error:
            self.redis_away(error)
            return True  # unknown: the frontier may hold work; the stall guard ends a long wait

    def holds_enough(self) -> bool:
        """This process already holds `NEWS_REDIS_PREFETCH` requests it has not begun to download
        (waiting for the host's pace, a download slot or a browser page). Taking more would keep them
        from idle peers: the process that found the listings would hoard the crawl while its peers
        wait, and a dead process's hoard waits for the heartbeat to expire."""
        downloader = self.crawler.engine.downloader
        transferring = sum(len(slot.transferring) for slot in downloader.slots.values())
        return len(downloader.active) - transferring >= self.prefetch

    def next_request(self):
        if self.holds_enough():
            return None  # asked again when a download ends (the engine's next call)
        try:
            self.send_unsent()
            request = self.next_from_redis()
        except RedisError as error:
            self.redis_away(error)
            return None  # away: this process waits, its requests kept
        self.redis_back()
        if request is None:
            return None
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def next_from_redis(self):
        now = time.monotonic()
        request = self.take()  # never blocks the reactor; WaitForPeers handles idle time
        if request is None and now - self.last_rescue > self.heartbeat_ttl / 2:
            self.last_rescue = now
            self.rescue_dead_peers()
            request = self.take()
        return request

    def take(self):
        """The next request, moved from the queue into this process's taken hash in one step (a
        process killed in between would lose it)."""
        while True:
            token = uuid.uuid4().hex
            data = self.scripts["take"](keys=[self.queue.key, self.taken_key(self.owner)], args=[token, self.key_ttl])
            if data is None:
                return None
            request = self.decoded(data)
            if request is not None:
                request.meta[TAKEN] = token
                return request
            self.server.hdel(self.taken_key(self.owner), token)

    def decoded(self, data):
        """The request `data` holds, or None when it is not one this crawl runs (a browser step
        it never builds, a callback the spider does not have): refused, counted, never executed."""
        try:
            return self.queue._decode_request(data)
        except (RefusedRequest, ValueError, TypeError, KeyError) as refusal:
            reason = str(refusal) if isinstance(refusal, RefusedRequest) else f"{type(refusal).__name__}: {refusal}"
            logger.warning("Request from the shared frontier refused (%s): not executed", reason[:300])
            if self.stats:
                self.stats.inc_value("news/distributed/refused")
            return None

    # -- when a taken request is done ------------------------------------------------------
    # A listing is done when its download is (its links are in the queue soon after). An article
    # is done only when its item is durable: stored or dead-lettered by a store flush. Until then
    # a dead process's article requests are re-queued by its peers.
    def download_done(self, request, *args, **kwargs):
        if request.meta.get(meta.PAGE_KIND) != meta.ARTICLE:
            self.request_done(request)

    def item_buffered(self, item, response, *args, **kwargs):
        token = response.meta.get(TAKEN)
        if token:
            self.in_buffer.append(token)

    def flush_started(self, *args, **kwargs):
        self.flushing, self.in_buffer = self.in_buffer, []

    def flush_done(self, *args, **kwargs):
        flushed, self.flushing = self.flushing, []
        self.forget_taken(*flushed)

    def request_done(self, request, *args, **kwargs):
        token = request.meta.pop(TAKEN, None)
        if token:
            self.forget_taken(token)

    def forget_taken(self, *tokens: str) -> None:
        """Done with these taken requests. Redis away, they stay in the hash, and a peer may fetch
        them again: a page fetched twice, never one lost."""
        if not tokens:
            return
        try:
            self.server.hdel(self.taken_key(self.owner), *tokens)
        except RedisError as error:
            self.redis_away(error)

    def working(self) -> bool:
        """Whether this process has requests under way: downloading, or answers being parsed (whose
        links are not queued yet). Articles waiting for a store flush are not work of that kind."""
        engine = self.crawler.engine
        parsing = engine.scraper.slot is not None and not engine.scraper.slot.is_idle()
        return bool(engine.downloader.active) or parsing

    def peers_at_work(self) -> bool:
        """Whether a live peer said with its last heartbeat that it has requests under way: their
        answers may queue more. (Unknown while Redis is away: assumed so.)"""
        try:
            for key in self.server.scan_iter(match=f"{self.prefix}:alive:*"):
                if as_text(key) != self.alive_key(self.owner) and as_text(self.server.get(key) or b"") == "1":
                    return True
        except RedisError as error:
            self.redis_away(error)
            return True
        return False

    def rescue_dead_peers(self) -> None:
        for key in self.server.scan_iter(match=f"{self.prefix}:taken:*"):
            owner = key.decode().rsplit(":", 1)[-1] if isinstance(key, bytes) else key.rsplit(":", 1)[-1]
            if owner != self.owner and not self.server.exists(self.alive_key(owner)):
                self.rescue(owner)

    def rescue(self, owner: str) -> None:
        """Put an owner's taken requests back in the queue; HDEL makes each claim exclusive."""
        key = self.taken_key(owner)
        rescued = 0
        for token, data in self.server.hgetall(key).items():
            if self.server.hdel(key, token):
                request = self.decoded(data)
                if request is None:
                    continue
                request.meta.pop(TAKEN, None)
                request.dont_filter = True  # its fingerprint is in the filter already
                self.queue.push(request)
                rescued += 1
        if rescued and owner != self.owner:
            logger.warning("Re-queued %d requests taken by a crawler process that stopped (%s)", rescued, owner)
            if self.stats:
                self.stats.inc_value("news/distributed/rescued", rescued)
