"""`scrapy crawl`, checking first what the crawl is for: a site (`NEWS_SITE_PROFILE`) or zone
(`NEWS_SITE_TIMEZONE`) that names nothing ends the command at once with one line that names the
setting and the choices (exit code 2), before any crawler, browser or database is started; so does
a download handler the crawl cannot work with (Scrapy's HTTP/2 handler). Scrapyd runs this same
command, so a scheduled job fails the same way.

A crawl that lost what it held (articles neither MongoDB nor the dead-letter file took, requests the
shared frontier could not take back) or ended itself as failed (stalled, its shared frontier lost)
exits 1: cron, systemd and Scrapyd's callers see it without reading the log."""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

from ..extensions import crawl_failed
from ..rendering.config import HandlerConfigError, check_download_handlers
from ..sites import SiteConfigError, configured_site


class Command(ScrapyCrawl):
    crawler = None

    def _create_crawler(self, spidercls):
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler

    def run(self, args, opts):
        try:
            configured_site(self.settings)
            check_download_handlers(self.settings)
        except (SiteConfigError, HandlerConfigError) as error:
            print(f"newscrawler: {error}", file=sys.stderr)
            self.exitcode = 2
            return
        super().run(args, opts)
        if self.crawler is not None and self.crawler.stats and crawl_failed(self.crawler.stats.get_stats()):
            self.exitcode = self.exitcode or 1
