"""Hosts that ask us to slow down: a 429 answer, a 503 that names a wait (`Retry-After`), or 503s
that come in a run (nginx's `limit_req` answers 503 by default, and names no wait).

Such an answer slows its host down: the delay kept for it doubles (at least `MIN_SLOWED_DELAY`, at
most `AUTOTHROTTLE_MAX_DELAY`), and PolitenessMiddleware applies it to the host's plain fetches, to
the renders of its pages (which leave through the browser's own slot) and to the calls the app makes
for it. AutoThrottle alone never slows a host down on such answers (it only declines to shorten the
delay), so this delay is a floor it cannot go under. A host quiet for `NEWS_THROTTLE_RECOVERY`
seconds gets half its delay back, and so on until it has none: a crawl that stays for weeks (follow
mode) is not held to one bad hour.
The request is retried after the wait the host named, or after the new delay: the host is held in
the crawl's pace (`newscrawler.pacing`), so nothing leaves for it before then, and the reactor is
never blocked. A "slow down" is no failure of the page: it has a budget of its own
(`NEWS_THROTTLE_RETRIES`) beside `RETRY_TIMES`. Counted under `news/throttled/...`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.utils.httpobj import urlparse_cached

from .. import meta
from ..pacing import PACE
from ..rendering.config import RENDER_SLOT

logger = logging.getLogger(__name__)

STAT_PREFIX = "news/throttled/"
STAT_DELAY = "news/throttled/delay_max"
# A host that refused once gets a request a second at most: nginx's `limit_req` is usually set in
# requests a second, and a delay under the one that was refused would be refused again.
MIN_SLOWED_DELAY = 1.0
# A lone 503 is a server error like a 500 (RetryMiddleware retries it); 503s for several pages that
# are most of a host's last answers are its throttle. Three pages of five answers: a site failing
# one page in twenty never reaches it, nor one page down whose retries follow each other; a rate
# limiter refusing what was in flight reaches it at once.
RUN_LENGTH, RUN_SHARE = 5, 3


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """The wait a `Retry-After` header names: seconds, or an HTTP date (0 for a moment past); None
    when there is none or it cannot be read."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # HTTP dates are GMT
    now = time.time() if now is None else now
    return max(0.0, moment.timestamp() - now)


