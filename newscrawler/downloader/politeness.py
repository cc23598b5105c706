"""Politeness: one pace per host for plain fetches, renders and an app's own calls alike.

Renders go through a download slot of their own (`RENDER_SLOT`, sized to the browser), which on its
own would ignore the site's limits: its delay is set here, before each render leaves, to the
largest of `DOWNLOAD_DELAY`, the site's robots.txt `Crawl-delay` and the delay AutoThrottle keeps
for the site's hosts from their plain fetches (a render's own time is our scrolling and waiting,
not the site's latency, so AutoThrottle does not measure renders themselves). Plain fetches get the
robots.txt `Crawl-delay` too, which Scrapy alone does not apply. On top of the slots, every request
takes its turn in one pace per host (`newscrawler.pacing`), shared by every process of a distributed
crawl: a render and a plain fetch of the same host, the page's own scripts and data calls, or two
processes, are never two streams each at the delay. A
host that asked us to slow down (429, 503: `newscrawler.downloader.throttling`) keeps the delay it asked for,
renders of its pages included. The largest delay applied is the stat `news/politeness/delay_max`.
"""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached

from .. import meta
from ..pacing import PACE
from ..rendering.config import RENDER_SLOT
from .throttling import ThrottleMiddleware

logger = logging.getLogger(__name__)
STAT_DELAY_MAX = "news/politeness/delay_max"


class PolitenessMiddleware:
    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.download_delay = settings.getfloat("DOWNLOAD_DELAY", 0)
        self.obey_robots = settings.getbool("ROBOTSTXT_OBEY")
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or "*"
        self.crawl_delays: dict[str, float] = {}
        self.robots: RobotsTxtMiddleware | None = None
        self.throttle: ThrottleMiddleware | None = None
        self.paced_by_handler = settings.getbool("NEWS_RENDER_RELATED", True)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        if meta.PAGE_KIND not in request.meta:
            return None  # robots.txt and the like
        host = urlparse_cached(request).hostname or ""
        site_hosts = {host, *getattr(self.crawler.spider, "allowed_domains", ())}
        delay = max(self.download_delay, await self.crawl_delay(request, host), self.asked_delay(host))
        slots = self.crawler.engine.downloader.slots
        if request.meta.get("download_slot") == RENDER_SLOT:
            delay = max([delay] + [slots[h].delay for h in site_hosts if h in slots]
                        + [self.asked_delay(h) for h in site_hosts])
            if RENDER_SLOT in slots:
                slots[RENDER_SLOT].delay = delay
        elif host in slots and slots[host].delay < delay:
            slots[host].delay = delay  # AutoThrottle may have shortened it: the floor comes back
        self.crawler.stats.max_value(STAT_DELAY_MAX, delay)
        for name in site_hosts:
            # This crawl's delay for its hosts, the app's API host included; a host that asked for
            # more keeps that.
            PACE.set_delay(name, max(delay, self.asked_delay(name)))
        # With rendering on, the download handler makes every request take its turn as it leaves;
        # without it, the turn is taken here.
        if not self.paced_by_handler and await PACE.wait_turn(host):
            self.crawler.stats.inc_value("news/politeness/waited")
        return None

    def asked_delay(self, host: str) -> float:
        """The delay the host asked for by answering "slow down" (newscrawler.downloader.throttling)."""
        if self.throttle is None:
            self.throttle = self.crawler.get_downloader_middleware(ThrottleMiddleware)
        return self.throttle.delay_for(host) if self.throttle else 0.0

    async def crawl_delay(self, request, host: str) -> float:
        """The site's robots.txt `Crawl-delay` for our user agent (read once per host)."""
        if not self.obey_robots or request.meta.get("dont_obey_robotstxt"):
            return 0.0
        if host not in self.crawl_delays:
            self.robots = self.robots or self.crawler.get_downloader_middleware(RobotsTxtMiddleware)
            parser = await self.robots.robot_parser(request) if self.robots else None
            self.crawl_delays[host] = float(parser.crawl_delay(self.user_agent) or 0) if parser else 0.0
            if self.crawl_delays[host]:
                logger.info("robots.txt of %s asks for %gs between requests: renders and fetches keep to it",
                            host, self.crawl_delays[host])
        return self.crawl_delays[host]
