"""Redirects as a reader's browser follows them, through consent and cookie walls.

A site's wall sends the reader to a consent page (on the site, or on another host), which sets a
cookie and sends the reader back where they came from. Scrapy drops that way back: the page it
returns to was requested already (a duplicate), or the consent host is off the site (offsite), both
at DEBUG, and the page is lost without a word. Here (with `COOKIES_ENABLED`, so the consent is kept):

- a redirect back to a URL of its own chain is let through the duplicate filter (the chain is
  still bounded by `REDIRECT_MAX_TIMES`, so a wall that never lets go ends as a failed fetch);
- a hop off the site, within a chain that started on it, is let through the offsite filter; a
  chain that ends off the site is not read (one INFO line, `news/redirect/ended_away`);
- a redirect dropped as a duplicate all the same (it leads to a page fetched before) is said: as
  a WARNING where it ends a start URL, since the crawl then ends early, else at INFO.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

logger = logging.getLogger(__name__)

LEFT_THE_SITE = "news_redirect_left_site"  # meta: a redirect chain that went off the site


class WallPassingRedirectMiddleware(RedirectMiddleware):
    """Scrapy's RedirectMiddleware, letting a consent wall's hops through (see the module's docstring)."""

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        crawler.signals.connect(middleware.redirect_dropped, signal=signals.request_dropped)
        return middleware

    def on_site(self, url: str) -> bool:
        """Whether Scrapy's offsite filter lets the URL through: the crawl's one idea of its site."""
        offsite = self.crawler.get_downloader_middleware(OffsiteMiddleware)
        return offsite is None or offsite.should_follow(Request(url), self.crawler.spider)

    def process_response(self, request, response, spider=None):
        result = super().process_response(request, response)
        if isinstance(result, Request) and result is not request:
            return self.let_through(result)
        if request.meta.get(LEFT_THE_SITE) and not self.on_site(response.url):
            self.crawler.stats.inc_value("news/redirect/ended_away")
            logger.info("Redirected off the site and not back, not read: %s -> %s",
                        request.meta["redirect_urls"][0], response.url)
            raise IgnoreRequest(f"redirected off the site: {response.url}")
        return result

    def let_through(self, redirected: Request) -> Request:
        chain = redirected.meta.get("redirect_urls", [])
        if redirected.url in chain:       # back where the chain has been: a wall's way back
            redirected.dont_filter = True
        if chain and self.on_site(chain[0]) and not self.on_site(redirected.url):
            redirected.meta["allow_offsite"] = True
            redirected.meta[LEFT_THE_SITE] = True
        return redirected

    def redirect_dropped(self, request, spider=None):
        chain = request.meta.get("redirect_urls")
        if not chain:
            return
        starts = set(getattr(self.crawler.spider, "start_urls", ()))
        level = logging.WARNING if chain[0] in starts else logging.INFO
        self.crawler.stats.inc_value("news/redirect/dropped_seen")
        logger.log(level, "Redirect from %s to %s dropped: that page was fetched already, so %s is not read",
                   chain[0], request.url, chain[0])