class ThrottleMiddleware:
    """Downloader middleware: owns "this host asked us to slow down" (see the module's docstring).
    PolitenessMiddleware asks it for each host's delay (`delay_for`)."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_retries = settings.getint("NEWS_THROTTLE_RETRIES", 8)
        self.max_wait = settings.getfloat("NEWS_RETRY_AFTER_MAX", 120.0)
        self.max_delay = max(settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 60.0), settings.getfloat("DOWNLOAD_DELAY", 0))
        self.delays: dict[str, float] = {}          # host -> the delay it asked for
        self.slowed_at: dict[str, float] = {}       # host -> its last "slow down" (monotonic)
        # A crawl that stays (follow mode) would keep a morning's limit for weeks: a host quiet this
        # long gets half its delay back, and again, until it has none (0: kept for the crawl).
        self.recovery = settings.getfloat("NEWS_THROTTLE_RECOVERY", 600.0)
        self.recent: dict[str, deque] = {}          # host -> its last answers: the URL of a 503, else None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def delay_for(self, host: str) -> float:
        delay = self.delays.get(host, 0.0)
        if not delay or self.recovery <= 0:
            return delay
        periods = int((time.monotonic() - self.slowed_at.get(host, 0.0)) // self.recovery)
        if periods:
            delay = self.recover(host, delay, periods)
        return delay

    def recover(self, host: str, delay: float, periods: int) -> float:
        """Halve the delay of a host for each quiet `NEWS_THROTTLE_RECOVERY`; under the floor, none."""
        delay /= 2 ** periods
        if delay < MIN_SLOWED_DELAY:
            del self.delays[host]
            self.slowed_at.pop(host, None)
            logger.info("%s has not asked us to slow down for %g s: back to the crawl's own pace", host,
                        self.recovery * periods)
            return 0.0
        self.delays[host] = delay
        self.slowed_at[host] += periods * self.recovery
        return delay

    async def process_request(self, request):
        host = urlparse_cached(request).hostname or ""
        request.meta[meta.SENT_UNDER_DELAY] = self.delay_for(host)
        if meta.PAGE_KIND not in request.meta:
            # The site's pages wait for a held host in its pace (politeness, the render handler);
            # robots.txt and the like wait here.
            wait = PACE.held_for(host)
            if wait > 0:
                await asyncio.sleep(wait)
        return None

    def process_response(self, request, response):
        if request.meta.get(meta.CHALLENGED):
            return response  # a bot check asks for a browser, not for a slower pace
        host = urlparse_cached(request).hostname or ""
        if not self.asks_to_slow_down(host, request.url, response) or request.meta.get("dont_retry"):
            return response
        status = response.status
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        self.stats.inc_value(f"{STAT_PREFIX}{status}")
        if asked is not None:
            self.stats.inc_value(f"{STAT_PREFIX}retry_after")
        delay = self.slow_down(host, request.meta.get(meta.SENT_UNDER_DELAY, 0.0), status, asked)
        wait = self.wait_for(host, asked, delay)
        PACE.hold(host, wait)
        self.hold_slot(request, wait, delay)
        return self.retry(request, response, status)

    def hold_slot(self, request, wait: float, delay: float) -> None:
        """Requests of the host already queued in its download slot have passed the pace: the slot
        holds them too. Scrapy spaces a slot's requests from `lastseen`, on the monotonic clock.
        (Renders share the browser's slot and wait in the pace as they leave.)"""
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None or key == RENDER_SLOT:
            return
        slot.delay = max(slot.delay, delay)
        slot.lastseen = max(slot.lastseen, time.monotonic() + wait)

    def asks_to_slow_down(self, host: str, url: str, response) -> bool:
        """429 always; 503 when it names a wait, or when 503s for several pages are most of the
        host's last answers."""
        recent = self.recent.setdefault(host, deque(maxlen=RUN_LENGTH))
        recent.append(url if response.status == 503 else None)
        if response.status == 429:
            return True
        if response.status != 503:
            return False
        return b"Retry-After" in response.headers or len(set(recent) - {None}) >= RUN_SHARE

    def slow_down(self, host: str, sent_under: float, status: int, asked: float | None) -> float:
        """The host's delay from now on: doubled, unless the request left before the last slow-down
        (requests in flight together answer one limit, not one each)."""
        current = self.delay_for(host)
        self.slowed_at[host] = time.monotonic()
        if sent_under < current:
            return current
        delay = min(self.max_delay, max(2 * current, MIN_SLOWED_DELAY))
        if delay > current:
            self.delays[host] = delay
            self.stats.max_value(STAT_DELAY, delay)
            named = f", Retry-After {asked:g} s" if asked is not None else ""
            logger.info("%s asked us to slow down (%s%s): one request every %g s from now on", host, status,
                        named, delay)
        return delay

    def wait_for(self, host: str, asked: float | None, delay: float) -> float:
        """How long the host is held: the wait it named (at most `NEWS_RETRY_AFTER_MAX`), else its delay."""
        if asked is None:
            return delay
        if asked > self.max_wait:
            logger.warning("%s asks for %g s before the next request: waiting NEWS_RETRY_AFTER_MAX (%g s)",
                           host, asked, self.max_wait)
            return self.max_wait
        return asked

    def retry(self, request, response, status: int):
        """The request again (it leaves once the host is free), or the answer when the budget is spent."""
        times = request.meta.get(meta.THROTTLED_TIMES, 0) + 1
        if times > self.max_retries:
            self.stats.inc_value(f"{STAT_PREFIX}gave_up")
            logger.warning("Gave up after %d answers of %s asking us to slow down: %s", times, status,
                           request.url)
            request.meta["dont_retry"] = True  # RetryMiddleware would send it again at once
            return response
        retry = request.replace(dont_filter=True)
        retry.meta[meta.THROTTLED_TIMES] = times
        return retry
