"""Refusals: responses that are no page to parse (a file, a page too large), refused in the
downloader before any callback, each counted under `news/refused/<reason>` with one log line.

A response is judged as what it is once inflated: Scrapy's `HttpCompressionMiddleware` undoes the
`Content-Encoding` before this middleware sees it, and a body that is itself a gzip file (a
`sitemap.xml.gz`, served as `application/x-gzip` or compressed once more on the way) is inflated
here. Sizes are judged on the inflated body.
"""

from __future__ import annotations

import json
import logging
import zlib

from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.responsetypes import responsetypes

from .. import meta
from ..rendering.quirks import NotAPage

logger = logging.getLogger(__name__)

STAT_PREFIX = "news/refused/"
NON_HTML = "non_html"
TOO_LARGE = "too_large"
GZIP_MAGIC = b"\x1f\x8b"
# The sitemap protocol allows 50 MB (uncompressed) per sitemap; feeds are read under the same limit.
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
XML_STEPS = ("sitemap", "feed")


class PageRefused(IgnoreRequest):
    """A response refused by RefusalMiddleware; it has been counted and logged already."""


def looks_like_json(response) -> bool:
    """A body that is JSON, whatever type the server named (many APIs answer `text/plain`)."""
    try:
        json.loads(response.body)
    except ValueError:
        return False
    return True


def refusal_reason(response, expected: str, limit: int, server_bytes: int = 0) -> str | None:
    """Why a response is no page to parse, judged on the inflated body (or, for a render, on the
    `server_bytes` the server sent) and the declared type; a rendered body is the browser's HTML
    whatever the server answered."""
    if max(len(response.body), server_bytes) > limit:
        return TOO_LARGE
    content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
    if expected == "json" and isinstance(response, TextResponse) and looks_like_json(response):
        return None
    if not isinstance(response, TextResponse) or (content_type and expected != "any" and expected not in content_type):
        return NON_HTML if expected == "html" else f"non_{expected}"
    return None


class InflatedTooLarge(ValueError):
    """A gzip file whose content outgrows the limit."""


def gunzip_at_most(data: bytes, limit: int) -> bytes:
    """A gzip file's content; never inflates more than `limit` bytes (a bomb stops there)."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    body = inflater.decompress(data, limit + 1)
    if len(body) > limit:
        raise InflatedTooLarge(limit)
    return body


def inflate_gzip_file(response, limit: int):
    """The response with its body inflated when that body is a gzip file (`.xml.gz`), typed by
    what it holds; any other response (or a body that only starts like one) as it is."""
    if not response.body.startswith(GZIP_MAGIC):
        return response
    try:
        body = gunzip_at_most(response.body, limit)
    except zlib.error:
        return response
    headers = response.headers.copy()
    headers.pop("Content-Type", None)  # `application/x-gzip` names the wrapping, not the document
    url = response.url[:-3] if response.url.endswith(".gz") else response.url
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    kwargs = {"encoding": None} if issubclass(cls, TextResponse) else {}
    return response.replace(cls=cls, body=body, headers=headers, **kwargs)


class RefusalMiddleware:
    """Downloader middleware: refuses non-HTML (or non-JSON) and oversized responses.

    Pages may be `NEWS_MAX_PAGE_BYTES` large (inflated), sitemaps and feeds `NEWS_MAX_SITEMAP_BYTES`.
    Scrapy stops any download, and the inflation of any body, at `DOWNLOAD_MAXSIZE` (a bomb's
    answer is then a failed fetch, with Scrapy's own warning)."""

    def __init__(self, stats, limit: int, sitemap_limit: int = SITEMAP_MAX_BYTES):
        self.stats = stats
        self.limit = limit
        self.sitemap_limit = sitemap_limit

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler.stats, settings.getint("NEWS_MAX_PAGE_BYTES", 10 * 1024 * 1024),
                   settings.getint("NEWS_MAX_SITEMAP_BYTES", SITEMAP_MAX_BYTES))

    def limit_for(self, request) -> int:
        return self.sitemap_limit if request.meta.get(meta.STEP) in XML_STEPS else self.limit

    def process_response(self, request, response):
        if response.status != 200 or meta.PAGE_KIND not in request.meta:
            # Other statuses are for HttpErrorMiddleware and RetryMiddleware; requests that are
            # not the site's pages (robots.txt) for whoever made them.
            return response
        limit = self.limit_for(request)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or "no content type"
        try:
            response = inflate_gzip_file(response, limit)
        except InflatedTooLarge:
            self.refuse(TOO_LARGE, f"{content_type}, a gzip file over {limit} bytes inflated", response.url)
            raise PageRefused(f"{TOO_LARGE}: {response.url}") from None
        reason = refusal_reason(response, request.meta.get(meta.FORMAT, "html"), limit,
                                request.meta.get(meta.SERVER_BYTES, 0))
        if reason is None:
            return response
        size = max(len(response.body), request.meta.get(meta.SERVER_BYTES, 0))
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
