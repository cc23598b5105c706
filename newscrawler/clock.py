"""The crawl's clock: one `now()` for the spider, the store pipeline, the memory of earlier runs and
`scrapy replay`, so that everything a crawl stamps is told on one clock.

It follows MongoDB's clock: at the start of a crawl the memory of earlier runs reads the server's
time, and a machine whose clock is off by more than `NEWS_CLOCK_TOLERANCE` seconds says so with a
WARNING and stamps the server's time instead of its own (a node whose clock ran fast would otherwise
stamp fetches in the future, and a later fetch would look older than it). `NEWS_CLOCK_OFFSET` moves
the clock by as many seconds for a whole crawl and its store alike: a rehearsal of days of scheduled
runs in minutes. Nothing here imports the project.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

logger = logging.getLogger(__name__)


class CrawlClock:
    def __init__(self, offset_s: float = 0.0, tolerance_s: float = 30.0):
        self.offset = timedelta(seconds=offset_s)
        self.tolerance = timedelta(seconds=tolerance_s)
        self.skew = timedelta(0)  # the database's clock minus this machine's, when beyond the tolerance
        self.database_skew = timedelta(0)  # the same, however small (`database_now`)

    @classmethod
    def from_settings(cls, settings) -> "CrawlClock":
        try:
            offset = settings.getfloat("NEWS_CLOCK_OFFSET", 0.0)
        except ValueError:  # settings.py never raises on a bad environment; the crawl says it once
            logger.warning("NEWS_CLOCK_OFFSET is no number of seconds: %r, taken as 0", settings.get("NEWS_CLOCK_OFFSET"))
            offset = 0.0
        return cls(offset, settings.getfloat("NEWS_CLOCK_TOLERANCE", 30.0))

    def now(self) -> datetime:
        return machine_now() + self.skew + self.offset

    def database_now(self) -> datetime:
        """MongoDB's own clock as far as this machine knows it (corrected by the last skew measured,
        however small; no rehearsal offset): to compare with times the database stamps itself
        (`$$NOW`)."""
        return machine_now() + self.database_skew

    def follow(self, server_now: datetime, machine: datetime | None = None) -> timedelta:
        """Take the database's time (`server_now`, read just now) as the crawl's; returns how far
        this machine's clock (`machine`, default: read now) is off, and WARNs when it is off by more
        than the tolerance."""
        machine = machine or machine_now()
        server_now = server_now if server_now.tzinfo else server_now.replace(tzinfo=timezone.utc)
        skew = server_now - machine
        self.database_skew = skew
        if abs(skew) > self.tolerance:
            self.skew = skew
            logger.warning("This machine's clock is %.0f s %s MongoDB's: the crawl stamps MongoDB's time "
                           "(set the machine's clock right: NTP)", abs(skew.total_seconds()),
                           "behind" if skew > timedelta(0) else "ahead of")
        return skew


def machine_now() -> datetime:
    return datetime.now(timezone.utc)


def crawl_clock(crawler) -> CrawlClock:
    """The crawl's one clock, kept on the crawler."""
    clock = getattr(crawler, "news_clock", None)
    if clock is None:
        clock = crawler.news_clock = CrawlClock.from_settings(crawler.settings)
    return clock
