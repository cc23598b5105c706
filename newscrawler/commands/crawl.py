"""`scrapy crawl`, checking first what the crawl is for: a site (`NEWS_SITE_PROFILE`) or zone
(`NEWS_SITE_TIMEZONE`) that names nothing ends the command at once with one line that names the
setting and the choices (exit code 2), before any crawler, browser or database is started; so does
a download handler the crawl cannot work with (Scrapy's HTTP/2 handler). Scrapyd runs this same
command, so a scheduled job fails the same way."""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

from ..rendering.config import HandlerConfigError, check_download_handlers
from ..sites import SiteConfigError, configured_site


class Command(ScrapyCrawl):
    def run(self, args, opts):
        try:
            configured_site(self.settings)
            check_download_handlers(self.settings)
        except (SiteConfigError, HandlerConfigError) as error:
            print(f"newscrawler: {error}", file=sys.stderr)
            self.exitcode = 2
            return
        super().run(args, opts)
