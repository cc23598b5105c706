"""Add-ons (Scrapy's `ADDONS`): features that swap handlers, slots or schedulers configure Scrapy
here, from settings, at add-on priority (a `-s` on the command line still wins)."""

from __future__ import annotations

from .rendering.config import HANDLER, PLAIN_HANDLER, RenderConfig, check_download_handlers
from .sites import configured_site

# Where the crawled site goes in the keys of a distributed crawl (newscrawler.distributed.site_in_keys).
SITE_IN_KEYS = "{site}"


class RenderingAddon:
    """Renders with scrapy-playwright (unless `NEWS_RENDER_RELATED` is off): its download handler for
    http(s), a download slot sized to the browser, and every `PLAYWRIGHT_*` setting from one
    `RenderConfig`, made here once per crawl and kept on the crawler (`render_config(crawler)`).
    Requests that do not ask for the browser still use Scrapy's own HTTP download, cut when it
    receives nothing for `DOWNLOAD_TIMEOUT` (newscrawler.rendering.idle), with rendering off too."""

    def __init__(self, crawler=None):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def update_settings(self, settings) -> None:
        zone = configured_site(settings).zone  # a bad name or zone: SiteConfigError, never a silent UTC
        check_download_handlers(settings)  # Scrapy's HTTP/2 handler would take over renders: refused
        config = RenderConfig.from_settings(settings, zone.key if zone else None)
        if self.crawler is not None:
            self.crawler.news_render = config
        if not config.enabled:
            if settings.getbool("TWISTED_REACTOR_ENABLED"):  # Scrapy's HTTP/1.1 download needs Twisted
                for scheme in ("http", "https"):
                    settings["DOWNLOAD_HANDLERS"].set(scheme, PLAIN_HANDLER, priority="addon")
            return
        for name, value in config.playwright_settings().items():
            settings.set(name, value, priority="addon")
        # Component dictionaries are updated in place, as Scrapy's add-on docs do: a project that
        # defines its own keeps them.
        for name, value in config.download_slots({}).items():
            settings["DOWNLOAD_SLOTS"].set(name, value, priority="addon")
        for scheme in ("http", "https"):
            settings["DOWNLOAD_HANDLERS"].set(scheme, HANDLER, priority="addon")


class DistributedAddon:
    """Several processes share one frontier in Redis when `REDIS_URL` is set (newscrawler.distributed)."""

    def update_settings(self, settings) -> None:
        if not settings.get("REDIS_URL"):
            return
        # Keys name the site too (its profile and its first host, filled in by the scheduler once
        # the spider knows them): two sites crawled under one id never share a queue.
        crawl_id = f"{SITE_IN_KEYS}:{settings.get('NEWS_CRAWL_ID') or 'default'}"
        settings["EXTENSIONS"].set("newscrawler.extensions.WaitForPeers", 910, priority="addon")
        values = {
            "SCHEDULER": "newscrawler.distributed.SharedScheduler",
            "SCHEDULER_DUPEFILTER_CLASS": "newscrawler.distributed.ArticleDupeFilter",
            "DUPEFILTER_CLASS": "newscrawler.distributed.ArticleDupeFilter",
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
            # JSON, not scrapy-redis's default pickle: data in Redis must never be able to run code.
            "SCHEDULER_SERIALIZER": "newscrawler.redis_serializer",
            "SCHEDULER_QUEUE_KEY": f"%(spider)s:{crawl_id}:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"%(spider)s:{crawl_id}:dupefilter",
            # The frontier belongs to the crawl, not to one process: a process that finishes first
            # must not flush what the others still work on.
            "SCHEDULER_PERSIST": True,
        }
        for name, value in values.items():
            settings.set(name, value, priority="addon")
