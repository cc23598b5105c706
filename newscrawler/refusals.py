"""Refusals: responses that are no page to parse (a file, a page too large), refused in the
downloader before any callback, each counted under `news/refused/<reason>` with one log line."""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse

from . import meta
from .rendering.quirks import NotAPage

logger = logging.getLogger(__name__)

STAT_PREFIX = "news/refused/"
NON_HTML = "non_html"
TOO_LARGE = "too_large"


class PageRefused(IgnoreRequest):
    """A response refused by RefusalMiddleware; it has been counted and logged already."""


def refusal_reason(response, expected: str, limit: int) -> str | None:
    """Why a response is no page to parse; judged on what the server sent (headers), since a
    rendered body is the browser's HTML whatever the server answered."""
    content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
    if not isinstance(response, TextResponse) or (content_type and expected != "any" and expected not in content_type):
        return NON_HTML if expected == "html" else f"non_{expected}"
    declared = response.headers.get("Content-Length", b"0").decode("latin-1")
    if len(response.body) > limit or (declared.isdigit() and int(declared) > limit):
        return TOO_LARGE
    return None


class RefusalMiddleware:
    """Downloader middleware: refuses non-HTML and oversized pages (`NEWS_MAX_PAGE_BYTES`)."""

    def __init__(self, stats, limit: int):
        self.stats = stats
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, crawler.settings.getint("NEWS_MAX_PAGE_BYTES", 2_000_000))

    def process_response(self, request, response):
        if response.status != 200 or meta.PAGE_KIND not in request.meta:
            # Other statuses are for HttpErrorMiddleware and RetryMiddleware; requests that are
            # not the site's pages (robots.txt) for whoever made them.
            return response
        reason = refusal_reason(response, request.meta.get(meta.FORMAT, "html"), self.limit)
        if reason is None:
            return response
        headers = response.headers
        content_type = headers.get("Content-Type", b"").decode("latin-1") or "no content type"
        size = headers.get("Content-Length", b"").decode("latin-1") or str(len(response.body))
        self.refuse(reason, f"{content_type}, {size} bytes", response.url)
        raise PageRefused(f"{reason}: {response.url}")

    def process_exception(self, request, exception):
        if isinstance(exception, NotAPage) and meta.PAGE_KIND in request.meta:
            self.refuse(NON_HTML, "a file to download", request.url)
            raise PageRefused(f"{NON_HTML}: {request.url}")
        return None

    def refuse(self, reason: str, what: str, url: str) -> None:
        self.stats.inc_value(STAT_PREFIX + reason)
        logger.warning("Page refused (%s: %s): %s", reason, what, url)
